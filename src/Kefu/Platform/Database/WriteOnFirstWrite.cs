using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace Kefu.Platform.Database;

/// <summary>
/// SQLite: begins a unit of work's transaction (and takes the write gate) just before the unit's first command that
/// is not a SELECT — a SaveChanges batch, ExecuteUpdate/ExecuteDelete or raw SQL — and enlists that command in it.
/// Commands outside a unit of work, and every command once its transaction has begun, pass untouched.
/// </summary>
internal sealed class WriteOnFirstWrite : DbCommandInterceptor
{
    public static readonly WriteOnFirstWrite Instance = new();

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData e, InterceptionResult<DbDataReader> result)
    {
        Begin(command, e);
        return result;
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData e, InterceptionResult<int> result)
    {
        Begin(command, e);
        return result;
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData e, InterceptionResult<object> result)
    {
        Begin(command, e);
        return result;
    }

    public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData e,
        InterceptionResult<DbDataReader> result, CancellationToken ct = default)
    {
        await BeginAsync(command, e, ct);
        return result;
    }

    public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData e,
        InterceptionResult<int> result, CancellationToken ct = default)
    {
        await BeginAsync(command, e, ct);
        return result;
    }

    public override async ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData e,
        InterceptionResult<object> result, CancellationToken ct = default)
    {
        await BeginAsync(command, e, ct);
        return result;
    }

    private static void Begin(DbCommand command, CommandEventData e)
    {
        if (e.Context is not KefuDb { PendingWriter: { } unit } db || IsRead(command.CommandText)) return;
        unit.BeginWrite();
        command.Transaction = db.Database.CurrentTransaction!.GetDbTransaction();
    }

    private static async ValueTask BeginAsync(DbCommand command, CommandEventData e, CancellationToken ct)
    {
        if (e.Context is not KefuDb { PendingWriter: { } unit } db || IsRead(command.CommandText)) return;
        await unit.BeginWriteAsync(ct);
        command.Transaction = db.Database.CurrentTransaction!.GetDbTransaction();
    }

    /// <summary>A plain query: SELECT after any comment lines (TagWith). Anything else counts as a write.</summary>
    internal static bool IsRead(string sql)
    {
        var s = sql.AsSpan();
        while (true)
        {
            s = s.TrimStart();
            if (!s.StartsWith("--")) break;
            var end = s.IndexOf('\n');
            if (end < 0) return false;
            s = s[(end + 1)..];
        }
        return s.StartsWith("SELECT", StringComparison.OrdinalIgnoreCase);
    }
}
