using System.Globalization;
using System.Net.Mail;
using System.Security.Cryptography;
using System.Text;
using Kefu.Platform;
using Kefu.Platform.Audit;
using Kefu.Platform.Database;
using Kefu.Platform.Mail;
using Kefu.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Chat;

public sealed record TranscriptAck(string Email, bool AlreadySent);

/// <summary>
/// "Email me this conversation": the visitor's latest chat, as plain text, through the mail outbox (the Email module
/// sends it from the team's mailbox with retries). Limited per visitor and per address; the same transcript to the same
/// address is queued once (double clicks, retries after a reconnect).
/// </summary>
public sealed class ChatTranscripts(UnitOfWork uow, IMailOutbox mail, ChatRateLimiter limiter, AuditLog audit, TimeProvider time)
{
    private static readonly TimeZoneInfo Zone = TimeZoneInfo.TryFindSystemTimeZoneById("Asia/Shanghai", out var z) ? z : TimeZoneInfo.Utc;
    private KefuDb Db => uow.Db;

    public async Task<TranscriptAck> SendAsync(VisitorSession s, string? email, CancellationToken ct)
    {
        await ChatService.EnsureSiteNotDeletedAsync(Db, s, ct); // decision 0019: a deleted site's open widget
        var visitor = await Db.Set<ChatVisitor>().AsNoTracking().FirstAsync(v => v.Id == s.VisitorId, ct);
        var address = string.IsNullOrWhiteSpace(email) ? visitor.Email : email.Trim();
        if (string.IsNullOrWhiteSpace(address))
            throw new ChatException("email_required", "Enter an e-mail address to receive the transcript.");
        if (address.Length > 254 || !MailAddress.TryCreate(address, out var parsed) || parsed.Address != address || !address.Contains('.', StringComparison.Ordinal))
            throw new ChatException("invalid_email", "This e-mail address is not valid.");
        var conversation = await Db.Set<ChatConversation>().AsNoTracking().Where(x => x.VisitorId == s.VisitorId)
            .OrderByDescending(x => x.Id).FirstOrDefaultAsync(ct)
            ?? throw new ChatException("not_found", "There is no conversation to send yet.");
        if (!limiter.AttemptTranscript(s.VisitorId, s.RemoteAddress))
            throw new ChatException("rate_limited", "Too many transcripts requested; please try again later.");

        var messages = await Db.Set<ChatMessage>().AsNoTracking().Where(m => m.ConversationId == conversation.Id)
            .OrderBy(m => m.Seq).Take(2000).ToListAsync(ct);
        var site = await Db.Set<ChatSite>().AsNoTracking().FirstAsync(x => x.Id == conversation.SiteId, ct);
        var key = $"chat-transcript:{conversation.Id}:{conversation.LastSeq}:" +
                  Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(address.ToLowerInvariant())))[..16];

        var outcome = await uow.RunAsync(async c =>
        {
            var ticket = await Db.Set<Ticket>().AsNoTracking().FirstAsync(t => t.Id == conversation.TicketId, c);
            var english = !IsChinese(conversation.Locale ?? visitor.Locale);
            var text = Render(english, site.Name, ticket.Number, visitor.Name, messages, time.GetUtcNow());
            var queued = await mail.EnqueueAsync(new OutgoingMail(key, ticket.Id, conversation.TeamId ?? ticket.TeamId, address, visitor.Name,
                (english ? "Chat transcript" : "聊天记录") + $" — {site.Name} [#{ticket.Number}]", text, null), c);
            if (queued == MailQueued.NoMailbox)
                throw new ChatException("no_mailbox", "Transcripts cannot be e-mailed: no mailbox is set up to send them.");
            if (queued == MailQueued.Queued)
                await audit.RecordAsync("chat_conversation", conversation.Id, "transcript_sent", new { to = address }, c);
            return queued;
        }, ct);
        return new TranscriptAck(address, outcome == MailQueued.AlreadyQueued);
    }

    /// <summary>The customer's language is Chinese when the widget reported a zh locale (as the widget chooses its own
    /// texts); any other, or none, gets English.</summary>
    internal static bool IsChinese(string? locale) => locale?.StartsWith("zh", StringComparison.OrdinalIgnoreCase) == true
        || string.IsNullOrEmpty(locale); // no locale: the platform's home language

    /// <summary>
    /// The transcript's text, in the customer's language: one line per message with its time (China time); people's
    /// messages as "sender: text", Kefu's own events (joined, transferred, ended…) as a plain line with no sender,
    /// worded as the widget words them.
    /// </summary>
    internal static string Render(bool english, string siteName, long ticketNumber, string? visitorName, IReadOnlyList<ChatMessage> messages, DateTimeOffset sentAt)
    {
        var b = new StringBuilder()
            .Append(english ? $"Your chat with {siteName} (#{ticketNumber})\n" : $"您与 {siteName} 的聊天记录（#{ticketNumber}）\n")
            .Append(english ? "Times are China Standard Time (UTC+8)\n\n" : "时间为北京时间\n\n");
        foreach (var m in messages)
        {
            var at = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(m.CreatedAt, DateTimeKind.Utc), Zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
            b.Append(CultureInfo.InvariantCulture, $"[{at}] ");
            if (m.Sender == ChatSender.System)
            {
                b.Append(SystemLine(english, m.Body, m.AuthorName)).Append('\n');
                continue;
            }
            var who = m.Sender switch
            {
                ChatSender.Visitor => visitorName ?? (english ? "You" : "我"),
                ChatSender.Agent => m.AuthorName ?? (english ? "Agent" : "客服"),
                _ => english ? "Assistant" : "智能助手",
            };
            var text = m.Body;
            if (m.Attachments is not null) text += english ? " [attachment]" : " [附件]";
            b.Append(who).Append(": ").Append(text.ReplaceLineEndings("\n    ")).Append('\n');
        }
        var sent = TimeZoneInfo.ConvertTime(sentAt, Zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        b.Append(english ? $"\nSent {sent}\n" : $"\n发送于 {sent}\n");
        return b.ToString();
    }

    /// <summary>A system event in the customer's language, as the widget shows it (i18n.ts).</summary>
    internal static string SystemLine(bool english, string code, string? name) => (code, english) switch
    {
        ("joined", false) => $"{name} 为您服务",
        ("joined", true) => $"{name} joined the chat",
        ("transferred", false) => $"已转接给 {name}",
        ("transferred", true) => $"Transferred to {name}",
        ("ended", false) => "对话已结束",
        ("ended", true) => "The chat has ended",
        ("queued", false) => "已为您转接人工客服",
        ("queued", true) => "Connecting you to a person",
        ("offline", false) => "客服不在线，您的留言已记录",
        ("offline", true) => "Nobody is online; your message is recorded",
        _ => code,
    };
}
