using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kefu.Sla;

/// <summary>
/// One of the three escalation tiers (1 senior agent, 2 the owning team's lead, 3 supervisors): whom it notifies and
/// how long it has to handle an escalation before it moves up.
/// </summary>
public sealed class EscalationTier
{
    /// <summary>1, 2 or 3.</summary>
    public int Tier { get; set; }
    public required string Name { get; set; }
    /// <summary>Role of the people notified: senior_agent, team_lead or supervisor.</summary>
    public required string Role { get; set; }
    /// <summary>Only members of the ticket's team (falls back to everyone with the role when the team has none).</summary>
    public bool TeamScoped { get; set; }
    public int TimeLimitMinutes { get; set; }
    /// <summary>Largest compensation/refund (yuan) this tier may approve; the agent tier (0) needs no approval up to its limit.</summary>
    public decimal ApprovalLimit { get; set; }
    public int Version { get; set; }
}

/// <summary>Module-wide switches (one row).</summary>
public sealed class SlaSettings
{
    public int Id { get; set; } = 1;
    /// <summary>A breach escalates the ticket to tier 1 automatically.</summary>
    public bool EscalateOnBreach { get; set; } = true;
    /// <summary>An urgent ticket starts at tier 1 as soon as it is created.</summary>
    public bool EscalateUrgentOnCreate { get; set; }
    /// <summary>Refunds and compensation an agent may grant without approval (seed: 100 yuan).</summary>
    public decimal AgentApprovalLimit { get; set; } = 100m;
    public int Version { get; set; }
}

public enum EscalationTrigger { Breach, Manual, Priority, Timeout, Keyword, RepeatedContact }
public enum EscalationState { Open, Handled, Superseded, Closed }

/// <summary>A ticket raised to a tier. Open until someone of the tier marks it handled, the ticket is solved, or its
/// time limit passes and the sweeper raises it to the next tier (the old row becomes Superseded).</summary>
public sealed class Escalation
{
    public long Id { get; set; }
    public long TicketId { get; set; }
    public int Tier { get; set; }
    public EscalationTrigger Trigger { get; set; }
    public required string Reason { get; set; }
    public Guid? RaisedBy { get; set; }
    public DateTime RaisedAt { get; set; }
    /// <summary>Who held the ticket when it was raised (assignee, else owner).</summary>
    public Guid? HolderId { get; set; }
    public int? TeamId { get; set; }
    /// <summary>The people notified, comma-separated ids.</summary>
    public string NotifiedUserIds { get; set; } = "";
    public EscalationState State { get; set; }
    public DateTime DueAt { get; set; }
    public DateTime? HandledAt { get; set; }
    public Guid? HandledBy { get; set; }
    public string? HandledNote { get; set; }
    /// <summary>Sweep instant (the time limit) while open and not yet moved up; indexed like the clocks'.</summary>
    public DateTime? NextDueAt { get; set; }
}

public enum ApprovalKind { Refund, Compensation, Escalation }
public enum ApprovalState { Pending, Approved, Rejected }

/// <summary>A request beyond the requester's limit (e.g. a refund over 100 yuan) waiting for a tier's decision.</summary>
public sealed class ApprovalRequest
{
    public long Id { get; set; }
    public long TicketId { get; set; }
    public ApprovalKind Kind { get; set; }
    public decimal? Amount { get; set; }
    public required string Reason { get; set; }
    public Guid RequestedBy { get; set; }
    public DateTime RequestedAt { get; set; }
    /// <summary>The tier whose members decide (0 = within the agent's own limit, approved at once).</summary>
    public int ApproverTier { get; set; }
    public ApprovalState State { get; set; }
    public Guid? DecidedBy { get; set; }
    public DateTime? DecidedAt { get; set; }
    public string? DecisionNote { get; set; }
    public int Version { get; set; }
}

internal sealed class EscalationConfiguration :
    IEntityTypeConfiguration<EscalationTier>, IEntityTypeConfiguration<SlaSettings>, IEntityTypeConfiguration<Escalation>,
    IEntityTypeConfiguration<ApprovalRequest>
{
    public void Configure(EntityTypeBuilder<EscalationTier> b)
    {
        b.ToTable("sla_escalation_tiers");
        b.HasKey(x => x.Tier);
        b.Property(x => x.Tier).ValueGeneratedNever();
        b.Property(x => x.Name).HasMaxLength(100);
        b.Property(x => x.Role).HasMaxLength(50);
        b.Property(x => x.ApprovalLimit).HasPrecision(12, 2);
        b.Property(x => x.Version).IsConcurrencyToken();
    }

    public void Configure(EntityTypeBuilder<SlaSettings> b)
    {
        b.ToTable("sla_settings");
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.AgentApprovalLimit).HasPrecision(12, 2);
        b.Property(x => x.Version).IsConcurrencyToken();
    }

    public void Configure(EntityTypeBuilder<Escalation> b)
    {
        b.ToTable("sla_escalations");
        b.Property(x => x.Reason).HasMaxLength(1000);
        b.Property(x => x.HandledNote).HasMaxLength(1000);
        b.Property(x => x.NotifiedUserIds).HasMaxLength(4000);
        b.HasIndex(x => new { x.TicketId, x.Id });
        // The sweeper reads "NextDueAt <= now ORDER BY NextDueAt, Id": the composite key serves the order, the filter
        // keeps handled escalations out of the index.
        b.HasIndex(x => new { x.NextDueAt, x.Id }).HasFilter("next_due_at IS NOT NULL");
    }

    public void Configure(EntityTypeBuilder<ApprovalRequest> b)
    {
        b.ToTable("sla_approval_requests");
        b.Property(x => x.Reason).HasMaxLength(1000);
        b.Property(x => x.DecisionNote).HasMaxLength(1000);
        b.Property(x => x.Amount).HasPrecision(12, 2);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.HasIndex(x => new { x.TicketId, x.Id });
        b.HasIndex(x => new { x.State, x.ApproverTier });
    }
}
