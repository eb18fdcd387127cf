using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Reflection;
using Kefu.Platform.Database;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace Kefu.Platform.Events;

/// <summary>
/// Delivers outbox rows to in-process handlers, at least once, in id order per handler. A batch is first claimed
/// (its rows get a lease in <see cref="OutboxMessage.NextAttemptAt"/>), so two dispatchers — this loop and a direct
/// <see cref="DispatchBatchAsync"/> call, or two nodes on PostgreSQL — never run the same event at the same time.
/// Each handler then takes the batch's events in chunks: one scope and one transaction per chunk, with every event's
/// receipt written in that transaction (decision 0011). When a chunk fails, its events are re-run one per transaction
/// so only the failing event is retried later. On shutdown it drains what is already committed before the host stops.
/// </summary>
public sealed class OutboxDispatcher(
    IServiceScopeFactory scopes, EventRegistry registry, EventObservers observers, OutboxSignal signal, TimeProvider time,
    ILogger<OutboxDispatcher> log, IMeterFactory meters, PostgresEventFanout? fanout = null) : BackgroundService
{
    private const int BatchSize = 200;
    /// <summary>Events per handler transaction: large enough to amortise begin/commit and the write gate, small
    /// enough that a create waiting for the SQLite write gate is not held up for long.</summary>
    private const int ChunkSize = 20;
    private const int MaxAttempts = 10;
    /// <summary>How long a claimed row stays invisible to other dispatchers; after a crash it is delivered again then.</summary>
    internal static readonly TimeSpan ClaimLease = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan CoalesceDelay = TimeSpan.FromMilliseconds(50);
    private readonly Counter<long> _delivered = meters.Create("Kefu").CreateCounter<long>("kefu_events_dispatched");
    private readonly SemaphoreSlim _oneBatchAtATime = new(1, 1);

    private delegate Task HandlerInvoker(object handler, IDomainEvent e, EventContext context, CancellationToken ct);
    private delegate bool HandlesInvoker(object handler, IDomainEvent e);
    // Typed delegates built once per event type: MethodInfo.Invoke per call would allocate and emit invoke stubs.
    private static readonly ConcurrentDictionary<Type, HandlerInvoker> HandlerInvokers = new();
    private static readonly ConcurrentDictionary<Type, HandlesInvoker> HandlesInvokers = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // A full batch may have left rows behind: go on at once. A smaller one took every row that was due
                // when it was claimed; rows committed since then have signalled (a unit of work that published events
                // signals at its commit), so the loop waits for that instead of claiming an empty batch.
                if ((await DispatchAsync(stoppingToken)).Claimed >= BatchSize) continue;
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

    /// <summary>Dispatches one batch; returns how many events it completed. Public for tests and tools; calls in
    /// one process run one after the other.</summary>
    public async Task<int> DispatchBatchAsync(CancellationToken ct)
    {
        var (_, delivered) = await DispatchAsync(ct);
        return delivered;
    }

    /// <summary>Dispatches one batch; returns how many rows it claimed and how many of them it completed.</summary>
    private async Task<(int Claimed, int Delivered)> DispatchAsync(CancellationToken ct)
    {
        await _oneBatchAtATime.WaitAsync(ct);
        try
        {
            var batch = await ClaimAsync(ct);
            if (batch.Count == 0) return (0, 0);
            (Dictionary<long, string> Failed, Dictionary<long, Task> RetryWhen) outcome;
            try
            {
                outcome = await DeliverAsync(batch, ct);
                await RecordOutcomeAsync(batch, outcome.Failed, outcome.RetryWhen, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Stopping mid-batch: give the batch's lease back, or the shutdown drain (and other nodes) would skip
                // these rows for the rest of the lease. Handlers that already ran have receipts and are not re-run.
                await ReleaseAsync(batch);
                throw;
            }
            var (failed, _) = outcome;
            var delivered = batch.Count - failed.Count;
            _delivered.Add(delivered);
            return (batch.Count, delivered);
        }
        finally { _oneBatchAtATime.Release(); }
    }

    /// <summary>Leases the next undispatched rows to this dispatcher and returns them in id order. The lease end
    /// (with random microseconds) doubles as the claim token: only rows this update set are read back.</summary>
    private async Task<List<OutboxMessage>> ClaimAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDb>();
        var gate = scope.ServiceProvider.GetRequiredService<WriteGate>();
        var now = time.UtcNow();
        var token = WholeMicroseconds(now.Add(ClaimLease)).AddTicks(Random.Shared.Next(1, 1_000_000) * 10L);
        int claimed;
        using (await gate.EnterAsync(ct))
        {
            var next = db.Outbox
                .Where(m => m.DispatchedAt == null && (m.NextAttemptAt == null || m.NextAttemptAt <= now) && m.Attempts < MaxAttempts)
                .OrderBy(m => m.Id).Take(BatchSize).Select(m => m.Id);
            // The conditions are repeated on the updated row: on PostgreSQL a concurrent claimer that waited for our
            // row locks re-checks them and skips what we took.
            claimed = await db.Outbox
                .Where(m => next.Contains(m.Id) && m.DispatchedAt == null && (m.NextAttemptAt == null || m.NextAttemptAt <= now))
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.NextAttemptAt, token), ct);
            if (claimed == 0) return [];
        }
        var batch = new List<OutboxMessage>(Math.Min(claimed, BatchSize));
        await foreach (var m in ClaimedQuery.For(db)(db, token).WithCancellation(ct)) batch.Add(m);
        return batch;
    }

    // The claimed rows back, compiled once per model (decision 0045): read once per batch.
    private static readonly PerModel<Func<KefuDb, DateTime, IAsyncEnumerable<OutboxMessage>>> ClaimedQuery = new(() => EF.CompileAsyncQuery<KefuDb, DateTime, OutboxMessage>(
        (KefuDb db, DateTime token) => db.Outbox.AsNoTracking().Where(m => m.NextAttemptAt == token && m.DispatchedAt == null).OrderBy(m => m.Id)));

    /// <summary>Ends this dispatcher's lease on the rows of <paramref name="batch"/> that are still undispatched.</summary>
    private async Task ReleaseAsync(List<OutboxMessage> batch)
    {
        var token = batch[0].NextAttemptAt;
        var ids = batch.Select(m => m.Id).ToList();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDb>();
        var gate = scope.ServiceProvider.GetRequiredService<WriteGate>();
        using (await gate.EnterAsync(CancellationToken.None))
        {
            await db.Outbox.Where(m => ids.Contains(m.Id) && m.DispatchedAt == null && m.NextAttemptAt == token)
                .ExecuteUpdateAsync(x => x.SetProperty(m => m.NextAttemptAt, (DateTime?)null), CancellationToken.None);
        }
    }

    /// <summary>Runs observers and handlers for a claimed batch; returns the events that failed, with the first error,
    /// and the deferred ones that can be retried when a task completes (<see cref="RetryLaterException.RetryWhen"/>).</summary>
    private async Task<(Dictionary<long, string> Failed, Dictionary<long, Task> RetryWhen)> DeliverAsync(List<OutboxMessage> batch, CancellationToken ct)
    {
        var failed = new Dictionary<long, string>();
        var retryWhen = new Dictionary<long, Task>();
        var events = new List<(IDomainEvent Event, Type Type, EventContext Context)>(batch.Count);
        List<long>? observed = null;
        foreach (var message in batch)
        {
            if (observers.Read(message) is not var (e, type)) continue; // unknown type: logged, marked dispatched
            var context = new EventContext(message.Id, message.OccurredAt);
            events.Add((e, type, context));
            observers.Run(e, type, context);
            if (fanout is not null && observers.AreObserved(type)) (observed ??= []).Add(message.Id);
        }
        // Screens connected to other nodes refresh too (PostgreSQL; best effort like the observers themselves).
        if (observed is not null) await fanout!.AnnounceAsync(observed, ct);

        // Per handler, its events in id order (handlers are independent of each other, as before).
        var byHandler = new Dictionary<Type, List<(IDomainEvent Event, Type Type, EventContext Context)>>();
        var order = new List<Type>();
        foreach (var item in events)
        {
            foreach (var handlerType in registry.Handlers.GetValueOrDefault(item.Type, []))
            {
                // Turned down by the event alone (IEventFilter): no scope, no handler, no transaction, no receipt.
                if (!registry.Accepts(handlerType, item.Type, item.Event)) continue;
                if (!byHandler.TryGetValue(handlerType, out var list)) { byHandler[handlerType] = list = []; order.Add(handlerType); }
                list.Add(item);
            }
        }
        foreach (var handlerType in order)
        {
            foreach (var chunk in byHandler[handlerType].Chunk(ChunkSize))
                await RunHandlerAsync(handlerType, chunk, failed, retryWhen, ct);
        }
        return (failed, retryWhen);
    }

    /// <summary>Runs one handler for several events in one transaction with their receipts. If anything fails the
    /// whole chunk rolls back and its events are run again one per transaction, so only the failing one is retried.</summary>
    private async Task RunHandlerAsync(
        Type handlerType, IReadOnlyList<(IDomainEvent Event, Type Type, EventContext Context)> chunk, Dictionary<long, string> failed,
        Dictionary<long, Task> retryWhen, CancellationToken ct)
    {
        var handlerName = handlerType.FullName!;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var handler = scope.ServiceProvider.GetRequiredService(handlerType);
            // A handler may turn events down before any transaction or receipt is written (IEventHandler.Handles).
            chunk = chunk.Where(x => HandlesInvokers.GetOrAdd(x.Type, BuildHandlesInvoker)(handler, x.Event)).ToList();
            if (chunk.Count == 0) return;
            var uow = scope.ServiceProvider.GetRequiredService<UnitOfWork>();
            await uow.RunAsync(async c =>
            {
                var db = uow.Db;
                var todo = await WriteReceiptsAsync(db, handlerName, chunk, c);
                foreach (var (e, type, context) in chunk)
                {
                    if (!todo.Contains(context.EventId)) continue;
                    await HandlerInvokers.GetOrAdd(type, BuildHandlerInvoker)(handler, e, context, c);
                    // Saved per event: the handler's next event must see what this one wrote (queries skip unsaved rows).
                    // Then the tracker is emptied: what is saved is read again from the transaction, and every later
                    // save would otherwise scan the chunk's earlier entities for changes again.
                    if (chunk.Count > 1)
                    {
                        await db.SaveChangesAsync(c);
                        db.ChangeTracker.Clear();
                    }
                }
            }, ct);
        }
        catch (RetryLaterException ex)
        {
            // Not a fault: the whole chunk waits for the back-off (re-running it one by one would only defer each again).
            log.LogInformation("Handler {Handler} deferred {Count} event(s) from {EventId}: {Reason}", handlerType.Name, chunk.Count, chunk[0].Context.EventId, ex.Message);
            foreach (var (_, _, context) in chunk)
            {
                failed.TryAdd(context.EventId, $"{handlerType.Name}: deferred: {ex.Message}");
                if (ex.RetryWhen is { } when) retryWhen.TryAdd(context.EventId, when);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            if (chunk.Count > 1)
            {
                foreach (var item in chunk) await RunHandlerAsync(handlerType, [item], failed, retryWhen, ct);
                return;
            }
            var (_, _, context) = chunk[0];
            log.LogError(ex, "Handler {Handler} failed for event {EventId} ({Type})", handlerType.Name, context.EventId, chunk[0].Type.Name);
            failed.TryAdd(context.EventId, $"{handlerType.Name}: {ex.Message}");
        }
    }

    /// <summary>Writes the chunk's receipts up front, in one statement, and returns the events that had none: those the
    /// handler must run now. An event with a receipt already was handled in an earlier, committed delivery. The receipts
    /// commit or roll back with the handler's work, so a failed run leaves none. On PostgreSQL a second node delivering
    /// the same event waits on the key and then skips it.</summary>
    private async Task<HashSet<long>> WriteReceiptsAsync(
        KefuDb db, string handlerName, IReadOnlyList<(IDomainEvent Event, Type Type, EventContext Context)> chunk, CancellationToken ct)
    {
        var args = new object[chunk.Count + 2];
        args[0] = handlerName;
        args[1] = time.UtcNow();
        for (var i = 0; i < chunk.Count; i++) args[i + 2] = chunk[i].Context.EventId;
        // Through EF's raw command builder, the path ExecuteSqlRaw takes (interceptors: on SQLite the write gate's
        // first-write hook begins the unit's transaction; the command log; the unit's transaction), without the query
        // pipeline SqlQueryRaw ran for every chunk (its FromSql query is not cacheable: SQL generated per execution).
        var command = db.GetService<IRawSqlCommandBuilder>().Build(ReceiptsSql(chunk.Count), args, db.Model);
        var todo = new HashSet<long>(chunk.Count);
        await using var reader = await command.RelationalCommand.ExecuteReaderAsync(new RelationalCommandParameterObject(
            db.GetService<IRelationalConnection>(), command.ParameterValues, null, db, db.GetService<IRelationalCommandDiagnosticsLogger>()), ct);
        while (await reader.ReadAsync(ct)) todo.Add(reader.DbDataReader.GetInt64(0));
        return todo;
    }

    /// <summary>The receipts INSERT for <paramref name="count"/> events (one string per chunk size, built once).</summary>
    private static string ReceiptsSql(int count)
    {
        if (count < ReceiptsSqlBySize.Length && ReceiptsSqlBySize[count] is { } cached) return cached;
        var sql = new System.Text.StringBuilder("INSERT INTO platform_event_receipts (event_id, handler, handled_at) VALUES ");
        for (var i = 0; i < count; i++)
        {
            if (i > 0) sql.Append(", ");
            sql.Append("({").Append(i + 2).Append("}, {0}, {1})");
        }
        sql.Append(" ON CONFLICT DO NOTHING RETURNING event_id");
        var text = sql.ToString();
        if (count < ReceiptsSqlBySize.Length) ReceiptsSqlBySize[count] = text;
        return text;
    }

    private static readonly string?[] ReceiptsSqlBySize = new string?[ChunkSize + 1];

    /// <summary>Marks a batch's delivered rows in one statement (and ends their lease); failed rows get a back-off.
    /// A deferred row whose handler named a task to wait for gets its back-off ended when that task completes.</summary>
    private async Task RecordOutcomeAsync(
        List<OutboxMessage> batch, Dictionary<long, string> failed, Dictionary<long, Task> retryWhen, CancellationToken ct)
    {
        var wakes = new Dictionary<Task, List<(long Id, DateTime Next)>>();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDb>();
        var gate = scope.ServiceProvider.GetRequiredService<WriteGate>();
        var now = time.UtcNow();
        var delivered = batch.Where(m => !failed.ContainsKey(m.Id)).Select(m => m.Id).ToList();
        using (await gate.EnterAsync(ct))
        {
            if (delivered.Count > 0)
                await db.Outbox.Where(m => delivered.Contains(m.Id))
                    .ExecuteUpdateAsync(s => s.SetProperty(m => m.DispatchedAt, now)
                        .SetProperty(m => m.NextAttemptAt, (DateTime?)null).SetProperty(m => m.LastError, (string?)null), ct);
            foreach (var message in batch)
            {
                if (!failed.TryGetValue(message.Id, out var error)) continue;
                var attempts = message.Attempts + 1;
                var next = WholeMicroseconds(now.AddSeconds(Math.Min(300, Math.Pow(2, attempts))));
                var id = message.Id;
                if (retryWhen.TryGetValue(id, out var when))
                {
                    if (!wakes.TryGetValue(when, out var rows)) wakes[when] = rows = [];
                    rows.Add((id, next));
                }
                await db.Outbox.Where(m => m.Id == id).ExecuteUpdateAsync(s => s
                    .SetProperty(m => m.Attempts, attempts)
                    .SetProperty(m => m.NextAttemptAt, next)
                    .SetProperty(m => m.LastError, error.Length > 2000 ? error[..2000] : error), ct);
            }
        }
        foreach (var (when, rows) in wakes) _ = when.ContinueWith(_ => EndBackOffAsync(rows), TaskScheduler.Default).Unwrap();
    }

    /// <summary>Makes deferred rows due now and wakes the loop. Only rows still carrying the back-off this dispatcher
    /// set are touched: one claimed meanwhile (its lease is another value) or delivered is left alone.</summary>
    private async Task EndBackOffAsync(List<(long Id, DateTime Next)> rows)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<KefuDb>();
            var gate = scope.ServiceProvider.GetRequiredService<WriteGate>();
            using (await gate.EnterAsync(CancellationToken.None))
            {
                foreach (var group in rows.GroupBy(r => r.Next))
                {
                    var next = group.Key;
                    var ids = group.Select(r => r.Id).ToList();
                    await db.Outbox.Where(m => ids.Contains(m.Id) && m.DispatchedAt == null && m.NextAttemptAt == next)
                        .ExecuteUpdateAsync(s => s.SetProperty(m => m.NextAttemptAt, (DateTime?)null));
                }
            }
            signal.Notify();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            log.LogWarning(ex, "Deferred outbox rows could not be made due early; they are delivered after their back-off");
        }
    }

    /// <summary>Whole microseconds, so PostgreSQL stores exactly the value later compared with.</summary>
    private static DateTime WholeMicroseconds(DateTime t) => new(t.Ticks - t.Ticks % 10, t.Kind);

    private static HandlerInvoker BuildHandlerInvoker(Type eventType) =>
        typeof(OutboxDispatcher).GetMethod(nameof(InvokeHandler), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(eventType).CreateDelegate<HandlerInvoker>();

    private static HandlesInvoker BuildHandlesInvoker(Type eventType) =>
        typeof(OutboxDispatcher).GetMethod(nameof(InvokeHandles), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(eventType).CreateDelegate<HandlesInvoker>();

    private static bool InvokeHandles<T>(object handler, IDomainEvent e) where T : IDomainEvent =>
        ((IEventHandler<T>)handler).Handles((T)e);

    private static Task InvokeHandler<T>(object handler, IDomainEvent e, EventContext context, CancellationToken ct) where T : IDomainEvent =>
        ((IEventHandler<T>)handler).HandleAsync((T)e, context, ct);

}
