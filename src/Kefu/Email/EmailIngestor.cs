using System.Collections.Frozen;
using Kefu.Platform;
using Kefu.Platform.Auth;
using Kefu.Platform.Database;
using Kefu.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kefu.Email;

/// <summary>One fetched mail: where it came from on the IMAP server, and its bytes.</summary>
public sealed record InboundMail(long Uid, byte[] Raw);

public sealed record IngestResult(int Stored, int Skipped, int Failed);

/// <summary>
/// Stores fetched mail as tickets or replies. A batch is one unit of work: the ticket messages, the email records
/// carrying (mailbox, UIDVALIDITY, UID) and Message-ID, the auto-acknowledgements and the domain events commit
/// together, so a crash anywhere leaves either all of a batch or none of it. A batch that fails is retried mail by
/// mail; a mail that still fails is recorded as a parse failure (raw kept) and never blocks the ones after it.
/// </summary>
public sealed class EmailIngestor(
    UnitOfWork uow, TicketService tickets, AttachmentStore attachments, EmailComposer composer, EmailHooks hooks,
    IOptions<EmailOptions> options, IOptions<KefuOptions> kefu, TimeProvider time, ILogger<EmailIngestor> log)
{
    /// <summary>The author of what the email channel writes (attachments, notes); not a staff account.</summary>
    public static readonly Guid SystemUserId = new("00000000-0000-0000-0000-00000000e3a1");

    public static readonly StaffContext SystemStaff = new(SystemUserId, "Email", FrozenSet<string>.Empty, FrozenSet<string>.Empty,
        FrozenSet<int>.Empty, false, true);

    private KefuDb Db => uow.Db;

    public async Task<IngestResult> IngestAsync(Mailbox mailbox, long uidValidity, IReadOnlyList<InboundMail> mails, CancellationToken ct)
    {
        if (mails.Count == 0) return new(0, 0, 0);
        // Parsing (MIME, charsets, quote folding) is CPU work: done on all cores before the write transaction opens.
        var parsed = mails.Count == 1
            ? [(Mail: mails[0], Result: TryParse(mails[0].Raw))]
            : mails.AsParallel().AsOrdered().Select(m => (Mail: m, Result: TryParse(m.Raw))).ToList();
        try
        {
            return await uow.RunAsync(async c =>
            {
                var result = await StoreAllAsync(mailbox, uidValidity, parsed, c);
                await hooks.RunAsync("stored");
                return result;
            }, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException && mails.Count > 1 && e is not HookException)
        {
            log.LogWarning(e, "Mailbox {Mailbox}: batch of {Count} failed; storing one by one", mailbox.Id, mails.Count);
        }
        int stored = 0, skipped = 0, failed = 0;
        foreach (var item in parsed)
        {
            IngestResult r;
            try
            {
                r = await uow.RunAsync(c => StoreAllAsync(mailbox, uidValidity, [item], c), ct);
            }
            catch (Exception e) when (e is not OperationCanceledException and not HookException)
            {
                log.LogWarning(e, "Mailbox {Mailbox}: mail UID {Uid} cannot be stored", mailbox.Id, item.Mail.Uid);
                r = await uow.RunAsync(c => StoreAllAsync(mailbox, uidValidity,
                    [(item.Mail, new ParseOutcome(null, "Could not be stored: " + Short(e.Message)))], c), ct);
            }
            stored += r.Stored; skipped += r.Skipped; failed += r.Failed;
        }
        return new(stored, skipped, failed);
    }

    private sealed record ParseOutcome(ParsedEmail? Email, string? Error);

    private static ParseOutcome TryParse(byte[] raw)
    {
        try { return new(EmailParser.Parse(raw), null); }
        catch (MailParseException e) { return new(null, e.Message); }
    }

    private async Task<IngestResult> StoreAllAsync(Mailbox mailbox, long uidValidity, List<(InboundMail Mail, ParseOutcome Result)> items, CancellationToken ct)
    {
        var uids = items.Select(i => (long?)i.Mail.Uid).ToList();
        var known = (await Db.Set<EmailRecord>()
            .Where(r => r.MailboxId == mailbox.Id && r.UidValidity == uidValidity && uids.Contains(r.Uid))
            .Select(r => r.Uid!.Value).ToListAsync(ct)).ToHashSet();
        int stored = 0, skipped = 0, failed = 0;
        foreach (var (mail, outcome) in items)
        {
            if (!known.Add(mail.Uid)) { skipped++; continue; }
            var record = new EmailRecord
            {
                MailboxId = mailbox.Id, Direction = EmailDirection.Inbound, UidValidity = uidValidity, Uid = mail.Uid,
                CreatedAt = time.UtcNow(), MessageId = "",
            };
            if (outcome.Email is not { } email)
            {
                await RecordFailureAsync(record, mailbox, mail, outcome.Error!, ct);
                failed++;
                continue;
            }
            record.MessageId = email.MessageId;
            record.FromAddress = email.FromAddress;
            record.Subject = email.Subject;
            record.ThreadSubject = EmailParser.ThreadSubject(email.Subject);
            record.Classification = email.Class == MailClass.Normal ? null : email.Class.ToString().ToLowerInvariant() switch
            {
                "autoreply" => "auto_reply",
                var s => s,
            };
            try
            {
                await StoreOneAsync(mailbox, record, email, ct);
            }
            catch (DomainException e)
            {
                // A rule of Tickets refused it (closed ticket race, validation): keep it visible, move on.
                record.TicketId = null;
                record.TicketMessageId = null;
                await RecordFailureAsync(record, mailbox, mail, "Refused by tickets: " + e.Message, ct);
                failed++;
                continue;
            }
            Db.Add(record);
            await Db.SaveChangesAsync(ct);
            // Saved (inside the batch's transaction): stop tracking it, or every later SaveChanges of the batch scans
            // all earlier mails' entities again (DetectChanges made a 100-mail batch quadratic: half the ingest time).
            Db.ChangeTracker.Clear();
            stored++;
        }
        return new(stored, skipped, failed);
    }

    private async Task RecordFailureAsync(EmailRecord record, Mailbox mailbox, InboundMail mail, string reason, CancellationToken ct)
    {
        var key = $"{mailbox.Id}/{record.UidValidity}-{mail.Uid}.eml";
        var path = Path.Combine(kefu.Value.DataDir, "email", "raw", key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, mail.Raw, ct);
        record.Status = EmailStatus.Failed;
        record.Reason = Short(EmailParser.Clean(reason));
        record.RawKey = key;
        if (record.MessageId.Length == 0) record.MessageId = $"failed-{mailbox.Id}-{record.UidValidity}-{mail.Uid}@kefu.invalid";
        if (record.Subject is { Length: > 300 } s) record.Subject = s[..300];
        Db.Add(record);
        await Db.SaveChangesAsync(ct);
        Db.ChangeTracker.Clear();
    }

    private async Task StoreOneAsync(Mailbox mailbox, EmailRecord record, ParsedEmail email, CancellationToken ct)
    {
        // The same Message-ID again (fetched twice, or addressed to two of our mailboxes): stored once.
        var seen = await Db.Set<EmailRecord>().AsNoTracking()
            .Where(r => r.MessageId == email.MessageId && (r.Status == EmailStatus.Ingested || r.Status == EmailStatus.Bounce || r.Direction == EmailDirection.Outbound))
            .OrderBy(r => r.Id).FirstOrDefaultAsync(ct);
        if (seen is not null)
        {
            record.Status = seen.Direction == EmailDirection.Outbound ? EmailStatus.Ignored : EmailStatus.Duplicate;
            record.Reason = seen.Direction == EmailDirection.Outbound ? "Kefu's own outgoing mail came back." : "Message-ID already stored.";
            record.TicketId = seen.TicketId;
            return;
        }

        if (email.Class == MailClass.Bounce)
        {
            await StoreBounceAsync(record, email, ct);
            return;
        }

        // Mail loop protection: a sender writing far more than a person would is dropped.
        var since = time.UtcNow().AddHours(-1);
        var recent = await Db.Set<EmailRecord>().CountAsync(r => r.FromAddress == email.FromAddress && r.Direction == EmailDirection.Inbound
            && r.CreatedAt >= since && (r.Status == EmailStatus.Ingested || r.Status == EmailStatus.Ignored), ct);
        if (recent >= options.Value.SenderLimitPerHour)
        {
            record.Status = EmailStatus.Ignored;
            record.Reason = $"Sender over the limit of {options.Value.SenderLimitPerHour} mails per hour (mail loop?).";
            return;
        }

        var ticket = await ThreadAsync(mailbox, email, ct);
        var attachmentIds = new List<long>();
        var html = email.Html;
        var text = email.Text;
        foreach (var a in email.Attachments)
        {
            try
            {
                using var content = new MemoryStream(a.Content, writable: false);
                var saved = await attachments.SaveAsync(content, a.FileName, a.ContentType, a.Content.Length, SystemStaff, ct);
                attachmentIds.Add(saved.Id);
                if (a.ContentId is { } cid && html is not null)
                    html = html.Replace("cid:" + cid, $"/api/v1/attachments/{saved.Id}", StringComparison.OrdinalIgnoreCase);
            }
            catch (DomainException e)
            {
                text += $"\n[{a.FileName}: {e.Message}]";
            }
        }

        if (ticket is null)
        {
            var (created, _) = await tickets.CreateAsync(new CreateTicketRequest(
                email.Subject, new CustomerInput(null, email.FromName, email.FromAddress, null, null, null, null),
                new MessageInput(text, html, [.. attachmentIds]), Channel.Email, null, null, null, mailbox.TeamId, null, null,
                email.MessageId.Length <= 200 ? email.MessageId : null), SystemStaff, ct);
            record.TicketId = created.Id;
            record.TicketMessageId = await Db.Set<Message>().Where(m => m.TicketId == created.Id).OrderBy(m => m.Id).Select(m => (long?)m.Id).FirstOrDefaultAsync(ct);
            if (mailbox.AutoAcknowledge && email.Class == MailClass.Normal)
                await composer.EnqueueAcknowledgementAsync(mailbox, created, email, ct);
        }
        else if (email.Class == MailClass.AutoReply)
        {
            // An out-of-office or other robot answer to our reply: kept on the ticket for the agent, but as a note —
            // as a customer message it reopened a ticket waiting for the customer, reset its reply clock and counted
            // as one more contact (the "repeated contact" escalation fired on a vacation notice).
            var note = $"自动回复 / Automatic reply from {email.FromAddress}:\n\n{text}";
            var (message, _) = await tickets.AddMessageAsync(ticket,
                new AddMessageRequest(MessageKind.InternalNote, note, null, [.. attachmentIds], email.MessageId), SystemStaff, ct);
            record.TicketId = ticket.Id;
            record.TicketMessageId = message.Id;
        }
        else
        {
            var (message, _) = await tickets.AddMessageAsync(ticket,
                new AddMessageRequest(MessageKind.Customer, text, html, [.. attachmentIds], email.MessageId), SystemStaff, ct);
            record.TicketId = ticket.Id;
            record.TicketMessageId = message.Id;
        }
        record.Status = EmailStatus.Ingested;
    }

    /// <summary>The ticket a mail continues, or null for a new ticket: references to mail Kefu sent or received,
    /// then the ticket number in the subject, then (when enabled) the same sender and subject within N days.</summary>
    private async Task<Ticket?> ThreadAsync(Mailbox mailbox, ParsedEmail email, CancellationToken ct)
    {
        long? ticketId = null;
        if (email.ThreadIds.Count > 0)
        {
            var ids = email.ThreadIds.ToList();
            var hits = await Db.Set<EmailRecord>().AsNoTracking()
                .Where(r => ids.Contains(r.MessageId) && r.TicketId != null)
                .Select(r => new { r.MessageId, r.TicketId }).ToListAsync(ct);
            ticketId = ids.Select(id => hits.FirstOrDefault(h => h.MessageId == id)?.TicketId).FirstOrDefault(t => t is not null);
        }
        if (ticketId is null && EmailParser.TicketNumberIn(email.Subject) is { } number && number > TicketRules.NumberOffset)
        {
            var id = number - TicketRules.NumberOffset;
            if (await Db.Set<Ticket>().AnyAsync(t => t.Id == id, ct)) ticketId = id;
        }
        if (ticketId is null && mailbox.SubjectThreadingDays > 0)
        {
            var subject = EmailParser.ThreadSubject(email.Subject);
            var since = time.UtcNow().AddDays(-mailbox.SubjectThreadingDays);
            if (subject.Length > 0)
                ticketId = await Db.Set<EmailRecord>().AsNoTracking()
                    .Where(r => r.MailboxId == mailbox.Id && r.Direction == EmailDirection.Inbound && r.Status == EmailStatus.Ingested
                        && r.FromAddress == email.FromAddress && r.ThreadSubject == subject && r.CreatedAt >= since && r.TicketId != null)
                    .OrderByDescending(r => r.Id).Select(r => r.TicketId).FirstOrDefaultAsync(ct);
        }
        if (ticketId is null) return null;

        // Follow merges; a closed ticket is not reopened: the mail starts a follow-up ticket.
        for (var hops = 0; hops < 10; hops++)
        {
            var t = await Db.Set<Ticket>().FirstOrDefaultAsync(x => x.Id == ticketId, ct);
            if (t is null) return null;
            if (t.MergedIntoId is { } next) { ticketId = next; continue; }
            return t.Status == TicketStatus.Closed ? null : t;
        }
        return null;
    }

    /// <summary>A delivery report: noted on the ticket whose mail bounced, and that outgoing mail marked failed.</summary>
    private async Task StoreBounceAsync(EmailRecord record, ParsedEmail email, CancellationToken ct)
    {
        record.Status = EmailStatus.Bounce;
        record.Reason = email.BounceReason;
        if (email.BounceOriginalMessageId is not { } original) return;
        var outbound = await Db.Set<OutboundEmail>().FirstOrDefaultAsync(o => o.MessageId == original, ct);
        var ticketId = outbound?.TicketId ?? await Db.Set<EmailRecord>().Where(r => r.MessageId == original && r.TicketId != null)
            .Select(r => r.TicketId).FirstOrDefaultAsync(ct);
        if (ticketId is null) return;
        record.TicketId = ticketId;
        if (outbound is not null)
        {
            outbound.Status = OutboundStatus.Failed;
            outbound.LastError = Short("Bounced: " + email.BounceReason);
        }
        var ticket = await Db.Set<Ticket>().FirstOrDefaultAsync(t => t.Id == ticketId, ct);
        if (ticket is null || ticket.MergedIntoId is not null) return;
        var note = $"邮件退信 / Email delivery failed (bounce from {email.FromAddress}): {email.BounceReason}";
        var (message, _) = await tickets.AddMessageAsync(ticket, new AddMessageRequest(MessageKind.InternalNote, note, null, null, null), SystemStaff, ct);
        record.TicketMessageId = message.Id;
    }

    private static string Short(string s) => s.Length > 900 ? s[..900] : s;
}

/// <summary>Thrown by test hooks; never swallowed by the one-by-one fallback.</summary>
public sealed class HookException(string step) : Exception($"Injected failure at '{step}'.");
