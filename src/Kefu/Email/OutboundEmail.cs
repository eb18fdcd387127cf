namespace Kefu.Email;

/// <summary>System: mail about no ticket (password reset…), sent from the system mailbox.</summary>
public enum OutboundKind { Reply, Acknowledgement, Notification, System }

public enum OutboundStatus { Pending, Sent, Failed }

/// <summary>
/// A mail waiting to leave (durable outbox): written in a transaction, sent by <see cref="SmtpDispatcher"/> with
/// retries and exponential backoff; a permanent (5xx) refusal fails it with the server's reason.
/// </summary>
public sealed class OutboundEmail
{
    public long Id { get; set; }
    /// <summary>One mail per cause ("reply:{messageId}", "ack:{ticketId}"): event handlers run at least once.</summary>
    public required string DedupeKey { get; set; }
    public int MailboxId { get; set; }
    /// <summary>Null for system mail (not about a ticket).</summary>
    public long? TicketId { get; set; }
    public long? TicketMessageId { get; set; }
    public OutboundKind Kind { get; set; }
    public required string To { get; set; }
    public string? ToName { get; set; }
    public required string Subject { get; set; }
    public required string MessageId { get; set; }
    public string? InReplyTo { get; set; }
    public string? References { get; set; }
    public required string BodyText { get; set; }
    public string? BodyHtml { get; set; }
    /// <summary>Attachment ids of the ticket message, comma separated.</summary>
    public string? AttachmentIds { get; set; }
    public OutboundStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTime NextAttemptAt { get; set; }
    /// <summary>Claimed by a sender until then (several nodes share the table).</summary>
    public DateTime? LockedUntil { get; set; }
    public string? LastError { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? SentAt { get; set; }
}
