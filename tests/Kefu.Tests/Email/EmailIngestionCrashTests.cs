using Kefu.Email;
using Kefu.Tickets;
using MailKit;
using MailKit.Net.Imap;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using Xunit.Abstractions;

namespace Kefu.Tests.Email;

/// <summary>
/// Issue 6's crash test for real: Kefu as a child process ingests 2,000 mails from dovecot, is killed with SIGKILL
/// in the middle (after some batches committed, before all), and restarted on the same data: exactly 2,000 ticket
/// messages and 2,000 distinct ingestion records, every mail flagged on the server, and the server healthy.
/// </summary>
public abstract class EmailIngestionCrashTests(ITestOutputHelper output)
{
    private const int NewMails = 1600;
    private const int Replies = 400;
    private const int Total = NewMails + Replies;

    protected abstract string Provider { get; }

    [Fact]
    public async Task Kill_9_during_ingestion_of_2000_mails_then_restart_stores_each_exactly_once()
    {
        // Batches of 50: about 40 commits for the 2,000 mails, so the kill lands between or inside one of them.
        await using var kefu = await KefuProcess.CreateAsync(Provider, new Dictionary<string, string> { ["Kefu__Email__BatchSize"] = "50" });
        try
        {
            await kefu.StartAsync();
            var team = (await KefuApp.PostOk(kefu.Admin, "/api/v1/teams", new { name = "Crash" }))["id"]!.GetValue<int>();
            var user = MailServers.NewUser("crash");
            var address = $"{user}@support.test";
            var mailbox = (await KefuApp.PostOk(kefu.Admin, "/api/v1/mailboxes", new
            {
                name = "Crash " + user, address, teamId = team,
                imapHost = "127.0.0.1", imapPort = MailServers.ImapPort, imapSecurity = "none", imapUser = user,
                imapPassword = MailServers.Password, processedAction = "mark_seen", useIdle = true, pollSeconds = 5, autoAcknowledge = false,
                smtpHost = "127.0.0.1", smtpPort = MailServers.SmtpPort, smtpSecurity = "none", smtpUser = "kefu", smtpPassword = "secret",
                isActive = true,
            }))["id"]!.GetValue<int>();
            // The running server lists active mailboxes at start (then every 30 s): stop it before the mail arrives, so
            // the next start begins with a full INBOX at once. Nothing is in flight; a kill is as good as a stop here.
            await kefu.KillAsync();

            // 1,600 new conversations, then 400 replies to the first 400 of them (threaded by In-Reply-To), each
            // sender at most twice (the per-sender loop limit is 30 an hour).
            var mails = new List<MimeMessage>(Total);
            for (var i = 0; i < NewMails; i++)
                mails.Add(Mail($"c{i}-{user}@customer.test", address, $"崩溃测试 {i}", $"正文 {i}", null));
            for (var i = 0; i < Replies; i++)
                mails.Add(Mail($"c{i}-{user}@customer.test", address, $"Re: 崩溃测试 {i}", $"追问 {i}", mails[i].MessageId));
            await AppendAllAsync(user, mails);

            // Ingestion starts with the server; kill it once some batches committed and before the last one did.
            await kefu.StartAsync();
            var before = await kefu.EventuallyAsync(async () =>
            {
                var n = await CountRecordsAsync(kefu, mailbox);
                return n >= 300 ? (int?)n : null;
            }, "300 mails ingested", TimeSpan.FromMinutes(3));
            await kefu.KillAsync();
            var atKill = await CountRecordsAsync(kefu, mailbox);
            output.WriteLine($"{Provider}: {before} records seen before the kill, {atKill} after it");
            Assert.True(atKill < Total, $"all {Total} mails were ingested before the kill: the crash did not happen mid-ingestion");

            // Restarted on the same data: it finishes, and every mail ends up flagged \Seen on the server.
            await kefu.StartAsync();
            await kefu.EventuallyAsync(async () => await CountRecordsAsync(kefu, mailbox) >= Total ? (bool?)true : null,
                $"{Total} ingestion records", TimeSpan.FromMinutes(4));
            await kefu.EventuallyAsync(async () => (await MailServers.FlagsAsync(user)).All(f => f.Flags.HasFlag(MessageFlags.Seen)) ? (bool?)true : null,
                "every mail flagged \\Seen", TimeSpan.FromMinutes(2));

            var records = await kefu.DbAsync(db => db.Set<EmailRecord>().AsNoTracking()
                .Where(r => r.MailboxId == mailbox && r.Direction == EmailDirection.Inbound).ToListAsync());
            Assert.Equal(Total, records.Count);
            Assert.Equal(Total, records.Select(r => r.MessageId).Distinct().Count());
            Assert.Equal(Total, records.Select(r => r.Uid).Distinct().Count());
            Assert.Equal(mails.Select(m => m.MessageId).Order(), records.Select(r => r.MessageId).Order());
            Assert.All(records, r => Assert.Equal(EmailStatus.Ingested, r.Status));
            Assert.Equal(Total, records.Select(r => r.TicketMessageId).Distinct().Count(id => id is not null));

            // Exactly 2,000 ticket messages came from mail: no lost one, no duplicate.
            var messages = await kefu.DbAsync(db => db.Set<Message>().AsNoTracking()
                .Where(m => m.Channel == Channel.Email && m.Kind == MessageKind.Customer)
                .Select(m => new { m.Id, m.TicketId }).ToListAsync());
            Assert.Equal(Total, messages.Count);
            Assert.Equal(records.Select(r => r.TicketMessageId!.Value).Order(), messages.Select(m => m.Id).Order());
            // 1,600 tickets; each reply on the ticket of the mail it answers.
            Assert.Equal(NewMails, messages.Select(m => m.TicketId).Distinct().Count());
            var ticketOf = records.ToDictionary(r => r.MessageId, r => r.TicketId);
            for (var i = 0; i < Replies; i++)
                Assert.Equal(ticketOf[mails[i].MessageId!], ticketOf[mails[NewMails + i].MessageId!]);

            // The restarted server is healthy: ready, the mailbox without an error, the API answering.
            Assert.True(await kefu.IsReadyAsync());
            var box = await KefuApp.Json(await kefu.Admin.GetAsync($"/api/v1/mailboxes/{mailbox}"), expectSuccess: true);
            Assert.True(box["lastError"] is null, $"mailbox error: {box["lastError"]}");
        }
        catch (Exception)
        {
            kefu.WriteLogTo(output);
            throw;
        }
    }

    private static Task<int> CountRecordsAsync(KefuProcess kefu, int mailbox) =>
        kefu.DbAsync(db => db.Set<EmailRecord>().CountAsync(r => r.MailboxId == mailbox && r.Direction == EmailDirection.Inbound));

    private static MimeMessage Mail(string from, string to, string subject, string text, string? inReplyTo)
    {
        var m = new MimeMessage();
        m.From.Add(new MailboxAddress("顾客", from));
        m.To.Add(MailboxAddress.Parse(to));
        m.Subject = subject;
        m.MessageId = $"{Guid.NewGuid():N}@customer.test";
        if (inReplyTo is not null)
        {
            m.InReplyTo = inReplyTo;
            m.References.Add(inReplyTo);
        }
        m.Date = DateTimeOffset.UtcNow;
        m.Body = new TextPart("plain") { Text = text };
        return m;
    }

    /// <summary>All mails in one IMAP session (MULTIAPPEND, in chunks), in order: UIDs follow the list.</summary>
    private static async Task AppendAllAsync(string user, List<MimeMessage> mails)
    {
        using var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", MailServers.ImapPort, MailKit.Security.SecureSocketOptions.None);
        await client.AuthenticateAsync(user, MailServers.Password);
        foreach (var chunk in mails.Chunk(250))
            await client.Inbox.AppendAsync(chunk.Select(m => (IAppendRequest)new AppendRequest(m)).ToList());
        await client.DisconnectAsync(true);
    }
}

[Collection(CrashCollection.Name)]
public sealed class SqliteEmailIngestionCrashTests(ITestOutputHelper output) : EmailIngestionCrashTests(output)
{
    protected override string Provider => "Sqlite";
}

[Collection(CrashCollection.Name)]
public sealed class PostgresEmailIngestionCrashTests(ITestOutputHelper output) : EmailIngestionCrashTests(output)
{
    protected override string Provider => "Postgres";
}
