using System.ComponentModel;
using Microsoft.AspNetCore.Mvc;
using Kefu.Platform.Database;
using Kefu.Platform.Http;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Platform.Auth;

public sealed record UserFilter(
    [property: FromQuery(Name = "q"), Description("Text in the display name, user name or e-mail (case-insensitive).")] string? Q,
    [property: FromQuery(Name = "teamId"), Description("Only members of this team.")] int? TeamId,
    [property: FromQuery(Name = "role"), Description("Only holders of one of these roles, comma-separated (agent, senior_agent, team_lead, supervisor, quality_inspector, knowledge_editor, admin).")] string? Role,
    [property: FromQuery(Name = "active"), Description("true: only active accounts; false: only deactivated ones.")] bool? Active,
    [property: FromQuery(Name = "outsourced"), Description("true: only outsourced accounts; false: only in-house ones.")] bool? Outsourced,
    [property: FromQuery(Name = "sort"), Description("name (default), userName or createdAt; prefix '-' for descending.")] string? Sort,
    [property: FromQuery(Name = "cursor"), Description("nextCursor of the previous page.")] string? Cursor,
    [property: FromQuery(Name = "limit"), Description("Rows per page, 1–200 (default 50).")] int? Limit);

public sealed record TeamFilter(
    [property: FromQuery(Name = "q"), Description("Text in the team's name or description (case-insensitive).")] string? Q,
    [property: FromQuery(Name = "sort"), Description("name (default) or createdAt; prefix '-' for descending.")] string? Sort,
    [property: FromQuery(Name = "cursor"), Description("nextCursor of the previous page.")] string? Cursor,
    [property: FromQuery(Name = "limit"), Description("Rows per page, 1–200 (default 50).")] int? Limit);

/// <summary>The staff and team lists of the API, keyset-paginated like the tickets list (decision 0052).</summary>
public static class StaffLists
{
    // User names are unique (Identity checks their normalized form), so they break ties between equal names or times.
    private static readonly ListSort<StaffUser>[] UserSorts =
    [
        ListSort<StaffUser>.By("name", u => u.DisplayName, u => u.UserName!),
        ListSort<StaffUser>.By("userName", u => u.UserName!, u => u.UserName!),
        ListSort<StaffUser>.By("createdAt", u => u.CreatedAt, u => u.UserName!),
    ];

    private static readonly ListSort<Team>[] TeamSorts =
    [
        ListSort<Team>.By("name", t => t.Name, t => t.Id),
        ListSort<Team>.By("createdAt", t => t.CreatedAt, t => t.Id),
    ];

    public static async Task<Page<UserDto>> UsersAsync(KefuDb db, UserFilter f, CancellationToken ct)
    {
        var q = db.Users.AsNoTracking();
        if (f.TeamId is { } team) q = q.Where(u => u.Teams.Any(m => m.TeamId == team));
        if (f.Role is { } role)
        {
            var roles = role.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var unknown = roles.Where(r => !Roles.All.Contains(r)).ToList();
            if (roles.Length == 0 || unknown.Count > 0)
                throw DomainException.Validation("role", $"Unknown role '{string.Join(", ", unknown)}'; use: {string.Join(", ", Roles.All)}.");
            q = q.Where(u => u.Roles.Any(x => roles.Contains(x.Role.Name!)));
        }
        if (f.Active is { } active) q = q.Where(u => u.IsActive == active);
        if (f.Outsourced is { } outsourced) q = q.Where(u => u.IsOutsourced == outsourced);
        if (!string.IsNullOrWhiteSpace(f.Q))
        {
            var lower = f.Q.Trim().ToLowerInvariant();
            var upper = f.Q.Trim().ToUpperInvariant(); // Identity's normalized user names and e-mails are upper-case
            q = q.Where(u => u.DisplayName.ToLower().Contains(lower) || u.NormalizedUserName!.Contains(upper)
                || (u.NormalizedEmail != null && u.NormalizedEmail.Contains(upper)));
        }
        var (rows, next) = await Keyset.PageAsync(q, UserSorts, f.Sort, f.Cursor, f.Limit, ct);
        var ids = rows.Select(u => u.Id).ToList();
        var roleRows = await db.UserRoles.Where(r => ids.Contains(r.UserId)).Select(r => new { r.UserId, Name = r.Role.Name! }).ToListAsync(ct);
        var teamRows = await db.TeamMembers.Where(m => ids.Contains(m.UserId)).Select(m => new { m.UserId, m.TeamId }).ToListAsync(ct);
        var rolesOf = roleRows.ToLookup(r => r.UserId, r => r.Name);
        var teamsOf = teamRows.ToLookup(m => m.UserId, m => m.TeamId);
        return new Page<UserDto>([.. rows.Select(u => StaffService.ToDto(u, [.. rolesOf[u.Id].Order()], [.. teamsOf[u.Id].Order()]))], next);
    }

    public static async Task<Page<TeamDto>> TeamsAsync(KefuDb db, TeamFilter f, CancellationToken ct)
    {
        var q = db.Teams.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(f.Q))
        {
            var lower = f.Q.Trim().ToLowerInvariant();
            q = q.Where(t => t.Name.ToLower().Contains(lower) || (t.Description != null && t.Description.ToLower().Contains(lower)));
        }
        var (rows, next) = await Keyset.PageAsync(q, TeamSorts, f.Sort, f.Cursor, f.Limit, ct);
        var ids = rows.Select(t => t.Id).ToList();
        var members = await db.TeamMembers.Where(m => ids.Contains(m.TeamId)).GroupBy(m => m.TeamId)
            .Select(g => new { TeamId = g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.TeamId, x => x.Count, ct);
        return new Page<TeamDto>([.. rows.Select(t => new TeamDto(t.Id, t.Name, t.Description, members.GetValueOrDefault(t.Id), t.Version))], next);
    }
}
