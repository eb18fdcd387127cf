using static Kefu.Platform.Text.TextCut;
using System.Net;
using System.Text;
using Kefu.Platform;
using Kefu.Platform.Database;
using Kefu.Platform.Mail;
using Kefu.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kefu.Email;

/// <summary>
/// Writes outgoing mail into the durable outbox (<see cref="OutboundEmail"/>) with its threading headers, and records
/// the Message-ID it will carry so the customer's answer threads back onto the ticket. Runs inside the caller's
/// transaction; <see cref="SmtpDispatcher"/> sends after commit.
/// </summary>
public sealed class EmailComposer(KefuDb db, SmtpSignal signal, TimeProvider time, IOptions<KefuOptions> kefu) : IMailOutbox, ISystemMail
{
    public const string QuoteLine = "##- 请在此行上方回复 · Please type your reply above this line -##";

    /// <summary>An agent's public reply on an email ticket becomes one mail (idempotent per ticket message).</summary>
    public async Task<OutboundEmail?> EnqueueReplyAsync(long ticketId, long messageId, CancellationToken ct) =>
        (await ComposeReplyAsync(ticketId, messageId, null, ct)).Mail;

    /// <summary>A public reply on a ticket of another channel (a chat left as a message) sent as an email reply: the
    /// same mail as on an email ticket, to the customer's latest mail address, else the address the channel gave.</summary>
    public async Task<MailQueued> EnqueueReplyAsync(TicketReplyMail reply, CancellationToken ct) =>
        (await ComposeReplyAsync(reply.TicketId, reply.MessageId, reply, ct)).Outcome;

    private async Task<(MailQueued Outcome, OutboundEmail? Mail)> ComposeReplyAsync(long ticketId, long messageId, TicketReplyMail? other, CancellationToken ct)
    {
        var key = $"reply:{messageId}";
        if (await db.Set<OutboundEmail>().AnyAsync(o => o.DedupeKey == key, ct)) return (MailQueued.AlreadyQueued, null);
        var ticket = await db.Set<Ticket>().AsNoTracking().FirstOrDefaultAsync(t => t.Id == ticketId, ct);
        // Email tickets by the Email module's own handler; another channel's only when that channel asks.
        if (ticket is null || (other is null) != (ticket.Channel == Channel.Email)) return (MailQueued.NotApplicable, null);
        var message = await db.Set<Message>().AsNoTracking().Include(m => m.Attachments).FirstOrDefaultAsync(m => m.Id == messageId, ct);
        if (message is null || message.TicketId != ticketId || message.Kind != MessageKind.PublicReply) return (MailQueued.NotApplicable, null);

        var lastInbound = await db.Set<EmailRecord>().AsNoTracking()
            .Where(r => r.TicketId == ticketId && r.Direction == EmailDirection.Inbound && r.Status == EmailStatus.Ingested)
            .OrderByDescending(r => r.Id).FirstOrDefaultAsync(ct);
        var mailbox = await MailboxForAsync(ticket, lastInbound, ct);
        if (mailbox is null) return (MailQueued.NoMailbox, null);
        var (to, toName) = lastInbound is null && !string.IsNullOrWhiteSpace(other?.To)
            ? (other.To.Trim(), other.ToName ?? await CustomerNameAsync(ticket, ct))
            : await RecipientAsync(ticket, lastInbound, ct);
        if (to is null) return (MailQueued.NoRecipient, null);

        // The last thing the customer wrote is quoted under the quote line.
        var quoted = await db.Set<Message>().AsNoTracking()
            .Where(m => m.TicketId == ticketId && m.Kind == MessageKind.Customer && m.Id < messageId)
            .OrderByDescending(m => m.Id).Select(m => new { m.Body, m.CreatedAt }).FirstOrDefaultAsync(ct);
        var subject = SubjectFor(ticket);
        var text = new StringBuilder(message.Body.TrimEnd());
        var html = new StringBuilder("<div>").Append(message.BodyHtml ?? Lines(message.Body)).Append("</div>");
        AppendSignature(mailbox, text, html);
        if (quoted is not null)
        {
            var who = toName ?? to;
            var header = Attribution(quoted.CreatedAt, who);
            text.Append("\n\n").Append(QuoteLine).Append('\n').Append(header).Append('\n')
                .Append(string.Join("\n", quoted.Body.Replace("\r\n", "\n").Split('\n').Select(l => "> " + l)));
            html.Append("<div id=\"kefu-quote\"><p style=\"color:#888\">").Append(WebUtility.HtmlEncode(QuoteLine)).Append("</p><p>")
                .Append(WebUtility.HtmlEncode(header)).Append("</p><blockquote type=\"cite\">").Append(Lines(quoted.Body)).Append("</blockquote></div>");
        }
        var (inReplyTo, references) = await ThreadHeadersAsync(ticketId, ct);
        return (MailQueued.Queued, Add(new OutboundEmail
        {
            DedupeKey = key, MailboxId = mailbox.Id, TicketId = ticketId, TicketMessageId = messageId, Kind = OutboundKind.Reply,
            To = to, ToName = toName, Subject = subject, MessageId = NewMessageId(mailbox, ticket), InReplyTo = inReplyTo,
            References = references, BodyText = text.ToString(), BodyHtml = html.ToString(),
            AttachmentIds = message.Attachments.Count == 0 ? null : string.Join(",", message.Attachments.Select(a => a.Id)),
        }));
    }

    /// <summary>The line above the quoted mail, in both languages and in Kefu's time zone (the customer wrote at 09:15
    /// Beijing time, not "01:15 UTC").</summary>
    private string Attribution(DateTime utc, string who)
    {
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(kefu.Value.DefaultTimeZone, out var z) ? z : TimeZoneInfo.Utc;
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone);
        var offset = zone.GetUtcOffset(local);
        var at = $"{local:yyyy-MM-dd HH:mm} (UTC{(offset < TimeSpan.Zero ? "-" : "+")}{offset:hh\\:mm})";
        return $"{who} 于 {at} 写道 · On {at}, {who} wrote:";
    }

    /// <summary>"We received your mail" with the ticket number, for a new ticket from a person (not from robots).</summary>
    public async Task<OutboundEmail?> EnqueueAcknowledgementAsync(Mailbox mailbox, Ticket ticket, ParsedEmail email, CancellationToken ct)
    {
        var key = $"ack:{ticket.Id}";
        if (await db.Set<OutboundEmail>().AnyAsync(o => o.DedupeKey == key, ct)) return null;
        // At most one acknowledgement per address and hour: two robots acknowledging each other stop at once.
        var since = time.UtcNow().AddHours(-1);
        if (await db.Set<OutboundEmail>().AnyAsync(o => o.To == email.FromAddress && o.Kind == OutboundKind.Acknowledgement && o.CreatedAt >= since, ct))
            return null;
        var text = new StringBuilder()
            .Append($"您好，我们已收到您的邮件，工单号 #{ticket.Number}。回复本邮件即可补充信息，请保留标题中的工单号。\n")
            .Append($"Hello, we received your message; your ticket number is #{ticket.Number}. Reply to this mail to add information, keeping the number in the subject.");
        var html = new StringBuilder("<div>").Append(Lines(text.ToString())).Append("</div>");
        AppendSignature(mailbox, text, html);
        return Add(new OutboundEmail
        {
            DedupeKey = key, MailboxId = mailbox.Id, TicketId = ticket.Id, Kind = OutboundKind.Acknowledgement,
            To = email.FromAddress, ToName = email.FromName, Subject = SubjectFor(ticket), MessageId = NewMessageId(mailbox, ticket),
            InReplyTo = email.MessageId, References = "<" + email.MessageId + ">", BodyText = text.ToString(), BodyHtml = html.ToString(),
        });
    }

    /// <summary>A mail another module asks for (a chat transcript…): sent from the ticket team's active mailbox, else
    /// the first active one, with the mailbox's signature.</summary>
    public async Task<MailQueued> EnqueueAsync(OutgoingMail mail, CancellationToken ct)
    {
        if (await db.Set<OutboundEmail>().AnyAsync(o => o.DedupeKey == mail.DedupeKey, ct)) return MailQueued.AlreadyQueued;
        var active = db.Set<Mailbox>().AsNoTracking().Where(x => x.IsActive).OrderBy(x => x.Id);
        var mailbox = (mail.TeamId is { } team ? await active.FirstOrDefaultAsync(x => x.TeamId == team, ct) : null)
            ?? await active.FirstOrDefaultAsync(ct);
        if (mailbox is null) return MailQueued.NoMailbox;
        var ticket = await db.Set<Ticket>().AsNoTracking().FirstAsync(t => t.Id == mail.TicketId, ct);
        var text = new StringBuilder(mail.BodyText.TrimEnd());
        var html = new StringBuilder(mail.BodyHtml ?? "<div>" + Lines(mail.BodyText) + "</div>");
        AppendSignature(mailbox, text, html);
        Add(new OutboundEmail
        {
            DedupeKey = mail.DedupeKey, MailboxId = mailbox.Id, TicketId = mail.TicketId, Kind = OutboundKind.Notification,
            To = mail.To, ToName = mail.ToName, Subject = Cut(mail.Subject, 400), MessageId = NewMessageId(mailbox, ticket),
            BodyText = text.ToString(), BodyHtml = html.ToString(),
        });
        return MailQueued.Queued;
    }

    public async Task<bool> IsAvailableAsync(CancellationToken ct) => await SystemMailboxAsync(ct) is not null;

    /// <summary>A system mail (no ticket): from the system mailbox, without signature or ticket headers.</summary>
    public async Task<MailQueued> EnqueueAsync(SystemMail mail, CancellationToken ct)
    {
        if (await db.Set<OutboundEmail>().AnyAsync(o => o.DedupeKey == mail.DedupeKey, ct)) return MailQueued.AlreadyQueued;
        var mailbox = await SystemMailboxAsync(ct);
        if (mailbox is null) return MailQueued.NoMailbox;
        var domain = mailbox.Address.Split('@') is [_, var d] && d.Length > 0 ? d : "kefu.local";
        Add(new OutboundEmail
        {
            DedupeKey = mail.DedupeKey, MailboxId = mailbox.Id, TicketId = null, Kind = OutboundKind.System,
            To = mail.To, ToName = mail.ToName, Subject = Cut(mail.Subject, 400), MessageId = $"kefu.system.{Guid.NewGuid():N}@{domain}",
            BodyText = mail.BodyText, BodyHtml = mail.BodyHtml ?? "<div>" + Lines(mail.BodyText) + "</div>",
        });
        return MailQueued.Queued;
    }

    /// <summary>The mailbox the admin chose for system mail when it is active, else the first active mailbox.</summary>
    public Task<Mailbox?> SystemMailboxAsync(CancellationToken ct) => db.Set<Mailbox>().AsNoTracking()
        .Where(x => x.IsActive).OrderByDescending(x => x.SendsSystemMail).ThenBy(x => x.Id).FirstOrDefaultAsync(ct);

    private OutboundEmail Add(OutboundEmail o)
    {
        var now = time.UtcNow();
        o.Status = OutboundStatus.Pending;
        o.CreatedAt = now;
        o.NextAttemptAt = now;
        db.Add(o);
        // Threading records only for ticket mail: a system mail has nothing to thread onto.
        if (o.TicketId is not null)
            db.Add(new EmailRecord
        {
            MailboxId = o.MailboxId, Direction = EmailDirection.Outbound, MessageId = o.MessageId, Status = EmailStatus.Sent,
            TicketId = o.TicketId, TicketMessageId = o.TicketMessageId, FromAddress = null, Subject = Cut(o.Subject, 300), CreatedAt = now,
        });
        signal.Notify();
        return o;
    }

    private async Task<Mailbox?> MailboxForAsync(Ticket ticket, EmailRecord? lastInbound, CancellationToken ct)
    {
        if (lastInbound is not null && await db.Set<Mailbox>().AsNoTracking().FirstOrDefaultAsync(m => m.Id == lastInbound.MailboxId, ct) is { } m)
            return m;
        var active = db.Set<Mailbox>().AsNoTracking().Where(x => x.IsActive).OrderBy(x => x.Id);
        return await active.FirstOrDefaultAsync(x => x.TeamId == ticket.TeamId, ct) ?? await active.FirstOrDefaultAsync(ct);
    }

    private Task<string?> CustomerNameAsync(Ticket ticket, CancellationToken ct) =>
        db.Set<Customer>().AsNoTracking().Where(c => c.Id == ticket.CustomerId).Select(c => c.Name).FirstOrDefaultAsync(ct);

    private async Task<(string? Address, string? Name)> RecipientAsync(Ticket ticket, EmailRecord? lastInbound, CancellationToken ct)
    {
        var customer = await CustomerNameAsync(ticket, ct);
        if (lastInbound?.FromAddress is { } from) return (from, customer);
        var email = await db.Set<CustomerIdentity>().AsNoTracking()
            .Where(i => i.CustomerId == ticket.CustomerId && i.Kind == IdentityKind.Email).OrderBy(i => i.Id).Select(i => i.Value).FirstOrDefaultAsync(ct);
        return (email, customer);
    }

    /// <summary>In-Reply-To: the newest mail of the thread; References: the thread's Message-IDs, oldest first (at most 20).</summary>
    private async Task<(string? InReplyTo, string? References)> ThreadHeadersAsync(long ticketId, CancellationToken ct)
    {
        var ids = await db.Set<EmailRecord>().AsNoTracking()
            .Where(r => r.TicketId == ticketId && (r.Status == EmailStatus.Ingested || r.Status == EmailStatus.Sent))
            .OrderByDescending(r => r.Id).Select(r => r.MessageId).Take(20).ToListAsync(ct);
        if (ids.Count == 0) return (null, null);
        ids.Reverse();
        var refs = string.Join(" ", ids.Select(i => "<" + i + ">"));
        while (refs.Length > 3900) refs = refs[(refs.IndexOf(' ') + 1)..];
        return (ids[^1], refs);
    }

    public static string SubjectFor(Ticket ticket)
    {
        var tag = $"[#{ticket.Number}]";
        var s = ticket.Subject.Contains(tag, StringComparison.Ordinal) ? ticket.Subject : $"{ticket.Subject} {tag}";
        return Cut(s.StartsWith("Re:", StringComparison.OrdinalIgnoreCase) ? s : "Re: " + s, 400);
    }

    private static string NewMessageId(Mailbox mailbox, Ticket ticket)
    {
        var domain = mailbox.Address.Split('@') is [_, var d] && d.Length > 0 ? d : "kefu.local";
        return $"kefu.{ticket.Number}.{Guid.NewGuid():N}@{domain}";
    }

    private static void AppendSignature(Mailbox mailbox, StringBuilder text, StringBuilder html)
    {
        if (string.IsNullOrWhiteSpace(mailbox.Signature)) return;
        text.Append("\n\n-- \n").Append(mailbox.Signature.Trim());
        html.Append("<div class=\"kefu-signature\">-- <br>").Append(Lines(mailbox.Signature.Trim())).Append("</div>");
    }

    private static string Lines(string s) => string.Join("<br>", s.Replace("\r\n", "\n").Split('\n').Select(WebUtility.HtmlEncode));

}

/// <summary>Wakes the SMTP sender after a mail was queued (best effort; it also polls).</summary>
public sealed class SmtpSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        try { if (_signal.CurrentCount == 0) _signal.Release(); }
        catch (SemaphoreFullException) { }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);
}
