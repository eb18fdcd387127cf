using Kefu.Platform;
using Kefu.Platform.Auth;
using Kefu.Platform.Database;
using Kefu.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Kefu.Routing.Triage;

/// <summary>The ticket's triage decision inline in its thread, so an agent sees why it has its category and priority:
/// the model's leaf and confidence, the rule that decided, a hand-over to manual triage, or a suggestion that left the
/// creator's category alone. Kefu's own event (no actor).</summary>
internal sealed class TriageThreadEvents(KefuDb db, IStringLocalizer<SharedResource> l) : ITicketThreadEvents
{
    public async Task<IReadOnlyList<TicketThreadEvent>> ForTicketAsync(long ticketId, StaffContext staff, CancellationToken ct)
    {
        var d = await db.Set<TriageDecision>().AsNoTracking().FirstOrDefaultAsync(x => x.TicketId == ticketId, ct);
        if (d is null) return [];
        var confidence = d.Confidence.ToString("P0", System.Globalization.CultureInfo.CurrentCulture);
        string text;
        if (d.RuleId is { } ruleId)
        {
            var rule = await db.Set<TriageRule>().AsNoTracking().Where(r => r.Id == ruleId).Select(r => r.Name).FirstOrDefaultAsync(ct) ?? $"#{ruleId}";
            text = d.Leaf is { } leaf ? l["Thread.TriagedByRule", rule, leaf] : l["Thread.TriageManualByRule", rule];
        }
        else if (d.Manual) text = l["Thread.TriageManual", d.PredictedLeaf ?? "—", confidence];
        else if (d.Leaf is { } leaf) text = l["Thread.Triaged", leaf, confidence];
        else if (d.PredictedLeaf is { } predicted) text = l["Thread.TriageKept", predicted, confidence];
        else return [];
        if (d.Priority is { } p) text += $"; {l["Field.Priority"]}: {l[$"Priority.{p}"]}";
        return [new TicketThreadEvent(d.DecidedAt, null, text)];
    }
}
