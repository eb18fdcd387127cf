using Kefu.Platform;
using Kefu.Platform.Audit;
using Kefu.Platform.Auth;
using Kefu.Platform.Database;
using Kefu.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Sla;

/// <summary>Raises tickets through the three tiers and records who was told; runs inside the caller's unit of work.</summary>
public sealed class EscalationService(KefuDb db, SlaCache cache, AuditLog audit, TimeProvider time)
{
    public const int TopTier = 3;

    /// <summary>The roles that may act for a tier (a higher role may always act for a lower tier).</summary>
    public static string[] RolesFor(int tier) => tier switch
    {
        <= 1 => [Roles.SeniorAgent, Roles.TeamLead, Roles.Supervisor, Roles.Admin],
        2 => [Roles.TeamLead, Roles.Supervisor, Roles.Admin],
        _ => [Roles.Supervisor, Roles.Admin],
    };

    public static bool CanActFor(StaffContext staff, int tier) => staff.IsActive && RolesFor(tier).Any(staff.Roles.Contains);

    public async Task<Escalation?> OpenAsync(long ticketId, CancellationToken ct) =>
        await db.Set<Escalation>().Where(e => e.TicketId == ticketId && e.State == EscalationState.Open)
            .OrderByDescending(e => e.Tier).FirstOrDefaultAsync(ct);

    /// <summary>Raises the ticket to a tier: closes the open lower escalation, notifies the tier's people, records it.</summary>
    public async Task<Escalation> RaiseAsync(long ticketId, int tier, EscalationTrigger trigger, string reason, Guid? by, CancellationToken ct)
    {
        tier = Math.Clamp(tier, 1, TopTier);
        var now = time.UtcNow();
        var ticket = await db.Set<Ticket>().AsNoTracking().Where(t => t.Id == ticketId)
            .Select(t => new { t.TeamId, t.AssigneeId, t.OwnerId }).FirstOrDefaultAsync(ct)
            ?? throw DomainException.NotFound($"Ticket {ticketId}");
        var settings = (await cache.TiersAsync(ct)).FirstOrDefault(t => t.Tier == tier) ?? DefaultTiers().First(t => t.Tier == tier);

        foreach (var lower in await db.Set<Escalation>().Where(e => e.TicketId == ticketId && e.State == EscalationState.Open).ToListAsync(ct))
        {
            lower.State = EscalationState.Superseded;
            lower.NextDueAt = null;
        }
        var notified = await RecipientsAsync(settings, ticket.TeamId, ct);
        var escalation = new Escalation
        {
            TicketId = ticketId, Tier = tier, Trigger = trigger, Reason = reason.Length > 1000 ? reason[..1000] : reason,
            RaisedBy = by, RaisedAt = now, HolderId = ticket.AssigneeId ?? ticket.OwnerId, TeamId = ticket.TeamId,
            NotifiedUserIds = string.Join(',', notified), State = EscalationState.Open,
            DueAt = now.AddMinutes(settings.TimeLimitMinutes),
        };
        escalation.NextDueAt = escalation.DueAt;
        db.Add(escalation);
        await db.SaveChangesAsync(ct);
        db.Publish(new EscalationRaised(ticketId, escalation.Id, tier, trigger, [.. notified]), time);
        await audit.RecordAsync("ticket", ticketId, "escalated", new { tier, trigger, reason, notified }, ct);
        return escalation;
    }

    /// <summary>Someone of the tier took care of it: the escalation stops moving up.</summary>
    public async Task<Escalation> HandleAsync(long ticketId, long escalationId, StaffContext staff, string? note, CancellationToken ct)
    {
        var e = await db.Set<Escalation>().FirstOrDefaultAsync(x => x.Id == escalationId && x.TicketId == ticketId, ct)
            ?? throw DomainException.NotFound($"Escalation {escalationId}");
        if (!CanActFor(staff, e.Tier))
            throw DomainException.Forbidden($"Only {string.Join(", ", RolesFor(e.Tier))} may handle a tier {e.Tier} escalation.");
        if (e.State != EscalationState.Open) throw DomainException.Conflict("This escalation is no longer open.");
        e.State = EscalationState.Handled;
        e.HandledAt = time.UtcNow();
        e.HandledBy = staff.UserId;
        e.HandledNote = note?.Trim() is { Length: > 0 } n ? (n.Length > 1000 ? n[..1000] : n) : null;
        e.NextDueAt = null;
        db.Publish(new EscalationHandled(ticketId, e.Id, e.Tier, staff.UserId), time);
        await audit.RecordAsync("ticket", ticketId, "escalation_handled", new { tier = e.Tier, note = e.HandledNote }, ct);
        return e;
    }

    /// <summary>The ticket is solved or closed: open escalations are closed with it.</summary>
    public async Task CloseForTicketAsync(long ticketId, CancellationToken ct)
    {
        var now = time.UtcNow();
        await db.Set<Escalation>().Where(e => e.TicketId == ticketId && e.State == EscalationState.Open)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.State, EscalationState.Closed).SetProperty(e => e.NextDueAt, (DateTime?)null)
                .SetProperty(e => e.HandledAt, now), ct);
    }

    /// <summary>Active staff with the tier's role, in the ticket's team when the tier is team-scoped (everyone with the
    /// role when the team has nobody in it).</summary>
    private async Task<List<Guid>> RecipientsAsync(EscalationTier tier, int? teamId, CancellationToken ct)
    {
        var withRole = db.Users.Where(u => u.IsActive && u.Roles.Any(r => r.Role.Name == tier.Role));
        if (tier.TeamScoped && teamId is { } team)
        {
            var inTeam = await withRole.Where(u => u.Teams.Any(t => t.TeamId == team)).Select(u => u.Id).ToListAsync(ct);
            if (inTeam.Count > 0) return inTeam;
        }
        return await withRole.OrderBy(u => u.Id).Select(u => u.Id).Take(50).ToListAsync(ct); // a stable 50 when there are more
    }

    public static EscalationTier[] DefaultTiers() =>
    [
        new() { Tier = 1, Name = "Senior agent / 资深客服", Role = Roles.SeniorAgent, TeamScoped = true, TimeLimitMinutes = 30, ApprovalLimit = 500m, Version = 1 },
        new() { Tier = 2, Name = "Team lead / 业务部门主管", Role = Roles.TeamLead, TeamScoped = true, TimeLimitMinutes = 120, ApprovalLimit = 2000m, Version = 1 },
        new() { Tier = 3, Name = "Supervisor / 管理层", Role = Roles.Supervisor, TeamScoped = false, TimeLimitMinutes = 240, ApprovalLimit = 100000m, Version = 1 },
    ];
}
