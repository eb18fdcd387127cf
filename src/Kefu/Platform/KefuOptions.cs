namespace Kefu.Platform;

/// <summary>Settings bound from the "Kefu" section; KEFU_* environment variables map onto it (see PlatformModule).</summary>
public sealed class KefuOptions
{
    public string DataDir { get; set; } = "data";
    public bool Demo { get; set; } = true;
    public string? BootstrapApiToken { get; set; }
    public string? AdminPassword { get; set; }
    public string DefaultTimeZone { get; set; } = "Asia/Shanghai";
    /// <summary>The address users open Kefu at (https://kefu.example.com), for links in mail. When unset, the
    /// request's own scheme and host are used — set it behind a proxy or where the Host header is not trusted.</summary>
    public string? PublicUrl { get; set; }
    public DatabaseOptions Database { get; set; } = new();
    public AttachmentOptions Attachments { get; set; } = new();
    public HttpOptions Http { get; set; } = new();
}

public sealed class HttpOptions
{
    /// <summary>Reverse proxies whose X-Forwarded-For/-Proto are believed: addresses or CIDR networks, comma-separated
    /// (e.g. "10.0.0.5,172.16.0.0/12"). Unset: loopback only.</summary>
    public string? TrustedProxies { get; set; }
    /// <summary>Who may read the Prometheus metrics at /metrics: addresses or CIDR networks, comma-separated, seen after
    /// the trusted proxies are unwrapped. Unset: loopback only (a scraper on the same host or through an SSH tunnel).</summary>
    public string? MetricsAllowedFrom { get; set; }
}

public sealed class DatabaseOptions
{
    /// <summary>Sqlite (embedded default) or Postgres.</summary>
    public string Provider { get; set; } = "Sqlite";
    public string? ConnectionString { get; set; }
    public bool IsPostgres => string.Equals(Provider, "Postgres", StringComparison.OrdinalIgnoreCase)
        || string.Equals(Provider, "PostgreSQL", StringComparison.OrdinalIgnoreCase);
    /// <summary>SQLite WAL checkpoints (decision 0028).</summary>
    public SqliteCheckpointOptions Checkpoint { get; set; } = new();
}

/// <summary>
/// SQLite WAL checkpoints (decision 0028): by default no writer checkpoints inline at commit; a background
/// checkpointer copies the WAL into the database file. <see cref="Background"/> = false restores SQLite's own
/// auto-checkpoint (every 1,000 pages, run by the committing writer).
/// </summary>
public sealed class SqliteCheckpointOptions
{
    public bool Background { get; set; } = true;
    /// <summary>How often the checkpointer looks at the WAL when it is caught up.</summary>
    public int IntervalMs { get; set; } = 1000;
    /// <summary>WAL size (pages) from which the checkpointer briefly holds the write gate to finish a checkpoint, so
    /// the next writer starts the WAL over (needed when writes never pause long enough for a passive one to end).</summary>
    public int RestartPages { get; set; } = 4000;
    /// <summary>WAL size (pages) from which it checkpoints with TRUNCATE under the write gate, waiting for readers
    /// (the WAL could not be restarted because readers kept old snapshots).</summary>
    public int TruncatePages { get; set; } = 16000;
    /// <summary>How long a TRUNCATE checkpoint (holding the write gate) waits for readers before giving up for 5 s.</summary>
    public int BusyTimeoutMs { get; set; } = 200;
}

public sealed class AttachmentOptions
{
    public long MaxBytes { get; set; } = 20 * 1024 * 1024;
    /// <summary>How often uploads never attached to a message are looked for, in minutes (0: never); decision 0062.</summary>
    public int SweepIntervalMinutes { get; set; } = 60;
    /// <summary>Age in hours from which an upload not attached to a message is deleted (row and file).</summary>
    public double OrphanAgeHours { get; set; } = 24;
}
