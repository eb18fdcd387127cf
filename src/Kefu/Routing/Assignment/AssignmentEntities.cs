using Kefu.Platform.Auth;
using Kefu.Platform.Presence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kefu.Routing.Assignment;

/// <summary>An agent's routing profile: status (the one every channel uses), capacity per channel class, skills.</summary>
public sealed class RoutingAgent
{
    public Guid UserId { get; set; }
    public AgentStatus Status { get; set; }
    public DateTime? StatusSince { get; set; }
    /// <summary>Concurrent chats (the chat panel's limit).</summary>
    public int ChatCapacity { get; set; } = RoutingDefaults.ChatCapacity;
    /// <summary>Open assigned tickets of every other channel (email, form, API…).</summary>
    public int TicketCapacity { get; set; } = RoutingDefaults.TicketCapacity;
    /// <summary>Languages the agent answers in, comma separated ("zh,en"); empty = any.</summary>
    public string Languages { get; set; } = "";
    /// <summary>Product lines (level-1 categories or product:… tags), comma separated; empty = any.</summary>
    public string ProductLines { get; set; } = "";
    /// <summary>May serve VIP customers (tickets tagged vip).</summary>
    public bool Vip { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public enum AssignmentMode { Manual, RoundRobin, LeastLoad }

/// <summary>How a team's tickets are assigned. No row = manual (agents take tickets from the queue themselves).</summary>
public sealed class RoutingTeamPolicy
{
    public int TeamId { get; set; }
    public AssignmentMode Mode { get; set; }
    /// <summary>Round-robin cursor: the agent who got the team's last automatic assignment.</summary>
    public Guid? LastAgentId { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public static class RoutingDefaults
{
    public const int ChatCapacity = 3;
    public const int TicketCapacity = 20;
    public const string VipTag = "vip";
    public const string ProductTagPrefix = "product:";
}

internal sealed class AssignmentConfiguration : IEntityTypeConfiguration<RoutingAgent>, IEntityTypeConfiguration<RoutingTeamPolicy>
{
    public void Configure(EntityTypeBuilder<RoutingAgent> b)
    {
        b.ToTable("routing_agents");
        b.HasKey(x => x.UserId);
        b.Property(x => x.Languages).HasMaxLength(200);
        b.Property(x => x.ProductLines).HasMaxLength(1000);
        b.HasOne<StaffUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<RoutingTeamPolicy> b)
    {
        b.ToTable("routing_team_policies");
        b.HasKey(x => x.TeamId);
        b.Property(x => x.TeamId).ValueGeneratedNever();
        b.HasOne<Team>().WithMany().HasForeignKey(x => x.TeamId).OnDelete(DeleteBehavior.Cascade);
    }
}
