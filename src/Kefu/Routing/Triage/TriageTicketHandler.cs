using System.Collections.Frozen;
using System.Text.Json.Nodes;
using Kefu.Platform;
using Kefu.Platform.Auth;
using Kefu.Platform.Database;
using Kefu.Platform.Events;
using Kefu.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kefu.Routing.Triage;

/// <summary>
/// Classifies every new ticket and applies category, priority and team through Tickets' public service, as the
/// system (the audit row says "system"). What the creator set explicitly is kept: a ticket created with a category
/// keeps it (and its priority); a priority other than the default is kept, except that urgency found by a rule or
/// the model always raises it. Low confidence: no category, the manual-triage tag (and team, if configured).
/// Idempotent: the decision row is written in the same transaction and checked first.
/// </summary>
public sealed class TriageTicketHandler(
    UnitOfWork uow, TicketService tickets, TaxonomyCache taxonomy, TriageClassifier classifier, TriageRuleCache rules,
    IOptions<TriageOptions> options, TimeProvider time) : IEventHandler<TicketCreated>
{
    /// <summary>The actor triage works as: every permission, no user id (so the audit trail records "system").</summary>
    public static readonly StaffContext System = new(Guid.Empty, "Triage", FrozenSet<string>.Empty,
        Permissions.All.ToFrozenSet(), FrozenSet<int>.Empty, IsOutsourced: false, IsActive: true);

    public async Task HandleAsync(TicketCreated e, EventContext context, CancellationToken ct)
    {
        if (!options.Value.Enabled) return;
        var db = uow.Db;
        if (await db.Set<TriageDecision>().AnyAsync(d => d.TicketId == e.TicketId, ct)) return;
        var ticket = await db.Set<Ticket>().Include(t => t.Tags).ThenInclude(t => t.Tag).FirstOrDefaultAsync(t => t.Id == e.TicketId, ct);
        if (ticket is null || ticket.MergedIntoId is not null || ticket.Status == TicketStatus.Closed) return;
        var body = await db.Set<Message>().AsNoTracking().Where(m => m.TicketId == ticket.Id && m.Kind == MessageKind.Customer)
            .OrderBy(m => m.Id).Select(m => m.Body).FirstOrDefaultAsync(ct);

        // Never wait for training inside the transaction (on SQLite it would hold the write gate): fail, and the
        // outbox delivers the event again shortly (it backs off 2 s, 4 s, 8 s, …), by which time the model is there.
        var model = classifier.Current ?? throw new RetryLaterException("the triage model is still being trained");
        var result = classifier.Classify(model, TicketText(ticket.Subject, body), await rules.GetAsync(ct));
        var tax = await taxonomy.GetAsync(ct);
        var patch = new JsonObject();
        string? applied = null;
        var manual = false;

        if (ticket.CategoryId is null)
        {
            if (result.Leaf is { } leaf && tax.FindPath(leaf) is { IsActive: true, Level: 3 } category)
            {
                applied = leaf;
                patch["categoryId"] = category.Id;
                if (ticket.TeamId is null && category.DefaultTeamId is { } team) patch["teamId"] = team;
                var priority = Max(category.DefaultPriority ?? TicketPriority.Normal, result.Priority);
                if (ticket.Priority == TicketPriority.Normal && priority != TicketPriority.Normal) patch["priority"] = Snake(priority);
            }
            else
            {
                manual = true;
                var tags = ticket.Tags.Select(t => t.Tag.Name).ToList();
                if (!tags.Contains(options.Value.ManualTag, StringComparer.OrdinalIgnoreCase))
                    patch["tags"] = new JsonArray([.. tags.Append(options.Value.ManualTag).Select(t => (JsonNode)t)]);
                if (ticket.TeamId is null && options.Value.ManualTeam is { Length: > 0 } name &&
                    await db.Teams.AsNoTracking().Where(t => t.Name == name).Select(t => (int?)t.Id).FirstOrDefaultAsync(ct) is { } manualTeam)
                    patch["teamId"] = manualTeam;
            }
        }
        if (result.Urgent && ticket.Priority != TicketPriority.Urgent) patch["priority"] = Snake(TicketPriority.Urgent);

        if (patch.Count > 0) await tickets.UpdateAsync(ticket, patch, KefuJson.Stored, System, ct);
        db.Add(new TriageDecision
        {
            TicketId = ticket.Id, Leaf = applied, PredictedLeaf = result.PredictedLeaf, Confidence = result.Confidence,
            ModelVersion = result.ModelVersion, RuleId = result.RuleId, Priority = result.Priority, Manual = manual,
            DecidedAt = time.GetUtcNow().UtcDateTime,
        });
    }

    /// <summary>The text triage looks at: subject and first customer message (also what corrections are stored with).</summary>
    public static string TicketText(string subject, string? body)
    {
        var text = string.IsNullOrWhiteSpace(body) || body.Contains(subject, StringComparison.Ordinal) ? body ?? subject : subject + "\n" + body;
        return text.Length > 2000 ? text[..2000] : text;
    }

    private static TicketPriority Max(TicketPriority a, TicketPriority? b) => b is { } x && x > a ? x : a;

    private static string Snake(TicketPriority p) => p.ToString().ToLowerInvariant();
}
