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
                signal.Notify();
            }
            return result;
        }
        catch
        {
            // Nothing half-written survives: the transaction is rolled back on dispose; forget tracked changes too.
            db.ChangeTracker.Clear();
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
