using System.Text.Json;
using Kefu.Platform;
using Kefu.Platform.Auth;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kefu.Tickets.Views;

/// <summary>A person's own named ticket list: a filter set saved from the workspace, shown with a live count.</summary>
public sealed class SavedView
{
    public long Id { get; set; }
    public Guid UserId { get; set; }
    public required string Name { get; set; }
    public SavedViewFilters Filters { get; set; } = SavedViewFilters.None;
    public int SortOrder { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public int Version { get; set; }
}

/// <summary>
/// The list filters a view keeps — the same vocabulary as <c>GET /api/v1/tickets</c> (comma-separated statuses,
/// priorities and channels; assignee/owner "me", "none" or a staff id). "me" means whoever looks at the view, and
/// visibility scoping applies on top, so a view never shows a ticket its owner may not see.
/// </summary>
public sealed record SavedViewFilters(
    string? Status = null, string? Priority = null, string? Channel = null, int? TeamId = null, bool? MyTeams = null,
    string? Assignee = null, string? Owner = null, int? CategoryId = null, string? Tag = null, string? Q = null,
    string? Sort = null)
{
    public static readonly SavedViewFilters None = new();

    public TicketFilter ToTicketFilter() => TicketViews.Base(Status) with
    {
        Priority = Priority, Channel = Channel, TeamId = TeamId, MyTeams = MyTeams, Assignee = Assignee, Owner = Owner,
        CategoryId = CategoryId, Tag = Tag, Q = Q, Sort = Sort,
    };

    /// <summary>A list filter narrowed by these filters: each one set here replaces the list's own (the workspace's
    /// filter bar on top of a view or search).</summary>
    public TicketFilter Refine(TicketFilter f) => f with
    {
        Status = Status ?? f.Status, Priority = Priority ?? f.Priority, Channel = Channel ?? f.Channel, TeamId = TeamId ?? f.TeamId,
        MyTeams = MyTeams ?? f.MyTeams, Assignee = Assignee ?? f.Assignee, Owner = Owner ?? f.Owner,
        CategoryId = CategoryId ?? f.CategoryId, Category = CategoryId is null ? f.Category : null, Tag = Tag ?? f.Tag, Q = Q ?? f.Q,
        Sort = Sort ?? f.Sort,
    };

    /// <summary>The filter set of a workspace list (paging fields dropped), for saving it as a view.</summary>
    public static SavedViewFilters From(TicketFilter f) => new SavedViewFilters(f.Status, f.Priority, f.Channel, f.TeamId,
        f.MyTeams == true ? true : null, f.Assignee, f.Owner, f.CategoryId, f.Tag, f.Q, f.Sort).Normalized();

    /// <summary>Blank text means "no filter"; text is trimmed.</summary>
    public SavedViewFilters Normalized() => new(Clean(Status), Clean(Priority), Clean(Channel), TeamId, MyTeams == true ? true : null,
        Clean(Assignee)?.ToLowerInvariant(), Clean(Owner)?.ToLowerInvariant(), CategoryId, Clean(Tag), Clean(Q), Clean(Sort));

    public bool IsEmpty => this == None;

    private static string? Clean(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}

internal sealed class SavedViewConfiguration : IEntityTypeConfiguration<SavedView>
{
    public const int NameMax = 60;

    public void Configure(EntityTypeBuilder<SavedView> b)
    {
        b.ToTable("tickets_saved_views");
        b.Property(x => x.Name).HasMaxLength(NameMax);
        // One JSON document per view: the filter vocabulary grows without a migration per field.
        b.Property(x => x.Filters).HasColumnName("filters").HasMaxLength(4000).HasConversion(
            f => JsonSerializer.Serialize(f, KefuJson.Stored),
            s => JsonSerializer.Deserialize<SavedViewFilters>(s, KefuJson.Stored) ?? SavedViewFilters.None,
            new ValueComparer<SavedViewFilters>((a, c) => a == c, f => f.GetHashCode(), f => f));
        b.Property(x => x.Version).IsConcurrencyToken();
        b.HasOne<StaffUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.UserId, x.Name }).IsUnique();
    }
}
