using Kefu.Platform.Events;

namespace Kefu.Platform.Database;

/// <summary>
/// One transaction per command: the change, its outbox rows and its audit rows commit together or not at all.
/// Nested calls join the outer transaction (used by the idempotency filter, which wraps a create).
/// </summary>
public sealed class UnitOfWork(KefuDb db, WriteGate gate, OutboxSignal signal)
{
    private int _depth;

    public KefuDb Db => db;

    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken ct)
    {
        if (_depth > 0)
        {
            _depth++;
            try
            {
                var inner = await work(ct);
                await db.SaveChangesAsync(ct);
                return inner;
            }
            finally { _depth--; }
        }

        using var _ = await gate.EnterAsync(ct);
        // The unit rolls back as a whole, so EF's savepoint around each SaveChanges inside it is pure cost.
        db.Database.AutoSavepointsEnabled = false;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        _depth++;
        try
        {
            var result = await work(ct);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            signal.Notify();
            return result;
        }
        catch
        {
            // Nothing half-written survives: the transaction is rolled back on dispose; forget tracked changes too.
            db.ChangeTracker.Clear();
            throw;
        }
        finally { _depth--; }
    }

    public Task RunAsync(Func<CancellationToken, Task> work, CancellationToken ct) =>
        RunAsync(async c => { await work(c); return true; }, ct);
}
