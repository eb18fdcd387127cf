using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kefu.Platform.Auth;

public sealed class Team
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public DateTime CreatedAt { get; set; }
    public int Version { get; set; }
    public ICollection<TeamMember> Members { get; set; } = [];
}

public sealed class TeamMember
{
    public int TeamId { get; set; }
    public Guid UserId { get; set; }
    public Team Team { get; set; } = null!;
    public StaffUser User { get; set; } = null!;
}

/// <summary>A personal access token; only its SHA-256 hash is stored.</summary>
public sealed class AccessToken
{
    public long Id { get; set; }
    public Guid UserId { get; set; }
    public required string Name { get; set; }
    public required string Hash { get; set; }
    /// <summary>First characters of the token, to let people recognise it in lists.</summary>
    public required string Prefix { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? ExpiresAt { get; set; }
    public DateTime? RevokedAt { get; set; }
    public DateTime? LastUsedAt { get; set; }
    public StaffUser User { get; set; } = null!;
}

internal sealed class AuthConfiguration :
    IEntityTypeConfiguration<Team>, IEntityTypeConfiguration<TeamMember>, IEntityTypeConfiguration<AccessToken>,
    IEntityTypeConfiguration<StaffUser>, IEntityTypeConfiguration<StaffUserRole>
{
    public void Configure(EntityTypeBuilder<Team> b)
    {
        b.ToTable("platform_teams");
        b.Property(x => x.Name).HasMaxLength(100);
        b.Property(x => x.Description).HasMaxLength(1000);
        b.HasIndex(x => x.Name).IsUnique();
        b.Property(x => x.Version).IsConcurrencyToken();
    }

    public void Configure(EntityTypeBuilder<TeamMember> b)
    {
        b.ToTable("platform_team_members");
        b.HasKey(x => new { x.TeamId, x.UserId });
        b.HasOne(x => x.Team).WithMany(t => t.Members).HasForeignKey(x => x.TeamId);
        b.HasOne(x => x.User).WithMany(u => u.Teams).HasForeignKey(x => x.UserId);
        b.HasIndex(x => x.UserId);
    }

    public void Configure(EntityTypeBuilder<AccessToken> b)
    {
        b.ToTable("platform_access_tokens");
        b.Property(x => x.Name).HasMaxLength(100);
        b.Property(x => x.Hash).HasMaxLength(64);
        b.Property(x => x.Prefix).HasMaxLength(16);
        b.HasIndex(x => x.Hash).IsUnique();
        b.HasOne(x => x.User).WithMany().HasForeignKey(x => x.UserId);
    }

    public void Configure(EntityTypeBuilder<StaffUser> b)
    {
        b.Property(x => x.DisplayName).HasMaxLength(100);
        b.Property(x => x.Language).HasMaxLength(10);
        b.Property(x => x.TimeZone).HasMaxLength(64);
    }

    public void Configure(EntityTypeBuilder<StaffUserRole> b)
    {
        b.HasOne(x => x.User).WithMany(u => u.Roles).HasForeignKey(x => x.UserId);
        b.HasOne(x => x.Role).WithMany(r => r.Users).HasForeignKey(x => x.RoleId);
    }
}
