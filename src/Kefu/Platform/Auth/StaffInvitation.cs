using Kefu.Platform.Audit;
using Kefu.Platform.Database;
using Kefu.Platform.Events;
using Kefu.Platform.Mail;
using Kefu.Platform.Web;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Platform.Auth;

/// <summary>An administrator created an account by invitation: the new colleague gets a link to choose a password.</summary>
public sealed record StaffInvited(Guid UserId) : IDomainEvent;

/// <summary>
/// Mails the invitation as system mail (durable outbox, retries): a link to the password page, valid
/// <see cref="PasswordResetTokenProvider.InvitationLifespan"/>, dead once a password is set (security stamp). The
/// stored copy of the mail loses its body once sent, as a reset link's does. Idempotent per event (dedupe key).
/// </summary>
public sealed class StaffInvitationMailer(KefuDb db, UserManager<StaffUser> users, PasswordResetTokenProvider tokens, ISystemMail mail,
    AuditLog audit, PublicUrl publicUrl, ILogger<StaffInvitationMailer> log) : IEventHandler<StaffInvited>
{
    public async Task HandleAsync(StaffInvited e, EventContext context, CancellationToken ct)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == e.UserId, ct);
        if (user is null || !user.IsActive || user.Email is null) return;
        var token = await tokens.GenerateAsync(UserManager<StaffUser>.ResetPasswordTokenPurpose, users, user, PasswordResetTokenProvider.InvitationLifespan);
        var link = $"{publicUrl.Base()}/login/reset?user={user.Id}&token={Uri.EscapeDataString(token)}";
        var days = (int)PasswordResetTokenProvider.InvitationLifespan.TotalDays;
        var text =
            $"{user.DisplayName}，您好：\n\n您已受邀使用 Kefu 客服系统，用户名 {user.UserName}。请在 {days} 天内打开下面的链接设置您的密码，然后登录：\n\n{link}\n\n" +
            $"Hello {user.DisplayName},\n\nYou have been invited to Kefu, the customer-service workspace, as {user.UserName}. " +
            $"Open this link within {days} days to choose your password, then sign in:\n\n{link}\n";
        var queued = await mail.EnqueueAsync(new SystemMail($"invite:{context.EventId}", user.Email, user.DisplayName,
            "Kefu 邀请 · Your invitation to Kefu", text, null), ct);
        if (queued == MailQueued.NoMailbox)
        {
            log.LogWarning("Invitation for user {UserId} not sent: no active mailbox", user.Id);
            return;
        }
        await audit.RecordAsync("user", user.Id, "invitation_sent", null, ct);
    }
}
