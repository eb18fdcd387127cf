using System.Diagnostics.Metrics;
using System.Text.Json;
using Kefu.Platform.Database;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Platform.Events;

/// <summary>
/// Delivers outbox rows to in-process handlers, at least once, in id order. Each handler runs in its own scope and
/// transaction together with its receipt, so a crash between handlers re-runs only the ones that did not finish.
/// On shutdown it drains what is already committed before the host stops.
/// </summary>
public sealed class OutboxDispatcher(
    IServiceScopeFactory scopes, IServiceProvider services, EventRegistry registry, OutboxSignal signal, TimeProvider time,
    ILogger<OutboxDispatcher> log, IMeterFactory meters) : BackgroundService
{
    private const int BatchSize = 200;
    private const int MaxAttempts = 10;
    private static readonly TimeSpan CoalesceDelay = TimeSpan.FromMilliseconds(50);
    private readonly Counter<long> _delivered = meters.Create("Kefu").CreateCounter<long>("kefu_events_dispatched");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await DispatchBatchAsync(stoppingToken) > 0) continue;
                // Woken by a commit: wait a moment so one read and one update cover a burst of commits.
                if (await signal.WaitAsync(TimeSpan.FromSeconds(2), stoppingToken))
                    await Task.Delay(CoalesceDelay, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { break; }
            catch (Exception ex)
            {
                log.LogError(ex, "Outbox dispatch failed; retrying");
                try { await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken); } catch (OperationCanceledException) { break; }
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // Graceful shutdown: deliver what is already committed, within the host's shutdown timeout.
        try { while (await DispatchBatchAsync(cancellationToken) > 0) { } }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            log.LogWarning("Shutdown reached before the outbox was drained; the rest is delivered on next start");
        }
    }

    /// <summary>Dispatches one batch; returns how many events it completed. Public for tests and tools.</summary>
    public async Task<int> DispatchBatchAsync(CancellationToken ct)
    {
        List<OutboxMessage> batch;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<KefuDb>();
            var now = time.UtcNow();
            batch = await db.Outbox.AsNoTracking()
                .Where(m => m.DispatchedAt == null && (m.NextAttemptAt == null || m.NextAttemptAt <= now) && m.Attempts < MaxAttempts)
                .OrderBy(m => m.Id).Take(BatchSize).ToListAsync(ct);
        }
        var delivered = new List<long>();
        var failed = new List<(OutboxMessage Message, string Error)>();
        foreach (var message in batch)
        {
            if (await DeliverAsync(message, ct) is { } error) failed.Add((message, error));
            else delivered.Add(message.Id);
        }
        if (batch.Count > 0) await RecordOutcomeAsync(delivered, failed, ct);
        _delivered.Add(delivered.Count);
        return delivered.Count;
    }

    /// <summary>Runs every handler of one event; returns the first failure, or null when all succeeded.</summary>
    private async Task<string?> DeliverAsync(OutboxMessage message, CancellationToken ct)
    {
        if (!registry.EventTypes.TryGetValue(message.Type, out var type))
        {
            log.LogWarning("Unknown event type {Type} in outbox row {Id}; marking dispatched", message.Type, message.Id);
            return null;
        }
        string? error = null;
        var e = (IDomainEvent)JsonSerializer.Deserialize(message.Payload, type, KefuJson.Stored)!;
        var context = new EventContext(message.Id, message.OccurredAt);
        foreach (var observerType in registry.Observers.GetValueOrDefault(type, []))
        {
            try
            {
                var observer = services.GetRequiredService(observerType);
                var method = typeof(IEventObserver<>).MakeGenericType(type).GetMethod("OnEvent")!;
                method.Invoke(observer, [e, context]);
            }
            catch (Exception ex) { log.LogWarning(ex, "Observer {Observer} failed for event {EventId}", observerType.Name, message.Id); }
        }
        foreach (var handlerType in registry.Handlers.GetValueOrDefault(type, []))
        {
            try { await RunHandlerAsync(handlerType, type, e, context, ct); }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.LogError(ex, "Handler {Handler} failed for event {EventId} ({Type})", handlerType.Name, message.Id, message.Type);
                error ??= $"{handlerType.Name}: {ex.Message}";
            }
        }
        return error;
    }

    /// <summary>Marks a batch's delivered rows in one statement; failed rows get a back-off.</summary>
    private async Task RecordOutcomeAsync(List<long> delivered, List<(OutboxMessage Message, string Error)> failed, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDb>();
        var gate = scope.ServiceProvider.GetRequiredService<WriteGate>();
        var now = time.UtcNow();
        using (await gate.EnterAsync(ct))
        {
            if (delivered.Count > 0)
                await db.Outbox.Where(m => delivered.Contains(m.Id))
                    .ExecuteUpdateAsync(s => s.SetProperty(m => m.DispatchedAt, now).SetProperty(m => m.LastError, (string?)null), ct);
            foreach (var (message, error) in failed)
            {
                var attempts = message.Attempts + 1;
                var next = now.AddSeconds(Math.Min(300, Math.Pow(2, attempts)));
                await db.Outbox.Where(m => m.Id == message.Id).ExecuteUpdateAsync(s => s
                    .SetProperty(m => m.Attempts, attempts)
                    .SetProperty(m => m.NextAttemptAt, next)
                    .SetProperty(m => m.LastError, error.Length > 2000 ? error[..2000] : error), ct);
            }
        }
    }

    private async Task RunHandlerAsync(Type handlerType, Type eventType, IDomainEvent e, EventContext context, CancellationToken ct)
    {
        var handlerName = handlerType.FullName!;
        await using var scope = scopes.CreateAsyncScope();
        var contract = typeof(IEventHandler<>).MakeGenericType(eventType);
        var handler = scope.ServiceProvider.GetRequiredService(handlerType);
        if (!(bool)contract.GetMethod(nameof(IEventHandler<IDomainEvent>.Handles))!.Invoke(handler, [e])!) return;
        var uow = scope.ServiceProvider.GetRequiredService<UnitOfWork>();
        await uow.RunAsync(async c =>
        {
            if (await uow.Db.EventReceipts.AnyAsync(r => r.EventId == context.EventId && r.Handler == handlerName, c)) return;
            var method = contract.GetMethod("HandleAsync")!;
            await (Task)method.Invoke(handler, [e, context, c])!;
            uow.Db.EventReceipts.Add(new EventReceipt { EventId = context.EventId, Handler = handlerName, HandledAt = time.UtcNow() });
        }, ct);
    }
}
