using System.Text.Json;
using System.Text.Json.Nodes;
using Kefu.Platform;
using Kefu.Platform.Audit;
using Kefu.Platform.Auth;
using Kefu.Platform.Database;
using Kefu.Platform.Http;
using Kefu.Platform.Text;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Tickets;

/// <summary>The ticket commands. Each runs inside the caller's unit of work (one transaction).</summary>
public sealed class TicketService(
    KefuDb db, CustomerService customers, TaxonomyCache taxonomy, AuditLog audit, HtmlCleaner html, TimeProvider time,
    StaffDirectory directory, ICreateTriage? triage = null)
{
    /// <summary>409 for an external id (channel, externalId) already used by <paramref name="user"/>, which a retry of
    /// the same create cannot explain.</summary>
    public static DomainException ExternalIdTaken(string user) =>
        new(409, "Conflict", $"{user} already uses this externalId on this channel.",
            new Dictionary<string, string[]> { ["externalId"] = [$"Already used on this channel by {user[0..1].ToLowerInvariant()}{user[1..]}."] });

    public static readonly string[] PatchFields = ["subject", "status", "priority", "categoryId", "category", "teamId", "assigneeId", "tags"];

    /// <summary>Creates a ticket with its first customer message. An (channel, externalId) seen before returns the
    /// existing ticket instead (Created=false), so inbound retries never duplicate.</summary>
    public async Task<(Ticket Ticket, bool Created)> CreateAsync(CreateTicketRequest r, StaffContext staff, CancellationToken ct)
    {
        var channel = r.Channel ?? Channel.Api;
        if (r.ExternalId is { } ext &&
            await db.Set<Ticket>().FirstOrDefaultAsync(t => t.Channel == channel && t.ExternalId == ext, ct) is { } existing)
            return (existing, false);
        CheckSubject(r);

        var tax = await taxonomy.GetAsync(ct);
        var category = ResolveCategory(tax, r.CategoryId, r.Category, "category");
        if (r.TeamId is { } tid && !await db.Teams.AnyAsync(t => t.Id == tid, ct))
            throw DomainException.Validation("teamId", $"Team {tid} does not exist.");
        if (r.AssigneeId is { } aid) await CheckAssigneeAsync(staff, aid, "assigneeId", ct);

        // Triaged before anything is written (on SQLite the first write takes the write gate), so the ticket is
        // written and announced once, already classified. The tags too are resolved before: a new tag is saved with
        // the customer, the links with the ticket.
        var ticket = NewTicket(r, channel, category, null);
        var text = MessageText(r.Message.Body, r.Message.Html, out var cleanHtml);
        CheckMessage(text, cleanHtml, r.Message.AttachmentIds ?? [], "message"); // before anything is written
        var verdict = triage is null ? null : await triage.DecideAsync(TriageInput(ticket, text, r.Tags ?? []), ct);
        var tags = ApplyVerdict(ticket, verdict, r.Tags ?? []);
        await SetTagsAsync(ticket, tags, ct);

        // Written directly, principals first (decision 0066): a new customer and its identities, so the message is
        // inserted with its author's id; then new tags, the ticket, its tag links and the message. Whatever else this
        // adds or changes (an attachment's message id) is saved with the unit.
        var (customer, customerCreated) = await customers.FindOrAddAsync(r.Customer, ct);
        await RowInserter.WriteAddedAsync(db, [customer, .. customer.Identities], ct);
        ticket.Customer = customer;
        ticket.CustomerId = customer.Id;
        db.Add(ticket);
        var message = await NewMessageAsync(ticket, MessageKind.Customer, channel, (text, cleanHtml),
            r.Message.AttachmentIds, null, customer.Id, null, staff, "message", save: false, ct);
        await RowInserter.WriteAddedAsync(db, [.. ticket.Tags.Select(t => t.Tag), ticket, .. ticket.Tags, message], ct);
        if (verdict is not null) triage!.Record(ticket.Id, verdict);
        if (customerCreated) await customers.RecordCreatedAsync(customer, ct);
        await AnnounceCreatedAsync(ticket, message, verdict, tax, staff, ct);
        return (ticket, true);
    }

    /// <summary>Triage of a ticket to create, decided before the caller's transaction (it is CPU and cached reads): the
    /// result goes into <see cref="TicketDraft.Triage"/> for <see cref="CreateManyAsync"/>, which then does not decide
    /// again inside the write lock. Null when it cannot be decided up front (no plain-text body, invalid request): then
    /// <see cref="CreateManyAsync"/> decides as <see cref="CreateAsync"/> does.</summary>
    public async Task<PreparedTriage?> TriageAsync(CreateTicketRequest r, CancellationToken ct)
    {
        if (triage is null) return new(null);
        if (string.IsNullOrWhiteSpace(r.Subject) || string.IsNullOrWhiteSpace(r.Message.Body)) return null;
        var tax = await taxonomy.GetAsync(ct);
        Category? category;
        try { category = ResolveCategory(tax, r.CategoryId, r.Category, "category"); }
        catch (DomainException) { return null; }
        var ticket = NewTicket(r, r.Channel ?? Channel.Api, category, null);
        return new(await triage.DecideAsync(TriageInput(ticket, r.Message.Body, r.Tags ?? []), ct));
    }

    /// <summary>Creates several tickets, each with its first customer message, inside the caller's unit of work — for
    /// channels that ingest in batches. Same rules, rows, events and audit entries per ticket as <see cref="CreateAsync"/>
    /// called once per draft in order, but one query per kind for the whole batch (external ids, teams, customers and
    /// identities, tags) and two saves (new customers first, so their messages get the author id at insert; then
    /// tickets, messages and tags). A draft whose external id is already stored (or repeats an earlier draft's) returns
    /// that ticket with Created=false. Any refusal (<see cref="DomainException"/>) is thrown before anything of the batch
    /// is saved except new customers; the caller rolls its unit back and can retry the drafts one by one.</summary>
    public async Task<IReadOnlyList<CreatedTicket>> CreateManyAsync(IReadOnlyList<TicketDraft> drafts, StaffContext staff, CancellationToken ct)
    {
        var results = new CreatedTicket?[drafts.Count];
        if (drafts.Count == 0) return [];

        // Known external ids: one query per channel (the unique index is on channel + external id).
        var byExternalId = new Dictionary<(Channel, string), Ticket>();
        foreach (var group in drafts.Where(d => d.Request.ExternalId is not null).GroupBy(d => d.Request.Channel ?? Channel.Api))
        {
            var channel = group.Key;
            var ids = group.Select(d => d.Request.ExternalId!).Distinct().ToList();
            foreach (var t in await db.Set<Ticket>().Where(t => t.Channel == channel && ids.Contains(t.ExternalId!)).ToListAsync(ct))
                byExternalId.TryAdd((t.Channel, t.ExternalId!), t);
        }

        var tax = await taxonomy.GetAsync(ct);
        var todo = new List<int>(drafts.Count);
        var categories = new Category?[drafts.Count];
        var repeats = new Dictionary<int, int>(); // draft -> earlier draft with the same external id
        var firstWithExternalId = new Dictionary<(Channel, string), int>();
        for (var i = 0; i < drafts.Count; i++)
        {
            var r = drafts[i].Request;
            var channel = r.Channel ?? Channel.Api;
            if (r.ExternalId is { } ext)
            {
                if (byExternalId.TryGetValue((channel, ext), out var existing)) { results[i] = new(existing, false, null); continue; }
                if (firstWithExternalId.TryGetValue((channel, ext), out var earlier)) { repeats[i] = earlier; continue; }
                firstWithExternalId[(channel, ext)] = i;
            }
            CheckSubject(r);
            categories[i] = ResolveCategory(tax, r.CategoryId, r.Category, "category");
            todo.Add(i);
        }

        var teamIds = todo.Select(i => drafts[i].Request.TeamId).OfType<int>().Distinct().ToList();
        if (teamIds.Count > 0)
        {
            var found = await db.Teams.Where(t => teamIds.Contains(t.Id)).Select(t => t.Id).ToListAsync(ct);
            if (teamIds.FirstOrDefault(t => !found.Contains(t)) is var missing and not 0)
                throw DomainException.Validation("teamId", $"Team {missing} does not exist.");
        }
        foreach (var aid in todo.Select(i => drafts[i].Request.AssigneeId).OfType<Guid>().Distinct())
            await CheckAssigneeAsync(staff, aid, "assigneeId", ct);

        // New customers are saved first: their messages are then inserted with the author id (no UPDATE after).
        var resolved = await customers.FindOrAddManyAsync([.. todo.Select(i => drafts[i].Request.Customer)], ct);
        if (resolved.Any(c => c.Created)) await db.SaveChangesAsync(ct);

        var built = new List<(int Index, Ticket Ticket, Message Message, TriageVerdict? Verdict, Customer Customer, bool CustomerCreated)>(todo.Count);
        var wantedTags = new List<string[]>(todo.Count);
        for (var k = 0; k < todo.Count; k++)
        {
            var i = todo[k];
            var r = drafts[i].Request;
            var channel = r.Channel ?? Channel.Api;
            var (customer, customerCreated) = resolved[k];
            var ticket = NewTicket(r, channel, categories[i], customer);
            var message = await NewMessageAsync(ticket, MessageKind.Customer, channel, r.Message.Body, r.Message.Html,
                r.Message.AttachmentIds, null, customer.Id, null, staff, "message", save: false, ct);
            var verdict = drafts[i].Triage is { } prepared ? prepared.Verdict
                : triage is null ? null : await triage.DecideAsync(TriageInput(ticket, message.Body, r.Tags ?? []), ct);
            wantedTags.Add(ApplyVerdict(ticket, verdict, r.Tags ?? []));
            built.Add((i, ticket, message, verdict, customer, customerCreated));
        }
        // Tags of all new tickets: one query for the names (the manual-triage tag is then looked up once per batch).
        var names = wantedTags.Select(TagNames).ToList();
        var allNames = names.SelectMany(n => n).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var tags = await TagMatch.EnsureAsync(db, allNames, time.UtcNow(), ct);
        for (var k = 0; k < built.Count; k++) LinkTags(built[k].Ticket, names[k], tags);
        await db.SaveChangesAsync(ct);

        foreach (var (i, ticket, message, verdict, customer, customerCreated) in built)
        {
            if (verdict is not null) triage!.Record(ticket.Id, verdict);
            if (customerCreated) await customers.RecordCreatedAsync(customer, ct);
            await AnnounceCreatedAsync(ticket, message, verdict, tax, staff, ct);
            results[i] = new(ticket, true, message.Id);
        }
        foreach (var (i, earlier) in repeats) results[i] = results[earlier]! with { Created = false, FirstMessageId = null };
        return results!;
    }

    public async Task<Ticket> UpdateAsync(Ticket ticket, JsonObject body, JsonSerializerOptions json, StaffContext staff, CancellationToken ct)
    {
        var patch = new PatchBody(body, json, PatchFields);
        var subject = patch.Get<string>("subject");
        var status = patch.Get<TicketStatus?>("status");
        var priority = patch.Get<TicketPriority?>("priority");
        var categoryId = patch.Get<int?>("categoryId");
        var categoryPath = patch.Get<string>("category");
        var teamId = patch.Get<int?>("teamId");
        var assigneeId = patch.Get<Guid?>("assigneeId");
        var tags = patch.Get<string[]>("tags");

        if (subject.Present && (string.IsNullOrWhiteSpace(subject.Value) || subject.Value.Length > TicketsConfiguration.SubjectMax))
            patch.Error("subject", $"subject must be 1 to {TicketsConfiguration.SubjectMax} characters.");
        if (status is { Present: true, Value: null }) patch.Error("status", "status cannot be null.");
        if (priority is { Present: true, Value: null }) patch.Error("priority", "priority cannot be null.");
        if (status.Value is { } to && !TicketRules.CanMove(ticket.Status, to))
            patch.Error("status", $"A ticket cannot move from {Snake(ticket.Status)} to {Snake(to)}. Allowed: {string.Join(", ", TicketRules.NextStatuses(ticket.Status).Select(Snake))}.");
        if (tags.Present && (tags.Value?.Length ?? 0) > 20) patch.Error("tags", "At most 20 tags.");
        patch.ThrowIfInvalid();

        if (ticket.Status == TicketStatus.Closed && body.Count > 0)
            throw DomainException.Conflict("A closed ticket cannot be changed; create a follow-up ticket.");

        var tax = await taxonomy.GetAsync(ct);
        var changes = new ChangeSet();
        var fields = new List<string>();
        var now = time.UtcNow();

        if (subject is { Present: true, Value: { } s } && changes.Set("subject", ticket.Subject, s.Trim())) { ticket.Subject = s.Trim(); fields.Add("subject"); }
        if (priority.Value is { } p && changes.Set("priority", ticket.Priority, p)) { ticket.Priority = p; fields.Add("priority"); }
        if (categoryId.Present || categoryPath.Present)
        {
            var category = ResolveCategory(tax, categoryId.Value, categoryPath.Value, categoryId.Present ? "categoryId" : "category");
            if (changes.Set("category", tax.PathOf(ticket.CategoryId), tax.PathOf(category?.Id))) { ticket.CategoryId = category?.Id; fields.Add("category"); }
        }
        var oldAssignee = ticket.AssigneeId;
        if (teamId.Present && teamId.Value != ticket.TeamId)
        {
            // No team is "another team" too: the ticket would leave its team's queue (and the agent's own sight).
            if (!staff.Can(Permissions.TicketsAssignAny) && (teamId.Value is not { } t0 || !staff.TeamIds.Contains(t0)))
                throw DomainException.Forbidden(teamId.Value is null
                    ? "Taking a ticket out of its team needs the permission 'tickets.assign_any'."
                    : "Moving a ticket to another team needs the permission 'tickets.assign_any'.");
            if (teamId.Value is { } t && !await db.Teams.AnyAsync(x => x.Id == t, ct))
                throw DomainException.Validation("teamId", $"Team {t} does not exist.");
            changes.Set("teamId", ticket.TeamId, teamId.Value);
            ticket.TeamId = teamId.Value;
            fields.Add("team");
        }
        if (assigneeId.Present && assigneeId.Value != ticket.AssigneeId)
        {
            if (assigneeId.Value is { } a) await CheckAssigneeAsync(staff, a, "assigneeId", ct);
            else if (ticket.AssigneeId != staff.UserId && !staff.Can(Permissions.TicketsAssignAny))
                throw DomainException.Forbidden("Unassigning someone else needs the permission 'tickets.assign_any'.");
            changes.Set("assigneeId", ticket.AssigneeId, assigneeId.Value);
            ticket.AssigneeId = assigneeId.Value;
            fields.Add("assignee");
        }
        if (tags is { Present: true } && await SetTagsAsync(ticket, tags.Value ?? [], ct) is { } tagChange)
        {
            changes.Fields["tags"] = tagChange;
            fields.Add("tags");
        }
        var oldStatus = ticket.Status;
        if (status.Value is { } newStatus && newStatus != ticket.Status)
        {
            changes.Set("status", ticket.Status, newStatus);
            SetStatus(ticket, newStatus, now);
            fields.Add("status");
        }

        if (!changes.Any) return ticket;
        ticket.UpdatedAt = now;
        ticket.Version++;
        await audit.RecordAsync("ticket", ticket.Id, "updated", changes.Fields, ct);
        db.Publish(new TicketUpdated(ticket.Id, [.. fields]), time);
        if (oldStatus != ticket.Status) db.Publish(new TicketStatusChanged(ticket.Id, oldStatus, ticket.Status), time);
        if (oldAssignee != ticket.AssigneeId || fields.Contains("team"))
            db.Publish(new AssigneeChanged(ticket.Id, oldAssignee, ticket.AssigneeId, ticket.TeamId, staff.UserId), time);
        return ticket;
    }

    /// <summary>Adds a customer message, public reply or internal note. A known (channel, externalId) returns the
    /// stored message instead of adding it twice.</summary>
    public Task<(Message Message, bool Created)> AddMessageAsync(Ticket ticket, AddMessageRequest r, StaffContext staff, CancellationToken ct) =>
        AddMessageAsync(ticket, r, staff, externalIdIsNew: false, ct);

    /// <summary>As above; <paramref name="externalIdIsNew"/> = true is for callers that deduplicate by external id
    /// themselves before calling (the chat send path looks up its own message by client id): the lookup here is then
    /// skipped. A duplicate that slips through a race is still refused by the unique (channel, external id) index, as
    /// a <see cref="DbUpdateException"/> the caller handles.</summary>
    public async Task<(Message Message, bool Created)> AddMessageAsync(
        Ticket ticket, AddMessageRequest r, StaffContext staff, bool externalIdIsNew, CancellationToken ct)
    {
        if (!externalIdIsNew && r.ExternalId is { } ext &&
            await db.Set<Message>().Include(m => m.Attachments).FirstOrDefaultAsync(m => m.Channel == ticket.Channel && m.ExternalId == ext, ct) is { } seen)
        {
            // A retry of this very message answers with it. The same id on another ticket is not a retry: an integration
            // that numbers messages per conversation would otherwise get another ticket's message back and store nothing.
            if (seen.TicketId != ticket.Id) throw ExternalIdTaken("A message of another ticket");
            return (seen, false);
        }
        CheckCanAdd(ticket, r);
        var customerId = r.Kind == MessageKind.Customer ? ticket.CustomerId : (long?)null;
        var authorId = r.Kind == MessageKind.Customer ? (Guid?)null : staff.UserId;
        var message = await NewMessageAsync(ticket, r.Kind, ticket.Channel, r.Body, r.Html, r.AttachmentIds, r.ExternalId, customerId, authorId, staff, "", save: true, ct);
        var (oldStatus, changes) = ApplyMessage(ticket, r.Kind, staff);
        await AnnounceMessageAsync(ticket, message, oldStatus, changes, staff, ct);
        return (message, true);
    }

    /// <summary>Adds several messages inside the caller's unit of work, each to its ticket, in order — for channels that
    /// ingest in batches (the replies of a fetched mail batch). Same rules, rows, ticket changes, events and audit entries
    /// per message as <see cref="AddMessageAsync(Ticket, AddMessageRequest, StaffContext, bool, CancellationToken)"/>
    /// called once per draft in order with externalIdIsNew = true (the caller has checked the external ids, e.g. with
    /// <see cref="KnownMessageExternalIdsAsync"/>; the unique index still refuses a duplicate that slipped in), but one
    /// save for all the messages and the tickets' changes instead of two per message. The tickets must be tracked (or
    /// attachable) and several drafts may share one ticket object. Any refusal (<see cref="DomainException"/>) is thrown
    /// before anything is saved; the caller's unit rolls back. Returns the messages in the drafts' order.</summary>
    public async Task<IReadOnlyList<Message>> AddMessagesAsync(IReadOnlyList<MessageDraft> drafts, StaffContext staff, CancellationToken ct)
    {
        if (drafts.Count == 0) return [];
        var added = new List<(Ticket Ticket, Message Message, TicketStatus OldStatus, ChangeSet Changes)>(drafts.Count);
        foreach (var (ticket, r) in drafts)
        {
            CheckCanAdd(ticket, r);
            var customerId = r.Kind == MessageKind.Customer ? ticket.CustomerId : (long?)null;
            var authorId = r.Kind == MessageKind.Customer ? (Guid?)null : staff.UserId;
            var message = await NewMessageAsync(ticket, r.Kind, ticket.Channel, r.Body, r.Html, r.AttachmentIds, r.ExternalId, customerId, authorId, staff, "", save: false, ct);
            var (oldStatus, changes) = ApplyMessage(ticket, r.Kind, staff);
            added.Add((ticket, message, oldStatus, changes));
        }
        await db.SaveChangesAsync(ct);
        foreach (var (ticket, message, oldStatus, changes) in added)
            await AnnounceMessageAsync(ticket, message, oldStatus, changes, staff, ct);
        return [.. added.Select(a => a.Message)];
    }

    private static void CheckCanAdd(Ticket ticket, AddMessageRequest r)
    {
        if (ticket.Status == TicketStatus.Closed && r.Kind != MessageKind.InternalNote)
            throw DomainException.Conflict($"Ticket #{ticket.Number} is closed; create a follow-up ticket instead.");
        if (ticket.MergedIntoId is { } merged)
            throw DomainException.Conflict($"Ticket #{ticket.Number} was merged into #{merged + TicketRules.NumberOffset}; write there.");
    }

    /// <summary>What a new message of this kind does to its ticket (status, first reply, owner, version).</summary>
    private (TicketStatus OldStatus, ChangeSet Changes) ApplyMessage(Ticket ticket, MessageKind kind, StaffContext staff)
    {
        var now = time.UtcNow();
        var oldStatus = ticket.Status;
        var changes = new ChangeSet();
        if (kind == MessageKind.PublicReply)
        {
            ticket.FirstRepliedAt ??= now;
            if (ticket.OwnerId is null && changes.Set("ownerId", (Guid?)null, staff.UserId)) ticket.OwnerId = staff.UserId;
            SetStatus(ticket, TicketRules.AfterAgentReply(ticket.Status), now);
        }
        else if (kind == MessageKind.Customer)
        {
            SetStatus(ticket, TicketRules.AfterCustomerMessage(ticket.Status), now);
        }
        changes.Set("status", oldStatus, ticket.Status);
        ticket.UpdatedAt = now;
        ticket.Version++;
        return (oldStatus, changes);
    }

    /// <summary>The events and audit entry of an added message, once it has its id.</summary>
    private async Task AnnounceMessageAsync(Ticket ticket, Message message, TicketStatus oldStatus, ChangeSet changes, StaffContext staff, CancellationToken ct)
    {
        db.Publish(new MessageAdded(ticket.Id, message.Id, message.Kind), time);
        if (oldStatus != ticket.Status) db.Publish(new TicketStatusChanged(ticket.Id, oldStatus, ticket.Status), time);
        if (message.Kind == MessageKind.InternalNote)
            foreach (var mentioned in await MentionedStaffAsync(ticket, message.Body, staff.UserId, ct))
                db.Publish(new StaffMentioned(ticket.Id, message.Id, mentioned, staff.UserId), time);
        await audit.RecordAsync("ticket", ticket.Id, message.Kind switch
        {
            MessageKind.PublicReply => "replied",
            MessageKind.InternalNote => "noted",
            _ => "customer_wrote",
        }, new { messageId = message.Id, changes = changes.Fields }, ct);
    }

    /// <summary>Which of these external ids already have a message on the channel: one query, for callers that add
    /// several messages in one unit (a fetched mail batch) and then call <see cref="AddMessageAsync(Ticket, AddMessageRequest, StaffContext, bool, CancellationToken)"/>
    /// with externalIdIsNew = true for the others.</summary>
    public async Task<HashSet<string>> KnownMessageExternalIdsAsync(Channel channel, IReadOnlyCollection<string> externalIds, CancellationToken ct)
    {
        if (externalIds.Count == 0) return [];
        var ids = externalIds.Distinct().ToList();
        return [.. await db.Set<Message>().AsNoTracking().Where(m => m.Channel == channel && ids.Contains(m.ExternalId!))
            .Select(m => m.ExternalId!).ToListAsync(ct)];
    }

    /// <summary>Merges the source ticket into the target: messages and tags move, the source is closed.</summary>
    public async Task MergeAsync(Ticket source, Ticket target, StaffContext staff, CancellationToken ct)
    {
        if (source.Id == target.Id) throw DomainException.Validation("targetTicketId", "A ticket cannot be merged into itself.");
        if (source.MergedIntoId is not null) throw DomainException.Conflict($"Ticket #{source.Number} is already merged.");
        if (target.MergedIntoId is not null || target.Status == TicketStatus.Closed)
            throw DomainException.Validation("targetTicketId", $"Ticket #{target.Number} is closed or merged and cannot receive a merge.");

        var now = time.UtcNow();
        await db.Set<Message>().Where(m => m.TicketId == source.Id).ExecuteUpdateAsync(s => s.SetProperty(m => m.TicketId, target.Id), ct);
        var sourceTags = await db.Set<TicketTag>().Where(t => t.TicketId == source.Id).Select(t => t.TagId).ToListAsync(ct);
        var targetTags = await db.Set<TicketTag>().Where(t => t.TicketId == target.Id).Select(t => t.TagId).ToListAsync(ct);
        foreach (var tagId in sourceTags.Except(targetTags)) db.Add(new TicketTag { TicketId = target.Id, TagId = tagId });

        var oldStatus = source.Status;
        source.MergedIntoId = target.Id;
        source.Status = TicketStatus.Closed;
        source.ClosedAt = now;
        source.UpdatedAt = now;
        source.Version++;
        target.OwnerId ??= source.OwnerId;
        target.FirstRepliedAt = Min(target.FirstRepliedAt, source.FirstRepliedAt);
        target.UpdatedAt = now;
        target.Version++;

        // The threads show the merge from these audit rows, as an event in the reader's language (no note in one
        // language written into both threads; merges before session 12 have one, see TicketPane.LegacyMergeNote).
        await audit.RecordAsync("ticket", source.Id, "merged_into", new { target = target.Id, status = new object[] { oldStatus, TicketStatus.Closed } }, ct);
        await audit.RecordAsync("ticket", target.Id, "merged_in", new { source = source.Id }, ct);
        db.Publish(new TicketsMerged(source.Id, target.Id), time);
        if (oldStatus != TicketStatus.Closed) db.Publish(new TicketStatusChanged(source.Id, oldStatus, TicketStatus.Closed), time);
    }

    /// <summary>Colleagues named in a note as @user.name or @显示名, whole names only (active staff only, never the author).</summary>
    /// <summary>Colleagues a note @mentions who may open the ticket (StaffContext.MayOpenTicket): a notice that leads to
    /// the forbidden page helps no one.</summary>
    private async Task<List<Guid>> MentionedStaffAsync(Ticket ticket, string body, Guid author, CancellationToken ct)
    {
        if (!body.Contains('@')) return [];
        var staff = await db.Users.AsNoTracking().Where(u => u.IsActive && u.Id != author)
            .Select(u => new { u.Id, u.UserName, u.DisplayName }).ToListAsync(ct);
        var readers = new List<Guid>();
        foreach (var id in Mentions.Find(body, [.. staff.Select(u => new Mentions.Person(u.Id, u.UserName, u.DisplayName))]))
            if (await directory.GetAsync(id, ct) is { } s && s.MayOpenTicket(ticket.TeamId, ticket.AssigneeId, ticket.OwnerId)) readers.Add(id);
        return readers;
    }

    private static DateTime? Min(DateTime? a, DateTime? b) => a is null ? b : b is null ? a : a < b ? a : b;

    private static void SetStatus(Ticket ticket, TicketStatus to, DateTime now)
    {
        if (ticket.Status == to) return;
        ticket.Status = to;
        if (to == TicketStatus.Solved) ticket.SolvedAt = now;
        if (to == TicketStatus.Closed) ticket.ClosedAt = now;
    }

    /// <summary>A message's stored text and sanitised HTML: the plain body if given, else the HTML's text.</summary>
    private string MessageText(string? body, string? htmlBody, out string? cleanHtml)
    {
        cleanHtml = string.IsNullOrWhiteSpace(htmlBody) ? null : html.Sanitize(htmlBody);
        return !string.IsNullOrWhiteSpace(body) ? body : cleanHtml is null ? "" : HtmlCleaner.ToText(cleanHtml);
    }

    private Task<Message> NewMessageAsync(
        Ticket ticket, MessageKind kind, Channel channel, string? body, string? htmlBody, long[]? attachmentIds,
        string? externalId, long? customerId, Guid? authorId, StaffContext staff, string fieldPrefix, bool save, CancellationToken ct)
    {
        var text = MessageText(body, htmlBody, out var cleanHtml);
        return NewMessageAsync(ticket, kind, channel, (text, cleanHtml), attachmentIds, externalId, customerId, authorId, staff, fieldPrefix, save, ct);
    }

    /// <summary>Refuses an empty or oversized message; returns the field prefix for further errors.</summary>
    private static string CheckMessage(string text, string? cleanHtml, long[] ids, string fieldPrefix)
    {
        var prefix = fieldPrefix.Length == 0 ? "" : fieldPrefix + ".";
        if (text.Length == 0 && ids.Length == 0)
            throw DomainException.Validation(prefix + "body", "A message needs a body, html or at least one attachment.");
        // Checked here, not only by the API's request validation: the workspace and other callers come straight here.
        if (text.Length > TicketsConfiguration.BodyMax)
            throw DomainException.Validation(prefix + "body", $"A message is at most {TicketsConfiguration.BodyMax} characters.");
        if (cleanHtml is { Length: > TicketsConfiguration.BodyMax * 2 })
            throw DomainException.Validation(prefix + "html", $"A message's HTML is at most {TicketsConfiguration.BodyMax * 2} characters.");
        return prefix;
    }

    /// <summary>A new message on the ticket, added to the unit (and saved when <paramref name="save"/>), from text and HTML
    /// already through <see cref="MessageText"/>.</summary>
    private async Task<Message> NewMessageAsync(
        Ticket ticket, MessageKind kind, Channel channel, (string Text, string? CleanHtml) content, long[]? attachmentIds,
        string? externalId, long? customerId, Guid? authorId, StaffContext staff, string fieldPrefix, bool save, CancellationToken ct)
    {
        var (text, cleanHtml) = content;
        var ids = attachmentIds ?? [];
        var prefix = CheckMessage(text, cleanHtml, ids, fieldPrefix);

        var attachments = ids.Length == 0 ? [] : await db.Set<Attachment>().Where(a => ids.Contains(a.Id)).ToListAsync(ct);
        foreach (var id in ids)
        {
            var a = attachments.FirstOrDefault(x => x.Id == id);
            if (a is null || a.MessageId is not null || a.UploadedBy != staff.UserId)
                throw DomainException.Validation(prefix + "attachmentIds", $"Attachment {id} does not exist, is already used, or was uploaded by someone else.");
        }
        var message = new Message
        {
            // An unsaved ticket has a temporary key; EF replaces it with the generated id when both are inserted.
            TicketId = ticket.Id != 0 ? ticket.Id : (long)db.Entry(ticket).Property(t => t.Id).CurrentValue!, Kind = kind, Channel = channel, Body = text, BodyHtml = cleanHtml, ExternalId = externalId,
            AuthorCustomerId = customerId, AuthorUserId = authorId, CreatedAt = time.UtcNow(), Attachments = attachments,
        };
        db.Add(message);
        if (save) await db.SaveChangesAsync(ct);
        return message;
    }

    private async Task CheckAssigneeAsync(StaffContext staff, Guid assigneeId, string field, CancellationToken ct)
    {
        if (assigneeId != staff.UserId && !staff.Can(Permissions.TicketsAssignAny))
            throw DomainException.Forbidden("Assigning to someone else needs the permission 'tickets.assign_any'.");
        var ok = await db.Users.AnyAsync(u => u.Id == assigneeId && u.IsActive, ct);
        if (!ok) throw DomainException.Validation(field, $"Staff member {assigneeId} does not exist or is deactivated.");
    }

    private static Category? ResolveCategory(TaxonomySnapshot tax, int? id, string? path, string field)
    {
        Category? c = null;
        if (id is { } i) c = tax.Find(i) ?? throw DomainException.Validation(field, $"Category {i} does not exist.");
        else if (!string.IsNullOrWhiteSpace(path))
            c = tax.FindPath(path) ?? throw DomainException.Validation(field, $"Category '{path}' does not exist; use a path such as 订单服务/下单问题/无法支付.");
        if (c is not null && tax.RetiredAt(c.Id) is { } retired)
            throw DomainException.Validation(field, retired.Id == c.Id ? $"Category '{tax.PathOf(c.Id)}' is retired."
                : $"Category '{tax.PathOf(c.Id)}' is retired: '{tax.PathOf(retired.Id)}' above it is retired.");
        return c;
    }

    private static void CheckSubject(CreateTicketRequest r)
    {
        if (string.IsNullOrWhiteSpace(r.Subject)) throw DomainException.Validation("subject", "subject must not be empty.");
    }

    /// <summary>A new ticket as the request asks (before triage); not added to the unit of work when the customer is null.</summary>
    private Ticket NewTicket(CreateTicketRequest r, Channel channel, Category? category, Customer? customer)
    {
        var now = time.UtcNow();
        var ticket = new Ticket
        {
            Subject = r.Subject.Trim(), Channel = channel, Status = TicketStatus.New,
            Priority = r.Priority ?? category?.DefaultPriority ?? TicketPriority.Normal,
            CategoryId = category?.Id, TeamId = r.TeamId ?? category?.DefaultTeamId, AssigneeId = r.AssigneeId,
            CreatedAt = now, UpdatedAt = now, ExternalId = r.ExternalId, Version = 1,
        };
        if (customer is null) return ticket;
        ticket.Customer = customer;
        ticket.CustomerId = customer.Id;
        db.Add(ticket);
        return ticket;
    }

    private static TicketToTriage TriageInput(Ticket ticket, string body, string[] tags) =>
        new(ticket.Subject, body, ticket.CategoryId, ticket.TeamId, ticket.Priority, tags);

    /// <summary>Applies triage's verdict to the new ticket; returns its tags including the one triage adds.</summary>
    private static string[] ApplyVerdict(Ticket ticket, TriageVerdict? verdict, string[] tags)
    {
        if (verdict is null) return tags;
        ticket.CategoryId = verdict.CategoryId ?? ticket.CategoryId;
        ticket.TeamId = verdict.TeamId ?? ticket.TeamId;
        ticket.Priority = verdict.Priority ?? ticket.Priority;
        return verdict.AddTag is { } tag ? [.. tags, tag] : tags;
    }

    /// <summary>The events and audit entry of a created ticket, once it and its first message have their ids.</summary>
    private async Task AnnounceCreatedAsync(Ticket ticket, Message message, TriageVerdict? verdict, TaxonomySnapshot tax, StaffContext staff, CancellationToken ct)
    {
        db.Publish(new TicketCreated(ticket.Id, ticket.CustomerId, ticket.Channel, Triaged: verdict is not null,
            Queued: ticket.TeamId is not null && ticket.AssigneeId is null), time);
        db.Publish(new MessageAdded(ticket.Id, message.Id, message.Kind, Opening: true), time);
        if (ticket.AssigneeId is not null) db.Publish(new AssigneeChanged(ticket.Id, null, ticket.AssigneeId, ticket.TeamId, staff.UserId), time);
        await audit.RecordAsync("ticket", ticket.Id, "created",
            new { ticket.Subject, channel = ticket.Channel, ticket.Priority, category = tax.PathOf(ticket.CategoryId), ticket.TeamId, ticket.AssigneeId, triage = verdict?.Audit }, ct);
    }

    /// <summary>Trimmed, distinct tag names; refuses names over 50 characters.</summary>
    private static List<string> TagNames(string[] names)
    {
        var wanted = names.Select(n => n.Trim()).Where(n => n.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (wanted.Any(n => n.Length > 50)) throw DomainException.Validation("tags", "A tag is at most 50 characters.");
        return wanted;
    }

    /// <summary>Links a new ticket to the named tags; <paramref name="known"/> holds them all (<see cref="TagMatch.EnsureAsync"/>).</summary>
    private static void LinkTags(Ticket ticket, List<string> names, List<Tag> known)
    {
        foreach (var name in names) ticket.Tags.Add(new TicketTag { Tag = PickEnsured(known, name) });
    }

    private static Tag PickEnsured(List<Tag> known, string name) =>
        TagMatch.Pick(known, name) ?? throw new InvalidOperationException($"Tag '{name}' was neither found nor created.");

    /// <summary>Replaces the ticket's tags (creating unknown tags); returns [old, new] when they changed.</summary>
    private async Task<object?[]?> SetTagsAsync(Ticket ticket, string[] names, CancellationToken ct)
    {
        var wanted = names.Select(n => n.Trim()).Where(n => n.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (wanted.Any(n => n.Length > 50)) throw DomainException.Validation("tags", "A tag is at most 50 characters.");
        if (ticket.Id == 0 && wanted.Count == 0) return null;
        var current = ticket.Id == 0 ? [] : await db.Set<TicketTag>().Where(t => t.TicketId == ticket.Id).Include(t => t.Tag).ToListAsync(ct);
        var currentNames = current.Select(t => t.Tag.Name).ToList();
        if (currentNames.Order().SequenceEqual(wanted.Order(), StringComparer.OrdinalIgnoreCase) && ticket.Id != 0) return null;

        var existing = await TagMatch.EnsureAsync(db, wanted, time.UtcNow(), ct);
        foreach (var link in current.Where(c => !wanted.Contains(c.Tag.Name, StringComparer.OrdinalIgnoreCase))) db.Remove(link);
        var result = new List<string>(wanted.Count); // as stored: a name given in another case keeps the tag's spelling
        foreach (var name in wanted)
        {
            if (currentNames.FirstOrDefault(c => string.Equals(c, name, StringComparison.OrdinalIgnoreCase)) is { } kept)
            {
                result.Add(kept);
                continue;
            }
            var tag = PickEnsured(existing, name);
            ticket.Tags.Add(new TicketTag { Tag = tag });
            result.Add(tag.Name);
        }
        return [currentNames.ToArray(), result.ToArray()];
    }

    private static string Snake(TicketStatus s) => JsonNamingPolicy.SnakeCaseLower.ConvertName(s.ToString());
}
