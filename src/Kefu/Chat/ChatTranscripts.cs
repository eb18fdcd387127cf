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
            var queued = await mail.EnqueueAsync(new OutgoingMail(key, ticket.Id, conversation.TeamId ?? ticket.TeamId, address, visitor.Name,
                $"聊天记录 / Chat transcript — {site.Name} [#{ticket.Number}]", Render(site.Name, ticket.Number, visitor.Name, messages), null), c);
            if (queued == MailQueued.NoMailbox)
                throw new ChatException("no_mailbox", "Transcripts cannot be e-mailed: no mailbox is set up to send them.");
            if (queued == MailQueued.Queued)
                await audit.RecordAsync("chat_conversation", conversation.Id, "transcript_sent", new { to = address }, c);
            return queued;
        }, ct);
        return new TranscriptAck(address, outcome == MailQueued.AlreadyQueued);
    }

    /// <summary>The transcript's text: one line per message with its time (China time), sender and text.</summary>
    internal string Render(string siteName, long ticketNumber, string? visitorName, IReadOnlyList<ChatMessage> messages)
    {
        var b = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"您与 {siteName} 的聊天记录 · Your chat with {siteName} (#{ticketNumber})\n")
            .Append("时间为北京时间 · Times are China Standard Time (UTC+8)\n\n");
        foreach (var m in messages)
        {
            var at = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(m.CreatedAt, DateTimeKind.Utc), Zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
            var (who, text) = m.Sender switch
            {
                ChatSender.Visitor => (visitorName ?? "您 / You", m.Body),
                ChatSender.Agent => (m.AuthorName ?? "客服 / Agent", m.Body),
                ChatSender.Bot => ("机器人 / Bot", m.Body),
                _ => ("—", SystemLine(m.Body, m.AuthorName)),
            };
            if (m.Attachments is not null && m.Sender != ChatSender.System) text += " [附件 / attachment]";
            b.Append(CultureInfo.InvariantCulture, $"[{at}] {who}: ").Append(text.ReplaceLineEndings("\n    ")).Append('\n');
        }
        b.Append(CultureInfo.InvariantCulture, $"\n发送于 / Sent {TimeZoneInfo.ConvertTime(time.GetUtcNow(), Zone):yyyy-MM-dd HH:mm}\n");
        return b.ToString();
    }

    private static string SystemLine(string code, string? name) => code switch
    {
        "joined" => $"{name} 已接入 / joined the chat",
        "ended" => "会话已结束 / The chat ended",
        "queued" => "正在为您转接人工客服 / Waiting for an agent",
        "offline" => "客服不在线，已转为留言 / Agents are offline; we will reply by e-mail",
        "transferred" => $"已转接给 {name} / Transferred to {name}",
        _ => code,
    };
}
