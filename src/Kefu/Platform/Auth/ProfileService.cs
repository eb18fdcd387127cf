using System.ComponentModel.DataAnnotations;
using Kefu.Platform.Audit;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Platform.Auth;

public sealed record ProfileDto(Guid Id, string UserName, string DisplayName, string? Email, string Language, string TimeZone,
    bool NotifyBrowser, bool NotifySound, bool NotifyEmail);

/// <summary>NotifyEmail null leaves the setting as it is.</summary>
public sealed record UpdateProfileRequest(string Language, string TimeZone, bool NotifyBrowser, bool NotifySound, bool? NotifyEmail = null);

public sealed record ChangePasswordRequest(
    [property: Required, MaxLength(128)] string CurrentPassword,
    [property: Required, MaxLength(128)] string NewPassword);

/// <summary>What every signed-in person may change about themselves. Runs inside the caller's unit of work.</summary>
public sealed class ProfileService(UserManager<StaffUser> users, AuditLog audit, StaffDirectory directory)
{
    /// <summary>The languages the UI speaks: those of the request localisation.</summary>
    public static readonly string[] Languages = [.. Web.WebModule.Cultures.Select(c => c.Name)];


    public async Task<ProfileDto> GetAsync(Guid userId, CancellationToken ct)
    {
        var u = await users.Users.AsNoTracking().FirstOrDefaultAsync(x => x.Id == userId, ct) ?? throw DomainException.NotFound($"User {userId}");
        return new ProfileDto(u.Id, u.UserName!, u.DisplayName, u.Email, u.Language, u.TimeZone, u.NotifyBrowser, u.NotifySound, u.NotifyEmail);
    }

    public async Task UpdateAsync(Guid userId, UpdateProfileRequest r, CancellationToken ct)
    {
        var user = await FindAsync(userId);
        if (!Languages.Contains(r.Language)) throw DomainException.Validation("language", $"Unknown language '{r.Language}'; use {string.Join(" or ", Languages)}.");
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(r.TimeZone, out _)) throw DomainException.Validation("timeZone", $"Unknown time zone '{r.TimeZone}'.");
        var changes = new ChangeSet();
        if (changes.Set("language", user.Language, r.Language)) user.Language = r.Language;
        if (changes.Set("timeZone", user.TimeZone, r.TimeZone)) user.TimeZone = r.TimeZone;
        if (changes.Set("notifyBrowser", user.NotifyBrowser, r.NotifyBrowser)) user.NotifyBrowser = r.NotifyBrowser;
        if (changes.Set("notifySound", user.NotifySound, r.NotifySound)) user.NotifySound = r.NotifySound;
        if (r.NotifyEmail is { } email && changes.Set("notifyEmail", user.NotifyEmail, email)) user.NotifyEmail = email;
        if (!changes.Any) return;
        Check(await users.UpdateAsync(user), "user");
        await audit.RecordAsync("user", user.Id, "profile_updated", changes.Fields, ct);
        directory.Invalidate(user.Id);
    }

    /// <summary>The language chosen in the user menu: saved on the profile (it follows the user to other browsers) and
    /// audited as any other profile change. Nothing is recorded when it is already the profile's language.</summary>
    public async Task SetLanguageAsync(Guid userId, string language, CancellationToken ct)
    {
        var user = await FindAsync(userId);
        if (!Languages.Contains(language)) throw DomainException.Validation("language", $"Unknown language '{language}'; use {string.Join(" or ", Languages)}.");
        var changes = new ChangeSet();
        if (!changes.Set("language", user.Language, language)) return;
        user.Language = language;
        Check(await users.UpdateAsync(user), "user");
        await audit.RecordAsync("user", user.Id, "profile_updated", changes.Fields, ct);
        directory.Invalidate(user.Id);
    }

    /// <summary>Changes one's own password (the current one is required). Other sessions of the account end when
    /// their cookie is next validated, since the security stamp changes.</summary>
    public async Task<StaffUser> ChangePasswordAsync(Guid userId, ChangePasswordRequest r, CancellationToken ct)
    {
        var user = await FindAsync(userId);
        var result = await users.ChangePasswordAsync(user, r.CurrentPassword, r.NewPassword);
        if (!result.Succeeded)
        {
            // A wrong current password belongs to that field; every other complaint is about the new one.
            var errors = result.Errors.GroupBy(e => e.Code == nameof(IdentityErrorDescriber.PasswordMismatch) ? "currentPassword" : "newPassword")
                .ToDictionary(g => g.Key, g => g.Select(e => e.Description).ToArray());
            throw new DomainException(400, "Validation failed", string.Join(" ", result.Errors.Select(e => e.Description)), errors);
        }
        await audit.RecordAsync("user", user.Id, "password_changed", null, ct);
        return user;
    }

    private async Task<StaffUser> FindAsync(Guid userId) =>
        await users.FindByIdAsync(userId.ToString()) is { IsActive: true } u ? u : throw DomainException.NotFound($"User {userId}");

    private static void Check(IdentityResult result, string field)
    {
        if (!result.Succeeded)
            throw new DomainException(400, "Validation failed", string.Join(" ", result.Errors.Select(e => e.Description)),
                new Dictionary<string, string[]> { [field] = [.. result.Errors.Select(e => e.Description)] });
    }
}
