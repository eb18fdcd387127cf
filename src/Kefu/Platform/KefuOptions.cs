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
}

public sealed class DatabaseOptions
{
    /// <summary>Sqlite (embedded default) or Postgres.</summary>
    public string Provider { get; set; } = "Sqlite";
    public string? ConnectionString { get; set; }
    public bool IsPostgres => string.Equals(Provider, "Postgres", StringComparison.OrdinalIgnoreCase)
        || string.Equals(Provider, "PostgreSQL", StringComparison.OrdinalIgnoreCase);
}

public sealed class AttachmentOptions
{
    public long MaxBytes { get; set; } = 20 * 1024 * 1024;
}
