using Kefu.Email;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace Kefu.Tests.Email;

/// <summary>Agent replies, acknowledgements, retries and permanent failures, captured by the real SMTP sink;
/// bounces, auto-replies, list mail and the per-sender limit.</summary>
public abstract class OutboundTests(KefuApp app) : EmailTestBase(app)
{
    private async Task<(int Mailbox, string User, string Address, MimeMessage First, long TicketId)> TicketFromMailAsync(string from, object? mailbox = null)
    {
        var (id, user, address) = await CreateMailboxAsync(mailbox);
        var first = Mail(from, address, "发票什么时候开", "请尽快开具发票");
        await MailServers.AppendAsync(user, first);
        await FetchAsync(id);
        return (id, user, address, first, (await RecordOfAsync(id, first.MessageId)).TicketId!.Value);
    }

    [Fact]
    public async Task Agent_reply_arrives_with_threading_headers_ticket_number_and_quote()
    {
        var from = Customer();
        var (_, _, address, first, ticketId) = await TicketFromMailAsync(from);
        var replyId = await ReplyAsync(ticketId, "您好，发票已开具，请查收。");
        var outbound = await OutboundForAsync(replyId);
        Assert.True(await DispatchAsync() >= 1);

        var sent = Assert.Single(MailServers.SentTo(from));
        Assert.Equal(outbound.MessageId, sent.MessageId);
        Assert.Equal(first.MessageId, sent.InReplyTo);
        Assert.Contains(first.MessageId, sent.References);
        Assert.Contains($"[#{ticketId + 100000}]", sent.Subject);
        Assert.StartsWith("Re:", sent.Subject);
        Assert.Equal(address, sent.From.Mailboxes.Single().Address);
        Assert.Equal("客服中心", sent.From.Mailboxes.Single().Name);
        Assert.Equal("yes", sent.Headers["X-Sink-Auth"]);
        var text = sent.TextBody!.Replace("\r\n", "\n");
        var reply = text.IndexOf("发票已开具", StringComparison.Ordinal);
        var line = text.IndexOf(EmailComposer.QuoteLine, StringComparison.Ordinal);
        var quoted = text.IndexOf("> 请尽快开具发票", StringComparison.Ordinal);
        Assert.True(reply >= 0 && line > reply && quoted > line, text);
        Assert.Contains("Kefu 客服团队", text); // signature
        // The attribution above the quote is in Kefu's time zone (Asia/Shanghai) and both languages, not in UTC.
        var wrote = (await DbAsync(db => db.Set<Kefu.Tickets.Message>().AsNoTracking().Where(m => m.TicketId == ticketId)
            .OrderBy(m => m.Id).Select(m => m.CreatedAt).FirstAsync())).AddHours(8);
        Assert.Contains($"于 {wrote:yyyy-MM-dd HH:mm} (UTC+08:00) 写道 · On {wrote:yyyy-MM-dd HH:mm} (UTC+08:00),", text);

        var row = await DbAsync(db => db.Set<OutboundEmail>().AsNoTracking().FirstAsync(o => o.Id == outbound.Id));
        Assert.Equal(OutboundStatus.Sent, row.Status);
        Assert.Equal(0, await DispatchAsync()); // sent once
        Assert.Single(MailServers.SentTo(from));
    }

    [Fact]
    public async Task Permanent_refusal_fails_the_mail_and_tells_the_agent()
    {
        var from = $"reject-{Unique("r")}@customer.test";
        var (_, _, _, _, ticketId) = await TicketFromMailAsync(from);
        var replyId = await ReplyAsync(ticketId, "这封会被拒收");
        var outbound = await OutboundForAsync(replyId);
        await DispatchAsync();
        var row = await DbAsync(db => db.Set<OutboundEmail>().AsNoTracking().FirstAsync(o => o.Id == outbound.Id));
        Assert.Equal(OutboundStatus.Failed, row.Status);
        Assert.Contains("550", row.LastError);
        var notes = (await MessagesAsync(ticketId)).Where(m => m!["kind"]!.GetValue<string>() == "internal_note").ToList();
        Assert.Contains(notes, n => n!["body"]!.GetValue<string>().Contains("550"));
        var listed = (await KefuApp.Json(await App.Admin.GetAsync("/api/v1/mailboxes/outbox?status=failed&limit=200"), true))["items"]!.AsArray();
        Assert.Contains(listed, o => o!["id"]!.GetValue<long>() == outbound.Id);
    }

    [Fact]
    public async Task Temporary_failure_retries_with_backoff_then_sends()
    {
        var from = $"flaky-{Unique("f")}@customer.test";
        var (_, _, _, _, ticketId) = await TicketFromMailAsync(from);
        var replyId = await ReplyAsync(ticketId, "第一次会被暂时拒绝");
        var outbound = await OutboundForAsync(replyId);
        var before = DateTime.UtcNow;
        await DispatchAsync();
        var row = await DbAsync(db => db.Set<OutboundEmail>().AsNoTracking().FirstAsync(o => o.Id == outbound.Id));
        Assert.Equal(OutboundStatus.Pending, row.Status);
        Assert.Equal(1, row.Attempts);
        Assert.Contains("451", row.LastError);
        Assert.InRange(row.NextAttemptAt, before.AddSeconds(50), before.AddSeconds(120)); // RetryBaseSeconds = 60
        Assert.Empty(MailServers.SentTo(from));

        // Time passes (the row becomes due): the second attempt goes through.
        await DbAsync(db => db.Set<OutboundEmail>().Where(o => o.Id == outbound.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.NextAttemptAt, DateTime.UtcNow.AddSeconds(-1))));
        await DispatchAsync();
        row = await DbAsync(db => db.Set<OutboundEmail>().AsNoTracking().FirstAsync(o => o.Id == outbound.Id));
        Assert.Equal(OutboundStatus.Sent, row.Status);
        Assert.Equal(2, row.Attempts);
        Assert.Single(MailServers.SentTo(from));
    }

    [Fact]
    public async Task Smtp_server_down_keeps_the_reply_pending_with_backoff_then_delivers_it_once()
    {
        // The mailbox's SMTP server is down: nothing listens on its port.
        var port = SmtpSink.FreePort();
        var from = Customer();
        var (_, _, _, _, ticketId) = await TicketFromMailAsync(from, new { smtpPort = port, autoAcknowledge = false });
        var replyId = await ReplyAsync(ticketId, "服务器停机时写的回复");
        var outbound = await OutboundForAsync(replyId);
        var before = DateTime.UtcNow;
        Assert.Equal(0, await DispatchAsync());
        var row = await DbAsync(db => db.Set<OutboundEmail>().AsNoTracking().FirstAsync(o => o.Id == outbound.Id));
        Assert.Equal(OutboundStatus.Pending, row.Status);
        Assert.Equal(1, row.Attempts);
        Assert.False(string.IsNullOrWhiteSpace(row.LastError), "no reason recorded");
        Assert.InRange(row.NextAttemptAt, before.AddSeconds(50), before.AddSeconds(120)); // RetryBaseSeconds = 60
        // Not due yet: a dispatch now leaves it alone.
        Assert.Equal(0, await DispatchAsync());
        Assert.Equal(1, (await DbAsync(db => db.Set<OutboundEmail>().AsNoTracking().FirstAsync(o => o.Id == outbound.Id))).Attempts);
        var listed = (await KefuApp.Json(await App.Admin.GetAsync("/api/v1/mailboxes/outbox?status=pending&limit=200"), true))["items"]!.AsArray();
        Assert.Contains(listed, o => o!["id"]!.GetValue<long>() == outbound.Id);

        // Still down at the second attempt: the backoff doubles.
        await MakeDueAsync(outbound.Id);
        before = DateTime.UtcNow;
        Assert.Equal(0, await DispatchAsync());
        row = await DbAsync(db => db.Set<OutboundEmail>().AsNoTracking().FirstAsync(o => o.Id == outbound.Id));
        Assert.Equal((OutboundStatus.Pending, 2), (row.Status, row.Attempts));
        Assert.InRange(row.NextAttemptAt, before.AddSeconds(110), before.AddSeconds(180));

        // The server comes back on that port; once the backoff elapsed the reply goes out, exactly once.
        await using var sink = await SmtpSink.StartAsync(port);
        await MakeDueAsync(outbound.Id);
        Assert.Equal(1, await DispatchAsync());
        row = await DbAsync(db => db.Set<OutboundEmail>().AsNoTracking().FirstAsync(o => o.Id == outbound.Id));
        Assert.Equal((OutboundStatus.Sent, 3), (row.Status, row.Attempts));
        Assert.Null(row.LastError);
        Assert.Equal(0, await DispatchAsync());
        var sent = Assert.Single(sink.SentTo(from));
        Assert.Equal(outbound.MessageId, sent.MessageId);
        Assert.Contains("服务器停机时写的回复", sent.TextBody);
        Assert.Empty(MailServers.SentTo(from)); // nothing went to the suite's usual sink
    }

    private Task MakeDueAsync(long outboundId) => DbAsync(db => db.Set<OutboundEmail>().Where(o => o.Id == outboundId)
        .ExecuteUpdateAsync(s => s.SetProperty(o => o.NextAttemptAt, DateTime.UtcNow.AddSeconds(-1))));

    [Fact]
    public async Task New_ticket_is_acknowledged_but_robots_and_lists_are_not()
    {
        var (id, user, address) = await CreateMailboxAsync(new { autoAcknowledge = true });
        var person = Customer("p");
        var human = Mail(person, address, "你好", "请帮忙");
        var robot = Mail(Customer("ooo"), address, "不在办公室", "我休假了");
        robot.Headers.Add("Auto-Submitted", "auto-replied");
        var xauto = Mail(Customer("xa"), address, "Thanks", "Got it");
        xauto.Headers.Add("X-Autoreply", "yes");
        var list = Mail(Customer("list"), address, "Weekly news", "...");
        list.Headers.Add("List-Id", "<news.example.com>");
        list.Headers.Add("Precedence", "bulk");
        var nullSender = Mail(Customer("ns"), address, "notice", "...");
        nullSender.Headers.Add("Return-Path", "<>");
        foreach (var m in new[] { human, robot, xauto, list, nullSender }) await MailServers.AppendAsync(user, m);
        await FetchAsync(id);

        foreach (var m in new[] { human, robot, xauto, list, nullSender })
            Assert.Equal(EmailStatus.Ingested, (await RecordOfAsync(id, m.MessageId)).Status); // all still become tickets
        Assert.Equal("auto_reply", (await RecordOfAsync(id, robot.MessageId)).Classification);
        Assert.Equal("list", (await RecordOfAsync(id, list.MessageId)).Classification);

        await DispatchAsync();
        var ack = Assert.Single(MailServers.SentTo(person));
        var ticketId = (await RecordOfAsync(id, human.MessageId)).TicketId!.Value;
        Assert.Contains($"#{ticketId + 100000}", ack.TextBody);
        Assert.Equal("auto-replied", ack.Headers["Auto-Submitted"]);
        Assert.Equal(human.MessageId, ack.InReplyTo);
        foreach (var m in new[] { robot, xauto, list, nullSender })
            Assert.Empty(MailServers.SentTo(m.From.Mailboxes.Single().Address));
    }

    [Fact]
    public async Task Bounce_is_noted_on_the_ticket_whose_reply_bounced()
    {
        var from = Customer();
        var (id, user, address, _, ticketId) = await TicketFromMailAsync(from);
        var replyId = await ReplyAsync(ticketId, "回复内容");
        var outbound = await OutboundForAsync(replyId);
        await DispatchAsync();
        var ticketsBefore = (await RecordsAsync(id)).Select(r => r.TicketId).Distinct().Count();

        var dsn = new MimeMessage();
        dsn.From.Add(new MailboxAddress("Mail Delivery System", "MAILER-DAEMON@mx.customer.test"));
        dsn.To.Add(MailboxAddress.Parse(address));
        dsn.Subject = "Undelivered Mail Returned to Sender";
        dsn.MessageId = $"{Guid.NewGuid():N}@mx.customer.test";
        var report = new MultipartReport("delivery-status")
        {
            new TextPart("plain") { Text = "I'm sorry to have to inform you that your message could not be delivered." },
        };
        var status = new MessageDeliveryStatus();
        var perMessage = new HeaderList { { "Reporting-MTA", "dns; mx.customer.test" } };
        var perRecipient = new HeaderList { { "Final-Recipient", $"rfc822; {from}" }, { "Action", "failed" }, { "Status", "5.1.1" }, { "Diagnostic-Code", "smtp; 550 5.1.1 user unknown" } };
        status.StatusGroups.Add(perMessage);
        status.StatusGroups.Add(perRecipient);
        report.Add(status);
        var original = new MimeMessage { MessageId = outbound.MessageId, Subject = "x" };
        original.From.Add(MailboxAddress.Parse(address));
        report.Add(new TextRfc822Headers { Message = original });
        dsn.Body = report;
        dsn.Headers.Add("Return-Path", "<>");
        await MailServers.AppendAsync(user, dsn);
        await FetchAsync(id);

        var record = await RecordOfAsync(id, dsn.MessageId);
        Assert.Equal(EmailStatus.Bounce, record.Status);
        Assert.Equal(ticketId, record.TicketId);
        Assert.Contains("5.1.1", record.Reason);
        var row = await DbAsync(db => db.Set<OutboundEmail>().AsNoTracking().FirstAsync(o => o.Id == outbound.Id));
        Assert.Equal(OutboundStatus.Failed, row.Status);
        Assert.Contains((await MessagesAsync(ticketId)), m => m!["kind"]!.GetValue<string>() == "internal_note"
            && m["body"]!.GetValue<string>().Contains("user unknown") && m["body"]!.GetValue<string>().StartsWith("邮件退信 / "));
        Assert.Equal(ticketsBefore, (await RecordsAsync(id)).Where(r => r.Direction == EmailDirection.Inbound).Select(r => r.TicketId).Distinct().Count());
    }

    [Fact]
    public async Task Auto_reply_to_an_agent_reply_is_a_note_and_neither_reopens_the_ticket_nor_counts_as_a_contact()
    {
        var from = Customer();
        var (id, user, address, _, ticketId) = await TicketFromMailAsync(from);
        var replyId = await ReplyAsync(ticketId, "请提供订单号");
        var outbound = await OutboundForAsync(replyId);
        await KefuApp.Json(await App.Admin.SendAsync(new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/tickets/{ticketId}")
            { Content = System.Net.Http.Json.JsonContent.Create(new { status = "pending_customer" }) }), true);

        var vacation = Mail(from, address, "自动回复: 发票什么时候开", "我正在休假，12月1日回来。");
        vacation.InReplyTo = outbound.MessageId;
        vacation.Headers.Add("Auto-Submitted", "auto-replied");
        await MailServers.AppendAsync(user, vacation);
        await FetchAsync(id);

        var record = await RecordOfAsync(id, vacation.MessageId);
        Assert.Equal(EmailStatus.Ingested, record.Status);
        Assert.Equal(ticketId, record.TicketId); // kept on the same ticket…
        var messages = await MessagesAsync(ticketId);
        var note = Assert.Single(messages, m => m!["body"]!.GetValue<string>().Contains("12月1日回来"));
        Assert.Equal("internal_note", note!["kind"]!.GetValue<string>()); // …as a note for the agent
        Assert.StartsWith("自动回复 / Automatic reply from " + from, note["body"]!.GetValue<string>());
        Assert.Single(messages, m => m!["kind"]!.GetValue<string>() == "customer"); // not a second customer contact
        Assert.Equal("pending_customer", (await TicketAsync(ticketId))["status"]!.GetValue<string>()); // still waiting for the customer
        await DispatchAsync();
        Assert.Single(MailServers.SentTo(from)); // only the agent's reply: nothing answers the robot
    }

    [Fact]
    public async Task A_sender_over_the_hourly_limit_is_dropped()
    {
        var (id, user, address) = await CreateMailboxAsync(new { autoAcknowledge = true });
        var loop = Customer("loop");
        for (var i = 0; i < EmailSettings.SenderLimit + 5; i++) await MailServers.AppendAsync(user, Mail(loop, address, $"loop {i}", "x"));
        await FetchAsync(id);
        var records = await RecordsAsync(id);
        Assert.Equal(EmailSettings.SenderLimit, records.Count(r => r.Status == EmailStatus.Ingested));
        Assert.Equal(5, records.Count(r => r.Status == EmailStatus.Ignored));
        await DispatchAsync();
        Assert.Single(MailServers.SentTo(loop)); // one acknowledgement per address and hour
    }
}

[Collection(EmailSqliteCollection.Name)]
public sealed class SqliteOutboundTests(EmailSqliteApp app) : OutboundTests(app);

[Collection(EmailPostgresCollection.Name)]
public sealed class PostgresOutboundTests(EmailPostgresApp app) : OutboundTests(app);
