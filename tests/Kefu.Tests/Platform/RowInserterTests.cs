using System.Data.Common;
using System.Globalization;
using Kefu.Platform.Audit;
using Kefu.Platform.Database;
using Kefu.Platform.Events;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Kefu.Tests.Platform;

/// <summary>An event no handler knows (the dispatcher would only mark it dispatched); the test rolls it back anyway.</summary>
public sealed record RowInserterProbe(Guid Probe, string Text) : IDomainEvent;

/// <summary>Outbox and audit rows written inside a unit of work go through <see cref="RowInserter"/> (decision 0025):
/// they must be stored exactly as EF's own insert stores them, column by column, on both providers.</summary>
public abstract class RowInserterTests(KefuApp app)
{
    private sealed class FixedTime(DateTime at) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(at, TimeSpan.Zero);
    }

    private sealed class Rollback : Exception;

    private static AuditEntry Entry(string entityId) => new()
    {
        At = new DateTime(2026, 3, 4, 5, 6, 7, DateTimeKind.Utc).AddTicks(1234560), ActorId = Guid.Parse("0b7c6a53-4f3e-4a8e-9a40-3e2f1c5d7e90"),
        ActorName = "张三 🙂", Via = "api-token", RemoteAddress = null, EntityType = "ticket", EntityId = entityId, Action = "created",
        Changes = "{\"subject\":\"无法支付 'quoted' \\\"x\\\"\"}",
    };

    /// <summary>Every column of the rows matching the condition, as provider values rendered invariantly, in column order.</summary>
    private static async Task<List<string[]>> RawRows(KefuDb db, string table, string column, string value, CancellationToken ct)
    {
        await using var cmd = db.Database.GetDbConnection().CreateCommand();
        cmd.Transaction = db.Database.CurrentTransaction!.GetDbTransaction();
        cmd.CommandText = $"SELECT * FROM {table} WHERE {column} = @v ORDER BY id";
        var p = cmd.CreateParameter();
        p.ParameterName = "@v";
        p.Value = value;
        cmd.Parameters.Add(p);
        var rows = new List<string[]>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var row = new List<string>();
            for (var i = 0; i < reader.FieldCount; i++)
            {
                if (reader.GetName(i) == "id") continue;
                var v = reader.GetValue(i);
                row.Add($"{reader.GetName(i)}={reader.GetFieldType(i).Name}:{Convert.ToString(v, CultureInfo.InvariantCulture)}");
            }
            rows.Add([.. row]);
        }
        return rows;
    }

    [Fact]
    public async Task Outbox_and_audit_rows_are_stored_as_EF_stores_them()
    {
        var probe = new RowInserterProbe(Guid.NewGuid(), "无法支付 🙂 'q'");
        var at = new DateTime(2026, 3, 4, 5, 6, 7, DateTimeKind.Utc).AddTicks(7654320);
        var entityId = $"probe-{probe.Probe:N}";
        List<string[]>? outbox = null, audit = null;

        await using var scope = app.Factory.Services.CreateAsyncScope();
        var uow = scope.ServiceProvider.GetRequiredService<UnitOfWork>();
        var db = uow.Db;
        await Assert.ThrowsAsync<Rollback>(() => uow.RunAsync(async ct =>
        {
            // EF's own insert: rows added to the sets directly are saved by EF as before.
            db.Outbox.Add(OutboxMessage.From(probe, at));
            db.Audit.Add(Entry(entityId));
            await db.SaveChangesAsync(ct);
            // The same rows through Publish and the audit log's path: one multi-row INSERT per table.
            db.Publish(probe, new FixedTime(at));
            db.AddAudit(Entry(entityId));
            await db.SaveChangesAsync(ct);

            outbox = await RawRows(db, "platform_outbox", "type", nameof(RowInserterProbe), ct);
            audit = await RawRows(db, "platform_audit", "entity_id", entityId, ct);
            throw new Rollback();
        }, CancellationToken.None));

        Assert.NotNull(outbox);
        Assert.NotNull(audit);
        var mine = outbox!.Where(r => r.Any(c => c.Contains(probe.Probe.ToString()))).ToList();
        Assert.Equal(2, mine.Count);
        Assert.Equal(mine[0], mine[1]);
        Assert.Equal(2, audit!.Count);
        Assert.Equal(audit[0], audit[1]);
        Assert.Contains(audit[0], c => c.Contains("张三 🙂"));

        // Rolled back with the unit: nothing of either path was committed.
        Assert.Equal(0, await app.DbAsync(d => d.Audit.CountAsync(a => a.EntityId == entityId)));
    }

    [Fact]
    public async Task Rows_written_in_a_unit_commit_with_it_and_a_failed_unit_leaves_none()
    {
        var committed = $"probe-{Guid.NewGuid():N}";
        var failed = $"probe-{Guid.NewGuid():N}";
        await using (var scope = app.Factory.Services.CreateAsyncScope())
        {
            var uow = scope.ServiceProvider.GetRequiredService<UnitOfWork>();
            await uow.RunAsync(ct => { uow.Db.AddAudit(Entry(committed)); uow.Db.AddAudit(Entry(committed)); return Task.CompletedTask; }, CancellationToken.None);
        }
        await using (var scope = app.Factory.Services.CreateAsyncScope())
        {
            var uow = scope.ServiceProvider.GetRequiredService<UnitOfWork>();
            await Assert.ThrowsAsync<Rollback>(() => uow.RunAsync(async ct =>
            {
                uow.Db.AddAudit(Entry(failed));
                await uow.Db.SaveChangesAsync(ct);
                uow.Db.AddAudit(Entry(failed)); // still pending when the unit fails
                throw new Rollback();
            }, CancellationToken.None));
            // The pooled context is used again: nothing of the failed unit is left to be written by the next save.
            await uow.RunAsync(ct => { uow.Db.AddAudit(Entry(committed)); return Task.CompletedTask; }, CancellationToken.None);
        }
        Assert.Equal(3, await app.DbAsync(d => d.Audit.CountAsync(a => a.EntityId == committed)));
        Assert.Equal(0, await app.DbAsync(d => d.Audit.CountAsync(a => a.EntityId == failed)));
    }

    [Fact]
    public async Task More_rows_than_one_statement_takes_are_all_stored_in_order()
    {
        // 250 rows: several statements on either provider (SQLite: at most 100 parameters each, PostgreSQL: 200 rows).
        var entityId = $"probe-{Guid.NewGuid():N}";
        await using (var scope = app.Factory.Services.CreateAsyncScope())
        {
            var uow = scope.ServiceProvider.GetRequiredService<UnitOfWork>();
            await uow.RunAsync(async ct =>
            {
                for (var i = 0; i < 250; i++)
                {
                    var entry = Entry(entityId);
                    entry.Action = $"a{i:000}";
                    uow.Db.AddAudit(entry);
                }
                await uow.Db.SaveChangesAsync(ct);
            }, CancellationToken.None);
        }
        var actions = await app.DbAsync(d => d.Audit.Where(a => a.EntityId == entityId).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync());
        Assert.Equal(Enumerable.Range(0, 250).Select(i => $"a{i:000}"), actions);
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteRowInserterTests(SqliteApp app) : RowInserterTests(app);

[Collection(PostgresCollection.Name)]
public sealed class PostgresRowInserterTests(PostgresApp app) : RowInserterTests(app);
