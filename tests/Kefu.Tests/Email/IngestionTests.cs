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
    public async Task A_batch_adds_its_replies_together_with_the_same_outcome_as_one_by_one_and_a_crash_keeps_none_of_it()
    {
        // The same mails go to two mailboxes: one stores them as one batch (replies held back and added together by
        // TicketService.AddMessagesAsync), the other one mail per fetch (each reply added on its own, as before).
        var batched = await ScenarioAsync();
        var single = await ScenarioAsync();
        foreach (var m in batched.Mails) await MailServers.AppendAsync(batched.User, m);
        var hooks = App.Service<EmailHooks>();
        var steps = new List<string>();
        try
        {
            // A crash inside the batch's transaction, after its replies went to Tickets: nothing of the batch is kept.
            hooks.Step = step => step == "stored" ? throw new HookException(step) : Task.CompletedTask;
            await Assert.ThrowsAsync<HookException>(() => FetchAsync(batched.Id));
            Assert.Equal(2, (await RecordsAsync(batched.Id)).Count(r => r.Direction == EmailDirection.Inbound));
            Assert.Equal(2, (await MessagesAsync(batched.T1)).Count);
            Assert.Single(await MessagesAsync(batched.T2));

            // The retry stores every mail once, and the replies went to Tickets together (not one by one).
            hooks.Step = step => { lock (steps) steps.Add(step); return Task.CompletedTask; };
            var result = await FetchAsync(batched.Id);
            Assert.Equal(batched.Mails.Count, result.Stored);
            Assert.Equal(0, result.Failed);
        }
        finally { hooks.Step = null; }
        Assert.Contains(steps, s => s.StartsWith("replies:") && int.Parse(s["replies:".Length..]) >= 2);
        Assert.Equal(0, (await FetchAsync(batched.Id)).Stored);

        foreach (var m in single.Mails)
        {
            await MailServers.AppendAsync(single.User, m);
            Assert.Equal(1, (await FetchAsync(single.Id)).Stored);
        }

        var expected = await OutcomeAsync(single);
        var actual = await OutcomeAsync(batched);
        Assert.Equal(expected.Records, actual.Records);
        Assert.Equal(expected.Tickets, actual.Tickets);
        // What the test expects of the one-by-one path, so that equality above means the right thing.
        Assert.Equal(["Ingested T1 Customer", "Ingested N1 Customer", "Ingested T1 Customer", "Ingested T2 Customer",
            "Ingested T2 InternalNote", "Ingested N1 Customer", "Ingested T1 Customer", "Duplicate T1 -"], expected.Records);
        Assert.Contains("T1 Open: Customer,PublicReply,Customer,Customer,Customer", expected.Tickets);
        Assert.Contains(expected.Tickets, l => l.StartsWith("T1 files: 单据.pdf inline False"));
        Assert.Contains("N1 files: 单据.pdf,图.png inline True cid False", expected.Tickets);
        Assert.All(await MailServers.FlagsAsync(batched.User), f => Assert.True(f.Flags.HasFlag(MessageFlags.Seen)));
    }

    private sealed record Scenario(int Id, string User, long T1, long T2, string[] Senders, List<MimeMessage> Mails);

    /// <summary>A mailbox with two tickets (T1 answered by an agent, so a customer reply reopens it) and, appended to
    /// the batched one only, a batch mixing replies (by In-Reply-To, References, ticket number, to a reply of the same
    /// batch, an automatic reply) with a new ticket, a reply to that new ticket and a duplicate.</summary>
    private async Task<Scenario> ScenarioAsync()
    {
        var (id, user, address) = await CreateMailboxAsync();
        string k1 = Customer(), k2 = Customer(), newcomer = Customer();
        var t1Mail = Mail(k1, address, "回复批量-订单问题", "订单没有发货");
        var t2Mail = Mail(k2, address, "回复批量-发票问题", "发票抬头错了");
        await MailServers.AppendAsync(user, t1Mail);
        await MailServers.AppendAsync(user, t2Mail);
        await FetchAsync(id);
        var t1 = (await RecordOfAsync(id, t1Mail.MessageId)).TicketId!.Value;
        var t2 = (await RecordOfAsync(id, t2Mail.MessageId)).TicketId!.Value;
        await ReplyAsync(t1, "请提供订单号。");
        await KefuApp.Json(await App.Admin.SendAsync(new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/tickets/{t1}")
            { Content = System.Net.Http.Json.JsonContent.Create(new { status = "pending_customer" }) }), true);

        var r1 = Mail(k1, address, "Re: 回复批量-订单问题", "订单号 1001", inReplyTo: t1Mail.MessageId);
        var n1 = Mail(newcomer, address, "回复批量-新问题", "新客户的问题");
        var r2 = Mail(k1, address, "Re: 回复批量-订单问题", "再补充一句", references: [t1Mail.MessageId!]);
        var r3 = Mail(k2, address, $"回复：回复批量-发票问题 [#{t2 + 100000}]", "按工单号回复");
        var auto = Mail(k2, address, "回复批量-发票问题", "我在休假", inReplyTo: t2Mail.MessageId);
        auto.Headers.Add("Auto-Submitted", "auto-replied");
        var rn = Mail(newcomer, address, "Re: 回复批量-新问题", "补充新问题", inReplyTo: n1.MessageId);
        var rr = Mail(k1, address, "Re: Re: 回复批量-订单问题", "回复我自己的补充", inReplyTo: r1.MessageId);
        // Attachments on a held-back reply and a held-back new ticket (rows saved at the flush, ids linked after).
        foreach (var (m, inline) in new[] { (r1, false), (n1, true) })
        {
            var body = new BodyBuilder { TextBody = "见附件", HtmlBody = "<p>见附件<img src=\"cid:pic@x\"></p>" };
            if (inline) body.LinkedResources.Add("图.png", [0x89, 0x50, 0x4E, 0x47, 4, 5, 6], new ContentType("image", "png")).ContentId = "pic@x";
            body.Attachments.Add("单据.pdf", "%PDF-1.4 fake"u8.ToArray(), new ContentType("application", "pdf"));
            m.Body = body.ToMessageBody();
        }
        var dup = Mail(k1, address, "Re: 回复批量-订单问题", "重复投递", messageId: r2.MessageId);
        List<MimeMessage> mails = [r1, n1, r2, r3, auto, rn, rr, dup];
        return new(id, user, t1, t2, [k1, k2, newcomer], mails);
    }

    /// <summary>What a scenario left, in words independent of ids and addresses: per mail (in UID order) its status,
    /// ticket and message kind; per ticket its status, message kinds and bodies, audit entries and events.</summary>
    private async Task<(List<string> Records, List<string> Tickets)> OutcomeAsync(Scenario s)
    {
        var records = (await RecordsAsync(s.Id)).Where(r => r.Direction == EmailDirection.Inbound).Skip(2).OrderBy(r => r.Uid).ToList();
        var names = new Dictionary<long, string> { [s.T1] = "T1", [s.T2] = "T2" };
        foreach (var r in records)
            if (r.TicketId is { } t && !names.ContainsKey(t)) names[t] = "N" + (names.Count - 1);
        var kinds = await DbAsync(db => db.Set<Kefu.Tickets.Message>().AsNoTracking()
            .Where(m => names.Keys.Contains(m.TicketId)).OrderBy(m => m.Id)
            .Select(m => new { m.Id, m.TicketId, m.Kind, m.Body, m.AuthorCustomerId }).ToListAsync());
        var lines = records.Select(r => $"{r.Status} {(r.TicketId is { } t ? names[t] : "-")} "
            + (kinds.FirstOrDefault(m => m.Id == r.TicketMessageId)?.Kind.ToString() ?? "-")).ToList();
        string Plain(string text)
        {
            for (var i = 0; i < s.Senders.Length; i++) text = text.Replace(s.Senders[i], "sender" + i);
            return System.Text.RegularExpressions.Regex.Replace(text, "[0-9]+", "#");
        }
        var tickets = new List<string>();
        foreach (var (id, name) in names.OrderBy(n => n.Value))
        {
            foreach (var m in await MessagesAsync(id))
            {
                var files = m!["attachments"]!.AsArray().Select(a => a!["fileName"]!.GetValue<string>()).Order();
                var html = m["bodyHtml"]?.GetValue<string>() ?? "";
                tickets.Add($"{name} files: {string.Join(",", files)} inline {html.Contains("/api/v1/attachments/")} cid {html.Contains("cid:")}");
            }
            var ticket = await DbAsync(db => db.Set<Kefu.Tickets.Ticket>().AsNoTracking().SingleAsync(t => t.Id == id));
            var mine = kinds.Where(m => m.TicketId == id).ToList();
            tickets.Add($"{name} {ticket.Status}: {string.Join(",", mine.Select(m => m.Kind))}");
            tickets.Add($"{name} bodies: {string.Join(" | ", mine.Select(m => Plain(m.Body)))}");
            Assert.All(mine.Where(m => m.Kind == Kefu.Tickets.MessageKind.Customer), m => Assert.Equal(ticket.CustomerId, m.AuthorCustomerId));
            var key = id.ToString();
            var audits = await DbAsync(db => db.Audit.AsNoTracking()
                .Where(a => a.EntityType == "ticket" && a.EntityId == key
                    && (a.Action == "created" || a.Action == "customer_wrote" || a.Action == "noted" || a.Action == "replied"))
                .OrderBy(a => a.Id).Select(a => a.Action + " " + a.Changes).ToListAsync());
            tickets.Add($"{name} audit: {string.Join(" | ", audits.Select(Plain))}");
            var payload = $"\"ticketId\":{id},";
            var events = await DbAsync(db => db.Outbox.AsNoTracking()
                .Where(o => o.Payload.Contains(payload) && (o.Type == "TicketCreated" || o.Type == "MessageAdded" || o.Type == "TicketStatusChanged"))
                .OrderBy(o => o.Id).Select(o => o.Type + " " + o.Payload).ToListAsync());
            tickets.Add($"{name} events: {string.Join(" | ", events.Select(Plain))}");
        }
        return (lines, tickets);
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
