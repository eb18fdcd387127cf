using Kefu.Platform.Audit;
using Kefu.Platform.Database;
using Kefu.Platform.Events;
using Kefu.Platform.Mail;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Platform.Auth;

/// <summary>Staff accounts and teams. Runs inside the caller's unit of work.</summary>
public sealed class StaffService(KefuDb db, UserManager<StaffUser> users, RoleManager<StaffRole> roles, AuditLog audit,
    StaffDirectory directory, ISystemMail mail, TimeProvider time)
{
    public async Task EnsureRolesAsync()
    {
        foreach (var role in Roles.All)
            if (!await roles.RoleExistsAsync(role)) Check(await roles.CreateAsync(new StaffRole { Name = role }), "roles");
    }

    public async Task<StaffUser> CreateAsync(CreateUserRequest r, CancellationToken ct)
    {
        ValidateRoles(r.Roles);
        ValidateLanguage(r.Language);
        await ValidateTeamsAsync(r.TeamIds, ct);
        if (r.Invite)
        {
            if (r.Email is null) throw DomainException.Validation("email", "An invitation is sent by email: give the address.");
            if (r.Password is not null) throw DomainException.Validation("password", "Leave the password out when inviting: the new colleague chooses it.");
            if (!await mail.IsAvailableAsync(ct))
                throw DomainException.Validation("invite", "No active mailbox can send the invitation: set one up under Admin › Mailboxes, or give a password.");
        }
        else if (r.Password is null) throw DomainException.Validation("password", "A password is required (or invite the user by email).");
        if (await users.FindByNameAsync(r.UserName) is not null)
            throw new DomainException(409, "Conflict", $"User name '{r.UserName}' is taken.",
                new Dictionary<string, string[]> { ["userName"] = ["Already taken."] });
        var user = new StaffUser
        {
            UserName = r.UserName, DisplayName = r.DisplayName.Trim(), Email = r.Email, IsOutsourced = r.IsOutsourced,
            Language = r.Language ?? "zh-CN", CreatedAt = time.UtcNow(), EmailConfirmed = r.Email is not null, LockoutEnabled = true,
        };
        Check(r.Password is null ? await users.CreateAsync(user) : await users.CreateAsync(user, r.Password), "password");
        Check(await users.AddToRolesAsync(user, r.Roles.Distinct()), "roles");
        foreach (var teamId in (r.TeamIds ?? []).Distinct()) db.TeamMembers.Add(new TeamMember { TeamId = teamId, UserId = user.Id });
        await audit.RecordAsync("user", user.Id, "created",
            new { user.UserName, user.DisplayName, roles = r.Roles, teams = r.TeamIds, user.IsOutsourced, invited = r.Invite }, ct);
        if (r.Invite) db.Publish(new StaffInvited(user.Id), time);
        return user;
    }

    public async Task<StaffUser> UpdateAsync(StaffUser user, UpdateUserRequest r, Guid actorId, CancellationToken ct)
    {
        var changes = new ChangeSet();
        if (r.DisplayName is { } name)
        {
            // The create requires a name; a change must not blank it (lists, mentions and the audit show it).
            if (string.IsNullOrWhiteSpace(name)) throw DomainException.Validation("displayName", "displayName must not be empty.");
            if (changes.Set("displayName", user.DisplayName, name.Trim())) user.DisplayName = name.Trim();
        }
        if (r.Email is { } email && changes.Set("email", user.Email, email)) { user.Email = email; user.NormalizedEmail = users.NormalizeEmail(email); }
        if (r.IsOutsourced is { } o && changes.Set("isOutsourced", user.IsOutsourced, o)) user.IsOutsourced = o;
        if (r.IsActive is { } active && changes.Set("isActive", user.IsActive, active))
        {
            if (!active && user.Id == actorId) throw DomainException.Validation("isActive", "You cannot deactivate yourself.");
            user.IsActive = active;
            await users.UpdateSecurityStampAsync(user); // ends the user's cookie sessions
        }
        ValidateLanguage(r.Language);
        if (r.Language is { } lang && changes.Set("language", user.Language, lang)) user.Language = lang;
        if (r.TimeZone is { } tz)
        {
            if (!TimeZoneInfo.TryFindSystemTimeZoneById(tz, out _)) throw DomainException.Validation("timeZone", $"Unknown time zone '{tz}'.");
            if (changes.Set("timeZone", user.TimeZone, tz)) user.TimeZone = tz;
        }
        if (r.Roles is { } newRoles)
        {
            ValidateRoles(newRoles);
            var current = await users.GetRolesAsync(user);
            if (user.Id == actorId && current.Contains(Roles.Admin) && !newRoles.Contains(Roles.Admin))
                throw DomainException.Validation("roles", "You cannot remove your own admin role.");
            if (!current.Order().SequenceEqual(newRoles.Distinct().Order()))
            {
                Check(await users.RemoveFromRolesAsync(user, current), "roles");
                Check(await users.AddToRolesAsync(user, newRoles.Distinct()), "roles");
                changes.Fields["roles"] = [current.ToArray(), newRoles];
            }
        }
        if (r.TeamIds is { } teamIds)
        {
            await ValidateTeamsAsync(teamIds, ct);
            var current = await db.TeamMembers.Where(m => m.UserId == user.Id).ToListAsync(ct);
            if (!current.Select(m => m.TeamId).Order().SequenceEqual(teamIds.Distinct().Order()))
            {
                db.TeamMembers.RemoveRange(current.Where(m => !teamIds.Contains(m.TeamId)));
                foreach (var t in teamIds.Distinct().Where(t => current.All(m => m.TeamId != t)))
                    db.TeamMembers.Add(new TeamMember { TeamId = t, UserId = user.Id });
                changes.Fields["teamIds"] = [current.Select(m => m.TeamId).ToArray(), teamIds];
            }
        }
        if (r.Password is { } password)
        {
            var token = await users.GeneratePasswordResetTokenAsync(user);
            Check(await users.ResetPasswordAsync(user, token, password), "password");
            changes.Fields["password"] = ["***", "***"];
        }
        // An admin's reset is how a locked-out agent gets back in (until mail exists): it ends the lockout too, like the
        // mailed reset; `unlock` alone ends it without a new password.
        if ((r.Password is not null || r.Unlock == true) && LockedUntil(user) is { } until)
        {
            Check(await users.SetLockoutEndDateAsync(user, null), "unlock");
            Check(await users.ResetAccessFailedCountAsync(user), "unlock");
            changes.Fields["lockedUntil"] = [until, null];
        }
        Check(await users.UpdateAsync(user), "user");
        if (changes.Any) await audit.RecordAsync("user", user.Id, "updated", changes.Fields, ct);
        directory.Invalidate(user.Id);
        return user;
    }

    public async Task<UserDto> ToDtoAsync(StaffUser u, CancellationToken ct)
    {
        var roleNames = await db.UserRoles.Where(r => r.UserId == u.Id).Select(r => r.Role.Name!).ToArrayAsync(ct);
        var teams = await db.TeamMembers.Where(m => m.UserId == u.Id).Select(m => m.TeamId).ToArrayAsync(ct);
        return ToDto(u, roleNames, teams);
    }

    public static UserDto ToDto(StaffUser u, string[] roles, int[] teams) =>
        new(u.Id, u.UserName!, u.DisplayName, u.Email, roles, teams, u.IsOutsourced, u.IsActive, u.Language, u.TimeZone, u.CreatedAt, LockedUntil(u));

    /// <summary>When a sign-in lockout (too many failed passwords) ends, if the account is locked now.</summary>
    public static DateTime? LockedUntil(StaffUser u) => LockedUntil(u.LockoutEnd);

    /// <inheritdoc cref="LockedUntil(StaffUser)"/>
    public static DateTime? LockedUntil(DateTimeOffset? lockoutEnd) =>
        lockoutEnd is { } end && end > DateTimeOffset.UtcNow ? end.UtcDateTime : null;

    /// <summary>A staff member's language is one the UI speaks (the profile page's rule): sign-in sets the culture cookie
    /// from it and notices are mailed in it.</summary>
    private static void ValidateLanguage(string? language)
    {
        if (language is not null && !ProfileService.Languages.Contains(language))
            throw DomainException.Validation("language", $"Unknown language '{language}'; use {string.Join(" or ", ProfileService.Languages)}.");
    }

    private static void ValidateRoles(string[] requested)
    {
        if (requested.Length == 0) throw DomainException.Validation("roles", "Give at least one role.");
        var unknown = requested.Where(r => !Roles.All.Contains(r)).ToList();
        if (unknown.Count > 0)
            throw DomainException.Validation("roles", $"Unknown role(s) {string.Join(", ", unknown)}; use: {string.Join(", ", Roles.All)}.");
    }

    private async Task ValidateTeamsAsync(int[]? teamIds, CancellationToken ct)
    {
        if (teamIds is null || teamIds.Length == 0) return;
        var ids = teamIds.Distinct().ToList();
        var found = await db.Teams.CountAsync(t => ids.Contains(t.Id), ct);
        if (found != ids.Count) throw DomainException.Validation("teamIds", "One or more teams do not exist.");
    }

    private static void Check(IdentityResult result, string field)
    {
        if (!result.Succeeded)
            throw new DomainException(400, "Validation failed", string.Join(" ", result.Errors.Select(e => e.Description)),
                new Dictionary<string, string[]> { [field] = [.. result.Errors.Select(e => e.Description)] });
    }
}
