namespace Kefu.Platform.Mail;

/// <summary>A mail to a customer about a ticket, written by a module that is not the Email module (which owns mailboxes).</summary>
/// <param name="DedupeKey">One mail per cause: a second enqueue with the same key is ignored (retries, double clicks).</param>
/// <param name="TeamId">The team whose mailbox sends it (else the first active mailbox).</param>
public sealed record OutgoingMail(
    string DedupeKey, long TicketId, int? TeamId, string To, string? ToName, string Subject, string BodyText, string? BodyHtml);

/// <summary>NoRecipient: no address to send to (the customer has none). NotApplicable: nothing to mail (the message is
/// not a public reply on that ticket, or the ticket is not one this call mails).</summary>
public enum MailQueued { Queued, AlreadyQueued, NoMailbox, NoRecipient, NotApplicable }

/// <summary>An agent's public reply on a ticket of another channel, to be sent as an email reply (a chat left as a
/// message continues by email): same threading headers, ticket number and quote as a reply on an email ticket.</summary>
/// <param name="To">The address the customer gave on that channel (used when no mail of theirs is on the ticket yet;
/// else the customer's email identity).</param>
public sealed record TicketReplyMail(long TicketId, long MessageId, string? To, string? ToName);

/// <summary>
/// The mail outbox as other modules see it (implemented by the Email module): the mail is written in the caller's
/// unit of work and sent by the SMTP dispatcher after commit, with its retries.
/// </summary>
public interface IMailOutbox
{
    Task<MailQueued> EnqueueAsync(OutgoingMail mail, CancellationToken ct);

    /// <summary>Queues the reply (idempotent per ticket message, as the Email module's own replies).</summary>
    Task<MailQueued> EnqueueReplyAsync(TicketReplyMail reply, CancellationToken ct);
}
