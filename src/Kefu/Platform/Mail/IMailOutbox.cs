namespace Kefu.Platform.Mail;

/// <summary>A mail to a customer about a ticket, written by a module that is not the Email module (which owns mailboxes).</summary>
/// <param name="DedupeKey">One mail per cause: a second enqueue with the same key is ignored (retries, double clicks).</param>
/// <param name="TeamId">The team whose mailbox sends it (else the first active mailbox).</param>
public sealed record OutgoingMail(
    string DedupeKey, long TicketId, int? TeamId, string To, string? ToName, string Subject, string BodyText, string? BodyHtml);

public enum MailQueued { Queued, AlreadyQueued, NoMailbox }

/// <summary>
/// The mail outbox as other modules see it (implemented by the Email module): the mail is written in the caller's
/// unit of work and sent by the SMTP dispatcher after commit, with its retries.
/// </summary>
public interface IMailOutbox
{
    Task<MailQueued> EnqueueAsync(OutgoingMail mail, CancellationToken ct);
}
