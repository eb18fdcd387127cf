using Kefu.Platform;
using Kefu.Platform.Audit;
using Kefu.Platform.Auth;
using Kefu.Platform.Database;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Sla;

/// <summary>
/// Agents' permission limits as approvals: a refund or compensation within the agent's limit (seed: 100 yuan) is
/// approved at once; above it the smallest tier whose limit covers the amount must approve or reject it.
/// </summary>
public sealed class ApprovalService(KefuDb db, SlaCache cache, AuditLog audit, TimeProvider time)
{
    public async Task<ApprovalRequest> RequestAsync(long ticketId, ApprovalKind kind, decimal? amount, string? reason, StaffContext staff, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(reason)) throw DomainException.Validation("reason", "reason must not be empty.");
        if (amount is null or <= 0) throw DomainException.Validation("amount", "amount must be a positive number of yuan.");
        if (amount > 10_000_000m) throw DomainException.Validation("amount", "amount is too large.");
        var settings = await cache.SettingsAsync(ct);
        var tiers = await cache.TiersAsync(ct);
        // What the requester may grant alone: the agent limit, or their own tier's limit when they act for a tier.
        var ownLimit = tiers.Where(t => EscalationService.CanActFor(staff, t.Tier)).Select(t => t.ApprovalLimit)
            .Append(settings.AgentApprovalLimit).Max();
        var tier = amount <= ownLimit ? 0 : tiers.Where(t => t.ApprovalLimit >= amount).Select(t => t.Tier).DefaultIfEmpty(EscalationService.TopTier).Min();
        var now = time.UtcNow();
        var request = new ApprovalRequest
        {
            TicketId = ticketId, Kind = kind, Amount = amount, Reason = Trim(reason)!, RequestedBy = staff.UserId, RequestedAt = now,
            ApproverTier = tier, State = tier == 0 ? ApprovalState.Approved : ApprovalState.Pending,
            DecidedAt = tier == 0 ? now : null, DecidedBy = tier == 0 ? staff.UserId : null,
            DecisionNote = tier == 0 ? "within own limit" : null, Version = 1,
        };
        db.Add(request);
        await db.SaveChangesAsync(ct);
        db.Publish(tier == 0
            ? new ApprovalDecided(ticketId, request.Id, ApprovalState.Approved, staff.UserId)
            : new ApprovalRequested(ticketId, request.Id, tier, staff.UserId), time);
        await audit.RecordAsync("ticket", ticketId, "approval_requested", new { request.Id, kind, amount, tier, request.State }, ct);
        return request;
    }

    public async Task<ApprovalRequest> DecideAsync(long approvalId, bool approve, string? note, StaffContext staff, CancellationToken ct)
    {
        var request = await db.Set<ApprovalRequest>().FirstOrDefaultAsync(a => a.Id == approvalId, ct)
            ?? throw DomainException.NotFound($"Approval request {approvalId}");
        if (request.State != ApprovalState.Pending) throw DomainException.Conflict("This request was already decided.");
        if (request.RequestedBy == staff.UserId) throw DomainException.Forbidden("Nobody approves their own request.");
        if (!EscalationService.CanActFor(staff, request.ApproverTier))
            throw DomainException.Forbidden($"A tier {request.ApproverTier} approval needs one of: {string.Join(", ", EscalationService.RolesFor(request.ApproverTier))}.");
        request.State = approve ? ApprovalState.Approved : ApprovalState.Rejected;
        request.DecidedBy = staff.UserId;
        request.DecidedAt = time.UtcNow();
        request.DecisionNote = Trim(note);
        request.Version++;
        db.Publish(new ApprovalDecided(request.TicketId, request.Id, request.State, staff.UserId), time);
        await audit.RecordAsync("ticket", request.TicketId, approve ? "approval_approved" : "approval_rejected", new { request.Id, note = request.DecisionNote }, ct);
        return request;
    }

    private static string? Trim(string? s) => s?.Trim() is { Length: > 0 } t ? (t.Length > 1000 ? t[..1000] : t) : null;
}
