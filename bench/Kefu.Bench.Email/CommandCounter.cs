using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Kefu.Bench.Email;

/// <summary>Counts the SQL commands run by the code path being measured (the fetch-and-ingest call and whatever it
/// awaits or starts), not those of the outbox handlers and other background loops running at the same time: only
/// commands whose execution context carries the flag set around the measured call are counted. Also counts the
/// SaveChanges calls of that path (each has a fixed cost: DetectChanges, command setup, the audit/outbox flush).</summary>
public sealed class CommandCounter : DbCommandInterceptor, ISaveChangesInterceptor
{
    private long _saves;

    /// <summary>SaveChanges calls of the measured path.</summary>
    public long Saves => Interlocked.Read(ref _saves);

    public ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        if (Measured.Value) Interlocked.Increment(ref _saves);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (Measured.Value) Interlocked.Increment(ref _saves);
        return result;
    }

    private static readonly AsyncLocal<bool> Measured = new();
    private long _count;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _byKind = new();

    public long Count => Interlocked.Read(ref _count);

    /// <summary>Counted commands by kind and table ("INSERT email_records", "SELECT", …).</summary>
    public IReadOnlyDictionary<string, int> ByKind => _byKind;

    public static async Task<T> MeasureAsync<T>(Func<Task<T>> work)
    {
        Measured.Value = true;
        try { return await work(); }
        finally { Measured.Value = false; }
    }

    public void Reset()
    {
        Interlocked.Exchange(ref _count, 0);
        Interlocked.Exchange(ref _saves, 0);
        _byKind.Clear();
    }

    private void Hit(DbCommand command)
    {
        if (!Measured.Value) return;
        Interlocked.Increment(ref _count);
        _byKind.AddOrUpdate(Kind(command.CommandText), 1, (_, n) => n + 1);
    }

    private static readonly System.Text.RegularExpressions.Regex Write =
        new(@"^\s*(INSERT INTO|UPDATE|DELETE FROM)\s+""?(\w+)""?", System.Text.RegularExpressions.RegexOptions.IgnoreCase);

    private static string Kind(string sql) =>
        Write.Match(sql) is { Success: true } m ? m.Groups[1].Value.Split(' ')[0].ToUpperInvariant() + " " + m.Groups[2].Value
        : sql.TrimStart().Split(' ', 2)[0].ToUpperInvariant();

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    { Hit(command); return ValueTask.FromResult(result); }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<object> result, CancellationToken cancellationToken = default)
    { Hit(command); return ValueTask.FromResult(result); }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    { Hit(command); return ValueTask.FromResult(result); }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    { Hit(command); return result; }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    { Hit(command); return result; }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    { Hit(command); return result; }
}
