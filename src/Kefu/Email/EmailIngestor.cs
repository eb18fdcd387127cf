using System.Collections.Frozen;
using System.Diagnostics;
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
/// What needs no transaction (MIME parsing, sanitising, attachment files) is done on all cores before it opens; inside
/// it, the lookups (known UIDs and Message-IDs, threading, sender rate, customers) are a few set queries per batch, not
/// several queries per mail (decision 0022).
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

    /// <summary>Prepares and stores a batch (see <see cref="Prepare"/> and <see cref="StoreAsync"/>).</summary>
    public Task<IngestResult> IngestAsync(Mailbox mailbox, long uidValidity, IReadOnlyList<InboundMail> mails, CancellationToken ct) =>
        StoreAsync(mailbox, uidValidity, Prepare(mails, ct), ct);

    /// <summary>The work that needs no transaction — MIME parsing, charsets, quote folding, sanitising, plain text, writing
    /// attachment files — on all cores. The fetcher prepares the next batch while the current one is being stored.</summary>
    public PreparedBatch Prepare(IReadOnlyList<InboundMail> mails, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        var items = mails.Count <= 1
            ? mails.Select(m => Prepare(m, ct)).ToList()
            : mails.AsParallel().AsOrdered().WithCancellation(ct).Select(m => Prepare(m, ct)).ToList();
        return new PreparedBatch(items, Stopwatch.GetElapsedTime(start));
    }

    /// <summary>Deletes the attachment files of a prepared batch that will not be stored (the fetch failed after it).</summary>
    public void Discard(PreparedBatch batch)
    {
        foreach (var f in batch.Items.SelectMany(i => i.Files)) attachments.Discard(f.File);
    }

    /// <summary>Stores a prepared batch in one unit of work; a batch that fails is stored mail by mail.</summary>
    public async Task<IngestResult> StoreAsync(Mailbox mailbox, long uidValidity, PreparedBatch batch, CancellationToken ct)
    {
        var items = batch.Items;
        if (items.Count == 0) return new(0, 0, 0);
        var timer = new Timings(batch.PrepareTime, Stopwatch.GetTimestamp());
        try
        {
            if (items.Count > 1) await TriageAheadAsync(mailbox, items, ct);
            try
            {
                var result = await uow.RunAsync(async c =>
                {
                    timer.InGate = Stopwatch.GetTimestamp();
                    var r = await StoreAllAsync(mailbox, uidValidity, items, timer, c);
                    await hooks.RunAsync("stored");
                    timer.Stored = Stopwatch.GetTimestamp();
                    return r;
                }, ct);
                foreach (var item in items) item.Committed = true;
                timer.Log(log, mailbox.Id, items.Count);
                return result;
            }
            catch (Exception e) when (e is not OperationCanceledException && items.Count > 1 && e is not HookException)
            {
                log.LogWarning(e, "Mailbox {Mailbox}: batch of {Count} failed; storing one by one", mailbox.Id, items.Count);
            }
            int stored = 0, skipped = 0, failed = 0;
            foreach (var item in items)
            {
                IngestResult r;
                try
                {
                    r = await uow.RunAsync(c => StoreAllAsync(mailbox, uidValidity, [item], null, c), ct);
                    item.Committed = true;
                }
                catch (Exception e) when (e is not OperationCanceledException and not HookException)
                {
                    log.LogWarning(e, "Mailbox {Mailbox}: mail UID {Uid} cannot be stored", mailbox.Id, item.Mail.Uid);
                    var failure = new Item(item.Mail, null, "Could not be stored: " + Short(e.Message), []);
                    r = await uow.RunAsync(c => StoreAllAsync(mailbox, uidValidity, [failure], null, c), ct);
                }
                stored += r.Stored; skipped += r.Skipped; failed += r.Failed;
            }
            return new(stored, skipped, failed);
        }
        finally
        {
            // Attachment files whose rows did not commit (failed, skipped or rolled back mail) are not kept.
            foreach (var item in items)
                foreach (var f in item.Files)
                    if (!item.Committed || !f.Used) attachments.Discard(f.File);
        }
    }

    /// <summary>A batch of fetched mail ready to store (see <see cref="Prepare"/>).</summary>
    public sealed class PreparedBatch
    {
        internal PreparedBatch(List<Item> items, TimeSpan prepareTime)
        {
            Items = items;
            PrepareTime = prepareTime;
        }

        internal List<Item> Items { get; }
        internal TimeSpan PrepareTime { get; }
        public int Count => Items.Count;
    }

    /// <summary>A mail ready to store: parsed (or the reason it cannot be), its attachment files already written.</summary>
    internal sealed class Item(InboundMail mail, ParsedEmail? email, string? error, List<PreparedFile> files)
    {
        public InboundMail Mail => mail;
        public ParsedEmail? Email => email;
        public string? Error => error;
        public List<PreparedFile> Files => files;
        public bool Committed { get; set; }
        /// <summary>Triage of the ticket this mail would create, decided before the batch's transaction (null: not decided).</summary>
        public PreparedTriage? Triage { get; set; }
    }

    /// <summary>A new ticket a mail of the batch creates, held back so the batch's new tickets are created together
    /// (<see cref="TicketService.CreateManyAsync"/>); its email record is added once the ticket exists.</summary>
    private sealed record PendingCreate(EmailRecord Record, ParsedEmail Email, TicketDraft Draft, List<RecordedFile> Files);

    /// <summary>A reply (or automatic-reply note) to an existing ticket, held back so the batch's replies are added
    /// together (<see cref="TicketService.AddMessagesAsync"/>); its email record, already complete but for the message
    /// id, is added once the message exists.</summary>
    private sealed record PendingReply(EmailRecord Record, MessageDraft Draft, List<RecordedFile> Files);

    /// <summary>An attachment row added for a mail (saved with the next save: its id is known only then).</summary>
    private sealed record RecordedFile(PreparedFile File, Attachment Row);

    /// <summary>The attachment ids of a mail's saved rows, and its HTML with inline images (cid:) pointing at them.</summary>
    private static (string? Html, long[] Ids) Link(string? html, List<RecordedFile> files)
    {
        var ids = new long[files.Count];
        for (var i = 0; i < files.Count; i++)
        {
            var (f, row) = files[i];
            ids[i] = row.Id;
            if (f.Source.ContentId is { } cid && html is not null)
                html = html.Replace("cid:" + cid, $"/api/v1/attachments/{row.Id}", StringComparison.OrdinalIgnoreCase);
        }
        return (html, ids);
    }

    /// <summary>What a batch holds back until the next flush (<see cref="FlushPendingAsync"/>).</summary>
    private sealed class Pending
    {
        public readonly List<PendingCreate> Creates = [];
        public readonly List<PendingReply> Replies = [];
        public int Count => Creates.Count + Replies.Count;
    }

    /// <summary>Decides triage for the mails that look like new tickets (no threading headers, no ticket number in the
    /// subject) before the batch's transaction: it is CPU work that need not hold the write lock. A mail that turns
    /// out to continue a ticket (subject threading) just does not use it.</summary>
    private async Task TriageAheadAsync(Mailbox mailbox, List<Item> items, CancellationToken ct)
    {
        foreach (var item in items)
        {
            item.Triage = null;
            if (item.Email is not { Class: not MailClass.Bounce, ThreadIds.Count: 0 } email || EmailParser.TicketNumberIn(email.Subject) is not null)
                continue;
            try { item.Triage = await tickets.TriageAsync(NewTicketRequest(mailbox, email, BodyText(email, item.Files), null, [], null), ct); }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Not fatal: the create decides it inside the transaction, as before.
                log.LogWarning(e, "Mailbox {Mailbox}: triage ahead of the batch failed", mailbox.Id);
                return;
            }
        }
    }

    /// <summary>The text a mail's ticket message gets: its plain text, plus a line per attachment that was refused.</summary>
    private static string BodyText(ParsedEmail email, List<PreparedFile> files)
    {
        var text = email.Text;
        foreach (var f in files)
            if (f.File is null) text += $"\n[{f.Source.FileName}: {f.Refused}]";
        return text;
    }

    private static CreateTicketRequest NewTicketRequest(
        Mailbox mailbox, ParsedEmail email, string text, string? html, long[] attachmentIds, long? customerId) =>
        new(email.Subject, new CustomerInput(customerId, email.FromName, email.FromAddress, null, null, null, null),
            new MessageInput(text, html, [.. attachmentIds]), Channel.Email, null, null, null, mailbox.TeamId, null, null,
            email.MessageId.Length <= 200 ? email.MessageId : null);

    /// <summary>An attachment written to storage before the transaction, or why it was refused.</summary>
    internal sealed class PreparedFile(ParsedAttachment source, StoredFile? file, string? refused)
    {
        public ParsedAttachment Source => source;
        public StoredFile? File => file;
        public string? Refused => refused;
        public bool Used { get; set; }
    }

    private Item Prepare(InboundMail mail, CancellationToken ct)
    {
        ParsedEmail email;
        try { email = EmailParser.Parse(mail.Raw); }
        catch (MailParseException e) { return new(mail, null, e.Message, []); }
        var files = new List<PreparedFile>(email.Attachments.Count);
        foreach (var a in email.Attachments)
        {
            try
            {
                using var content = new MemoryStream(a.Content, writable: false);
                files.Add(new(a, attachments.WriteFile(content, a.FileName, a.Content.Length), null));
            }
            catch (DomainException e) { files.Add(new(a, null, e.Message)); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Storage trouble: the mail is kept raw as a failure rather than stored without its file.
                foreach (var f in files) attachments.Discard(f.File);
                return new(mail, null, "Could not be stored: attachment storage failed: " + Short(e.Message), []);
            }
        }
        ct.ThrowIfCancellationRequested();
        return new(mail, email, null, files);
    }

    /// <summary>What the batch's mails need to know from the database, read with one query per kind and kept
    /// current while the batch's own mails are stored (a reply may follow its original in the same batch).</summary>
    private sealed class BatchLookups
    {
        public required HashSet<long> KnownUids;
        /// <summary>First stored record (ingested, bounce or outbound) per Message-ID: the duplicate check.</summary>
        public required Dictionary<string, (EmailDirection Direction, long? TicketId)> Stored;
        /// <summary>A ticket per Message-ID of any record that has one: threading by In-Reply-To/References.</summary>
        public required Dictionary<string, long> TicketByMessageId;
        /// <summary>Mails per sender in the last hour (ingested or ignored): the mail-loop limit.</summary>
        public required Dictionary<string, int> RecentBySender;
        public required HashSet<long> TicketIdsInSubjects;
        /// <summary>Newest ingested mail's ticket per (sender, thread subject) within the mailbox's window.</summary>
        public required Dictionary<(string From, string Subject), long> SubjectThreads;
        public required Dictionary<string, long> CustomerByAddress;
        /// <summary>Held-back new tickets (<see cref="PendingCreate"/>): their Message-IDs, (sender, thread subject) and
        /// mails per sender, so a later mail that would depend on one of them has them created first.</summary>
        public HashSet<string> PendingIds = [];
        public HashSet<(string From, string Subject)> PendingSubjects = [];
        public Dictionary<string, int> PendingBySender = [];
        /// <summary>The tickets the batch's mails may continue (read untracked at once; attached when used).</summary>
        public Dictionary<long, Ticket> Tickets = [];
        /// <summary>Message-IDs of the batch that Tickets already has as email messages (null: not looked up, a
        /// single mail — Tickets then checks itself).</summary>
        public HashSet<string>? KnownMessageIds;
        /// <summary>Addresses sent an acknowledgement by this batch's held-back tickets (see FlushPendingAsync).</summary>
        public HashSet<string> Acknowledged = [];
    }

    private async Task<BatchLookups> LookupAsync(Mailbox mailbox, long uidValidity, List<Item> items, CancellationToken ct)
    {
        var uids = items.Select(i => (long?)i.Mail.Uid).ToList();
        var known = await Db.Set<EmailRecord>().AsNoTracking()
            .Where(r => r.MailboxId == mailbox.Id && r.UidValidity == uidValidity && uids.Contains(r.Uid))
            .Select(r => r.Uid!.Value).ToListAsync(ct);
        var emails = items.Select(i => i.Email).OfType<ParsedEmail>().ToList();
        var lookups = new BatchLookups
        {
            KnownUids = [.. known], Stored = [], TicketByMessageId = [], RecentBySender = [], TicketIdsInSubjects = [],
            SubjectThreads = [], CustomerByAddress = [],
        };
        if (emails.Count == 0) return lookups;

        // Own Message-IDs (duplicates) and referenced ones (threading), in one query.
        var ids = emails.Select(e => e.MessageId).Concat(emails.SelectMany(e => e.ThreadIds)).Distinct().ToList();
        var records = await Db.Set<EmailRecord>().AsNoTracking().Where(r => ids.Contains(r.MessageId))
            .OrderBy(r => r.Id).Select(r => new { r.MessageId, r.Direction, r.Status, r.TicketId }).ToListAsync(ct);
        foreach (var r in records)
        {
            if (r.Status is EmailStatus.Ingested or EmailStatus.Bounce || r.Direction == EmailDirection.Outbound)
                lookups.Stored.TryAdd(r.MessageId, (r.Direction, r.TicketId));
            if (r.TicketId is { } t) lookups.TicketByMessageId.TryAdd(r.MessageId, t);
        }

        var senders = emails.Select(e => e.FromAddress).Distinct().ToList();
        var since = time.UtcNow().AddHours(-1);
        foreach (var c in await Db.Set<EmailRecord>().AsNoTracking()
                     .Where(r => senders.Contains(r.FromAddress!) && r.Direction == EmailDirection.Inbound && r.CreatedAt >= since
                         && (r.Status == EmailStatus.Ingested || r.Status == EmailStatus.Ignored))
                     .GroupBy(r => r.FromAddress!).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct))
            lookups.RecentBySender[c.Key] = c.Count;

        var numbered = emails.Select(e => EmailParser.TicketNumberIn(e.Subject)).OfType<long>()
            .Where(n => n > TicketRules.NumberOffset).Select(n => n - TicketRules.NumberOffset).Distinct().ToList();
        if (numbered.Count > 0)
            lookups.TicketIdsInSubjects.UnionWith(await Db.Set<Ticket>().AsNoTracking().Where(t => numbered.Contains(t.Id)).Select(t => t.Id).ToListAsync(ct));

        if (mailbox.SubjectThreadingDays > 0)
        {
            var subjects = emails.Select(e => EmailParser.ThreadSubject(e.Subject)).Where(s => s.Length > 0).Distinct().ToList();
            var window = time.UtcNow().AddDays(-mailbox.SubjectThreadingDays);
            if (subjects.Count > 0)
                foreach (var r in await Db.Set<EmailRecord>().AsNoTracking()
                             .Where(r => r.MailboxId == mailbox.Id && r.Direction == EmailDirection.Inbound && r.Status == EmailStatus.Ingested
                                 && senders.Contains(r.FromAddress!) && subjects.Contains(r.ThreadSubject!) && r.CreatedAt >= window && r.TicketId != null)
                             .OrderBy(r => r.Id).Select(r => new { r.FromAddress, r.ThreadSubject, r.TicketId }).ToListAsync(ct))
                    lookups.SubjectThreads[(r.FromAddress!, r.ThreadSubject!)] = r.TicketId!.Value; // the newest wins
        }

        // The tickets replies may continue, and which Message-IDs Tickets already has (its duplicate check), in one
        // query each rather than two per reply. Only for a batch: a single mail (the fallback) goes the old way.
        if (items.Count > 1)
        {
            var candidates = emails.SelectMany(e => e.ThreadIds).Select(id => lookups.TicketByMessageId.TryGetValue(id, out var t) ? t : 0)
                .Where(t => t != 0).Concat(lookups.TicketIdsInSubjects).Concat(lookups.SubjectThreads.Values).Distinct().ToList();
            if (candidates.Count > 0)
                foreach (var t in await Db.Set<Ticket>().AsNoTracking().Where(t => candidates.Contains(t.Id)).ToListAsync(ct))
                    lookups.Tickets[t.Id] = t;
            lookups.KnownMessageIds = await tickets.KnownMessageExternalIdsAsync(Channel.Email, [.. emails.Select(e => e.MessageId)], ct);
        }

        // Known senders are handed to Tickets by customer id, which spares its identity query per mail.
        var addresses = senders.Select(s => CustomerIdentity.Normalize(IdentityKind.Email, s)).Distinct().ToList();
        foreach (var i in await Db.Set<CustomerIdentity>().AsNoTracking()
                     .Where(i => i.Kind == IdentityKind.Email && addresses.Contains(i.Value))
                     .Select(i => new { i.Value, i.CustomerId }).ToListAsync(ct))
            lookups.CustomerByAddress.TryAdd(i.Value, i.CustomerId);
        return lookups;
    }

    /// <summary>Keeps the batch's lookups true after one of its mails was stored.</summary>
    private void Remember(BatchLookups lookups, Mailbox mailbox, EmailRecord record, Ticket? created)
    {
        if (record.Status is EmailStatus.Ingested or EmailStatus.Bounce)
            lookups.Stored.TryAdd(record.MessageId, (EmailDirection.Inbound, record.TicketId));
        if (record.TicketId is { } t) lookups.TicketByMessageId.TryAdd(record.MessageId, t);
        if (record.FromAddress is { } from && record.Status is EmailStatus.Ingested or EmailStatus.Ignored)
            lookups.RecentBySender[from] = lookups.RecentBySender.GetValueOrDefault(from) + 1;
        if (record is { Status: EmailStatus.Ingested, FromAddress: { } f, ThreadSubject: { Length: > 0 } s, TicketId: { } ticket }
            && mailbox.SubjectThreadingDays > 0)
            lookups.SubjectThreads[(f, s)] = ticket;
        if (created is not null)
        {
            lookups.TicketIdsInSubjects.Add(created.Id);
            if (record.FromAddress is { } address)
                lookups.CustomerByAddress.TryAdd(CustomerIdentity.Normalize(IdentityKind.Email, address), created.CustomerId);
        }
    }

    private async Task<IngestResult> StoreAllAsync(Mailbox mailbox, long uidValidity, List<Item> items, Timings? timer, CancellationToken ct)
    {
        foreach (var f in items.SelectMany(i => i.Files)) f.Used = false; // a failed batch is retried mail by mail
        // The UID/Message-ID lookups must be in the transaction that stores the mails (exactly once): on SQLite the
        // unit's write transaction, and the write gate, begin here rather than at its first insert (decision 0024).
        await uow.BeginWriteAsync(ct);
        var lookups = await LookupAsync(mailbox, uidValidity, items, ct);
        if (timer is not null) timer.LookedUp = Stopwatch.GetTimestamp();
        int stored = 0, skipped = 0, failed = 0;
        // In a batch, new tickets are held back and created together; a single mail (the fallback) goes as before.
        var pending = items.Count > 1 ? new Pending() : null;
        foreach (var item in items)
        {
            var mail = item.Mail;
            if (!lookups.KnownUids.Add(mail.Uid)) { skipped++; continue; }
            if (pending is { Count: > 0 } && DependsOnPending(item.Email, lookups))
                await FlushPendingAsync(mailbox, pending, lookups, timer, ct);
            var record = new EmailRecord
            {
                MailboxId = mailbox.Id, Direction = EmailDirection.Inbound, UidValidity = uidValidity, Uid = mail.Uid,
                CreatedAt = time.UtcNow(), MessageId = "",
            };
            if (item.Email is not { } email)
            {
                await RecordFailureAsync(record, mailbox, mail, item.Error!, ct);
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
            Ticket? created;
            var start = Stopwatch.GetTimestamp();
            var held = pending?.Count ?? 0;
            try
            {
                created = await StoreOneAsync(mailbox, record, email, item, lookups, pending, ct);
            }
            catch (DomainException e) when (items.Count == 1)
            {
                // A rule of Tickets refused it (closed ticket race, validation): keep it visible, move on.
                // Nothing it half-added (a customer, a ticket without its message) may be saved with the failure record.
                // In a batch the exception goes up instead: the previous mail's rows may still be unsaved in the tracker
                // (see below), so the batch rolls back and is stored mail by mail, where this clears only this mail.
                Db.ChangeTracker.Clear();
                record.TicketId = null;
                record.TicketMessageId = null;
                await RecordFailureAsync(record, mailbox, mail, "Refused by tickets: " + e.Message, ct);
                failed++;
                continue;
            }
            var tickets = Stopwatch.GetTimestamp();
            stored++;
            if (pending is not null && pending.Count > held) { timer?.Add(start, tickets, tickets); continue; } // held back: see FlushPendingAsync
            Db.Add(record);
            await ForgetSavedAsync(ct);
            Remember(lookups, mailbox, record, created);
            timer?.Add(start, tickets, Stopwatch.GetTimestamp());
        }
        if (pending is { Count: > 0 }) await FlushPendingAsync(mailbox, pending, lookups, timer, ct);
        return new(stored, skipped, failed);
    }

    /// <summary>Whether a mail's handling could depend on a held-back new ticket: it repeats or references its
    /// Message-ID, continues its (sender, subject), names a ticket number not known before the batch, or is a bounce
    /// (looked up in the database). Then the held-back tickets are created first, as if stored one by one. (A held-back
    /// reply needs no such check: its ticket exists and its record is remembered in the lookups when it is held.)</summary>
    private static bool DependsOnPending(ParsedEmail? email, BatchLookups lookups)
    {
        if (email is null) return false; // a failure record only
        if (email.Class == MailClass.Bounce || lookups.PendingIds.Contains(email.MessageId) || email.ThreadIds.Any(lookups.PendingIds.Contains))
            return true;
        if (EmailParser.TicketNumberIn(email.Subject) is { } n && !lookups.TicketIdsInSubjects.Contains(n - TicketRules.NumberOffset))
            return true;
        return lookups.PendingSubjects.Contains((email.FromAddress, EmailParser.ThreadSubject(email.Subject)));
    }

    /// <summary>Adds the held-back replies in one call to Tickets and creates the held-back new tickets in another, then
    /// adds their email records. Replies go first: their tickets are attached again before anything else is loaded (a
    /// save and clear since the reply was held may have detached them; the batch keeps one object per ticket).</summary>
    private async Task FlushPendingAsync(Mailbox mailbox, Pending pending, BatchLookups lookups, Timings? timer, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        // The held-back mails' attachment rows, in one save (their ids go into the messages).
        if (pending.Replies.Any(r => r.Files.Count > 0) || pending.Creates.Any(c => c.Files.Count > 0))
            await Db.SaveChangesAsync(ct);
        for (var k = 0; k < pending.Replies.Count; k++)
            if (pending.Replies[k] is { Files.Count: > 0 } held)
            {
                var (html, ids) = Link(held.Draft.Request.Html, held.Files);
                pending.Replies[k] = held with { Draft = held.Draft with { Request = held.Draft.Request with { Html = html, AttachmentIds = ids } } };
            }
        for (var k = 0; k < pending.Creates.Count; k++)
            if (pending.Creates[k] is { Files.Count: > 0 } held)
            {
                var r = held.Draft.Request;
                var (html, ids) = Link(r.Message.Html, held.Files);
                pending.Creates[k] = held with { Draft = held.Draft with { Request = r with { Message = r.Message with { Html = html, AttachmentIds = ids } } } };
            }
        if (pending.Replies.Count > 0)
        {
            foreach (var reply in pending.Replies)
                if (Db.Entry(reply.Draft.Ticket).State == EntityState.Detached) Db.Attach(reply.Draft.Ticket);
            await hooks.RunAsync("replies:" + pending.Replies.Count); // tests: replies are added together
            var messages = await tickets.AddMessagesAsync([.. pending.Replies.Select(r => r.Draft)], SystemStaff, ct);
            for (var k = 0; k < messages.Count; k++)
            {
                var record = pending.Replies[k].Record;
                record.TicketMessageId = messages[k].Id;
                Db.Add(record);
            }
            pending.Replies.Clear();
        }
        var creates = pending.Creates;
        var results = creates.Count == 0 ? [] : await tickets.CreateManyAsync([.. creates.Select(p => p.Draft)], SystemStaff, ct);
        lookups.PendingIds.Clear();
        lookups.PendingSubjects.Clear();
        lookups.PendingBySender.Clear();
        var created = Stopwatch.GetTimestamp();
        for (var k = 0; k < creates.Count; k++)
        {
            var (record, email, _, _) = creates[k];
            var ticket = results[k].Ticket;
            record.Status = EmailStatus.Ingested;
            record.TicketId = ticket.Id;
            record.TicketMessageId = results[k].FirstMessageId
                ?? await Db.Set<Message>().Where(m => m.TicketId == ticket.Id).OrderBy(m => m.Id).Select(m => (long?)m.Id).FirstOrDefaultAsync(ct);
            // The composer's one-per-address-and-hour check reads saved rows only, and these acknowledgements are saved
            // together: an address acknowledged earlier in this batch is not asked again (stored one by one, it was saved).
            if (mailbox.AutoAcknowledge && email.Class == MailClass.Normal && !lookups.Acknowledged.Contains(email.FromAddress)
                && await composer.EnqueueAcknowledgementAsync(mailbox, ticket, email, ct) is not null)
                lookups.Acknowledged.Add(email.FromAddress);
            Db.Add(record);
            Remember(lookups, mailbox, record, ticket);
        }
        creates.Clear();
        await ForgetSavedAsync(ct);
        timer?.Add(start, created, Stopwatch.GetTimestamp());
    }

    /// <summary>After a mail: when the only unsaved rows are new ones (the email record, and the audit, outbox and
    /// triage rows Tickets added after its own save — the common case, a new ticket from a known sender), they are not
    /// saved now but with the next mail's first save (Tickets saves before it adds such rows) or the unit's final one:
    /// one SaveChanges per mail less, same transaction. What is already saved stops being tracked, or every later
    /// SaveChanges of the batch would scan all earlier mails' entities again (DetectChanges made a 100-mail batch
    /// quadratic: half the ingest time). When a saved entity was changed afterwards (a new customer's message author,
    /// a reply's ticket status) everything is saved now as before: detaching its principals lost such an update.</summary>
    private async Task ForgetSavedAsync(CancellationToken ct)
    {
        var tracker = Db.ChangeTracker;
        var entries = tracker.Entries().ToList(); // detects changes
        var added = entries.Count(e => e.State == EntityState.Added);
        if (added > 64 || entries.Any(e => e.State is EntityState.Modified or EntityState.Deleted))
        {
            await Db.SaveChangesAsync(ct);
            tracker.Clear();
            return;
        }
        foreach (var entry in entries)
            if (entry.State == EntityState.Unchanged) entry.State = EntityState.Detached;
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

    /// <summary>Stores one parsed mail; returns the ticket when it created one.</summary>
    private async Task<Ticket?> StoreOneAsync(
        Mailbox mailbox, EmailRecord record, ParsedEmail email, Item item, BatchLookups lookups, Pending? pending, CancellationToken ct)
    {
        var files = item.Files;
        // The same Message-ID again (fetched twice, or addressed to two of our mailboxes): stored once.
        if (lookups.Stored.TryGetValue(email.MessageId, out var seen))
        {
            record.Status = seen.Direction == EmailDirection.Outbound ? EmailStatus.Ignored : EmailStatus.Duplicate;
            record.Reason = seen.Direction == EmailDirection.Outbound ? "Kefu's own outgoing mail came back." : "Message-ID already stored.";
            record.TicketId = seen.TicketId;
            return null;
        }

        if (email.Class == MailClass.Bounce)
        {
            await StoreBounceAsync(record, email, lookups, ct);
            return null;
        }

        // Mail loop protection: a sender writing far more than a person would is dropped.
        if (lookups.RecentBySender.GetValueOrDefault(email.FromAddress) + lookups.PendingBySender.GetValueOrDefault(email.FromAddress)
            >= options.Value.SenderLimitPerHour)
        {
            record.Status = EmailStatus.Ignored;
            record.Reason = $"Sender over the limit of {options.Value.SenderLimitPerHour} mails per hour (mail loop?).";
            return null;
        }

        var ticket = await ThreadAsync(mailbox, email, lookups, ct);
        await hooks.RunAsync("ticket:" + email.MessageId); // tests: a refusal by Tickets for this mail
        var text = BodyText(email, files);
        // The attachment rows: a held-back mail's are saved with the batch's others at the flush, which then fills in
        // their ids; otherwise they are saved now (one save for the mail's files).
        var recorded = new List<RecordedFile>();
        foreach (var f in files)
        {
            if (f.File is not { } file) continue;
            recorded.Add(new(f, attachments.Record(file, f.Source.ContentType, SystemStaff)));
            f.Used = true;
        }
        var isNew = ticket is not null && IsNewToTickets(email, lookups);
        var held = pending is not null && (ticket is null || isNew);
        if (recorded.Count > 0 && !held) await Db.SaveChangesAsync(ct);
        var (html, attachmentIds) = held ? (email.Html, Array.Empty<long>()) : Link(email.Html, recorded);

        Ticket? created = null;
        if (ticket is null)
        {
            // A known sender goes to Tickets by customer id (found for the whole batch at once): one query less per mail.
            var customerId = lookups.CustomerByAddress.TryGetValue(CustomerIdentity.Normalize(IdentityKind.Email, email.FromAddress), out var cid)
                ? cid : (long?)null;
            var request = NewTicketRequest(mailbox, email, text, html, attachmentIds, customerId);
            if (pending is not null)
            {
                // Held back: created with the batch's other new tickets (FlushPendingAsync), which fills in the record.
                pending.Creates.Add(new(record, email, new TicketDraft(request, item.Triage), recorded));
                lookups.PendingIds.Add(email.MessageId);
                lookups.PendingSubjects.Add((email.FromAddress, EmailParser.ThreadSubject(email.Subject)));
                lookups.PendingBySender[email.FromAddress] = lookups.PendingBySender.GetValueOrDefault(email.FromAddress) + 1;
                return null;
            }
            (created, _) = await tickets.CreateAsync(request, SystemStaff, ct);
            record.TicketId = created.Id;
            // The first message is still tracked (CreateAsync added it): no query for its id.
            record.TicketMessageId = Db.ChangeTracker.Entries<Message>().Where(m => m.Entity.TicketId == created.Id)
                .Select(m => (long?)m.Entity.Id).Where(id => id > 0).Min()
                ?? await Db.Set<Message>().Where(m => m.TicketId == created.Id).OrderBy(m => m.Id).Select(m => (long?)m.Id).FirstOrDefaultAsync(ct);
            if (mailbox.AutoAcknowledge && email.Class == MailClass.Normal)
                await composer.EnqueueAcknowledgementAsync(mailbox, created, email, ct);
        }
        else
        {
            // An out-of-office or other robot answer to our reply: kept on the ticket for the agent, but as a note —
            // as a customer message it reopened a ticket waiting for the customer, reset its reply clock and counted
            // as one more contact (the "repeated contact" escalation fired on a vacation notice).
            var request = email.Class == MailClass.AutoReply
                ? new AddMessageRequest(MessageKind.InternalNote, $"自动回复 / Automatic reply from {email.FromAddress}:\n\n{text}", null, [.. attachmentIds], email.MessageId)
                : new AddMessageRequest(MessageKind.Customer, text, html, [.. attachmentIds], email.MessageId);
            record.TicketId = ticket.Id;
            if (held)
            {
                // Held back: added with the batch's other replies (FlushPendingAsync), which sets the message id and
                // adds the record. Its ticket is known, so the lookups learn about it now.
                record.Status = EmailStatus.Ingested;
                pending!.Replies.Add(new(record, new MessageDraft(ticket, request), recorded));
                Remember(lookups, mailbox, record, null);
                return null;
            }
            var (message, _) = await tickets.AddMessageAsync(ticket, request, SystemStaff, isNew, ct);
            record.TicketMessageId = message.Id;
        }
        record.Status = EmailStatus.Ingested;
        return created;
    }

    /// <summary>Whether Tickets is known not to have this Message-ID yet (looked up for the batch, kept current), so it
    /// need not query it again; the unique index still refuses a duplicate that slipped in.</summary>
    private static bool IsNewToTickets(ParsedEmail email, BatchLookups lookups) =>
        lookups.KnownMessageIds is { } known && known.Add(email.MessageId);

    /// <summary>The ticket a mail continues, or null for a new ticket: references to mail Kefu sent or received,
    /// then the ticket number in the subject, then (when enabled) the same sender and subject within N days.</summary>
    private async Task<Ticket?> ThreadAsync(Mailbox mailbox, ParsedEmail email, BatchLookups lookups, CancellationToken ct)
    {
        long? ticketId = email.ThreadIds.Select(id => lookups.TicketByMessageId.TryGetValue(id, out var t) ? t : (long?)null)
            .FirstOrDefault(t => t is not null);
        if (ticketId is null && EmailParser.TicketNumberIn(email.Subject) is { } number && number > TicketRules.NumberOffset
            && lookups.TicketIdsInSubjects.Contains(number - TicketRules.NumberOffset))
            ticketId = number - TicketRules.NumberOffset;
        if (ticketId is null && mailbox.SubjectThreadingDays > 0
            && lookups.SubjectThreads.TryGetValue((email.FromAddress, EmailParser.ThreadSubject(email.Subject)), out var bySubject))
            ticketId = bySubject;
        if (ticketId is null) return null;

        // Follow merges; a closed ticket is not reopened: the mail starts a follow-up ticket.
        for (var hops = 0; hops < 10; hops++)
        {
            var t = await TicketAsync(ticketId.Value, lookups, ct);
            if (t is null) return null;
            if (t.MergedIntoId is { } next) { ticketId = next; continue; }
            return t.Status == TicketStatus.Closed ? null : t;
        }
        return null;
    }

    /// <summary>A ticket to continue, tracked: the batch's copy when it read it (one object per ticket for the whole batch,
    /// so a second reply sees the first one's changes; what is saved is detached after each mail, so attaching it
    /// again is safe), else read now.</summary>
    private async Task<Ticket?> TicketAsync(long id, BatchLookups lookups, CancellationToken ct)
    {
        if (lookups.Tickets.TryGetValue(id, out var t))
        {
            if (Db.Entry(t).State == EntityState.Detached) Db.Attach(t);
            return t;
        }
        var read = await Db.Set<Ticket>().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (read is not null) lookups.Tickets[id] = read; // a held-back reply and a later mail share this object
        return read;
    }

    /// <summary>A delivery report: noted on the ticket whose mail bounced, and that outgoing mail marked failed.</summary>
    private async Task StoreBounceAsync(EmailRecord record, ParsedEmail email, BatchLookups lookups, CancellationToken ct)
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
        var ticket = await TicketAsync(ticketId.Value, lookups, ct);
        if (ticket is null || ticket.MergedIntoId is not null) return;
        var note = $"邮件退信 / Email delivery failed (bounce from {email.FromAddress}): {email.BounceReason}";
        var (message, _) = await tickets.AddMessageAsync(ticket, new AddMessageRequest(MessageKind.InternalNote, note, null, null, null), SystemStaff, ct);
        record.TicketMessageId = message.Id;
    }

    private static string Short(string s) => s.Length > 900 ? s[..900] : s;

    /// <summary>Where a batch's time goes (logged at Debug): preparing (parse, sanitise, files; overlapped with the
    /// previous batch's store by the fetcher),
    /// waiting for the write gate, the batch lookups, the Tickets calls, the per-mail save, and the commit.</summary>
    private sealed class Timings(TimeSpan prepare, long start)
    {
        public long InGate, LookedUp, Stored;
        private long _tickets, _save;

        public void Add(long start, long tickets, long saved)
        {
            _tickets += tickets - start;
            _save += saved - tickets;
        }

        public void Log(ILogger log, int mailbox, int count)
        {
            if (!log.IsEnabled(LogLevel.Debug)) return;
            var end = Stopwatch.GetTimestamp();
            static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
            log.LogDebug("Mailbox {Mailbox}: batch of {Count}: prepare {Prepare:0.0} ms, gate wait {Wait:0.0} ms, lookups {Lookups:0.0} ms, "
                + "tickets {Tickets:0.0} ms, record+save {Save:0.0} ms, other {Other:0.0} ms, commit {Commit:0.0} ms",
                mailbox, count, prepare.TotalMilliseconds, Ms(InGate - start), Ms(LookedUp - InGate), Ms(_tickets), Ms(_save),
                Ms(Stored - LookedUp - _tickets - _save), Ms(end - Stored));
        }
    }
}

/// <summary>Thrown by test hooks; never swallowed by the one-by-one fallback.</summary>
public sealed class HookException(string step) : Exception($"Injected failure at '{step}'.");
