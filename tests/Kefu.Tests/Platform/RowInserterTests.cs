using System.Data.Common;
using System.Globalization;
using Kefu.Platform.Audit;
using Kefu.Platform.Database;
using Kefu.Platform.Events;
using Kefu.Tickets;
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
    private static async Task<List<string[]>> RawRows(KefuDb db, string table, string column, object value, CancellationToken ct)
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

    /// <summary>A customer with an identity, a ticket with a new tag and a message, all with the given texts.</summary>
    private static (Customer, Ticket, Message) Graph(string probe, DateTime at)
    {
        var customer = new Customer { Name = "李四 'q'", Language = "en", CreatedAt = at, UpdatedAt = at, Version = 1 };
        customer.Identities.Add(new CustomerIdentity { Customer = customer, Kind = IdentityKind.Email, Value = $"{probe}@example.com", CreatedAt = at });
        var ticket = new Ticket
        {
            Subject = probe, Channel = Channel.WeChat, Status = TicketStatus.New, Priority = TicketPriority.Urgent, Customer = customer,
            CreatedAt = at, UpdatedAt = at, ExternalId = null, Version = 1,
        };
        ticket.Tags.Add(new TicketTag { Tag = new Tag { Name = probe, CreatedAt = at } });
        return (customer, ticket, new Message { Kind = MessageKind.Customer, Channel = Channel.WeChat, Body = "无法支付 🙂", CreatedAt = at });
    }

    [Fact]
    public async Task Rows_written_directly_are_stored_as_EF_stores_them_and_stay_tracked()
    {
        var at = new DateTime(2026, 3, 4, 5, 6, 7, DateTimeKind.Utc).AddTicks(7654320);
        var viaEf = $"ef-{Guid.NewGuid():N}";
        var direct = $"direct-{Guid.NewGuid():N}";
        List<string[]>? efRows = null, directRows = null;
        long ticketId = 0;

        await using var scope = app.Factory.Services.CreateAsyncScope();
        var uow = scope.ServiceProvider.GetRequiredService<UnitOfWork>();
        var db = uow.Db;
        await uow.RunAsync(async ct =>
        {
            var (c1, t1, m1) = Graph(viaEf, at);
            db.Add(t1);
            await db.SaveChangesAsync(ct);
            m1.TicketId = t1.Id;
            m1.AuthorCustomerId = c1.Id;
            db.Add(m1);
            await db.SaveChangesAsync(ct);

            var (c2, t2, m2) = Graph(direct, at);
            db.Add(t2);
            m2.TicketId = (long)db.Entry(t2).Property(t => t.Id).CurrentValue!; // the ticket's temporary key, as TicketService does
            db.Add(m2);
            // A dependent before its principal is refused, and nothing is written.
            await Assert.ThrowsAsync<InvalidOperationException>(() => RowInserter.WriteAddedAsync(db, [t2], ct));
            await RowInserter.WriteAddedAsync(db, [c2, .. c2.Identities, t2.Tags[0].Tag, t2, .. t2.Tags], ct);
            m2.AuthorCustomerId = c2.Id;
            await RowInserter.WriteAddedAsync(db, [m2, c1], ct); // c1 is not Added: skipped

            Assert.All(new object[] { c2, c2.Identities[0], t2, t2.Tags[0], t2.Tags[0].Tag, m2 }, e => Assert.Equal(EntityState.Unchanged, db.Entry(e).State));
            Assert.Equal(t2.Id, m2.TicketId); // the real key reached the message
            Assert.Equal(c2.Id, t2.CustomerId);
            Assert.Equal(c2.Id, c2.Identities[0].CustomerId);
            Assert.Equal(t2.Id, t2.Tags[0].TicketId);
            ticketId = t2.Id;

            string[] Without(string[] row, params string[] columns) => [.. row.Where(c => !columns.Any(x => c.StartsWith(x + "=")))];
            string[] Keyed(List<string[]> rows, params string[] columns) => rows.Count == 1 ? Without(rows[0], columns) : throw new InvalidOperationException($"{rows.Count} rows");
            efRows =
            [
                Keyed(await RawRows(db, "tickets_customers", "id", c1.Id, ct)),
                Keyed(await RawRows(db, "tickets_customer_identities", "customer_id", c1.Id, ct), "customer_id", "value"),
                Keyed(await RawRows(db, "tickets_tickets", "subject", viaEf, ct), "customer_id", "subject"),
                Keyed(await RawRows(db, "tickets_messages", "ticket_id", t1.Id, ct), "ticket_id", "author_customer_id"),
            ];
            directRows =
            [
                Keyed(await RawRows(db, "tickets_customers", "id", c2.Id, ct)),
                Keyed(await RawRows(db, "tickets_customer_identities", "customer_id", c2.Id, ct), "customer_id", "value"),
                Keyed(await RawRows(db, "tickets_tickets", "subject", direct, ct), "customer_id", "subject"),
                Keyed(await RawRows(db, "tickets_messages", "ticket_id", t2.Id, ct), "ticket_id", "author_customer_id"),
            ];

            // Tracked as written: a later change is saved as an update.
            t2.Priority = TicketPriority.Low;
        }, CancellationToken.None);

        Assert.Equal(efRows, directRows);
        Assert.Equal(TicketPriority.Low, await app.DbAsync(d => d.Set<Ticket>().Where(t => t.Id == ticketId).Select(t => t.Priority).SingleAsync()));
        Assert.Equal([direct], await app.DbAsync(d => d.Set<TicketTag>().Where(t => t.TicketId == ticketId).Select(t => t.Tag.Name).ToListAsync()));
    }

    [Fact]
    public async Task Rows_written_directly_in_a_failed_unit_leave_nothing()
    {
        var probe = $"failed-{Guid.NewGuid():N}";
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var uow = scope.ServiceProvider.GetRequiredService<UnitOfWork>();
        await Assert.ThrowsAsync<Rollback>(() => uow.RunAsync(async ct =>
        {
            var (customer, ticket, _) = Graph(probe, DateTime.UtcNow);
            uow.Db.Add(ticket);
            await RowInserter.WriteAddedAsync(uow.Db, [customer, .. customer.Identities, ticket.Tags[0].Tag, ticket, .. ticket.Tags], ct);
            throw new Rollback();
        }, CancellationToken.None));
        Assert.Equal(0, await app.DbAsync(d => d.Set<Ticket>().CountAsync(t => t.Subject == probe)));
        Assert.Equal(0, await app.DbAsync(d => d.Set<Tag>().CountAsync(t => t.Name == probe)));
        Assert.Equal(0, await app.DbAsync(d => d.Set<CustomerIdentity>().CountAsync(i => i.Value == probe + "@example.com")));
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
