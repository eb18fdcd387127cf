namespace Kefu.Platform.Mail;

/// <summary>A mail about no ticket (a password reset link…), to a staff member or anyone the system writes to.</summary>
/// <param name="DedupeKey">One mail per cause: a second enqueue with the same key is ignored.</param>
public sealed record SystemMail(string DedupeKey, string To, string? ToName, string Subject, string BodyText, string? BodyHtml);

/// <summary>
/// System mail as Platform sees it (implemented by the Email module): written in the caller's unit of work into the
/// same durable outbox as ticket mail and sent by the SMTP dispatcher with its retries, from the system mailbox
/// (the one the admin chose on /admin/mailboxes, else the first active mailbox).
/// </summary>
public interface ISystemMail
{
    /// <summary>Whether some active mailbox can send system mail (when not, users must ask an admin).</summary>
    Task<bool> IsAvailableAsync(CancellationToken ct);

    Task<MailQueued> EnqueueAsync(SystemMail mail, CancellationToken ct);
}
