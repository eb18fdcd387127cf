using Kefu.Email;
using MailKit;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace Kefu.Tests.Email;

/// <summary>Email behaviour that was built but untested (audits, sessions 9 and 10), against the real dovecot and SMTP
/// sink: the watcher's polling fallback when IDLE is off, SMTP with STARTTLS (sending and the connection test), the
/// subject-threading window, what happens to processed mail on the server, a folder recreated with a new UIDVALIDITY,
/// no acknowledgement to bounces and robots, and two mailboxes fetched at once.</summary>
public abstract class EmailAuditTests(KefuApp app) : EmailTestBase(app)
{
    [Fact]
    public async Task With_idle_off_the_watcher_picks_up_new_mail_by_polling()
    {
        // dovecot offers IDLE; the mailbox turns it off, so only the poll (5 s, the shortest allowed) can find new mail.
        var (id, user, address) = await CreateMailboxAsync(new { pollSeconds = 5, useIdle = false, isActive = true });
        using var stop = new CancellationTokenSource();
        var watcher = App.Service<MailboxFetcher>().WatchAsync(id, stop.Token);
        try
        {
            // The first pass (health stamp) found an empty inbox; then two mails arrive one after the other.
            var firstCheck = await MailServers.EventuallyAsync(() => DbAsync(async db =>
                (await db.Set<Mailbox>().AsNoTracking().FirstAsync(x => x.Id == id)).LastCheckedAt is { } t ? (DateTime?)t : null), "the first fetch");
            foreach (var subject in new[] { "轮询收信 一", "轮询收信 二" })
            {
                var m = Mail(Customer(), address, subject, "没有 IDLE 也能收到");
                await MailServers.AppendAsync(user, m);
                var record = await MailServers.EventuallyAsync(() => DbAsync(db =>
                    db.Set<EmailRecord>().AsNoTracking().FirstOrDefaultAsync(r => r.MailboxId == id && r.MessageId == m.MessageId)),
                    $"'{subject}' fetched by the poll", seconds: 60);
                Assert.Equal(EmailStatus.Ingested, record.Status);
                Assert.NotNull(record.TicketId);
            }
            Assert.False(watcher.IsCompleted, "the watcher keeps watching");
            var lastCheck = (await DbAsync(db => db.Set<Mailbox>().AsNoTracking().FirstAsync(x => x.Id == id))).LastCheckedAt;
            Assert.True(lastCheck > firstCheck);
        }
        finally
        {
            await stop.CancelAsync();
            await watcher;
        }
    }

    [Fact]
    public async Task An_agent_reply_is_sent_over_starttls_and_the_connection_test_with_starttls_succeeds()
    {
        var from = Customer();
        // The sink's certificate is self-signed (scripts/start-mail.sh): accepted only when the mailbox allows it.
        var (id, user, address) = await CreateMailboxAsync(new { smtpSecurity = "start_tls", allowInvalidCertificates = true });
        var first = Mail(from, address, "STARTTLS 回复", "请回复我");
        await MailServers.AppendAsync(user, first);
        await FetchAsync(id);
        var ticketId = (await RecordOfAsync(id, first.MessageId)).TicketId!.Value;

        var replyId = await ReplyAsync(ticketId, "您好，这封经 STARTTLS 发出。");
        var outbound = await OutboundForAsync(replyId);
        Assert.True(await DispatchAsync() >= 1);
        var sent = Assert.Single(MailServers.SentTo(from));
        Assert.Equal(outbound.MessageId, sent.MessageId);
        Assert.Equal("yes", sent.Headers["X-Sink-Tls"]); // the session was upgraded before the mail went
        Assert.Equal("yes", sent.Headers["X-Sink-Auth"]);
        Assert.Contains("经 STARTTLS 发出", sent.TextBody);
        Assert.Equal(OutboundStatus.Sent, (await DbAsync(db => db.Set<OutboundEmail>().AsNoTracking().FirstAsync(o => o.Id == outbound.Id))).Status);

        var test = await KefuApp.PostOk(App.Admin, $"/api/v1/mailboxes/{id}/test", new { });
        Assert.True(test["smtp"]!["ok"]!.GetValue<bool>(), test.ToJsonString());
        // Without accepting the self-signed certificate the same test fails at the TLS stage: STARTTLS really happened.
        var (strict, _, _) = await CreateMailboxAsync(new { smtpSecurity = "start_tls", allowInvalidCertificates = false });
        var refused = await KefuApp.PostOk(App.Admin, $"/api/v1/mailboxes/{strict}/test", new { });
        Assert.False(refused["smtp"]!["ok"]!.GetValue<bool>(), refused.ToJsonString());
        Assert.Equal("tls", refused["smtp"]!["stage"]!.GetValue<string>());
        // A mailbox without STARTTLS sends in the clear (the sink tells the two apart).
        var plainFrom = Customer();
        var (plainId, plainUser, plainAddress) = await CreateMailboxAsync(new { smtpSecurity = "none" });
        var plainFirst = Mail(plainFrom, plainAddress, "明文", "内容");
        await MailServers.AppendAsync(plainUser, plainFirst);
        await FetchAsync(plainId);
        await OutboundForAsync(await ReplyAsync((await RecordOfAsync(plainId, plainFirst.MessageId)).TicketId!.Value, "明文回复"));
        Assert.True(await DispatchAsync() >= 1);
        Assert.Equal("no", Assert.Single(MailServers.SentTo(plainFrom)).Headers["X-Sink-Tls"]);
    }

    /// <summary>Moves what a mailbox has received <paramref name="days"/> days into the past (the subject-threading window
    /// is measured on the email records' time), instead of waiting.</summary>
    private Task AgeRecordsAsync(int mailboxId, double days) => DbAsync(db => db.Set<EmailRecord>().Where(r => r.MailboxId == mailboxId)
        .ExecuteUpdateAsync(s => s.SetProperty(r => r.CreatedAt, DateTime.UtcNow.AddDays(-days))));

    [Fact]
    public async Task Subject_and_sender_thread_within_the_configured_days_and_start_a_new_ticket_after_them()
    {
        var (id, user, address) = await CreateMailboxAsync(new { subjectThreadingDays = 3 });
        var from = Customer();
        var first = Mail(from, address, "发票抬头写错了", "请重新开票");
        await MailServers.AppendAsync(user, first);
        await FetchAsync(id);
        var ticket = (await RecordOfAsync(id, first.MessageId)).TicketId!.Value;

        // Two days later, inside the three-day window: the same subject from the same sender continues the ticket.
        await AgeRecordsAsync(id, 2);
        var inside = Mail(from, address, "Re: 发票抬头写错了", "还没收到新发票");
        await MailServers.AppendAsync(user, inside);
        await FetchAsync(id);
        Assert.Equal(ticket, (await RecordOfAsync(id, inside.MessageId)).TicketId);
        Assert.Equal(2, (await MessagesAsync(ticket)).Count);

        // Four days after the last of them, outside the window: a new ticket, although the old one is still open.
        await AgeRecordsAsync(id, 4);
        var outside = Mail(from, address, "发票抬头写错了", "又开错了");
        await MailServers.AppendAsync(user, outside);
        await FetchAsync(id);
        var next = (await RecordOfAsync(id, outside.MessageId)).TicketId!.Value;
        Assert.NotEqual(ticket, next);
        Assert.NotEqual("closed", (await TicketAsync(ticket))["status"]!.GetValue<string>());
        Assert.Equal(2, (await MessagesAsync(ticket)).Count);
        Assert.Single(await MessagesAsync(next));

        // Within a batch too (two mails fetched together), the window decides: the new ticket is continued, the old is not.
        var again = Mail(from, address, "回复：发票抬头写错了", "补充一下");
        var other = Mail(Customer(), address, "发票抬头写错了", "别人的");
        await MailServers.AppendAsync(user, again);
        await MailServers.AppendAsync(user, other);
        await FetchAsync(id);
        Assert.Equal(next, (await RecordOfAsync(id, again.MessageId)).TicketId);
        Assert.NotEqual(next, (await RecordOfAsync(id, other.MessageId)).TicketId);
        Assert.NotEqual(ticket, (await RecordOfAsync(id, other.MessageId)).TicketId);
    }

    [Theory]
    [InlineData("mark_seen")]
    [InlineData("flag")]
    [InlineData("move")]
    [InlineData("delete")]
    public async Task Processed_mail_is_marked_seen_flagged_moved_or_deleted_on_the_server_once_stored(string action)
    {
        var (id, user, address) = await CreateMailboxAsync(new { processedAction = action, processedFolder = action == "move" ? "已处理" : null });
        var mails = Enumerable.Range(0, 3).Select(i => Mail(Customer(), address, $"处理后 {action} {i}", "内容")).ToList();
        foreach (var m in mails.Take(2)) await MailServers.AppendAsync(user, m);

        // Killed after the commit, before the server is told: stored, but still untouched on the server.
        var hooks = App.Service<EmailHooks>();
        hooks.Step = step => step == "committed" ? throw new HookException(step) : Task.CompletedTask;
        try { await Assert.ThrowsAsync<HookException>(() => FetchAsync(id)); }
        finally { hooks.Step = null; }
        Assert.Equal(2, (await RecordsAsync(id)).Count);
        var untouched = await MailServers.FlagsAsync(user);
        Assert.Equal(2, untouched.Count);
        Assert.All(untouched, f => Assert.Equal(MessageFlags.None, f.Flags & (MessageFlags.Seen | MessageFlags.Flagged | MessageFlags.Deleted)));

        // The next pass finishes the job for those two without storing them again, and handles a new one the same way.
        await MailServers.AppendAsync(user, mails[2]);
        var result = await FetchAsync(id);
        Assert.Equal(1, result.Stored);
        var records = await RecordsAsync(id);
        Assert.Equal(mails.Select(m => m.MessageId).Order(), records.Select(r => r.MessageId).Order());
        Assert.All(records, r => Assert.Equal(EmailStatus.Ingested, r.Status));

        var inbox = await MailServers.FlagsAsync(user);
        switch (action)
        {
            case "mark_seen":
                Assert.Equal(3, inbox.Count);
                Assert.All(inbox, f => Assert.Equal(MessageFlags.Seen, f.Flags & (MessageFlags.Seen | MessageFlags.Flagged | MessageFlags.Deleted)));
                break;
            case "flag":
                // Flagged, and left unread for whoever else reads the mailbox.
                Assert.Equal(3, inbox.Count);
                Assert.All(inbox, f => Assert.Equal(MessageFlags.Flagged, f.Flags & (MessageFlags.Seen | MessageFlags.Flagged | MessageFlags.Deleted)));
                break;
            case "move":
                Assert.Empty(inbox);
                Assert.Equal(3, (await MailServers.FlagsAsync(user, "已处理")).Count);
                break;
            case "delete":
                Assert.Empty(inbox); // expunged, not just marked \Deleted
                break;
        }
        Assert.Equal(0, (await FetchAsync(id)).Stored);
        Assert.Equal(3, (await RecordsAsync(id)).Count);
    }

    [Fact]
    public async Task A_recreated_folder_with_a_new_uidvalidity_stores_its_new_mail_and_none_of_the_old_again()
    {
        const string folder = "Support";
        var (id, user, address) = await CreateMailboxAsync(new { imapFolder = folder });
        var first = await MailServers.RecreateFolderAsync(user, folder);
        var old = Enumerable.Range(0, 3).Select(i => Mail(Customer(), address, $"旧邮件 {i}", "第一次收到")).ToList();
        foreach (var m in old) await MailServers.AppendAsync(user, m, folder);
        Assert.Equal(3, (await FetchAsync(id)).Stored);
        var before = (await RecordsAsync(id)).ToDictionary(r => r.MessageId, r => r.TicketId!.Value);

        // The folder is recreated (restored from a backup, migrated to another server): a new UIDVALIDITY, UIDs from 1
        // again. New mail comes first, so its UIDs are ones already recorded under the old UIDVALIDITY; the old mail,
        // restored after it, gets UIDs above them.
        var second = await MailServers.RecreateFolderAsync(user, folder);
        Assert.NotEqual(first, second);
        var fresh = Enumerable.Range(0, 2).Select(i => Mail(Customer(), address, $"新邮件 {i}", "恢复后才到")).ToList();
        foreach (var m in fresh.Concat(old)) await MailServers.AppendAsync(user, m, folder);
        await FetchAsync(id);

        var records = (await RecordsAsync(id)).Where(r => r.UidValidity == second).ToList();
        Assert.Equal(5, records.Count);
        Assert.Equal(fresh.Concat(old).Select(m => m.MessageId).Order(), records.Select(r => r.MessageId).Order());
        foreach (var m in fresh)
        {
            var r = Assert.Single(records, r => r.MessageId == m.MessageId);
            Assert.Equal(EmailStatus.Ingested, r.Status);
            Assert.DoesNotContain(r.TicketId!.Value, before.Values);
            Assert.Single(await MessagesAsync(r.TicketId!.Value));
        }
        foreach (var m in old)
        {
            var r = Assert.Single(records, r => r.MessageId == m.MessageId);
            Assert.Equal(EmailStatus.Duplicate, r.Status); // recorded under the new UIDVALIDITY, stored once
            Assert.Equal(before[m.MessageId!], r.TicketId);
            Assert.Single(await MessagesAsync(r.TicketId!.Value));
        }
        // Everything in the recreated folder counts as processed; the next pass finds nothing.
        Assert.All(await MailServers.FlagsAsync(user, folder), f => Assert.True(f.Flags.HasFlag(MessageFlags.Seen)));
        Assert.Equal(0, (await FetchAsync(id)).Stored);
        Assert.Equal(8, (await RecordsAsync(id)).Count);
    }

    [Fact]
    public async Task With_auto_acknowledgement_on_bounces_and_auto_replies_get_none_and_a_person_gets_the_ticket_number()
    {
        var (id, user, address) = await CreateMailboxAsync(new { autoAcknowledge = true });

        // A delivery status notification (multipart/report) about a mail Kefu does not know.
        var daemon = Customer("mailer-daemon-");
        var dsn = new MimeMessage();
        dsn.From.Add(new MailboxAddress("Mail Delivery System", daemon));
        dsn.To.Add(MailboxAddress.Parse(address));
        dsn.Subject = "Delivery Status Notification (Failure)";
        dsn.MessageId = $"{Guid.NewGuid():N}@mx.customer.test";
        var report = new MultipartReport("delivery-status") { new TextPart("plain") { Text = "Delivery to the following recipient failed permanently." } };
        var status = new MessageDeliveryStatus();
        status.StatusGroups.Add(new HeaderList { { "Reporting-MTA", "dns; mx.customer.test" } });
        status.StatusGroups.Add(new HeaderList { { "Final-Recipient", "rfc822; gone@customer.test" }, { "Action", "failed" }, { "Status", "5.1.1" } });
        report.Add(status);
        dsn.Body = report;
        // A plain-text bounce: no report part, only the null sender and the daemon's address tell.
        var postmaster = $"postmaster@{Unique("mx")}.test";
        var plainBounce = Mail(postmaster, address, "Undeliverable: 订单问题", "Your message could not be delivered.");
        plainBounce.Headers.Add("Return-Path", "<>");
        // Auto-replies recognised by the other signs than those New_ticket_is_acknowledged_but_robots_and_lists_are_not covers.
        var precedence = Mail(Customer("pr"), address, "Re: 订单问题", "I am away.");
        precedence.Headers.Add("Precedence", "auto_reply");
        var autorespond = Mail(Customer("ar"), address, "Thank you for your mail", "We will answer soon.");
        autorespond.Headers.Add("X-Autorespond", "yes");
        var englishSubject = Mail(Customer("oof"), address, "Out of Office: 订单问题", "Back on Monday.");
        var chineseSubject = Mail(Customer("zh"), address, "自动回复：订单问题", "我在休假。");
        var robots = new[] { dsn, plainBounce, precedence, autorespond, englishSubject, chineseSubject };
        var person = Customer("p");
        var human = Mail(person, address, "订单问题", "我的订单还没到");
        foreach (var m in robots.Append(human)) await MailServers.AppendAsync(user, m);
        await FetchAsync(id);
        await DispatchAsync();

        Assert.Equal(EmailStatus.Bounce, (await RecordOfAsync(id, dsn.MessageId)).Status);
        Assert.Equal(EmailStatus.Bounce, (await RecordOfAsync(id, plainBounce.MessageId)).Status);
        foreach (var m in new[] { precedence, autorespond, englishSubject, chineseSubject })
            Assert.Equal("auto_reply", (await RecordOfAsync(id, m.MessageId)).Classification);
        foreach (var m in robots)
            Assert.Empty(MailServers.SentTo(m.From.Mailboxes.Single().Address));
        var acknowledgements = await DbAsync(db => db.Set<OutboundEmail>().AsNoTracking()
            .Where(o => o.MailboxId == id && o.Kind == OutboundKind.Acknowledgement).ToListAsync());
        var only = Assert.Single(acknowledgements);
        Assert.Equal(person, only.To);
        var ack = Assert.Single(MailServers.SentTo(person));
        var ticketId = (await RecordOfAsync(id, human.MessageId)).TicketId!.Value;
        Assert.Contains($"#{ticketId + 100000}", ack.TextBody);
        Assert.Contains($"[#{ticketId + 100000}]", ack.Subject);
        Assert.Equal(human.MessageId, ack.InReplyTo);
    }

    [Fact]
    public async Task Two_mailboxes_fetched_at_the_same_time_each_put_every_mail_once_on_their_own_team()
    {
        // 40 mails each: two batches of 25 and 15 per mailbox, the two mailboxes' batches interleaving in the database.
        const int each = 40;
        var (a, userA, addressA) = await CreateMailboxAsync(new { teamId = App.TeamA });
        var (b, userB, addressB) = await CreateMailboxAsync(new { teamId = App.TeamB });
        var mailsA = Enumerable.Range(0, each).Select(i => Mail(Customer("a"), addressA, $"售前 {i}", $"A {i}")).ToList();
        var mailsB = Enumerable.Range(0, each).Select(i => Mail(Customer("b"), addressB, $"售后 {i}", $"B {i}")).ToList();
        // One customer writes to both: a ticket in each mailbox, none mixed up.
        var both = Customer("both");
        mailsA.Add(Mail(both, addressA, "两个邮箱都写了", "给 A"));
        mailsB.Add(Mail(both, addressB, "两个邮箱都写了", "给 B"));
        await Task.WhenAll(
            Task.Run(async () => { foreach (var m in mailsA) await MailServers.AppendAsync(userA, m); }),
            Task.Run(async () => { foreach (var m in mailsB) await MailServers.AppendAsync(userB, m); }));

        var results = await Task.WhenAll(Task.Run(() => FetchAsync(a)), Task.Run(() => FetchAsync(b)));
        Assert.All(results, r => Assert.Equal((each + 1, 0, 0), (r.Stored, r.Skipped, r.Failed)));

        foreach (var (mailbox, mails, team, user) in new[] { (a, mailsA, App.TeamA, userA), (b, mailsB, App.TeamB, userB) })
        {
            var records = await RecordsAsync(mailbox);
            Assert.Equal(mails.Select(m => m.MessageId).Order(), records.Select(r => r.MessageId).Order());
            Assert.All(records, r => Assert.Equal(EmailStatus.Ingested, r.Status));
            var ticketIds = records.Select(r => r.TicketId!.Value).ToList();
            Assert.Equal(each + 1, ticketIds.Distinct().Count());
            var tickets = await DbAsync(db => db.Set<Kefu.Tickets.Ticket>().AsNoTracking().Where(t => ticketIds.Contains(t.Id)).ToListAsync());
            Assert.Equal(each + 1, tickets.Count);
            Assert.All(tickets, t => Assert.Equal(team, t.TeamId));
            var messages = await DbAsync(db => db.Set<Kefu.Tickets.Message>().AsNoTracking().Where(m => ticketIds.Contains(m.TicketId) && m.Kind == Kefu.Tickets.MessageKind.Customer).ToListAsync());
            Assert.Equal(each + 1, messages.Count); // one message per ticket: nothing lost, nothing twice
            Assert.All(await MailServers.FlagsAsync(user), f => Assert.True(f.Flags.HasFlag(MessageFlags.Seen)));
        }
        var bothA = (await RecordsAsync(a)).Single(r => r.FromAddress == both).TicketId!.Value;
        var bothB = (await RecordsAsync(b)).Single(r => r.FromAddress == both).TicketId!.Value;
        Assert.NotEqual(bothA, bothB);
    }
}

[Collection(EmailSqliteCollection.Name)]
public sealed class SqliteEmailAuditTests(EmailSqliteApp app) : EmailAuditTests(app);

[Collection(EmailPostgresCollection.Name)]
public sealed class PostgresEmailAuditTests(EmailPostgresApp app) : EmailAuditTests(app);
