using System.Collections.Concurrent;
using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Kefu.Platform.Database;

/// <summary>
/// Inserts rows of one append-only entity type (outbox events, audit entries, SLA clocks, triage decisions) with one multi-row
/// <c>INSERT … VALUES (…), (…)</c> per table on the current transaction, instead of one EF command per row with its
/// <c>RETURNING id</c>, change tracking and key propagation (decision 0025). Table, columns and value conversions come
/// from EF's model, so the stored formats are those EF writes, on both providers. The key is left to the database and
/// not read back: nothing uses these rows' ids in the unit that writes them.
/// </summary>
internal static class RowInserter
{
    /// <summary>At most this many rows per statement on PostgreSQL (it allows 65,535 parameters).</summary>
    private const int MaxRowsPerStatement = 200;

    /// <summary>At most this many parameters per statement on SQLite. SQLite finds a named parameter by a linear scan
    /// of the statement's names, once per name when it parses the statement and once per parameter when
    /// Microsoft.Data.Sqlite binds it by name, so a statement's cost grows with the square of its parameter count (a
    /// 200-row outbox INSERT has 1,400): those scans were 2.5 % of the email ingestion's CPU samples, 0.4 % with at most
    /// a hundred, for a few more statements (session 10 in docs/benchmarks.md).</summary>
    private const int MaxSqliteParametersPerStatement = 100;

    private sealed record Shape(string Insert, IProperty[] Properties, RelationalTypeMapping[] Maps);
    private static readonly ConcurrentDictionary<IEntityType, Shape> Shapes = new();

    /// <summary>Inserts <paramref name="rows"/>, all of one entity type.</summary>
    public static async Task InsertAsync(KefuDb db, IReadOnlyList<object> rows, CancellationToken ct)
    {
        if (rows.Count == 0) return;
        var shape = Shapes.GetOrAdd(db.Model.FindEntityType(rows[0].GetType())!, static (e, db) => Build(db, e), db);
        var tx = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Rows are inserted inside the unit of work's transaction.");
        var perStatement = db.IsSqlite ? Math.Max(1, MaxSqliteParametersPerStatement / shape.Properties.Length) : MaxRowsPerStatement;
        for (var start = 0; start < rows.Count; start += perStatement)
        {
            var count = Math.Min(perStatement, rows.Count - start);
            await using var cmd = tx.Connection!.CreateCommand();
            cmd.Transaction = tx;
            var sql = new StringBuilder(shape.Insert, shape.Insert.Length + count * shape.Properties.Length * 8);
            for (var r = 0; r < count; r++)
            {
                sql.Append(r == 0 ? "(" : ", (");
                var row = rows[start + r];
                for (var c = 0; c < shape.Properties.Length; c++)
                {
                    var name = "@p" + (r * shape.Properties.Length + c);
                    if (c > 0) sql.Append(", ");
                    sql.Append(name);
                    var value = shape.Properties[c].GetGetter().GetClrValueUsingContainingEntity(row);
                    cmd.Parameters.Add(shape.Maps[c].CreateParameter(cmd, name, value, shape.Properties[c].IsNullable));
                }
                sql.Append(')');
            }
            cmd.CommandText = sql.ToString();
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }

    private static Shape Build(KefuDb db, IEntityType entity)
    {
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var sql = db.GetService<ISqlGenerationHelper>();
        // Every stored property except those the database generates (the key).
        var properties = entity.GetProperties().Where(p => p.ValueGenerated == Microsoft.EntityFrameworkCore.Metadata.ValueGenerated.Never).ToArray();
        var columns = string.Join(", ", properties.Select(p => sql.DelimitIdentifier(p.GetColumnName(table)!)));
        return new Shape($"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({columns}) VALUES ",
            properties, [.. properties.Select(p => p.GetRelationalTypeMapping())]);
    }
}
