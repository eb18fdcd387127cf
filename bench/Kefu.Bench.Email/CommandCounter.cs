using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Kefu.Bench.Email;

/// <summary>Counts the SQL commands run by the code path being measured (the fetch-and-ingest call and whatever it
/// awaits or starts), not those of the outbox handlers and other background loops running at the same time: only
/// commands whose execution context carries the flag set around the measured call are counted.</summary>
public sealed class CommandCounter : DbCommandInterceptor
{
    private static readonly AsyncLocal<bool> Measured = new();
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public static async Task<T> MeasureAsync<T>(Func<Task<T>> work)
    {
        Measured.Value = true;
        try { return await work(); }
        finally { Measured.Value = false; }
    }

    public void Reset() => Interlocked.Exchange(ref _count, 0);

    private void Hit() { if (Measured.Value) Interlocked.Increment(ref _count); }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    { Hit(); return ValueTask.FromResult(result); }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<object> result, CancellationToken cancellationToken = default)
    { Hit(); return ValueTask.FromResult(result); }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    { Hit(); return ValueTask.FromResult(result); }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    { Hit(); return result; }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    { Hit(); return result; }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    { Hit(); return result; }
}
