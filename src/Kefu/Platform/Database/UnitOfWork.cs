using Kefu.Platform.Events;

namespace Kefu.Platform.Database;

/// <summary>
/// One transaction per command: the change, its outbox rows and its audit rows commit together or not at all.
/// Nested calls join the outer transaction (used by the idempotency filter, which wraps a create).
/// </summary>
public sealed class UnitOfWork(KefuDb db, WriteGate gate, OutboxSignal signal)
{
    private int _depth;
    private List<Action>? _afterCommit;

    /// <summary>Runs <paramref name="action"/> once the current unit commits (at once outside a unit, where every save
    /// commits by itself); dropped if it rolls back. For in-process notices that must not run ahead of the data
    /// (an open screen told to reload before the change is visible would show the old state). Best effort: an action
    /// that throws is logged by nobody and does not undo the commit.</summary>
    public void AfterCommit(Action action)
    {
        if (_depth == 0) { action(); return; }
        (_afterCommit ??= []).Add(action);
    }

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
            RunAfterCommit();
            return result;
        }
        catch
        {
            // Nothing half-written survives: the transaction is rolled back on dispose; forget tracked changes too.
            db.ChangeTracker.Clear();
            _afterCommit = null;
            throw;
        }
        finally { _depth--; }
    }

    private void RunAfterCommit()
    {
        var actions = _afterCommit;
        _afterCommit = null;
        if (actions is null) return;
        foreach (var action in actions)
        {
            try { action(); }
            catch (Exception) { /* a notice, not part of the command: the commit stands */ }
        }
    }

    public Task RunAsync(Func<CancellationToken, Task> work, CancellationToken ct) =>
        RunAsync(async c => { await work(c); return true; }, ct);
}
