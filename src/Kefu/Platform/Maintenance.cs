using Kefu.Platform.Database;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Platform;

/// <summary>Hourly clean-up of bookkeeping rows: idempotency keys after 24 hours, delivered events and their
/// receipts after 7 days. Deletes are idempotent, so running on several nodes at once is harmless.</summary>
public sealed class Maintenance(IServiceScopeFactory scopes, TimeProvider time, ILogger<Maintenance> log) : BackgroundService
{
    public static readonly TimeSpan IdempotencyWindow = TimeSpan.FromHours(24);
    public static readonly TimeSpan EventRetention = TimeSpan.FromDays(7);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), time);
        do
        {
            try { await RunOnceAsync(stoppingToken); }
            catch (Exception ex) when (ex is not OperationCanceledException) { log.LogError(ex, "Maintenance failed"); }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDb>();
        var gate = scope.ServiceProvider.GetRequiredService<WriteGate>();
        var now = time.UtcNow();
        var keysBefore = now - IdempotencyWindow;
        var eventsBefore = now - EventRetention;
        using (await gate.EnterAsync(ct))
        {
            var keys = await db.IdempotencyRecords.Where(r => r.CreatedAt < keysBefore).ExecuteDeleteAsync(ct);
            var receipts = await db.EventReceipts.Where(r => r.HandledAt < eventsBefore).ExecuteDeleteAsync(ct);
            var events = await db.Outbox.Where(m => m.DispatchedAt != null && m.DispatchedAt < eventsBefore).ExecuteDeleteAsync(ct);
            if (keys + receipts + events > 0)
                log.LogInformation("Maintenance removed {Keys} idempotency keys, {Events} events, {Receipts} receipts", keys, events, receipts);
        }
    }
}
