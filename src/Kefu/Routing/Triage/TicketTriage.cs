using Kefu.Platform.Database;
using Kefu.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kefu.Routing.Triage;

/// <summary>
/// Decides a ticket's category, priority and team from its text, for a ticket being created (<see cref="ICreateTriage"/>)
/// and for one created before the model was ready (<see cref="TriageTicketHandler"/>). What the creator set explicitly
/// is kept: a ticket with a category keeps it (and its priority); a priority other than the default is kept, except
/// that urgency found by a rule or the model always raises it. Low confidence: no category, the manual-triage tag (and
/// team, if configured).
/// </summary>
public sealed class TicketTriage(
    KefuDb db, TaxonomyCache taxonomy, TriageClassifier classifier, TriageRuleCache rules, IOptions<TriageOptions> options,
    TimeProvider time) : ICreateTriage
{
    /// <summary>Null when triage is off or its model is not loaded yet (the first ticket asks for it; it loads in the
    /// background and the event handler triages the tickets created meanwhile). A create never waits for the model.</summary>
    public async ValueTask<TriageVerdict?> DecideAsync(TicketToTriage input, CancellationToken ct) =>
        options.Value.Enabled && classifier.Demand() is { } model ? await DecideAsync(model, input, ct) : null;

    public async Task<TriageVerdict> DecideAsync(TriageModel model, TicketToTriage t, CancellationToken ct)
    {
        var result = classifier.Classify(model, TicketText(t.Subject, t.Body), await rules.GetAsync(ct));
        var tax = await taxonomy.GetAsync(ct);
        int? categoryId = null, teamId = null;
        TicketPriority? priority = null;
        string? tag = null, applied = null;
        var manual = false;

        if (t.CategoryId is null)
        {
            if (result.Leaf is { } leaf && tax.FindPath(leaf) is { Level: 3 } category && tax.IsUsable(category.Id))
            {
                applied = leaf;
                categoryId = category.Id;
                if (t.TeamId is null && category.DefaultTeamId is { } team) teamId = team;
                var p = Max(category.DefaultPriority ?? TicketPriority.Normal, result.Priority);
                if (t.Priority == TicketPriority.Normal && p != TicketPriority.Normal) priority = p;
            }
            else
            {
                manual = true;
                if (!t.Tags.Contains(options.Value.ManualTag, StringComparer.OrdinalIgnoreCase)) tag = options.Value.ManualTag;
                if (t.TeamId is null && options.Value.ManualTeam is { Length: > 0 } name &&
                    await db.Teams.AsNoTracking().Where(x => x.Name == name).Select(x => (int?)x.Id).FirstOrDefaultAsync(ct) is { } manualTeam)
                    teamId = manualTeam;
            }
        }
        if (result.Urgent && t.Priority != TicketPriority.Urgent) priority = TicketPriority.Urgent;

        var decision = new TriageDecision
        {
            Leaf = applied, PredictedLeaf = result.PredictedLeaf, Confidence = result.Confidence, ModelVersion = result.ModelVersion,
            RuleId = result.RuleId, Priority = result.Priority, Manual = manual, DecidedAt = time.GetUtcNow().UtcDateTime,
        };
        var audit = new { category = applied, confidence = Math.Round(result.Confidence, 3), rule = result.RuleName, manual, model = result.ModelVersion };
        return new TriageVerdict(categoryId, teamId, priority, tag, decision, audit);
    }

    public void Record(long ticketId, TriageVerdict verdict)
    {
        var decision = (TriageDecision)verdict.Decision;
        decision.TicketId = ticketId;
        // Append-only: written with the unit's outbox and audit rows in one INSERT, not as an EF command (decision 0045).
        db.Append(decision);
    }

    /// <summary>The text triage looks at: subject and first customer message (also what corrections are stored with).</summary>
    public static string TicketText(string subject, string? body)
    {
        var text = string.IsNullOrWhiteSpace(body) || body.Contains(subject, StringComparison.Ordinal) ? body ?? subject : subject + "\n" + body;
        return text.Length > 2000 ? text[..2000] : text;
    }

    private static TicketPriority Max(TicketPriority a, TicketPriority? b) => b is { } x && x > a ? x : a;
}
