using Kefu.Platform.Auth;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace Kefu.Components.Layout;

/// <summary>
/// The admin console's pages and the permission each needs. Access is per page: a team lead with routing.manage
/// opens the routing page without being a user administrator; the console is open to whoever may use one of them.
/// </summary>
public static class AdminSections
{
    public sealed record Section(string Key, string Href, string Permission, string Icon);

    // Each section is a page of its own module (Platform: staff, teams, tokens, audit; Tickets: taxonomy, tags; Sla:
    // calendars, policies, escalation; …); the console knows only their addresses and permissions.
    public static readonly IReadOnlyList<Section> All =
    [
        new("Staff", "/admin/staff", Permissions.UsersManage, Icons.Material.Outlined.People),
        new("Teams", "/admin/teams", Permissions.TeamsManage, Icons.Material.Outlined.Groups),
        new("Taxonomy", "/admin/taxonomy", Permissions.TaxonomyManage, Icons.Material.Outlined.AccountTree),
        new("Tags", "/admin/tags", Permissions.TagsManage, Icons.Material.Outlined.Sell),
        new("Calendars", "/admin/calendars", Permissions.SlaManage, Icons.Material.Outlined.CalendarMonth),
        new("Sla", "/admin/sla", Permissions.SlaManage, Icons.Material.Outlined.Timer),
        new("Escalation", "/admin/escalation", Permissions.SlaManage, Icons.Material.Outlined.TrendingUp),
        new("Triage", "/admin/triage", Permissions.TaxonomyManage, Icons.Material.Outlined.AltRoute),
        new("Routing", "/admin/routing", Permissions.RoutingManage, Icons.Material.Outlined.AssignmentInd),
        new("Mailboxes", "/admin/mailboxes", Permissions.ChannelsManage, Icons.Material.Outlined.Email),
        new("Tokens", "/admin/tokens", Permissions.UsersManage, Icons.Material.Outlined.Key),
        new("Audit", "/admin/audit", Permissions.AuditRead, Icons.Material.Outlined.History),
        new("Chat", "/admin/chat", Permissions.ChannelsManage, Icons.Material.Outlined.Chat),
        new("ChatFlags", "/admin/chat-flags", Permissions.ChatReview, Icons.Material.Outlined.Flag),
    ];

    /// <summary>The sections the signed-in user may open, in console order (empty when signed out or deactivated).</summary>
    public static async Task<IReadOnlyList<Section>> AllowedAsync(Task<AuthenticationState>? state, StaffDirectory directory)
    {
        if (state is null) return [];
        var staff = await directory.GetAsync((await state).User, CancellationToken.None);
        return staff is null ? [] : [.. All.Where(s => staff.Can(s.Permission))];
    }

    /// <summary>The section an address belongs to ("/admin" alone is the console's home, not a section).</summary>
    public static Section? Of(string path) =>
        All.FirstOrDefault(s => path.Equals(s.Href, StringComparison.OrdinalIgnoreCase)
            || path.StartsWith(s.Href + "/", StringComparison.OrdinalIgnoreCase));
}
