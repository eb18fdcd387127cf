using Kefu.Chat;
using Kefu.Email;
using Kefu.Platform.Database;
using Kefu.Routing.Triage;
using Kefu.Tests.Chat;

namespace Kefu.Tests.Platform;

/// <summary>The growing operational lists (mailbox log, outbox, flagged visitors, triage corrections) page with
/// <c>limit</c> and <c>cursor</c> like every other list (decisions 0052, 0061): the envelope, pages that follow each
/// other without gaps or repeats (ties included), and a 400 naming the parameter for a bad limit or cursor. Rows are
/// written directly (the mail, chat and triage paths that write them have tests of their own); run once per provider.</summary>
public abstract class OperationalListsTests(KefuApp app)
{
    private static readonly DateTime T0 = new(2026, 11, 24, 8, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task Mailbox_log_and_outbox_page_newest_first()
    {
        var user = "ops" + Guid.NewGuid().ToString("N")[..8];
        var mailbox = (await KefuApp.PostOk(app.Admin, "/api/v1/mailboxes", new
        {
            name = "Ops " + user, address = $"{user}@support.test", teamId = app.TeamA,
            imapHost = "127.0.0.1", imapPort = 9, imapSecurity = "none", imapUser = user, imapPassword = "x", processedAction = "mark_seen",
            smtpHost = "127.0.0.1", smtpPort = 9, smtpSecurity = "none", smtpUser = "kefu", smtpPassword = "x", isActive = false,
        }))["id"]!.GetValue<int>();
        var records = Enumerable.Range(0, 5).Select(i => new EmailRecord
        {
            MailboxId = mailbox, Direction = EmailDirection.Inbound, MessageId = $"{user}.{i}@mail.test",
            Status = i % 2 == 0 ? EmailStatus.Failed : EmailStatus.Ingested, Subject = $"log {i}", Reason = "bad", CreatedAt = T0,
        }).ToList();
        var outbound = Enumerable.Range(0, 5).Select(i => new OutboundEmail
        {
            DedupeKey = $"{user}:{i}", MailboxId = mailbox, Kind = OutboundKind.System, To = $"c{i}@customer.test", Subject = $"out {i}",
            MessageId = $"{user}.out{i}@mail.test", BodyText = "text", Status = i % 2 == 0 ? OutboundStatus.Failed : OutboundStatus.Sent,
            NextAttemptAt = T0, CreatedAt = T0,
        }).ToList();
        await InsertAsync([.. records, .. outbound]);
        long[] Ids<T>(List<T> rows, Func<T, long> id, params int[] n) => [.. n.Select(i => id(rows[i]))];

        var log = $"/api/v1/mailboxes/{mailbox}/messages";
        Assert.Equal(Ids(records, r => r.Id, 4, 3, 2, 1, 0), (await AllIds(log, "")).Select(long.Parse));
        Assert.Equal(Ids(records, r => r.Id, 4, 2, 0), (await AllIds(log, "status=failed")).Select(long.Parse));
        var first = await KefuApp.Json(await app.Admin.GetAsync($"{log}?limit=5"), true);
        Assert.Equal(5, first["items"]!.AsArray().Count);
        Assert.Null(first["nextCursor"]);
        await BadRequest($"{log}?limit=0", "limit");
        await BadRequest($"{log}?limit=201", "limit");
        await BadRequest($"{log}?cursor=garbage", "cursor");

        var outbox = "/api/v1/mailboxes/outbox";
        Assert.Equal(Ids(outbound, o => o.Id, 4, 3, 2, 1, 0), (await AllIds(outbox, $"mailboxId={mailbox}")).Select(long.Parse));
        Assert.Equal(Ids(outbound, o => o.Id, 3, 1), (await AllIds(outbox, $"mailboxId={mailbox}&status=sent")).Select(long.Parse));
        // Across every mailbox, the new rows come in the same order among the others.
        var all = (await AllIds(outbox, "status=failed")).Select(long.Parse);
        Assert.Equal(Ids(outbound, o => o.Id, 4, 2, 0), all.Where(Ids(outbound, o => o.Id, 0, 2, 4).Contains));
        await BadRequest($"{outbox}?limit=0", "limit");
        await BadRequest($"{outbox}?cursor=garbage", "cursor");
        // Each list's cursor is its own: the log's does not page the outbox.
        var logCursor = (await KefuApp.Json(await app.Admin.GetAsync($"{log}?limit=2"), true))["nextCursor"]!.GetValue<string>();
        await BadRequest($"{outbox}?cursor={logCursor}", "cursor");
    }

    [Fact]
    public async Task Flagged_visitors_page_newest_flag_first_ties_included()
    {
        var site = await ChatTestData.CreateSite(app, app.TeamA);
        var stamp = DateTime.UtcNow.AddDays(30); // newer than any other flag in the collection
        var offsets = new[] { 0, 2, 2, 2, 3 };
        var visitors = offsets.Select(s => new ChatVisitor
        {
            Id = Guid.NewGuid(), SiteId = site.Id, Name = "快速访客", FlaggedAt = stamp.Date.AddSeconds(s), FlagReason = "too fast",
            CreatedAt = T0, LastSeenAt = T0,
        }).ToList();
        await InsertAsync([.. visitors]);
        // Newest flag first; ties in the order the database sorts the ids as text, descending.
        var ids = visitors.Select(v => v.Id.ToString()).ToHashSet();
        var tied = visitors.Skip(1).Take(3).Select(v => v.Id.ToString()).ToList();
        var listed = (await AllIds("/api/v1/chat/flagged-visitors", "", "visitorId", app.Supervisor.Http)).Where(ids.Contains).ToList();
        Assert.Equal(5, listed.Count);
        Assert.Equal(visitors[4].Id.ToString(), listed[0]);
        Assert.Equal(tied.ToHashSet(), listed.Skip(1).Take(3).ToHashSet());
        Assert.Equal(visitors[0].Id.ToString(), listed[4]);
        // The same order a page at a time as in one page.
        var whole = await KefuApp.Json(await app.Supervisor.Http.GetAsync("/api/v1/chat/flagged-visitors?limit=200"), true);
        Assert.Equal(listed, whole["items"]!.AsArray().Select(x => x!["visitorId"]!.GetValue<string>()).Where(ids.Contains));
        Assert.Equal("快速访客", whole["items"]!.AsArray().First(x => x!["visitorId"]!.GetValue<string>() == listed[0])!["name"]!.GetValue<string>());

        await BadRequest("/api/v1/chat/flagged-visitors?limit=0", "limit");
        await BadRequest("/api/v1/chat/flagged-visitors?limit=201", "limit");
        await BadRequest("/api/v1/chat/flagged-visitors?cursor=garbage", "cursor");
        Assert.Equal(HttpStatusCode.Forbidden, (await app.AgentA.Http.GetAsync("/api/v1/chat/flagged-visitors")).StatusCode);
    }

    [Fact]
    public async Task Triage_corrections_page_newest_first_ties_by_id()
    {
        var tickets = new List<long>();
        for (var i = 0; i < 5; i++)
            tickets.Add((await KefuApp.PostOk(app.Admin, "/api/v1/tickets", new
            {
                subject = $"纠正 {i}", customer = new { email = $"corr{Guid.NewGuid():N}@example.com" }, message = new { body = "hello" }, teamId = app.TeamA,
            }))["id"]!.GetValue<long>());
        var stamp = DateTime.UtcNow.AddDays(30).Date; // newer than any other correction in the collection
        var offsets = new[] { 1, 3, 3, 0, 2 };
        var rows = tickets.Select((t, i) => new TriageCorrection
        {
            TicketId = t, Text = $"快递 13800138000 纠正 {i}", Leaf = "a/b/c", CreatedAt = stamp, UpdatedAt = stamp.AddSeconds(offsets[i]),
        }).ToList();
        await InsertAsync([.. rows]);
        var mine = tickets.Select(t => t.ToString()).ToHashSet();
        long[] Tickets(params int[] n) => [.. n.Select(i => tickets[i])];

        var listed = (await AllIds("/api/v1/triage/corrections", "", "ticketId")).Where(mine.Contains).Select(long.Parse);
        Assert.Equal(Tickets(2, 1, 4, 0, 3), listed);
        await BadRequest("/api/v1/triage/corrections?limit=0", "limit");
        await BadRequest("/api/v1/triage/corrections?cursor=garbage", "cursor");
    }

    [Fact]
    public async Task Audit_trail_pages_newest_first_through_the_same_cursor()
    {
        var tags = new List<string>();
        for (var i = 0; i < 3; i++)
            tags.Add((await KefuApp.PostOk(app.Admin, "/api/v1/tags", new { name = $"audit-{Guid.NewGuid():N}"[..16] }))["id"]!.ToString());
        var mine = tags.ToHashSet();
        var listed = (await AllIds("/api/v1/audit", "entityType=tag&action=created", "entityId")).Where(mine.Contains);
        Assert.Equal([tags[2], tags[1], tags[0]], listed);
        await BadRequest("/api/v1/audit?limit=0", "limit");
        await BadRequest("/api/v1/audit?cursor=garbage", "cursor");
        // The tags list's cursor (ordered by id too) is not the audit's.
        var tagsCursor = (await KefuApp.Json(await app.Admin.GetAsync("/api/v1/tags?limit=1&sort=createdAt"), true))["nextCursor"]!.GetValue<string>();
        await BadRequest($"/api/v1/audit?cursor={tagsCursor}", "cursor");
    }

    private async Task InsertAsync(object[] rows)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var uow = scope.ServiceProvider.GetRequiredService<UnitOfWork>();
        await uow.RunAsync(async ct =>
        {
            uow.Db.AddRange(rows);
            await uow.Db.SaveChangesAsync(ct);
        }, CancellationToken.None);
    }

    /// <summary>The ids of every item, following the cursor two at a time; each page but the last is full and carries a cursor.</summary>
    private Task<List<string>> AllIds(string path, string query, string idField = "id", HttpClient? client = null) =>
        ListPages.AllIds(client ?? app.Admin, path, query, idField);

    private async Task BadRequest(string url, string field)
    {
        var response = await app.Admin.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await KefuApp.Json(response);
        Assert.NotNull(problem["errors"]![field]);
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteOperationalListsTests(SqliteApp app) : OperationalListsTests(app);

[Collection(PostgresCollection.Name)]
public sealed class PostgresOperationalListsTests(PostgresApp app) : OperationalListsTests(app);
