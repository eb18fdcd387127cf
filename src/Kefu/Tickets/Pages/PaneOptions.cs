using Kefu.Platform.Auth;
using Kefu.Platform.Database;
using Kefu.Platform.Web;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Tickets.Pages;

/// <summary>What the ticket pane's pickers offer (teams, staff, category leaves) and the viewer's time zone: loaded
/// once per workspace, not per opened ticket.</summary>
public sealed record PaneOptions(List<PaneOptions.Option> Teams, List<PaneOptions.Option> Staff, List<PaneOptions.Leaf> Leaves, TimeZoneInfo Zone,
    List<PaneOptions.Leaf> Categories, List<PaneOptions.Colleague> Colleagues)
{
    public sealed record Option(string Id, string Name);
    /// <summary>Someone a note can @mention; Token is what goes after the "@" (the name when it is unambiguous,
    /// else the user name), both forms the server recognises.</summary>
    public sealed record Colleague(string Id, string Name, string UserName, string Token);
    public sealed record Leaf(int Id, string Path);

    public static Task<PaneOptions> LoadAsync(UiScope ui) => ui.RunAsync(async (sp, staff, ct) =>
    {
        var db = sp.GetRequiredService<KefuDb>();
        var tax = await sp.GetRequiredService<TaxonomyCache>().GetAsync(ct);
        var teams = await db.Teams.AsNoTracking().OrderBy(t => t.Name).Select(t => new Option(t.Id.ToString(), t.Name)).ToListAsync(ct);
        // Guids are turned into text here, not in SQL (SQLite stores them upper-case).
        var users = await db.Users.AsNoTracking().Where(u => u.IsActive && u.Roles.Any(r => r.Role.Name != Roles.KnowledgeEditor))
            .OrderBy(u => u.DisplayName).Select(u => new { u.Id, u.DisplayName, u.UserName }).ToListAsync(ct);
        var people = users.Select(u => new Option(u.Id.ToString(), u.DisplayName)).ToList();
        var colleagues = users.Where(u => u.Id != staff.UserId)
            .Select(u => new Colleague(u.Id.ToString(), u.DisplayName, u.UserName ?? "", MentionToken(u.DisplayName, u.UserName ?? "", users.Select(x => x.DisplayName))))
            .ToList();
        var (leaves, categories) = Pickers(tax);
        var tzId = await db.Users.Where(u => u.Id == staff.UserId).Select(u => u.TimeZone).FirstAsync(ct);
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(tzId, out var z) ? z : TimeZoneInfo.Utc;
        return new PaneOptions(teams, people, leaves, zone, categories, colleagues);
    });

    /// <summary>The leaves a ticket can be filed under, and every category for the list's filter bar (a level-1 or
    /// level-2 filter includes what is below it): only usable ones, i.e. active with every category above them active.</summary>
    internal static (List<Leaf> Leaves, List<Leaf> Categories) Pickers(TaxonomySnapshot tax)
    {
        var usable = tax.All.Where(c => tax.IsUsable(c.Id)).Select(c => (c.Level, Leaf: new Leaf(c.Id, tax.PathOf(c.Id)!)))
            .OrderBy(c => c.Leaf.Path).ToList();
        return ([.. usable.Where(c => c.Level == 3).Select(c => c.Leaf)], [.. usable.Select(c => c.Leaf)]);
    }

    /// <summary>"@name" finds everyone whose name contains the typed text, so a name that is part of another's
    /// (王芳 in 王芳芳) or shared would mention two people: then the user name is used instead.</summary>
    internal static string MentionToken(string name, string userName, IEnumerable<string> allNames) =>
        name.Length > 0 && allNames.Count(n => n.Contains(name, StringComparison.Ordinal)) == 1 ? name : userName;
}
