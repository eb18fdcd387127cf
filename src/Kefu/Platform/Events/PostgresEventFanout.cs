using Kefu.Platform.Database;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Kefu.Platform.Events;

/// <summary>
/// Observers on every node (PostgreSQL, several nodes; decision 0035). A node's dispatcher delivers an event once for
/// the whole cluster, but the screens to refresh are connected to any node. After running the observers of a batch,
/// the dispatcher announces the observed events' outbox ids on the <c>kefu_events</c> channel (NOTIFY); every other
/// node LISTENs, reads those rows and runs its own observers. Like observers themselves this is best effort: a node
/// whose listening connection is down misses announcements until it reconnects (its screens catch up on their next
/// load, as after a reconnect).
/// </summary>
public sealed class PostgresEventFanout(
    string connectionString, IServiceScopeFactory scopes, EventObservers observers, TimeProvider time,
    ILogger<PostgresEventFanout> log) : BackgroundService
{
    public const string Channel = "kefu_events";
    /// <summary>NOTIFY payloads must stay under 8,000 bytes: 300 ids of up to 19 digits fit with room to spare.</summary>
    private const int IdsPerNotice = 300;
    private readonly string _node = Guid.NewGuid().ToString("N");
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    /// <summary>Wait before reconnecting: doubles per failure up to 30 s, back to 1 s once a connection listens again.</summary>
    private TimeSpan _retry = TimeSpan.FromSeconds(1);

    /// <summary>Completes once this node listens (tests; a node announces whether or not others listen).</summary>
    public Task Listening => _listening.Task;

    /// <summary>Tells the other nodes which committed events to show their screens.</summary>
    public async Task AnnounceAsync(IReadOnlyList<long> eventIds, CancellationToken ct)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(ct);
            foreach (var chunk in eventIds.Chunk(IdsPerNotice))
            {
                await using var cmd = new NpgsqlCommand("SELECT pg_notify(@channel, @payload)", connection);
                cmd.Parameters.AddWithValue("channel", Channel);
                cmd.Parameters.AddWithValue("payload", _node + ":" + string.Join(',', chunk));
                await cmd.ExecuteNonQueryAsync(ct);
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            log.LogWarning(ex, "Could not announce {Count} event(s) to the other nodes; their screens refresh on next load", eventIds.Count);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { break; }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or System.IO.IOException or TimeoutException)
            {
                log.LogWarning(ex, "Listening for other nodes' events failed; reconnecting in {Delay}", _retry);
                try { await Task.Delay(_retry, time, stoppingToken); } catch (OperationCanceledException) { break; }
                _retry = TimeSpan.FromSeconds(Math.Min(30, _retry.TotalSeconds * 2));
            }
        }
    }

    private async Task ListenAsync(CancellationToken ct)
    {
        // Keepalive: a connection silently dropped by the network is noticed and replaced.
        var cs = new NpgsqlConnectionStringBuilder(connectionString) { KeepAlive = 30, Pooling = false }.ToString();
        await using var connection = new NpgsqlConnection(cs);
        await connection.OpenAsync(ct);
        var received = new List<string>();
        connection.Notification += (_, args) => received.Add(args.Payload);
        await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection)) await listen.ExecuteNonQueryAsync(ct);
        _listening.TrySetResult();
        _retry = TimeSpan.FromSeconds(1);
        while (true)
        {
            await connection.WaitAsync(ct); // raises Notification on this thread before it returns
            var ids = new List<long>();
            foreach (var payload in received)
            {
                var colon = payload.IndexOf(':');
                if (colon < 0 || payload.AsSpan(0, colon).SequenceEqual(_node)) continue; // our own announcement
                foreach (var id in payload[(colon + 1)..].Split(',')) if (long.TryParse(id, out var v)) ids.Add(v);
            }
            received.Clear();
            if (ids.Count > 0) await ObserveAsync(ids, ct);
        }
    }

    private async Task ObserveAsync(List<long> ids, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDb>();
        var rows = await db.Outbox.AsNoTracking().Where(m => ids.Contains(m.Id)).OrderBy(m => m.Id).ToListAsync(ct);
        foreach (var row in rows)
        {
            if (observers.Read(row) is var (e, type)) observers.Run(e, type, new EventContext(row.Id, row.OccurredAt));
        }
    }
}
