using Kefu.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kefu.Sla;

/// <summary>
/// Promised response and resolution times for the tickets that match its conditions. Policies are tried in
/// <see cref="Position"/> order; the first whose every non-empty condition matches wins (an empty condition
/// matches anything, so a last catch-all policy with no conditions is the default).
/// </summary>
public sealed class SlaPolicy
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public int Position { get; set; }
    public bool IsActive { get; set; } = true;
    public List<TicketPriority> Priorities { get; set; } = [];
    public List<Channel> Channels { get; set; } = [];
    /// <summary>Taxonomy nodes; a ticket matches when its category is one of them or lies below one.</summary>
    public List<int> CategoryIds { get; set; } = [];
    /// <summary>Ticket tags; any one matches.</summary>
    public List<string> Tags { get; set; } = [];
    /// <summary>Customer tags (e.g. vip, set on the customer); any one matches.</summary>
    public List<string> CustomerTags { get; set; } = [];
    public int? FirstResponseMinutes { get; set; }
    public int? NextResponseMinutes { get; set; }
    public int? ResolutionMinutes { get; set; }
    /// <summary>True: targets count service hours of the calendar; false: around-the-clock time.</summary>
    public bool BusinessHours { get; set; } = true;
    public int? CalendarId { get; set; }
    /// <summary>Warn when this share of the target has elapsed (1–99).</summary>
    public int WarnAtPercent { get; set; } = 75;
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public int Version { get; set; }

    public int? TargetMinutes(SlaMetric metric) => metric switch
    {
        SlaMetric.FirstResponse => FirstResponseMinutes,
        SlaMetric.NextResponse => NextResponseMinutes,
        _ => ResolutionMinutes,
    };
}

public enum SlaMetric { FirstResponse, NextResponse, Resolution }

/// <summary>What a policy is matched against.</summary>
public sealed record SlaTicketFacts(TicketPriority Priority, Channel Channel, IReadOnlyCollection<int> CategoryPath, IReadOnlyCollection<string> Tags,
    IReadOnlyCollection<string>? CustomerTags = null);

public static class PolicyMatcher
{
    public static bool Matches(SlaPolicy p, SlaTicketFacts t) =>
        p.IsActive
        && (p.Priorities.Count == 0 || p.Priorities.Contains(t.Priority))
        && (p.Channels.Count == 0 || p.Channels.Contains(t.Channel))
        && (p.CategoryIds.Count == 0 || p.CategoryIds.Any(t.CategoryPath.Contains))
        && (p.Tags.Count == 0 || p.Tags.Any(tag => t.Tags.Contains(tag, StringComparer.OrdinalIgnoreCase)))
        && (p.CustomerTags.Count == 0 || p.CustomerTags.Any(tag => (t.CustomerTags ?? []).Contains(tag, StringComparer.OrdinalIgnoreCase)));

    public static SlaPolicy? Select(IEnumerable<SlaPolicy> policies, SlaTicketFacts t) =>
        policies.OrderBy(p => p.Position).ThenBy(p => p.Id).FirstOrDefault(p => Matches(p, t));
}

internal sealed class PolicyConfiguration : IEntityTypeConfiguration<SlaPolicy>
{
    public void Configure(EntityTypeBuilder<SlaPolicy> b)
    {
        b.ToTable("sla_policies");
        b.Property(x => x.Name).HasMaxLength(100);
        b.HasIndex(x => x.Name).IsUnique();
        b.Property(x => x.Version).IsConcurrencyToken();
        b.HasOne<BusinessCalendar>().WithMany().HasForeignKey(x => x.CalendarId).OnDelete(DeleteBehavior.SetNull);
    }
}
