using Kefu.Email;
using MailKit;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace Kefu.Tests.Email;

/// <summary>New mail → ticket, threading by each rule, exactly-once across crashes; against the real dovecot.</summary>
public abstract class IngestionTests(KefuApp app) : EmailTestBase(app)
{
    [Fact]
    public async Task New_mail_becomes_a_ticket_with_customer_attachments_and_clean_html()
    {
        var (id, user, address) = await CreateMailboxAsync();
        var from = Customer();
        var m = Mail(from, address, "订单 88213047 无法支付", "付款时提示交易受限", html: "<p>付款时提示<b>交易受限</b><img src=\"cid:logo@x\"></p><script>alert(1)</script>");
        var builder = new BodyBuilder { TextBody = "付款时提示交易受限", HtmlBody = "<p>付款时提示<b>交易受限</b><img src=\"cid:logo@x\"></p><script>alert(1)</script>" };
        var image = builder.LinkedResources.Add("logo.png", [0x89, 0x50, 0x4E, 0x47, 1, 2, 3], new ContentType("image", "png"));
        image.ContentId = "logo@x";
        builder.Attachments.Add("发票.pdf", "%PDF-1.4 fake"u8.ToArray(), new ContentType("application", "pdf"));
        m.Body = builder.ToMessageBody();
        await MailServers.AppendAsync(user, m);

        var result = await FetchAsync(id);
        Assert.Equal(1, result.Stored);

        var record = await RecordOfAsync(id, m.MessageId);
        Assert.Equal(EmailStatus.Ingested, record.Status);
        var ticket = await TicketAsync(record.TicketId!.Value);
        Assert.Equal("订单 88213047 无法支付", ticket["subject"]!.GetValue<string>());
        Assert.Equal("email", ticket["channel"]!.GetValue<string>());
        Assert.Equal(from, ticket["customer"]!["email"]!.GetValue<string>());
        Assert.Equal(App.TeamA, ticket["team"]!["id"]!.GetValue<int>());
        var message = Assert.Single(await MessagesAsync(record.TicketId!.Value))!;
        Assert.Contains("交易受限", message["body"]!.GetValue<string>());
        var html = message["bodyHtml"]!.GetValue<string>();
        Assert.DoesNotContain("<script", html);
        Assert.Contains("/api/v1/attachments/", html); // the inline image points at the stored copy
        var names = message["attachments"]!.AsArray().Select(a => a!["fileName"]!.GetValue<string>()).Order().ToList();
        Assert.Equal(["logo.png", "发票.pdf"], names);

        var flags = await MailServers.FlagsAsync(user);
        Assert.All(flags, f => Assert.True(f.Flags.HasFlag(MessageFlags.Seen)));
        Assert.Equal(0, (await FetchAsync(id)).Stored); // nothing new the second time
    }

    [Fact]
    public async Task A_batch_of_mails_from_new_and_known_senders_stores_every_message_with_its_customer_as_author()
    {
        var (id, user, address) = await CreateMailboxAsync();
        var known = Customer();
        var first = Mail(known, address, "第一封", "你好");
        await MailServers.AppendAsync(user, first);
        await FetchAsync(id);

        // One fetch, one batch: new senders (their customer is created in the batch) between replies and new tickets
        // of a known one — rows of one mail may be saved together with the next mail's (decision 0029).
        var mails = new List<MimeMessage>();
        for (var i = 0; i < 6; i++)
        {
            mails.Add(Mail(Customer(), address, $"新客户 {i}", $"第 {i} 封"));
            mails.Add(i % 2 == 0 ? Mail(known, address, "Re: 第一封", $"补充 {i}", inReplyTo: first.MessageId) : Mail(known, address, $"另一个问题 {i}", $"问题 {i}"));
        }
        foreach (var m in mails) await MailServers.AppendAsync(user, m);
        var result = await FetchAsync(id);
        Assert.Equal(mails.Count, result.Stored);

        var records = await RecordsAsync(id);
        var ticketIds = records.Select(r => r.TicketId!.Value).Distinct().ToList();
        var rows = await DbAsync(db => db.Set<Kefu.Tickets.Message>().AsNoTracking()
            .Where(m => ticketIds.Contains(m.TicketId))
            .Join(db.Set<Kefu.Tickets.Ticket>(), m => m.TicketId, t => t.Id, (m, t) => new { m.Id, m.Kind, m.AuthorCustomerId, t.CustomerId })
            .ToListAsync());
        Assert.Equal(mails.Count + 1, rows.Count);
        Assert.All(rows, r =>
        {
            Assert.Equal(Kefu.Tickets.MessageKind.Customer, r.Kind);
            Assert.Equal(r.CustomerId, r.AuthorCustomerId);
        });
    }

    [Fact]
    public async Task A_mixed_batch_creates_its_new_tickets_together_with_the_same_outcome_as_one_by_one()
    {
        var (id, user, address) = await CreateMailboxAsync();
        var known = Customer();
        var first = Mail(known, address, "批量-原始工单", "第一封");
        await MailServers.AppendAsync(user, first);
        await FetchAsync(id);
        var firstTicket = (await RecordOfAsync(id, first.MessageId)).TicketId!.Value;

        // One fetch, one batch (batch size 25): the new tickets are created together (TicketService.CreateManyAsync),
        // and each mail that depends on one of them (repeats or answers it) has them created first.
        var newcomer = Customer();
        var a = Mail(newcomer, address, "批量-新客户", "新客户的第一封");
        var b = Mail(known, address, "批量-老客户新问题", "另一个问题");
        var c = Mail(known, address, "Re: 批量-原始工单", "补充原工单", inReplyTo: first.MessageId);
        var d = Mail(known, address, "批量-原始工单", "重复投递", messageId: first.MessageId);
        var e = Mail(newcomer, address, "批量-新客户", "同一封又来一次", messageId: a.MessageId);
        var f = Mail(newcomer, address, "Re: 批量-新客户", "回复同批的新工单", inReplyTo: a.MessageId);
        var h = Mail(newcomer, address, "批量-新客户第二个问题", "同一个新客户");
        var mails = new[] { a, b, c, d, e, f, h };
        foreach (var m in mails) await MailServers.AppendAsync(user, m);
        var result = await FetchAsync(id);
        Assert.Equal(7, result.Stored); // the duplicates d and e are recorded as such
        Assert.Equal(0, result.Failed);

        var records = (await RecordsAsync(id)).ToLookup(r => r.MessageId);
        var ra = records[a.MessageId!].First();
        var rb = await RecordOfAsync(id, b.MessageId);
        var rh = await RecordOfAsync(id, h.MessageId);
        Assert.Equal(EmailStatus.Ingested, ra.Status);
        Assert.Equal(EmailStatus.Ingested, rb.Status);
        Assert.Equal(EmailStatus.Ingested, rh.Status);
        Assert.Equal(4, new[] { firstTicket, ra.TicketId!.Value, rb.TicketId!.Value, rh.TicketId!.Value }.Distinct().Count());
        Assert.Equal(firstTicket, (await RecordOfAsync(id, c.MessageId)).TicketId);
        Assert.Equal([EmailStatus.Ingested, EmailStatus.Duplicate], records[first.MessageId!].Select(r => r.Status).ToArray());
        Assert.Equal(firstTicket, records[first.MessageId!].Last().TicketId);
        Assert.Equal([EmailStatus.Ingested, EmailStatus.Duplicate], records[a.MessageId!].Select(r => r.Status).ToArray());
        Assert.Equal(ra.TicketId, records[a.MessageId!].Last().TicketId);
        Assert.Equal(ra.TicketId, (await RecordOfAsync(id, f.MessageId)).TicketId);

        // The new sender is one customer; every message has its ticket's customer as author.
        var ticketIds = new[] { firstTicket, ra.TicketId!.Value, rb.TicketId!.Value, rh.TicketId!.Value };
        var rows = await DbAsync(db => db.Set<Kefu.Tickets.Message>().AsNoTracking()
            .Where(m => ticketIds.Contains(m.TicketId))
            .Join(db.Set<Kefu.Tickets.Ticket>(), m => m.TicketId, t => t.Id, (m, t) => new { m.TicketId, m.AuthorCustomerId, t.CustomerId })
            .ToListAsync());
        Assert.Equal(6, rows.Count); // first + c, a + f, b, h
        Assert.All(rows, r => Assert.Equal(r.CustomerId, r.AuthorCustomerId));
        Assert.Equal(2, rows.Count(r => r.TicketId == ra.TicketId));
        Assert.Equal(2, rows.Count(r => r.TicketId == firstTicket));
        var byTicket = rows.ToLookup(r => r.TicketId, r => r.CustomerId);
        Assert.Equal(byTicket[ra.TicketId!.Value].First(), byTicket[rh.TicketId!.Value].Single());
        Assert.Equal(byTicket[firstTicket].First(), byTicket[rb.TicketId!.Value].Single());
        Assert.NotEqual(byTicket[firstTicket].First(), byTicket[ra.TicketId!.Value].First());

        // Events and audit as for tickets created one by one: one TicketCreated and MessageAdded per new ticket, one
        // "created" audit entry per ticket, one CustomerCreated for the new sender.
        foreach (var t in new[] { ra.TicketId!.Value, rb.TicketId!.Value, rh.TicketId!.Value })
        {
            var key = $"\"ticketId\":{t},";
            var events = await DbAsync(db => db.Outbox.AsNoTracking().Where(o => o.Payload.Contains(key))
                .Select(o => o.Type).ToListAsync());
            Assert.Single(events, x => x == "TicketCreated");
            Assert.Contains("MessageAdded", events);
            Assert.Equal(1, await DbAsync(db => db.Audit.AsNoTracking()
                .CountAsync(x => x.EntityType == "ticket" && x.EntityId == t.ToString() && x.Action == "created")));
        }
        var newCustomer = byTicket[ra.TicketId!.Value].First();
        Assert.Equal(1, await DbAsync(db => db.Audit.AsNoTracking()
            .CountAsync(x => x.EntityType == "customer" && x.EntityId == newCustomer.ToString() && x.Action == "created")));

        // A mail Tickets refuses in a batch: the batch is stored mail by mail, the others are kept.
        var g = Mail(Customer(), address, "批量-被拒绝", "Tickets 拒收这一封");
        var i = Mail(Customer(), address, "批量-同批的另一封", "照常保存");
        var j = Mail(known, address, "Re: 批量-原始工单", "再补充", inReplyTo: first.MessageId);
        foreach (var m in new[] { g, i, j }) await MailServers.AppendAsync(user, m);
        var hooks = App.Service<EmailHooks>();
        try
        {
            hooks.Step = step => step == "ticket:" + g.MessageId
                ? throw Kefu.Platform.DomainException.Conflict("refused for the test") : Task.CompletedTask;
            result = await FetchAsync(id);
        }
        finally { hooks.Step = null; }
        Assert.Equal(2, result.Stored);
        Assert.Equal(1, result.Failed);
        var rg = await RecordOfAsync(id, g.MessageId);
        Assert.Equal(EmailStatus.Failed, rg.Status);
        Assert.Contains("Refused by tickets", rg.Reason);
        Assert.Null(rg.TicketId);
        Assert.Equal(EmailStatus.Ingested, (await RecordOfAsync(id, i.MessageId)).Status);
        Assert.Single(await MessagesAsync((await RecordOfAsync(id, i.MessageId)).TicketId!.Value));
        Assert.Equal(firstTicket, (await RecordOfAsync(id, j.MessageId)).TicketId);
        Assert.Equal(3, (await MessagesAsync(firstTicket)).Count);
    }

    [Fact]
    public async Task Reply_threads_by_in_reply_to_and_references()
    {
        var (id, user, address) = await CreateMailboxAsync();
        var from = Customer();
        var first = Mail(from, address, "发票抬头错了", "请重开发票");
        await MailServers.AppendAsync(user, first);
        await FetchAsync(id);
        var ticketId = (await RecordOfAsync(id, first.MessageId)).TicketId;

        // A different subject on purpose: the headers alone decide.
        var byInReplyTo = Mail(Customer(), address, "补充", "抬头是某某公司", inReplyTo: first.MessageId);
        var byReferences = Mail(from, address, "再补充", "税号 123", references: ["unknown@elsewhere", first.MessageId!]);
        await MailServers.AppendAsync(user, byInReplyTo);
        await MailServers.AppendAsync(user, byReferences);
        await FetchAsync(id);

        Assert.Equal(ticketId, (await RecordOfAsync(id, byInReplyTo.MessageId)).TicketId);
        Assert.Equal(ticketId, (await RecordOfAsync(id, byReferences.MessageId)).TicketId);
        Assert.Equal(3, (await MessagesAsync(ticketId!.Value)).Count);
    }

    [Fact]
    public async Task Reply_to_a_mail_kefu_sent_threads_onto_its_ticket()
    {
        var (id, user, address) = await CreateMailboxAsync();
        var from = Customer();
        var first = Mail(from, address, "退款进度", "什么时候到账？");
        await MailServers.AppendAsync(user, first);
        await FetchAsync(id);
        var ticketId = (await RecordOfAsync(id, first.MessageId)).TicketId!.Value;
        var replyId = await ReplyAsync(ticketId, "已经提交退款，3 个工作日内到账。");
        var outbound = await OutboundForAsync(replyId);

        // The customer's mail client answers our mail: In-Reply-To is Kefu's Message-ID only.
        var answer = Mail(from, address, "Re: something else", "好的谢谢", inReplyTo: outbound.MessageId);
        await MailServers.AppendAsync(user, answer);
        await FetchAsync(id);
        Assert.Equal(ticketId, (await RecordOfAsync(id, answer.MessageId)).TicketId);
    }

    [Fact]
    public async Task Reply_threads_by_ticket_number_in_subject()
    {
        var (id, user, address) = await CreateMailboxAsync();
        var first = Mail(Customer(), address, "账号被冻结", "无法登录");
        await MailServers.AppendAsync(user, first);
        await FetchAsync(id);
        var ticketId = (await RecordOfAsync(id, first.MessageId)).TicketId!.Value;
        var number = ticketId + 100000;

        var follow = Mail(Customer(), address, $"回复：账号被冻结 [#{number}]", "身份证已上传");
        await MailServers.AppendAsync(user, follow);
        var unknown = Mail(Customer(), address, "Re: [#99999999] nothing", "no such ticket");
        await MailServers.AppendAsync(user, unknown);
        await FetchAsync(id);
        Assert.Equal(ticketId, (await RecordOfAsync(id, follow.MessageId)).TicketId);
        Assert.NotEqual(ticketId, (await RecordOfAsync(id, unknown.MessageId)).TicketId);
    }

    [Fact]
    public async Task Subject_and_sender_thread_only_when_enabled()
    {
        var (on, onUser, onAddress) = await CreateMailboxAsync(new { subjectThreadingDays = 7 });
        var (off, offUser, offAddress) = await CreateMailboxAsync();
        foreach (var (mb, user, address) in new[] { (on, onUser, onAddress), (off, offUser, offAddress) })
        {
            var from = Customer();
            var first = Mail(from, address, "快递一直没到", "单号 SF123");
            await MailServers.AppendAsync(user, first);
            await FetchAsync(mb);
            var again = Mail(from, address, "RE: Fwd: 快递一直没到", "还是没到");
            var otherSender = Mail(Customer(), address, "快递一直没到", "我的也没到");
            await MailServers.AppendAsync(user, again);
            await MailServers.AppendAsync(user, otherSender);
            await FetchAsync(mb);
            var t1 = (await RecordOfAsync(mb, first.MessageId)).TicketId;
            var t2 = (await RecordOfAsync(mb, again.MessageId)).TicketId;
            var t3 = (await RecordOfAsync(mb, otherSender.MessageId)).TicketId;
            if (mb == on) Assert.Equal(t1, t2); else Assert.NotEqual(t1, t2);
            Assert.NotEqual(t1, t3);
        }
    }

    [Fact]
    public async Task Crash_before_commit_loses_nothing_and_crash_after_commit_duplicates_nothing()
    {
        var (id, user, address) = await CreateMailboxAsync();
        var mails = Enumerable.Range(0, 30).Select(i => Mail(Customer(), address, $"崩溃测试 {i}", $"正文 {i}")).ToList();
        foreach (var m in mails) await MailServers.AppendAsync(user, m);
        var hooks = App.Service<EmailHooks>();
        try
        {
            // 1. Killed inside the transaction of the second batch (25 per batch): the first batch is kept.
            var batches = 0;
            hooks.Step = step => step == "stored" && ++batches == 2 ? throw new HookException(step) : Task.CompletedTask;
            await Assert.ThrowsAsync<HookException>(() => FetchAsync(id));
            Assert.Equal(25, (await RecordsAsync(id)).Count);

            // 2. Killed after the commit, before the server is told: stored, not flagged.
            hooks.Step = step => step == "committed" ? throw new HookException(step) : Task.CompletedTask;
            await Assert.ThrowsAsync<HookException>(() => FetchAsync(id));
            Assert.Equal(30, (await RecordsAsync(id)).Count);
            Assert.Contains(await MailServers.FlagsAsync(user), f => !f.Flags.HasFlag(MessageFlags.Seen));
        }
        finally { hooks.Step = null; }

        // 3. Restarted: every mail exactly once, all flagged now.
        var again = await FetchAsync(id);
        Assert.Equal(0, again.Stored);
        var records = await RecordsAsync(id);
        Assert.Equal(30, records.Count);
        Assert.Equal(30, records.Select(r => r.MessageId).Distinct().Count());
        Assert.Equal(mails.Select(m => m.MessageId).Order(), records.Select(r => r.MessageId).Order());
        var ticketIds = records.Select(r => r.TicketId!.Value).ToList();
        foreach (var t in ticketIds) Assert.Single(await MessagesAsync(t));
        Assert.All(await MailServers.FlagsAsync(user), f => Assert.True(f.Flags.HasFlag(MessageFlags.Seen)));
    }

    [Fact]
    public async Task Same_message_id_in_two_mailboxes_is_stored_once_and_moved_mail_leaves_the_inbox()
    {
        var (a, userA, addressA) = await CreateMailboxAsync(new { processedAction = "move", processedFolder = "Kefu" });
        var (b, userB, _) = await CreateMailboxAsync();
        var m = Mail(Customer(), addressA, "同时发给两个邮箱", "内容");
        await MailServers.AppendAsync(userA, m);
        await MailServers.AppendAsync(userB, m);
        await FetchAsync(a);
        await FetchAsync(b);
        var ra = await RecordOfAsync(a, m.MessageId);
        var rb = await RecordOfAsync(b, m.MessageId);
        Assert.Equal(EmailStatus.Ingested, ra.Status);
        Assert.Equal(EmailStatus.Duplicate, rb.Status);
        Assert.Equal(ra.TicketId, rb.TicketId);
        Assert.Single(await MessagesAsync(ra.TicketId!.Value));
        Assert.Empty(await MailServers.FlagsAsync(userA));
        Assert.Single(await MailServers.FlagsAsync(userA, "Kefu"));
    }

    [Fact]
    public async Task Idle_picks_up_new_mail_without_polling()
    {
        var (id, user, address) = await CreateMailboxAsync(new { pollSeconds = 3600, useIdle = true, isActive = true });
        using var stop = new CancellationTokenSource();
        var watcher = App.Service<MailboxFetcher>().WatchAsync(id, stop.Token);
        try
        {
            // Wait until the watcher has done its first pass (health stamp), then deliver.
            await MailServers.EventuallyAsync(() => DbAsync(async db =>
                (await db.Set<Mailbox>().AsNoTracking().FirstAsync(x => x.Id == id)).LastCheckedAt is { } t ? (DateTime?)t : null), "the first fetch");
            var m = Mail(Customer(), address, "IDLE 推送", "实时到达");
            await MailServers.AppendAsync(user, m);
            await MailServers.EventuallyAsync(() => DbAsync(db =>
                db.Set<EmailRecord>().AsNoTracking().FirstOrDefaultAsync(r => r.MailboxId == id && r.MessageId == m.MessageId)), "the mail via IDLE");
        }
        finally
        {
            await stop.CancelAsync();
            await watcher;
        }
    }
}

[Collection(EmailSqliteCollection.Name)]
public sealed class SqliteIngestionTests(EmailSqliteApp app) : IngestionTests(app);

[Collection(EmailPostgresCollection.Name)]
public sealed class PostgresIngestionTests(EmailPostgresApp app) : IngestionTests(app);
