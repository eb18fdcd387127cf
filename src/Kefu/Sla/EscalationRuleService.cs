using Kefu.Platform;
using Kefu.Platform.Audit;
using Kefu.Platform.Database;
using Kefu.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Sla;

/// <summary>Escalation rules: admin (list, create, update, delete) and their evaluation on each customer contact.
/// Runs inside the caller's unit of work.</summary>
public sealed class EscalationRuleService(KefuDb db, SlaCache cache, EscalationService escalations, AuditLog audit, TimeProvider time)
{
    public async Task<List<EscalationRuleDto>> ListAsync(CancellationToken ct) =>
        [.. (await db.Set<EscalationRule>().AsNoTracking().OrderByDescending(r => r.Tier).ThenBy(r => r.Id).ToListAsync(ct))
            .Select(EscalationRuleDto.From)];

    public async Task<EscalationRule> LoadAsync(int id, CancellationToken ct) =>
        await db.Set<EscalationRule>().FirstOrDefaultAsync(r => r.Id == id, ct) ?? throw DomainException.NotFound($"Escalation rule {id}");

    public async Task<EscalationRule> CreateAsync(EscalationRuleRequest r, CancellationToken ct)
    {
        var now = time.UtcNow();
        var rule = new EscalationRule { Name = "", CreatedAt = now, UpdatedAt = now, Version = 1 };
        await ApplyAsync(rule, r, ct);
        db.Add(rule);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync("sla_escalation_rule", rule.Id, "created", EscalationRuleDto.From(rule), ct);
        cache.InvalidateAll();
        return rule;
    }

    public async Task<EscalationRule> UpdateAsync(EscalationRule rule, EscalationRuleRequest r, CancellationToken ct)
    {
        await ApplyAsync(rule, r, ct);
        rule.UpdatedAt = time.UtcNow();
        rule.Version++;
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync("sla_escalation_rule", rule.Id, "updated", EscalationRuleDto.From(rule), ct);
        cache.InvalidateAll();
        return rule;
    }

    public async Task DeleteAsync(int id, CancellationToken ct)
    {
        var rule = await LoadAsync(id, ct);
        db.Remove(rule);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync("sla_escalation_rule", id, "deleted", new { rule.Name }, ct);
        cache.InvalidateAll();
    }

    private async Task ApplyAsync(EscalationRule rule, EscalationRuleRequest r, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var name = r.Name?.Trim();
        var kind = r.Kind ?? EscalationRuleKind.Keyword;
        var keywords = (r.Keywords ?? []).Select(k => k.Trim()).Where(k => k.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (string.IsNullOrEmpty(name) || name.Length > 100) errors["name"] = ["name must be 1 to 100 characters."];
        else if (await db.Set<EscalationRule>().AnyAsync(x => x.Name == name && x.Id != rule.Id, ct)) errors["name"] = [$"A rule named '{name}' already exists."];
        if (r.Tier is not (>= 1 and <= EscalationService.TopTier)) errors["tier"] = [$"tier must be between 1 and {EscalationService.TopTier}."];
        if (kind == EscalationRuleKind.Keyword)
        {
            if (keywords.Count == 0) errors["keywords"] = ["A keyword rule needs at least one keyword."];
            else if (keywords.Count > 200 || keywords.Any(k => k.Length > 50)) errors["keywords"] = ["At most 200 keywords of 1 to 50 characters."];
        }
        else
        {
            if (r.ContactCount is not (>= 2 and <= 100)) errors["contactCount"] = ["contactCount must be between 2 and 100."];
            if (r.WithinDays is not (>= 1 and <= 365)) errors["withinDays"] = ["withinDays must be between 1 and 365."];
        }
        if (errors.Count > 0) throw new DomainException(400, "Validation failed", errors.First().Value[0], errors);
        rule.Name = name!;
        rule.Kind = kind;
        rule.IsActive = r.IsActive ?? true;
        rule.Tier = r.Tier!.Value;
        rule.Keywords = kind == EscalationRuleKind.Keyword ? keywords : [];
        rule.ContactCount = kind == EscalationRuleKind.RepeatedContact ? r.ContactCount : null;
        rule.WithinDays = kind == EscalationRuleKind.RepeatedContact ? r.WithinDays : null;
    }

    /// <summary>What <see cref="EvaluateAsync"/> reads first; the counts are 0 when not <c>counted</c>.</summary>
    private sealed record Contact(string Subject, TicketStatus Status, long CustomerId, string? Body, int? OpenTier, int Tickets, int Messages);

    // Compiled once per model (decisions 0037, 0045): run for every customer message, a LINQ query would be rebuilt as an expression
    // tree, parameter-extracted and looked up in EF's cache each time — most of this reaction's allocations.
    private static readonly PerModel<Func<KefuDb, long, long, bool, DateTime, DateTime, CancellationToken, Task<Contact?>>> ContactQuery = new(() =>
        EF.CompileAsyncQuery((KefuDb db, long ticketId, long messageId, bool counted, DateTime countSince, DateTime at, CancellationToken ct) =>
            db.Set<Ticket>().AsNoTracking().Where(t => t.Id == ticketId)
                .Select(t => new Contact(
                    t.Subject, t.Status, t.CustomerId,
                    db.Set<Message>().Where(m => m.Id == messageId).Select(m => m.Body).FirstOrDefault(),
                    db.Set<Escalation>().Where(e => e.TicketId == ticketId && e.State == EscalationState.Open).Max(e => (int?)e.Tier),
                    // Lines of a live chat are one conversation, not repeated contacts: a chat counts as a contact by its ticket.
                    counted ? db.Set<Ticket>().Count(x => x.CustomerId == t.CustomerId && x.CreatedAt >= countSince && x.CreatedAt <= at) : 0,
                    counted ? db.Set<Message>().Count(m => m.TicketId == ticketId && m.Kind == MessageKind.Customer && m.Channel != Channel.Chat
                        && m.CreatedAt >= countSince && m.CreatedAt <= at) : 0))
                .FirstOrDefault()));

    /// <summary>
    /// A customer contact (a new ticket's first message or a later customer message) at <paramref name="at"/>: the
    /// highest tier any active rule asks for, unless the ticket is already there (an open escalation at that tier or
    /// above) or that rule kind already raised it to that tier before (redelivery, the 4th and 5th contact).
    /// </summary>
    public async Task EvaluateAsync(long ticketId, long messageId, DateTime at, CancellationToken ct)
    {
        var rules = await cache.RulesAsync(ct);
        if (rules.Count == 0) return;
        // The ticket, the message and the tier of the open escalation in one query: on a ticket already escalated at
        // least as high as a rule asks, nothing that rule or a lower one finds can raise it (a chat escalated by the
        // repeated-contact rule at its third line then costs one query per line instead of three).
        // The first repeated-contact rule's counts come with it (the other rules' when the loop below reaches them).
        var contactRule = rules.FirstOrDefault(r => r.Kind != EscalationRuleKind.Keyword && r is { ContactCount: not null, WithinDays: not null });
        var counted = contactRule is not null;
        var countSince = at.AddDays(-(contactRule?.WithinDays ?? 0));
        var ticket = await ContactQuery.For(db)(db, ticketId, messageId, counted, countSince, at, ct);
        if (ticket is null || !TicketRules.IsOpenState(ticket.Status)) return;
        // Locals: a db.Set<T>() call inside a query would be compiled by EF on every execution (decision 0032).
        var ticketSet = db.Set<Ticket>();
        var messageSet = db.Set<Message>();
        var text = ticket.Subject + "\n" + ticket.Body;
        var openTier = ticket.OpenTier ?? 0;

        (int Tier, EscalationTrigger Trigger, string Reason)? best = null;
        foreach (var rule in rules)
        {
            if (best is { } b && b.Tier >= rule.Tier) break; // rules come highest tier first
            if (openTier >= rule.Tier) break; // this rule and every lower one would stop at the open escalation below
            if (rule.Kind == EscalationRuleKind.Keyword)
            {
                if (rule.Keywords.FirstOrDefault(k => Mentions(text, k)) is { } hit)
                    best = (rule.Tier, EscalationTrigger.Keyword, EscalationReason.Keyword(rule.Name, hit));
            }
            else if (rule is { ContactCount: { } count, WithinDays: { } days })
            {
                var since = at.AddDays(-days);
                var counts = rule == contactRule ? new { ticket.Tickets, ticket.Messages }
                    : await ticketSet.AsNoTracking().Where(t => t.Id == ticketId).Select(_ => new
                {
                    Tickets = ticketSet.Count(t => t.CustomerId == ticket.CustomerId && t.CreatedAt >= since && t.CreatedAt <= at),
                    // Lines of a live chat are one conversation, not repeated contacts: a chat counts as a contact by its ticket.
                    Messages = messageSet.Count(m => m.TicketId == ticketId && m.Kind == MessageKind.Customer && m.Channel != Channel.Chat
                        && m.CreatedAt >= since && m.CreatedAt <= at),
                }).FirstAsync(ct);
                var (tickets, messages) = (counts.Tickets, counts.Messages);
                var contacts = Math.Max(tickets, messages);
                if (contacts >= count)
                    best = (rule.Tier, EscalationTrigger.RepeatedContact,
                        EscalationReason.Contacts(rule.Name, contacts, days, tickets, messages));
            }
        }
        if (best is not { } fire) return;
        if (openTier >= fire.Tier) return;
        if (await db.Set<Escalation>().AnyAsync(e => e.TicketId == ticketId && e.Trigger == fire.Trigger && e.Tier >= fire.Tier, ct)) return;
        await escalations.RaiseAsync(ticketId, fire.Tier, fire.Trigger, fire.Reason, null, ct);
    }

    /// <summary>Whether <paramref name="text"/> mentions <paramref name="keyword"/>, case-insensitively. Chinese keywords
    /// match anywhere (no spaces between words); a keyword that starts or ends with a Latin letter or digit must not
    /// run on into one there, so "315" matches "打315热线" but not order number "83159" or a reference "A315B".</summary>
    public static bool Mentions(string text, string keyword)
    {
        if (keyword.Length == 0) return false;
        for (var at = text.IndexOf(keyword, StringComparison.OrdinalIgnoreCase); at >= 0;
             at = text.IndexOf(keyword, at + 1, StringComparison.OrdinalIgnoreCase))
        {
            var end = at + keyword.Length;
            var clearBefore = at == 0 || !char.IsAsciiLetterOrDigit(keyword[0]) || !char.IsAsciiLetterOrDigit(text[at - 1]);
            var clearAfter = end == text.Length || !char.IsAsciiLetterOrDigit(keyword[^1]) || !char.IsAsciiLetterOrDigit(text[end]);
            if (clearBefore && clearAfter) return true;
        }
        return false;
    }

    public static EscalationRule[] Defaults(DateTime now) =>
    [
        new()
        {
            Name = "媒体/法律风险 Media & legal threats", Kind = EscalationRuleKind.Keyword, Tier = 3,
            Keywords = ["媒体", "曝光", "投诉到", "律师", "起诉", "315", "12315", "消协", "记者", "微博"],
            CreatedAt = now, UpdatedAt = now, Version = 1,
        },
        new()
        {
            Name = "重复来访 Repeated contact", Kind = EscalationRuleKind.RepeatedContact, Tier = 1, ContactCount = 3, WithinDays = 7,
            CreatedAt = now, UpdatedAt = now, Version = 1,
        },
    ];
}
