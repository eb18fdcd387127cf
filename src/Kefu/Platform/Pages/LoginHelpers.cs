using Kefu.Platform.Auth;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Platform.Pages;

public static class LoginHelpers
{
    /// <summary>Only local paths: a return URL must never send a signed-in user to another site.</summary>
    public static string SafeReturnUrl(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal) ? url : "/";

    /// <summary>What a sign-in name refers to.</summary>
    public enum Found { One, None, SharedEmail }

    /// <summary>
    /// The account a sign-in name (user name, else e-mail address) refers to. Staff may share an e-mail address (a lead's
    /// personal and admin accounts, RequireUniqueEmail off), and Identity's FindByEmailAsync throws when two match, so
    /// the address is looked up here: it signs in only when it names exactly one account.
    /// </summary>
    public static async Task<(Found, StaffUser?)> FindAsync(UserManager<StaffUser> users, string name, CancellationToken ct)
    {
        if (await users.FindByNameAsync(name) is { } byName) return (Found.One, byName);
        var email = users.NormalizeEmail(name);
        var matches = await users.Users.Where(u => u.NormalizedEmail == email).Take(2).ToListAsync(ct);
        return matches.Count switch
        {
            1 => (Found.One, matches[0]),
            0 => (Found.None, null),
            _ => (Found.SharedEmail, null),
        };
    }
}
