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

    private sealed record KeyedShape(string Insert, IProperty[] Properties, RelationalTypeMapping[] Maps, IProperty? Key);
    private static readonly ConcurrentDictionary<IEntityType, KeyedShape> KeyedShapes = new();

    /// <summary>
    /// Writes <paramref name="rows"/> that the unit tracks as Added now, in the given order, each with one
    /// <c>INSERT … RETURNING</c> its generated key, and tracks them as Unchanged with that key: EF passes the key on to
    /// the tracked rows that refer to it, and later changes to them are saved as usual. For the hot create paths, which
    /// otherwise pay EF's update pipeline per save (decision 0066). A row not tracked as Added is skipped (a known
    /// customer, an existing tag); one referring to a row not written yet is refused, so give principals first.
    /// </summary>
    public static async Task WriteAddedAsync(KefuDb db, IEnumerable<object> rows, CancellationToken ct)
    {
        foreach (var row in rows)
        {
            var entry = db.Entry(row);
            if (entry.State != EntityState.Added) continue;
            await db.BeginWriteAsync(ct);
            var tx = db.Database.CurrentTransaction?.GetDbTransaction()
                ?? throw new InvalidOperationException("Rows are written inside the unit of work's transaction.");
            var shape = KeyedShapes.GetOrAdd(entry.Metadata, static (e, db) => BuildKeyed(db, e), db);
            await using var cmd = tx.Connection!.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = shape.Insert;
            for (var c = 0; c < shape.Properties.Length; c++)
            {
                var property = entry.Property(shape.Properties[c].Name);
                if (property.IsTemporary)
                    throw new InvalidOperationException($"{entry.Metadata.DisplayName()}.{property.Metadata.Name} refers to a row not written yet.");
                cmd.Parameters.Add(shape.Maps[c].CreateParameter(cmd, "@p" + c, property.CurrentValue, shape.Properties[c].IsNullable));
            }
            if (shape.Key is { } key)
            {
                var id = await cmd.ExecuteScalarAsync(ct) ?? throw new InvalidOperationException("The INSERT returned no key.");
                var property = entry.Property(key.Name);
                property.CurrentValue = Convert.ChangeType(id, key.ClrType, System.Globalization.CultureInfo.InvariantCulture);
                property.IsTemporary = false;
            }
            else await cmd.ExecuteNonQueryAsync(ct);
            entry.State = EntityState.Unchanged;
        }
    }

    private static KeyedShape BuildKeyed(KefuDb db, IEntityType entity)
    {
        var shape = Build(db, entity);
        var generated = entity.GetProperties().Where(p => p.ValueGenerated != Microsoft.EntityFrameworkCore.Metadata.ValueGenerated.Never).ToArray();
        var key = entity.FindPrimaryKey()!.Properties;
        if (generated.Length > 1 || (generated.Length == 1 && (key.Count != 1 || key[0] != generated[0])))
            throw new InvalidOperationException($"{entity.DisplayName()}: only a single generated key can be read back.");
        var insert = $"{shape.Insert}({string.Join(", ", shape.Properties.Select((_, i) => "@p" + i))})";
        if (generated.Length == 0) return new(insert, shape.Properties, shape.Maps, null);
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var column = db.GetService<ISqlGenerationHelper>().DelimitIdentifier(generated[0].GetColumnName(table)!);
        return new($"{insert} RETURNING {column}", shape.Properties, shape.Maps, generated[0]);
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
