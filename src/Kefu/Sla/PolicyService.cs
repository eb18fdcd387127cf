using Kefu.Platform;
using Kefu.Platform.Audit;
using Kefu.Platform.Auth;
using Kefu.Platform.Database;
using Kefu.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Sla;

/// <summary>SLA policies, escalation tiers and module settings (admin).</summary>
public sealed class PolicyService(KefuDb db, SlaCache cache, TaxonomyCache taxonomy, AuditLog audit, TimeProvider time)
{
    private const int MaxMinutes = 366 * 24 * 60;

    public async Task<List<PolicyDto>> ListAsync(CancellationToken ct) =>
        [.. (await db.Set<SlaPolicy>().AsNoTracking().OrderBy(p => p.Position).ThenBy(p => p.Id).ToListAsync(ct)).Select(PolicyDto.From)];

    public async Task<SlaPolicy> LoadAsync(int id, CancellationToken ct) =>
        await db.Set<SlaPolicy>().FirstOrDefaultAsync(p => p.Id == id, ct) ?? throw DomainException.NotFound($"SLA policy {id}");

    public async Task<SlaPolicy> CreateAsync(PolicyRequest r, CancellationToken ct)
    {
        var now = time.UtcNow();
        var policy = new SlaPolicy { Name = "", CreatedAt = now, UpdatedAt = now, Version = 1 };
        if (r.Position is null)
            policy.Position = (await db.Set<SlaPolicy>().MaxAsync(p => (int?)p.Position, ct) ?? 0) + 10;
        await ApplyAsync(policy, r, ct);
        db.Add(policy);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync("sla_policy", policy.Id, "created", PolicyDto.From(policy), ct);
        cache.InvalidateAll();
        return policy;
    }

    public async Task<SlaPolicy> UpdateAsync(SlaPolicy policy, PolicyRequest r, CancellationToken ct)
    {
        await ApplyAsync(policy, r, ct);
        policy.UpdatedAt = time.UtcNow();
        policy.Version++;
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync("sla_policy", policy.Id, "updated", PolicyDto.From(policy), ct);
        cache.InvalidateAll();
        return policy;
    }

    public async Task DeleteAsync(int id, CancellationToken ct)
    {
        var policy = await LoadAsync(id, ct);
        if (await db.Set<SlaClock>().AnyAsync(c => c.PolicyId == id, ct))
            throw DomainException.Conflict($"Policy '{policy.Name}' timed tickets already; deactivate it instead (isActive=false).");
        db.Remove(policy);
        await audit.RecordAsync("sla_policy", id, "deleted", new { policy.Name }, ct);
        cache.InvalidateAll();
    }

    private async Task ApplyAsync(SlaPolicy p, PolicyRequest r, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var name = r.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100) errors["name"] = ["name must be 1 to 100 characters."];
        else if (await db.Set<SlaPolicy>().AnyAsync(x => x.Name == name && x.Id != p.Id, ct)) errors["name"] = [$"A policy named '{name}' already exists."];
        foreach (var (field, value) in new[] { ("firstResponseMinutes", r.FirstResponseMinutes), ("nextResponseMinutes", r.NextResponseMinutes), ("resolutionMinutes", r.ResolutionMinutes) })
            if (value is < 1 or > MaxMinutes) errors[field] = [$"{field} must be between 1 and {MaxMinutes}."];
        if (r.FirstResponseMinutes is null && r.NextResponseMinutes is null && r.ResolutionMinutes is null)
            errors["firstResponseMinutes"] = ["A policy needs at least one target (first response, next response or resolution)."];
        if (r.WarnAtPercent is < 1 or > 99) errors["warnAtPercent"] = ["warnAtPercent must be between 1 and 99."];
        if (r.CalendarId is { } cal && !await db.Set<BusinessCalendar>().AnyAsync(c => c.Id == cal, ct)) errors["calendarId"] = [$"Calendar {cal} does not exist."];
        if (r.CategoryIds is { Length: > 0 } cats)
        {
            var tax = await taxonomy.GetAsync(ct);
            if (cats.FirstOrDefault(c => tax.Find(c) is null) is var bad && bad != 0) errors["categoryIds"] = [$"Category {bad} does not exist."];
        }
        if (r.Tags is { } tags && tags.Any(t => string.IsNullOrWhiteSpace(t) || t.Length > 50)) errors["tags"] = ["Each tag is 1 to 50 characters."];
        if (r.CustomerTags is { } ctags && ctags.Any(t => string.IsNullOrWhiteSpace(t) || t.Length > CustomerTags.NameMax))
            errors["customerTags"] = [$"Each customer tag is 1 to {CustomerTags.NameMax} characters."];
        if (errors.Count > 0) throw new DomainException(400, "Validation failed", errors.First().Value[0], errors);

        p.Name = name!;
        if (r.Position is { } pos) p.Position = pos;
        p.IsActive = r.IsActive ?? true;
        p.Priorities = [.. (r.Priorities ?? []).Distinct()];
        p.Channels = [.. (r.Channels ?? []).Distinct()];
        p.CategoryIds = [.. (r.CategoryIds ?? []).Distinct()];
        p.Tags = [.. (r.Tags ?? []).Select(t => t.Trim()).Distinct(StringComparer.OrdinalIgnoreCase)];
        p.CustomerTags = [.. (r.CustomerTags ?? []).Select(t => t.Trim().ToLowerInvariant()).Distinct()];
        p.FirstResponseMinutes = r.FirstResponseMinutes;
        p.NextResponseMinutes = r.NextResponseMinutes;
        p.ResolutionMinutes = r.ResolutionMinutes;
        p.BusinessHours = r.BusinessHours ?? true;
        p.CalendarId = r.CalendarId;
        p.WarnAtPercent = r.WarnAtPercent ?? 75;
    }

    public async Task<List<TierDto>> TiersAsync(CancellationToken ct) =>
        [.. (await db.Set<EscalationTier>().AsNoTracking().OrderBy(t => t.Tier).ToListAsync(ct)).Select(ToDto)];

    public async Task<EscalationTier> LoadTierAsync(int tier, CancellationToken ct) =>
        await db.Set<EscalationTier>().FirstOrDefaultAsync(t => t.Tier == tier, ct) ?? throw DomainException.NotFound($"Escalation tier {tier}");

    public async Task<EscalationTier> UpdateTierAsync(EscalationTier t, TierRequest r, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (r.Name is { } n && (n.Trim().Length is 0 or > 100)) errors["name"] = ["name must be 1 to 100 characters."];
        if (r.Role is { } role && !Roles.All.Contains(role)) errors["role"] = [$"role must be one of {string.Join(", ", Roles.All)}."];
        if (r.TimeLimitMinutes is < 1 or > MaxMinutes) errors["timeLimitMinutes"] = [$"timeLimitMinutes must be between 1 and {MaxMinutes}."];
        if (r.ApprovalLimit is < 0) errors["approvalLimit"] = ["approvalLimit must not be negative."];
        if (errors.Count > 0) throw new DomainException(400, "Validation failed", errors.First().Value[0], errors);
        if (r.Name is not null) t.Name = r.Name.Trim();
        if (r.Role is not null) t.Role = r.Role;
        if (r.TeamScoped is { } scoped) t.TeamScoped = scoped;
        if (r.TimeLimitMinutes is { } limit) t.TimeLimitMinutes = limit;
        if (r.ApprovalLimit is { } approval) t.ApprovalLimit = approval;
        t.Version++;
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync("sla_tier", t.Tier, "updated", ToDto(t), ct);
        cache.InvalidateAll();
        return t;
    }

    public async Task<SlaSettings> SettingsAsync(bool track, CancellationToken ct)
    {
        var q = track ? db.Set<SlaSettings>() : db.Set<SlaSettings>().AsNoTracking();
        return await q.OrderBy(s => s.Id).FirstOrDefaultAsync(ct) ?? throw DomainException.NotFound("SLA settings"); // one row
    }

    public async Task<SlaSettings> UpdateSettingsAsync(SlaSettings s, SettingsRequest r, CancellationToken ct)
    {
        if (r.AgentApprovalLimit is < 0) throw DomainException.Validation("agentApprovalLimit", "agentApprovalLimit must not be negative.");
        if (r.EscalateOnBreach is { } onBreach) s.EscalateOnBreach = onBreach;
        if (r.EscalateUrgentOnCreate is { } urgent) s.EscalateUrgentOnCreate = urgent;
        if (r.AgentApprovalLimit is { } limit) s.AgentApprovalLimit = limit;
        s.Version++;
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync("sla_settings", 1, "updated", ToDto(s), ct);
        cache.InvalidateAll();
        return s;
    }

    public static TierDto ToDto(EscalationTier t) => new(t.Tier, t.Name, t.Role, t.TeamScoped, t.TimeLimitMinutes, t.ApprovalLimit, t.Version);
    public static SettingsDto ToDto(SlaSettings s) => new(s.EscalateOnBreach, s.EscalateUrgentOnCreate, s.AgentApprovalLimit, s.Version);
}
