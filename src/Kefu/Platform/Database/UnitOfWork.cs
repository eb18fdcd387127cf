using Kefu.Platform.Events;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Kefu.Platform.Database;

/// <summary>
/// One transaction per command: the change, its outbox rows and its audit rows commit together or not at all.
/// Nested calls join the outer transaction (used by the idempotency filter, which wraps a create).
/// On SQLite the write transaction, and with it the process's write gate, starts at the unit's first write (decision
/// 0024): reads, validation, classification and sanitising before it run while other units write, as they do on
/// PostgreSQL, where the transaction starts at once and writers do not queue.
/// </summary>
public sealed class UnitOfWork(KefuDb db, WriteGate gate, OutboxSignal signal)
{
    private int _depth;
    private IDisposable? _held;
    private IDbContextTransaction? _tx;
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

        // The unit rolls back as a whole, so EF's savepoint around each SaveChanges inside it is pure cost; and EF
        // must not open a transaction of its own for a SaveChanges: the unit's is begun by the first write.
        db.Database.AutoSavepointsEnabled = false;
        db.Database.AutoTransactionBehavior = AutoTransactionBehavior.Never;
        _depth++;
        try
        {
            if (gate.Serializes) db.PendingWriter = this;
            else await BeginWriteAsync(ct);
            var result = await work(ct);
            await db.SaveChangesAsync(ct);
            if (_tx is not null)
            {
                await _tx.CommitAsync(ct);
                // The dispatcher is woken only by a commit that wrote events (its own handlers' commits mostly did not).
                if (db.Published)
                {
                    db.Published = false;
                    signal.Notify();
                }
            }
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
        finally
        {
            _depth--;
            db.PendingWriter = null;
            db.Database.AutoTransactionBehavior = AutoTransactionBehavior.WhenNeeded;
            if (_tx is not null) { await _tx.DisposeAsync(); _tx = null; }
            _held?.Dispose();
            _held = null;
        }
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

    /// <summary>Takes the write gate and begins the unit's transaction now, if not yet done. EF's first write command
    /// does this by itself (<see cref="WriteOnFirstWrite"/>); call it directly before reads that must not change
    /// until the commit, such as picking the least-loaded agent, or before writing through a DbCommand of one's own.</summary>
    public async ValueTask BeginWriteAsync(CancellationToken ct)
    {
        if (_depth == 0) throw new InvalidOperationException("A write transaction is begun inside a unit of work.");
        if (_tx is not null) return;
        db.PendingWriter = null;
        _held = await gate.EnterAsync(ct);
        _tx = await db.Database.BeginTransactionAsync(ct);
    }

    internal void BeginWrite()
    {
        if (_tx is not null) return;
        db.PendingWriter = null;
        _held = gate.Enter();
        _tx = db.Database.BeginTransaction();
    }
}
