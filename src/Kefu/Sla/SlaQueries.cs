using Kefu.Platform;
using Kefu.Platform.Auth;
using Kefu.Platform.Database;
using Kefu.Platform.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Kefu.Sla;

/// <summary>The read side: a ticket's due times, escalations and approvals; badges for a page of tickets.</summary>
public sealed class SlaQueries(KefuDb db, StaffDirectory directory, TimeProvider time, IStringLocalizer<SharedResource> l)
{
    /// <summary>The ticket's SLA for <paramref name="viewer"/>: free text typed by staff (escalation and approval reasons
    /// and notes, e.g. "客户要求回电 13812345678") masked as every other text for staff who see PII masked.</summary>
    public Task<TicketSlaDto> ForTicketAsync(long ticketId, StaffContext viewer, CancellationToken ct) => ReadAsync(ticketId, viewer, withClocks: true, ct);

    /// <summary>Only the ticket's escalations and approvals (no clocks, policy or badge, which are not read): what its
    /// thread shows inline (<see cref="SlaThreadEvents"/>), beside the panel's full read.</summary>
    public Task<TicketSlaDto> HistoryAsync(long ticketId, StaffContext viewer, CancellationToken ct) => ReadAsync(ticketId, viewer, withClocks: false, ct);

    private async Task<TicketSlaDto> ReadAsync(long ticketId, StaffContext viewer, bool withClocks, CancellationToken ct)
    {
        var text = Shown(viewer);
        var now = time.UtcNow();
        List<SlaClock> clocks = withClocks
            ? await db.Set<SlaClock>().AsNoTracking().Where(c => c.TicketId == ticketId).OrderBy(c => c.Metric).ToListAsync(ct)
            : [];
        var escalations = await db.Set<Escalation>().AsNoTracking().Where(e => e.TicketId == ticketId).OrderBy(e => e.Id).ToListAsync(ct);
        var approvals = await db.Set<ApprovalRequest>().AsNoTracking().Where(a => a.TicketId == ticketId).OrderBy(a => a.Id).ToListAsync(ct);
        var ids = clocks.Select(c => c.BreachedHolderId)
            .Concat(escalations.SelectMany(e => new[] { e.RaisedBy, e.HolderId, e.HandledBy }.Concat(Ids(e.NotifiedUserIds).Select(x => (Guid?)x))))
            .Concat(approvals.SelectMany(a => new[] { (Guid?)a.RequestedBy, a.DecidedBy }))
            .OfType<Guid>().Distinct();
        var names = await directory.NamesAsync(ids, ct);
        StaffRefDto? Ref(Guid? id) => id is { } g ? new StaffRefDto(g, names.GetValueOrDefault(g, "?")) : null;

        var policyId = clocks.Select(c => (int?)c.PolicyId).FirstOrDefault();
        var policyName = policyId is { } pid ? await db.Set<SlaPolicy>().Where(p => p.Id == pid).Select(p => p.Name).FirstOrDefaultAsync(ct) : null;
        var badge = Badge(clocks, now);
        return new TicketSlaDto(ticketId, policyId, policyName, badge?.Indicator, badge?.DueAt,
            [.. clocks.Select(c => new ClockDto(c.Metric, c.Cycle, c.State, Indicator(c, now), c.StartedAt, c.WarnAt, c.DueAt, c.PausedAt,
                c.State == ClockState.Paused ? c.RemainingDueSeconds : null, c.WarnedAt, c.BreachedAt, Ref(c.BreachedHolderId), c.CompletedAt,
                c.TargetMinutes, c.BusinessHours))],
            [.. escalations.Select(e => new EscalationDto(e.Id, e.Tier, e.Trigger, text(EscalationReason.Text(e.Reason, l))!, Ref(e.RaisedBy), e.RaisedAt, Ref(e.HolderId),
                [.. Ids(e.NotifiedUserIds).Select(g => Ref(g)!)], e.State, e.DueAt, e.HandledAt, Ref(e.HandledBy), text(e.HandledNote)))],
            [.. approvals.Select(a => ToDto(a, Ref, text))]);
    }

    /// <summary>Pending approvals the staff member may decide (their tier or below), oldest first.</summary>
    public async Task<List<ApprovalDto>> PendingApprovalsAsync(StaffContext staff, CancellationToken ct)
    {
        var tiers = Enumerable.Range(1, EscalationService.TopTier).Where(t => EscalationService.CanActFor(staff, t)).ToList();
        var rows = await db.Set<ApprovalRequest>().AsNoTracking()
            .Where(a => a.State == ApprovalState.Pending && tiers.Contains(a.ApproverTier)).OrderBy(a => a.Id).Take(200).ToListAsync(ct);
        var names = await directory.NamesAsync(rows.Select(r => r.RequestedBy), ct);
        return [.. rows.Select(a => ToDto(a, id => id is { } g ? new StaffRefDto(g, names.GetValueOrDefault(g, "?")) : null,
            Shown(staff)))];
    }

    /// <summary>Open escalations whose people include this staff member.</summary>
    public async Task<List<(long TicketId, long EscalationId, int Tier, DateTime DueAt)>> MyEscalationsAsync(Guid userId, CancellationToken ct)
    {
        var me = userId.ToString();
        var rows = await db.Set<Escalation>().AsNoTracking().Where(e => e.State == EscalationState.Open && e.NotifiedUserIds.Contains(me))
            .OrderBy(e => e.DueAt).Take(200).Select(e => new { e.TicketId, e.Id, e.Tier, e.DueAt }).ToListAsync(ct);
        return [.. rows.Select(r => (r.TicketId, r.Id, r.Tier, r.DueAt))];
    }

    /// <summary>The most pressing clock of each ticket, in one query.</summary>
    public async Task<Dictionary<long, SlaBadge>> BadgesAsync(IReadOnlyCollection<long> ticketIds, CancellationToken ct)
    {
        if (ticketIds.Count == 0) return [];
        var now = time.UtcNow();
        var ids = ticketIds.ToList();
        var clocks = await db.Set<SlaClock>().AsNoTracking().Where(c => ids.Contains(c.TicketId)).ToListAsync(ct);
        var result = new Dictionary<long, SlaBadge>();
        foreach (var g in clocks.GroupBy(c => c.TicketId))
            if (Badge(g, now) is { } b) result[g.Key] = b;
        return result;
    }

    public static SlaIndicator Indicator(SlaClock c, DateTime now) => c.State switch
    {
        ClockState.Met => SlaIndicator.Met,
        ClockState.Breached => SlaIndicator.Missed,
        ClockState.Stopped => SlaIndicator.Stopped,
        _ when c.BreachedAt is not null || c.DueAt <= now && c.State == ClockState.Running => SlaIndicator.Breached,
        ClockState.Paused => SlaIndicator.Paused,
        _ when c.WarnedAt is not null || c.WarnAt <= now => SlaIndicator.Warning,
        _ => SlaIndicator.Ok,
    };

    /// <summary>Open clocks first (breached, then warning, then the soonest due), else the last finished one.</summary>
    private static SlaBadge? Badge(IEnumerable<SlaClock> clocks, DateTime now)
    {
        var list = clocks.ToList();
        var open = list.Where(c => c.State is ClockState.Running or ClockState.Paused)
            .Select(c => (Clock: c, Indicator: Indicator(c, now)))
            .OrderBy(x => x.Indicator switch { SlaIndicator.Breached => 0, SlaIndicator.Warning => 1, SlaIndicator.Ok => 2, _ => 3 })
            .ThenBy(x => x.Clock.DueAt ?? DateTime.MaxValue).ToList();
        if (open.Count > 0) return new SlaBadge(open[0].Indicator, open[0].Clock.Metric, open[0].Clock.DueAt);
        var last = list.Where(c => c.State is ClockState.Met or ClockState.Breached).OrderByDescending(c => c.CompletedAt).FirstOrDefault();
        return last is null ? null : new SlaBadge(Indicator(last, now), last.Metric, last.DueAt);
    }

    /// <summary>Staff-typed text as <paramref name="viewer"/> may see it (masked for staff who see PII masked).</summary>
    private static Func<string?, string?> Shown(StaffContext viewer) => viewer.MasksPii ? t => t is null ? null : PiiMasker.Text(t) : t => t;

    private static ApprovalDto ToDto(ApprovalRequest a, Func<Guid?, StaffRefDto?> name, Func<string?, string?> text) => new(a.Id, a.TicketId,
        a.Kind, a.Amount, text(a.Reason)!, name(a.RequestedBy), a.RequestedAt, a.ApproverTier, a.State, name(a.DecidedBy), a.DecidedAt,
        text(a.DecisionNote));

    private static IEnumerable<Guid> Ids(string csv) =>
        csv.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => Guid.TryParse(s, out var g) ? g : Guid.Empty).Where(g => g != Guid.Empty);
}
