using Kefu.Email;
using Kefu.Platform;
using Kefu.Platform.Database;
using Kefu.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Kefu.Tests.Tickets;

/// <summary><see cref="TicketService.CreateManyAsync"/>: the batch create used by channels that ingest in batches.</summary>
public abstract class TicketBatchTests(KefuApp app)
{
    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    private static CreateTicketRequest Request(string subject, CustomerInput customer, string? externalId, string[]? tags = null) =>
        new(subject, customer, new MessageInput("批量创建的正文 " + subject, null, null), Channel.Email, null, null, null, null, null, tags, externalId);

    private static CustomerInput ByEmail(string email) => new(null, null, email, null, null, null, null);

    private async Task<T> InUnitAsync<T>(Func<TicketService, KefuDb, CancellationToken, Task<T>> work)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var uow = scope.ServiceProvider.GetRequiredService<UnitOfWork>();
        var tickets = scope.ServiceProvider.GetRequiredService<TicketService>();
        return await uow.RunAsync(ct => work(tickets, uow.Db, ct), CancellationToken.None);
    }

    [Fact]
    public async Task A_batch_uses_the_stored_tag_whatever_the_case_of_the_name()
    {
        var name = Unique("VIP")[..20].ToUpperInvariant();
        await InUnitAsync((t, _, ct) => t.CreateAsync(Request("已有标签", ByEmail($"{Unique("t")}@batch.test"), null, [name]), EmailIngestor.SystemStaff, ct));
        var results = await InUnitAsync((t, _, ct) => t.CreateManyAsync(
            [
                new TicketDraft(Request("小写", ByEmail($"{Unique("t")}@batch.test"), null, [name.ToLowerInvariant()])),
                new TicketDraft(Request("首字母大写", ByEmail($"{Unique("t")}@batch.test"), null, [name[..1] + name[1..].ToLowerInvariant()])),
            ], EmailIngestor.SystemStaff, ct));
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDb>();
        var ids = results.Select(r => r.Ticket.Id).ToList();
        var linked = await db.Set<TicketTag>().Where(x => ids.Contains(x.TicketId)).Select(x => x.Tag.Name).ToListAsync();
        Assert.Equal([name, name], linked);
        Assert.Single(await db.Set<Tag>().Where(x => x.Name.ToLower() == name.ToLowerInvariant()).ToListAsync());
    }

    [Fact]
    public async Task A_mixed_batch_resolves_customers_and_external_ids_once_and_writes_what_single_creates_write()
    {
        var knownEmail = $"{Unique("known")}@batch.test";
        var newEmail = $"{Unique("new")}@batch.test";
        var (known, existing) = await InUnitAsync(async (t, _, ct) =>
        {
            var (ticket, _) = await t.CreateAsync(Request("已有工单", ByEmail(knownEmail), Unique("ext")), EmailIngestor.SystemStaff, ct);
            return (ticket.CustomerId, ticket);
        });

        var tag = Unique("批量标签")[..30];
        var drafts = new[]
        {
            new TicketDraft(Request("新客户", ByEmail(newEmail), Unique("ext"))),                                 // 0 new customer
            new TicketDraft(Request("老客户（按邮箱）", ByEmail(knownEmail), Unique("ext"), [tag])),              // 1 known by identity
            new TicketDraft(Request("老客户（按编号）", new CustomerInput(known, null, null, null, null, null, null), null, [tag])), // 2 by id
            new TicketDraft(Request("重复的外部编号", ByEmail(knownEmail), existing.ExternalId)),                 // 3 already stored
            new TicketDraft(Request("新客户又来一封", ByEmail(newEmail.ToUpperInvariant()), Unique("ext"))),     // 4 same new customer
        };
        drafts = [.. drafts, new TicketDraft(Request("同批重复", ByEmail(newEmail), drafts[0].Request.ExternalId))]; // 5 repeats 0

        var results = await InUnitAsync((t, _, ct) => t.CreateManyAsync(drafts, EmailIngestor.SystemStaff, ct));

        Assert.Equal([true, true, true, false, true, false], results.Select(r => r.Created).ToArray());
        Assert.Equal(existing.Id, results[3].Ticket.Id);
        Assert.Equal(results[0].Ticket.Id, results[5].Ticket.Id);
        Assert.Null(results[3].FirstMessageId);
        Assert.Equal(known, results[1].Ticket.CustomerId);
        Assert.Equal(known, results[2].Ticket.CustomerId);
        Assert.Equal(results[0].Ticket.CustomerId, results[4].Ticket.CustomerId);
        Assert.NotEqual(known, results[0].Ticket.CustomerId);

        var createdIds = new[] { 0, 1, 2, 4 }.Select(i => results[i].Ticket.Id).ToArray();
        var createdKeys = createdIds.Select(i => i.ToString()).ToArray();
        var newCustomer = results[0].Ticket.CustomerId;
        var (messages, identities, tagged, audits, customerAudits, events) = await app.DbAsync(async db => (
            await db.Set<Message>().AsNoTracking().Where(m => createdIds.Contains(m.TicketId))
                .Select(m => new { m.Id, m.TicketId, m.AuthorCustomerId, m.Kind }).ToListAsync(),
            await db.Set<CustomerIdentity>().AsNoTracking().Where(i => i.CustomerId == newCustomer).Select(i => i.Value).ToListAsync(),
            await db.Set<TicketTag>().AsNoTracking().Where(x => x.Tag.Name == tag).Select(x => x.TicketId).ToListAsync(),
            await db.Audit.AsNoTracking().Where(a => a.EntityType == "ticket" && a.Action == "created").Select(a => a.EntityId)
                .Where(e => createdKeys.Contains(e)).ToListAsync(),
            await db.Audit.AsNoTracking().CountAsync(a => a.EntityType == "customer" && a.Action == "created" && a.EntityId == newCustomer.ToString()),
            await db.Outbox.AsNoTracking().Where(o => o.Type == "TicketCreated" || o.Type == "MessageAdded" || o.Type == "CustomerCreated")
                .OrderByDescending(o => o.Id).Take(500).Select(o => new { o.Type, o.Payload }).ToListAsync()));

        // One customer message per new ticket, its author set at insert (new customer included).
        Assert.Equal(4, messages.Count);
        foreach (var i in new[] { 0, 1, 2, 4 })
        {
            var m = Assert.Single(messages, m => m.TicketId == results[i].Ticket.Id);
            Assert.Equal(MessageKind.Customer, m.Kind);
            Assert.Equal(results[i].Ticket.CustomerId, m.AuthorCustomerId);
            Assert.Equal(results[i].FirstMessageId, m.Id);
        }
        Assert.Equal([newEmail], identities);
        Assert.Equal(new[] { results[1].Ticket.Id, results[2].Ticket.Id }.Order(), tagged.Order());
        Assert.Equal(4, audits.Count);
        Assert.Equal(1, customerAudits);
        foreach (var id in createdIds)
        {
            Assert.Single(events, e => e.Type == "TicketCreated" && e.Payload.Contains($"\"ticketId\":{id},"));
            Assert.Single(events, e => e.Type == "MessageAdded" && e.Payload.Contains($"\"ticketId\":{id},"));
        }
        Assert.Single(events, e => e.Type == "CustomerCreated" && e.Payload.Contains($"\"customerId\":{newCustomer}}}"));
    }

    [Fact]
    public async Task Messages_added_together_are_saved_once_and_write_what_messages_added_one_by_one_write()
    {
        // Twin tickets waiting for the customer; the same messages go to one of them one by one (AddMessageAsync), to
        // the other together (AddMessagesAsync, several drafts sharing the ticket object).
        var email = $"{Unique("replies")}@batch.test";
        var (single, together, closed) = await InUnitAsync(async (t, db, ct) =>
        {
            var x = (await t.CreateAsync(Request("孪生工单", ByEmail(email), null), EmailIngestor.SystemStaff, ct)).Ticket;
            var y = (await t.CreateAsync(Request("孪生工单", ByEmail(email), null), EmailIngestor.SystemStaff, ct)).Ticket;
            var z = (await t.CreateAsync(Request("已关闭", ByEmail(email), null), EmailIngestor.SystemStaff, ct)).Ticket;
            x.Status = y.Status = TicketStatus.PendingCustomer;
            z.Status = TicketStatus.Closed;
            await db.SaveChangesAsync(ct);
            return (x.Id, y.Id, z.Id);
        });
        AddMessageRequest[] Requests(string tag) =>
        [
            new(MessageKind.Customer, "客户补充一", null, null, $"{tag}-1"),
            new(MessageKind.InternalNote, "系统备注", null, null, null),
            new(MessageKind.Customer, "客户补充二", null, null, $"{tag}-2"),
        ];
        var singleTag = Unique("single");
        var togetherTag = Unique("together");

        await InUnitAsync(async (t, db, ct) =>
        {
            var ticket = await db.Set<Ticket>().SingleAsync(x => x.Id == single, ct);
            foreach (var r in Requests(singleTag)) await t.AddMessageAsync(ticket, r, EmailIngestor.SystemStaff, ct);
            return 0;
        });
        var saves = await InUnitAsync(async (t, db, ct) =>
        {
            var ticket = await db.Set<Ticket>().SingleAsync(x => x.Id == together, ct);
            var count = 0;
            db.SavedChanges += (_, _) => count++;
            var added = await t.AddMessagesAsync([.. Requests(togetherTag).Select(r => new MessageDraft(ticket, r))], EmailIngestor.SystemStaff, ct);
            Assert.Equal(3, added.Count);
            Assert.All(added, m => Assert.True(m.Id > 0));
            return count;
        });
        Assert.Equal(1, saves); // three messages and the ticket's change in one save (AddMessageAsync: two per message)

        async Task<List<string>> OutcomeAsync(long id, string tag)
        {
            var key = id.ToString();
            var payload = $"\"ticketId\":{id},";
            static string Plain(string? s) => System.Text.RegularExpressions.Regex.Replace(s ?? "", "[0-9]+", "#");
            return await app.DbAsync<List<string>>(async db =>
            {
                var ticket = await db.Set<Ticket>().AsNoTracking().SingleAsync(x => x.Id == id);
                var lines = new List<string> { ticket.Status.ToString() };
                lines.AddRange(await db.Set<Message>().AsNoTracking().Where(m => m.TicketId == id).OrderBy(m => m.Id)
                    .Select(m => $"{m.Kind} {m.Body} {m.ExternalId} {m.AuthorCustomerId == ticket.CustomerId} {m.AuthorUserId}").ToListAsync());
                lines.AddRange((await db.Audit.AsNoTracking().Where(a => a.EntityType == "ticket" && a.EntityId == key && (a.Action == "customer_wrote" || a.Action == "noted"))
                    .OrderBy(a => a.Id).Select(a => a.Action + " " + a.Changes).ToListAsync()).Select(Plain));
                lines.AddRange((await db.Outbox.AsNoTracking()
                    .Where(o => o.Payload.Contains(payload) && (o.Type == "MessageAdded" || o.Type == "TicketStatusChanged"))
                    .OrderBy(o => o.Id).Select(o => o.Type + " " + o.Payload).ToListAsync()).Select(Plain));
                return [.. lines.Select(l => l.Replace(tag, "tag"))];
            });
        }
        var expected = await OutcomeAsync(single, singleTag);
        Assert.Equal(expected, await OutcomeAsync(together, togetherTag));
        Assert.Equal(1 + 4 + 3 + 5, expected.Count); // status, 4 messages, 3 audit entries, 4 MessageAdded + 1 status change
        Assert.Equal("Open", expected[0]);

        // A refusal (a closed ticket) throws before anything is saved: the other drafts of the call are not kept either.
        var refusedTag = Unique("refused");
        await Assert.ThrowsAsync<DomainException>(() => InUnitAsync(async (t, db, ct) =>
        {
            var open = await db.Set<Ticket>().SingleAsync(x => x.Id == together, ct);
            var shut = await db.Set<Ticket>().SingleAsync(x => x.Id == closed, ct);
            return await t.AddMessagesAsync([new MessageDraft(open, Requests(refusedTag)[0]), new MessageDraft(shut, Requests(refusedTag)[2])],
                EmailIngestor.SystemStaff, ct);
        }));
        Assert.False(await app.DbAsync(db => db.Set<Message>().AnyAsync(m => m.ExternalId!.StartsWith(refusedTag))));
    }

    [Fact]
    public async Task A_refused_draft_fails_the_batch_before_anything_is_kept_and_the_others_can_be_created_one_by_one()
    {
        var ext = Unique("ext");
        var email = $"{Unique("refused")}@batch.test";
        var drafts = new[]
        {
            new TicketDraft(Request("会被保存的", ByEmail(email), ext)),
            new TicketDraft(Request("  ", ByEmail(email), Unique("ext"))), // empty subject: refused
        };
        var refused = await Assert.ThrowsAsync<DomainException>(() =>
            InUnitAsync((t, _, ct) => t.CreateManyAsync(drafts, EmailIngestor.SystemStaff, ct)));
        Assert.Equal(400, refused.Status);
        Assert.False(await app.DbAsync(db => db.Set<Ticket>().AnyAsync(t => t.ExternalId == ext)));
        Assert.False(await app.DbAsync(db => db.Set<CustomerIdentity>().AnyAsync(i => i.Value == email)));

        // The caller's fallback: one draft per unit; the good one is stored, the bad one refused on its own.
        var kept = await InUnitAsync((t, _, ct) => t.CreateManyAsync([drafts[0]], EmailIngestor.SystemStaff, ct));
        Assert.True(kept[0].Created);
        await Assert.ThrowsAsync<DomainException>(() => InUnitAsync((t, _, ct) => t.CreateManyAsync([drafts[1]], EmailIngestor.SystemStaff, ct)));
        Assert.True(await app.DbAsync(db => db.Set<Ticket>().AnyAsync(t => t.ExternalId == ext)));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteTicketBatchTests(SqliteApp app) : TicketBatchTests(app);

[Collection(PostgresCollection.Name)]
public sealed class PostgresTicketBatchTests(PostgresApp app) : TicketBatchTests(app);
