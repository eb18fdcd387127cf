using System.Threading.RateLimiting;
using Kefu.Platform.Audit;
using Kefu.Platform.Database;
using Kefu.Platform.Events;
using Kefu.Platform.Mail;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kefu.Platform.Auth;

/// <summary>Someone asked for a password reset link for an address (known or not: the handler decides, later).</summary>
public sealed record PasswordResetRequested(string Email, string BaseUrl, string? RemoteAddress) : IDomainEvent;

public enum ResetRequestOutcome { Accepted, RateLimited }

/// <summary>
/// "Forgot password" by e-mail link. A request only records a <see cref="PasswordResetRequested"/> event — the same
/// single write whether the address is known or not, so neither the answer nor its timing tells who has an account.
/// <see cref="PasswordResetMailer"/> then looks the address up and queues the link as system mail (durable outbox,
/// retries). The link's token lives one hour and dies with the first reset (security stamp).
/// </summary>
public sealed class PasswordResetService(
    UnitOfWork uow, UserManager<StaffUser> users, AuditLog audit, PasswordResetLimiter limiter, ISystemMail mail,
    StaffDirectory directory, IOptions<KefuOptions> options, TimeProvider time)
{
    public Task<bool> IsAvailableAsync(CancellationToken ct) => mail.IsAvailableAsync(ct);

    public async Task<ResetRequestOutcome> RequestAsync(string email, HttpRequest request, CancellationToken ct)
    {
        var remote = request.HttpContext.Connection.RemoteIpAddress?.ToString();
        if (!limiter.TryAcquire(remote)) return ResetRequestOutcome.RateLimited;
        var baseUrl = options.Value.PublicUrl is { Length: > 0 } configured
            ? configured.TrimEnd('/')
            : $"{request.Scheme}://{request.Host}{request.PathBase}";
        var address = email.Trim();
        if (address.Length is 0 or > 320) return ResetRequestOutcome.Accepted;
        await uow.RunAsync(c =>
        {
            uow.Db.Publish(new PasswordResetRequested(address, baseUrl, remote), time);
            return Task.CompletedTask;
        }, ct);
        return ResetRequestOutcome.Accepted;
    }

    /// <summary>Sets the new password when the token is valid; otherwise says what is wrong (field token or password).</summary>
    public async Task<List<ResetError>> ResetAsync(Guid userId, string token, string password, CancellationToken ct)
    {
        var invalid = new List<ResetError> { new("token", "InvalidToken", "This link is invalid, was already used or has expired (links live one hour). Ask for a new one.") };
        var user = await users.FindByIdAsync(userId.ToString());
        if (user is null || !user.IsActive
            || !await users.VerifyUserTokenAsync(user, PasswordResetTokenProvider.ProviderName, UserManager<StaffUser>.ResetPasswordTokenPurpose, token))
            return invalid;
        var errors = new List<ResetError>();
        foreach (var validator in users.PasswordValidators)
        {
            var result = await validator.ValidateAsync(users, user, password);
            if (!result.Succeeded) errors.AddRange(result.Errors.Select(e => new ResetError("password", e.Code, e.Description)));
        }
        if (errors.Count > 0) return errors;

        return await uow.RunAsync(async c =>
        {
            var result = await users.ResetPasswordAsync(user, token, password); // checks the token again, renews the stamp
            if (!result.Succeeded)
                return result.Errors.Any(e => e.Code == "InvalidToken") ? invalid
                    : [.. result.Errors.Select(e => new ResetError("password", e.Code, e.Description))];
            // A locked-out user who proved they own the address may sign in again.
            await users.SetLockoutEndDateAsync(user, null);
            await users.ResetAccessFailedCountAsync(user);
            await audit.RecordAsync("user", user.Id, "password_reset_by_email", null, c);
            directory.Invalidate(user.Id);
            return new List<ResetError>();
        }, ct);
    }
}

/// <summary>Why a reset failed: <see cref="Code"/> is Identity's error code (PasswordTooShort…) or InvalidToken.</summary>
public sealed record ResetError(string Field, string Code, string Message);

/// <summary>Looks up the address of a reset request and queues one link per active account using it.</summary>
public sealed class PasswordResetMailer(KefuDb db, UserManager<StaffUser> users, ISystemMail mail, AuditLog audit, TimeProvider time,
    ILogger<PasswordResetMailer> log) : IEventHandler<PasswordResetRequested>
{
    /// <summary>Links per account and hour: someone typing a colleague's address cannot flood their inbox.</summary>
    public const int PerAddressPerHour = 3;

    public async Task HandleAsync(PasswordResetRequested e, EventContext context, CancellationToken ct)
    {
        var normalized = users.NormalizeEmail(e.Email);
        var accounts = await db.Users.Where(u => u.NormalizedEmail == normalized && u.IsActive && u.Email != null).ToListAsync(ct);
        if (accounts.Count == 0) return; // unknown address: nothing is sent, and the requester was told the same
        var since = time.UtcNow().AddHours(-1);
        foreach (var user in accounts)
        {
            var id = user.Id.ToString();
            var recent = await db.Audit.CountAsync(a => a.EntityType == "user" && a.EntityId == id && a.Action == "password_reset_link_sent" && a.At >= since, ct);
            if (recent >= PerAddressPerHour)
            {
                log.LogWarning("Password reset for user {UserId} not sent: {Limit} links in the last hour", user.Id, PerAddressPerHour);
                continue;
            }
            var token = await users.GenerateUserTokenAsync(user, PasswordResetTokenProvider.ProviderName, UserManager<StaffUser>.ResetPasswordTokenPurpose);
            var link = $"{e.BaseUrl}/login/reset?user={user.Id}&token={Uri.EscapeDataString(token)}";
            var text =
                $"{user.DisplayName}，您好：\n\n有人（希望是您）请求重置 Kefu 账号 {user.UserName} 的密码。请在 1 小时内打开下面的链接设置新密码（链接只能使用一次）：\n\n{link}\n\n" +
                "如果不是您本人操作，请忽略本邮件，您的密码不会改变。\n\n" +
                $"Hello {user.DisplayName},\n\nSomeone (hopefully you) asked to reset the password of the Kefu account {user.UserName}. " +
                $"Open this link within 1 hour to choose a new password (it works once):\n\n{link}\n\n" +
                "If it was not you, ignore this mail: your password stays unchanged.";
            var queued = await mail.EnqueueAsync(new SystemMail($"pwreset:{context.EventId}:{user.Id:N}", user.Email!, user.DisplayName,
                "重置密码 · Reset your Kefu password", text, null), ct);
            if (queued == MailQueued.NoMailbox)
            {
                log.LogWarning("Password reset for user {UserId} not sent: no active mailbox", user.Id);
                continue;
            }
            await audit.RecordAsync("user", user.Id, "password_reset_link_sent", new { remoteAddress = e.RemoteAddress }, ct);
        }
    }
}

/// <summary>Reset requests per client address (10 per 15 minutes), shared by the API and the page. In memory per node,
/// like the sign-in limiter; the per-account limit that protects inboxes is in the database.</summary>
public sealed class PasswordResetLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = 10, Window = TimeSpan.FromMinutes(15), QueueLimit = 0,
        }));

    public bool TryAcquire(string? remoteAddress)
    {
        using var lease = _limiter.AttemptAcquire(remoteAddress ?? "local");
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
