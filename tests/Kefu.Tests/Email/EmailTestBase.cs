using Kefu.Email;
using Kefu.Platform.Database;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace Kefu.Tests.Email;

/// <summary>Helpers shared by the email tests: a mailbox on its own dovecot user, mail builders, fetch, queries.</summary>
public abstract class EmailTestBase(KefuApp app)
{
    protected KefuApp App => app;

    protected static string Unique(string prefix) => $"{prefix}{Guid.NewGuid():N}"[..(prefix.Length + 10)];

    protected static string Customer(string prefix = "c") => $"{Unique(prefix)}@customer.test";

    protected async Task<(int Id, string User, string Address)> CreateMailboxAsync(object? overrides = null)
    {
        var user = MailServers.NewUser();
        var address = $"{user}@support.test";
        var body = new JsonObject
        {
            ["name"] = "Support " + user, ["address"] = address, ["senderName"] = "客服中心", ["signature"] = "Kefu 客服团队\n400-000-0000",
            ["teamId"] = app.TeamA,
            ["imapHost"] = "127.0.0.1", ["imapPort"] = MailServers.ImapPort, ["imapSecurity"] = "none", ["imapUser"] = user,
            ["imapPassword"] = MailServers.Password, ["processedAction"] = "mark_seen",
            ["smtpHost"] = "127.0.0.1", ["smtpPort"] = MailServers.SmtpPort, ["smtpSecurity"] = "none", ["smtpUser"] = "kefu",
            ["smtpPassword"] = "secret", ["isActive"] = false,
        };
        if (overrides is not null)
            foreach (var (k, v) in JsonSerializer.SerializeToNode(overrides)!.AsObject()) body[k] = v?.DeepClone();
        var created = await KefuApp.PostOk(app.Admin, "/api/v1/mailboxes", body);
        return (created["id"]!.GetValue<int>(), user, address);
    }

    protected static MimeMessage Mail(string from, string to, string subject, string text, string? messageId = null,
        string? inReplyTo = null, IEnumerable<string>? references = null, string? html = null)
    {
        var m = new MimeMessage();
        m.From.Add(new MailboxAddress("张三", from));
        m.To.Add(MailboxAddress.Parse(to));
        m.Subject = subject;
        m.MessageId = messageId ?? $"{Guid.NewGuid():N}@customer.test";
        if (inReplyTo is not null) m.InReplyTo = inReplyTo;
        foreach (var r in references ?? []) m.References.Add(r);
        m.Date = DateTimeOffset.UtcNow;
        var b = new BodyBuilder { TextBody = text, HtmlBody = html };
        m.Body = b.ToMessageBody();
        return m;
    }

    protected async Task<FetchResult> FetchAsync(int mailboxId) =>
        await app.Service<MailboxFetcher>().PollOnceAsync(mailboxId, CancellationToken.None);

    protected Task<T> DbAsync<T>(Func<KefuDb, Task<T>> query) => app.DbAsync(query);

    protected Task<List<EmailRecord>> RecordsAsync(int mailboxId) =>
        DbAsync(db => db.Set<EmailRecord>().AsNoTracking().Where(r => r.MailboxId == mailboxId).OrderBy(r => r.Id).ToListAsync());

    protected async Task<EmailRecord> RecordOfAsync(int mailboxId, string? messageId) =>
        (await RecordsAsync(mailboxId)).Single(r => r.MessageId == messageId && r.Direction == EmailDirection.Inbound);

    protected async Task<JsonNode> TicketAsync(long id) => await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/tickets/{id}"), true);

    protected async Task<JsonArray> MessagesAsync(long ticketId) =>
        (await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/tickets/{ticketId}/messages"), true)).AsArray();

    protected async Task<int> DispatchAsync() => await app.Service<SmtpDispatcher>().DispatchDueAsync(CancellationToken.None);

    /// <summary>The outbox row for a ticket message, once the MessageAdded handler (run by the outbox dispatcher) wrote it.</summary>
    protected Task<OutboundEmail> OutboundForAsync(long ticketMessageId) => MailServers.EventuallyAsync(() =>
        DbAsync(db => db.Set<OutboundEmail>().AsNoTracking().FirstOrDefaultAsync(o => o.TicketMessageId == ticketMessageId)),
        $"the outbound mail of message {ticketMessageId}");

    protected async Task<long> ReplyAsync(long ticketId, string body)
    {
        var reply = await KefuApp.PostOk(app.Admin, $"/api/v1/tickets/{ticketId}/messages", new { kind = "public_reply", body });
        return reply["id"]!.GetValue<long>();
    }
}
