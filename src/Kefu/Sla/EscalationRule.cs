using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kefu.Sla;

public enum EscalationRuleKind { Keyword, RepeatedContact }

/// <summary>
/// Escalates a ticket straight to a tier when a customer contact matches: <see cref="EscalationRuleKind.Keyword"/> — the
/// subject or a customer message contains one of the keywords (e.g. 媒体, 曝光, 律师, 315 → tier 3 management);
/// <see cref="EscalationRuleKind.RepeatedContact"/> — the customer has contacted us <see cref="ContactCount"/> times within
/// <see cref="WithinDays"/> days (tickets they opened, or their messages on this ticket). Each rule fires at most once
/// per ticket and tier, and never lowers an open escalation.
/// </summary>
public sealed class EscalationRule
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public EscalationRuleKind Kind { get; set; }
    public bool IsActive { get; set; } = true;
    /// <summary>1, 2 or 3: the tier the ticket goes to.</summary>
    public int Tier { get; set; }
    public List<string> Keywords { get; set; } = [];
    public int? ContactCount { get; set; }
    public int? WithinDays { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public int Version { get; set; }
}

internal sealed class EscalationRuleConfiguration : IEntityTypeConfiguration<EscalationRule>
{
    public void Configure(EntityTypeBuilder<EscalationRule> b)
    {
        b.ToTable("sla_escalation_rules");
        b.Property(x => x.Name).HasMaxLength(100);
        b.HasIndex(x => x.Name).IsUnique();
        b.Property(x => x.Version).IsConcurrencyToken();
    }
}
