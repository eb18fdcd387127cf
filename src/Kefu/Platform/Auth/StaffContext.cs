using System.Collections.Frozen;
using System.Security.Claims;
using Kefu.Platform.Database;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace Kefu.Platform.Auth;

/// <summary>What the signed-in staff member may do and see; loaded from the database, cached briefly.</summary>
public sealed record StaffContext(
    Guid UserId, string DisplayName, FrozenSet<string> Roles, FrozenSet<string> Permissions,
    FrozenSet<int> TeamIds, bool IsOutsourced, bool IsActive, string? SecurityStamp = null)
{
    public bool Can(string permission) => IsActive && Permissions.Contains(permission);
    public bool SeesAllTickets => Can(Auth.Permissions.TicketsScopeAll);
    public bool MasksPii => IsOutsourced;

    /// <summary>Whether this person may open a ticket of this team, assignee and owner: TicketQueries.Visible's rule for
    /// one ticket in memory (for notices sent to someone else than the caller).</summary>
    public bool MayOpenTicket(int? teamId, Guid? assigneeId, Guid? ownerId) =>
        Can(Auth.Permissions.TicketsRead)
        && (SeesAllTickets || (teamId is { } t && TeamIds.Contains(t)) || assigneeId == UserId || ownerId == UserId);
}

/// <summary>
/// Loads staff contexts. Cached per node for a few seconds: a role or team change is seen at once on the node that
/// made it (explicit invalidation) and within the cache lifetime on the others.
/// </summary>
public sealed class StaffDirectory(IServiceScopeFactory scopes, IMemoryCache cache)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(10);

    public async Task<StaffContext?> GetAsync(Guid userId, CancellationToken ct)
    {
        if (cache.TryGetValue(Key(userId), out StaffContext? cached)) return cached;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDb>();
        var user = await db.Users.AsNoTracking()
            .Where(u => u.Id == userId)
            .Select(u => new
            {
                u.Id, u.DisplayName, u.IsOutsourced, u.IsActive, u.SecurityStamp,
                Roles = u.Roles.Select(r => r.Role.Name!).ToList(),
                Teams = u.Teams.Select(t => t.TeamId).ToList(),
            })
            .AsSingleQuery() // two small collections (roles × teams of one user): one round trip, read at one moment
            .FirstOrDefaultAsync(ct);
        if (user is null) return null;
        var permissions = user.Roles.SelectMany(r => Auth.Roles.PermissionsByRole.GetValueOrDefault(r) ?? FrozenSet<string>.Empty);
        var context = new StaffContext(user.Id, user.DisplayName, user.Roles.ToFrozenSet(), permissions.ToFrozenSet(),
            user.Teams.ToFrozenSet(), user.IsOutsourced, user.IsActive, user.SecurityStamp);
        cache.Set(Key(userId), context, Lifetime);
        return context;
    }

    /// <summary>
    /// The staff context of a signed-in principal, or null when it is signed out, the account is gone, or the principal
    /// is a sign-in cookie issued before the account's security stamp last changed (a password change or reset, a
    /// deactivation): such a session has ended, on every node within the cache lifetime, whatever the cookie's own
    /// revalidation interval — and so has an open circuit started with it. Token principals carry no stamp (a token
    /// is revoked on its own).
    /// </summary>
    public async Task<StaffContext?> GetAsync(ClaimsPrincipal principal, CancellationToken ct)
    {
        if (!Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var userId)) return null;
        var staff = await GetAsync(userId, ct);
        if (staff is null) return null;
        var stamp = principal.FindFirstValue(StampClaim);
        return stamp is null || stamp == staff.SecurityStamp ? staff : null;
    }

    /// <summary>The claim Identity writes the security stamp into (IdentityOptions.ClaimsIdentity's default).</summary>
    public const string StampClaim = "AspNet.Identity.SecurityStamp";

    public void Invalidate(Guid userId) => cache.Remove(Key(userId));

    /// <summary>Display names of staff (for lists), from the same short-lived cache.</summary>
    public async Task<Dictionary<Guid, string>> NamesAsync(IEnumerable<Guid> ids, CancellationToken ct)
    {
        var result = new Dictionary<Guid, string>();
        foreach (var id in ids.Distinct())
            if (await GetAsync(id, ct) is { } staff) result[id] = staff.DisplayName;
        return result;
    }

    /// <summary>Team names by id, cached briefly (a handful of rows read by every list).</summary>
    public async Task<IReadOnlyDictionary<int, string>> TeamNamesAsync(CancellationToken ct)
    {
        if (cache.TryGetValue(TeamsKey, out IReadOnlyDictionary<int, string>? names)) return names!;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDb>();
        names = await db.Teams.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name, ct);
        cache.Set(TeamsKey, names, Lifetime);
        return names;
    }

    public void InvalidateTeams() => cache.Remove(TeamsKey);

    private const string TeamsKey = "staff:teams";

    private static string Key(Guid id) => $"staff:{id}";
}
