using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Data.Sqlite;

namespace Kefu.Platform.Database;

/// <summary>
/// Copies SQLite's WAL into the database file in the background (decision 0028), instead of the writer whose commit
/// crosses 1,000 WAL pages doing it inline (with two fsyncs) while every other writer waits on the write gate.
/// <list type="bullet">
/// <item>Each round runs a PASSIVE checkpoint on a connection of its own: it never blocks writers or readers. When the
/// WAL is fully copied, the next writer starts it over from the beginning, so its file stops growing.</item>
/// <item>Writes that never pause may keep every passive round from finishing, and a reader still using an older
/// snapshot keeps the next writer from starting the WAL over even after a round finished. So once the WAL holds
/// <see cref="SqliteCheckpointOptions.RestartPages"/> the checkpointer runs RESTART under the write gate: no writer
/// appends meanwhile, only the pages written since the last round are left to copy, and it waits for the readers of
/// old snapshots (at most <see cref="SqliteCheckpointOptions.BusyTimeoutMs"/>; after giving up, not again for 5 s, so
/// a long reader does not starve the writers). Past <see cref="SqliteCheckpointOptions.TruncatePages"/> it uses
/// TRUNCATE, which also cuts the file back. The WAL is thus bounded whatever the write load.</item>
/// <item>On shutdown (after the modules' background writers stopped) a last TRUNCATE checkpoint leaves an empty WAL.</item>
/// </list>
/// Durability is unchanged: a commit is in the WAL either way; a checkpoint only moves committed pages.
/// </summary>
public sealed class SqliteCheckpointer : BackgroundService
{
    /// <summary>After a forced checkpoint gave up on a reader, the next one waits this long.</summary>
    private static readonly TimeSpan ForcedBackoff = TimeSpan.FromSeconds(5);
    private readonly string _connectionString;
    private readonly SqliteCheckpointOptions _options;
    private readonly WriteGate _gate;
    private readonly ILogger<SqliteCheckpointer> _log;
    private readonly Histogram<double>? _duration;
    private long _rounds, _forced, _truncated, _gaveUp;
    private int _maxWalPages;
    private double _maxMs;

    public SqliteCheckpointer(string connectionString, SqliteCheckpointOptions options, WriteGate gate,
        ILogger<SqliteCheckpointer> log, IMeterFactory? meters = null)
    {
        _connectionString = new SqliteConnectionStringBuilder(connectionString) { Pooling = false }.ToString();
        _options = options;
        _gate = gate;
        _log = log;
        _duration = meters?.Create("Kefu").CreateHistogram<double>("kefu_db_checkpoint_seconds", "s",
            "Time of a background SQLite WAL checkpoint (passive ones run beside writers; forced ones hold the write gate).");
    }

    /// <summary>What the checkpointer did since start (diagnostics, tests and the bench).</summary>
    public CheckpointStats Stats => new(Interlocked.Read(ref _rounds), Interlocked.Read(ref _forced), Interlocked.Read(ref _truncated),
        Interlocked.Read(ref _gaveUp), Volatile.Read(ref _maxWalPages), Volatile.Read(ref _maxMs));

    /// <summary>Forgets the maxima (the bench reads them per phase).</summary>
    public void ResetMaxima()
    {
        Volatile.Write(ref _maxWalPages, 0);
        Volatile.Write(ref _maxMs, 0);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using var connection = await OpenAsync(stoppingToken);
        long nextForced = 0;
        CheckpointResult? restarted = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            var delay = TimeSpan.FromMilliseconds(_options.IntervalMs);
            try
            {
                var r = await CheckpointAsync(connection, "PASSIVE", stoppingToken);
                // The WAL has not been started over for a while: a round was always behind (writes never paused), or
                // the restart failed because a reader still used an older snapshot. RESTART under the gate: no
                // writer appends, the last pages are copied, and it waits (≤ BusyTimeoutMs) for the readers of old
                // snapshots to finish, so the next writer starts the WAL from its beginning. Past TruncatePages the
                // file is also cut back to zero. After a round that gave up on a reader, writers are left alone for 5 s.
                // (Not again while nothing was written since a RESTART that succeeded: the next writer restarts.)
                if (r.Log >= _options.RestartPages && Stopwatch.GetTimestamp() >= nextForced && r != restarted)
                {
                    r = await ForcedAsync(connection, r.Log >= _options.TruncatePages ? "TRUNCATE" : "RESTART", stoppingToken);
                    if (r.Busy) nextForced = Stopwatch.GetTimestamp() + (long)(ForcedBackoff.TotalSeconds * Stopwatch.Frequency);
                    else restarted = r;
                }
                // Behind (writes went on while it copied): try again soon, in the next pause between writes.
                if (r.Checkpointed < r.Log) delay = TimeSpan.FromMilliseconds(Math.Min(100, _options.IntervalMs));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { break; }
            catch (Exception ex) when (ex is SqliteException or InvalidOperationException)
            {
                _log.LogWarning(ex, "SQLite checkpoint failed; retrying in {Delay}", delay);
            }
            try { await Task.Delay(delay, stoppingToken); }
            catch (OperationCanceledException) { break; }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // The modules' writers stopped before us (hosted services stop in reverse order of registration).
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            var r = await ForcedAsync(connection, "TRUNCATE", cancellationToken);
            if (r.Busy) _log.LogWarning("Final SQLite checkpoint could not truncate the WAL (readers still open); SQLite finishes it when the last connection closes");
        }
        catch (Exception ex) when (ex is SqliteException or OperationCanceledException or InvalidOperationException)
        {
            _log.LogWarning(ex, "Final SQLite checkpoint failed; the WAL is replayed at the next start");
        }
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        await using var cmd = connection.CreateCommand();
        // Used only by TRUNCATE (PASSIVE never waits): how long it waits for readers.
        cmd.CommandText = $"PRAGMA busy_timeout={Math.Max(0, _options.BusyTimeoutMs)};";
        await cmd.ExecuteNonQueryAsync(ct);
        return connection;
    }

    /// <summary>A checkpoint that no writer can overtake: it holds the write gate.</summary>
    private async Task<CheckpointResult> ForcedAsync(SqliteConnection connection, string mode, CancellationToken ct)
    {
        using var _ = await _gate.EnterAsync(ct);
        Interlocked.Increment(ref _forced);
        var r = await CheckpointAsync(connection, mode, ct);
        if (mode == "TRUNCATE" && !r.Busy) Interlocked.Increment(ref _truncated);
        if (r.Busy) Interlocked.Increment(ref _gaveUp);
        return r;
    }

    private async Task<CheckpointResult> CheckpointAsync(SqliteConnection connection, string mode, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = $"PRAGMA wal_checkpoint({mode});";
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return new(false, 0, 0);
        // busy, frames in the WAL, frames copied into the database (-1, -1 when not in WAL mode).
        var r = new CheckpointResult(reader.GetInt32(0) != 0, reader.GetInt32(1), reader.GetInt32(2));
        var elapsed = Stopwatch.GetElapsedTime(start);
        _duration?.Record(elapsed.TotalSeconds);
        Interlocked.Increment(ref _rounds);
        if (r.Log > Volatile.Read(ref _maxWalPages)) Volatile.Write(ref _maxWalPages, r.Log);
        if (elapsed.TotalMilliseconds > Volatile.Read(ref _maxMs)) Volatile.Write(ref _maxMs, elapsed.TotalMilliseconds);
        return r;
    }

    private readonly record struct CheckpointResult(bool Busy, int Log, int Checkpointed);
}

/// <summary>Checkpoints run, how many held the write gate, how many truncated the WAL, how many forced ones gave up
/// waiting for a reader; the largest WAL seen (pages)
/// and the longest checkpoint (ms) since start or the last <see cref="SqliteCheckpointer.ResetMaxima"/>.</summary>
public readonly record struct CheckpointStats(long Rounds, long Forced, long Truncated, long GaveUp, int MaxWalPages, double MaxMs);
