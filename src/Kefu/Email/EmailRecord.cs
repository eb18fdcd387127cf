namespace Kefu.Email;

public enum EmailDirection { Inbound, Outbound }

/// <summary>What became of one mail.</summary>
public enum EmailStatus
{
    /// <summary>Stored on a ticket (new ticket or a reply).</summary>
    Ingested,
    /// <summary>Its Message-ID was already stored (same mail fetched twice, or sent to two mailboxes).</summary>
    Duplicate,
    /// <summary>A delivery report; noted on the ticket whose reply bounced, when known.</summary>
    Bounce,
    /// <summary>Dropped on purpose (sender over the rate limit: a mail loop).</summary>
    Ignored,
    /// <summary>Could not be parsed or stored; the raw message is kept for the admin.</summary>
    Failed,
    /// <summary>Outbound: written by Kefu (a reply or acknowledgement).</summary>
    Sent,
}

/// <summary>
/// Every mail Kefu received or sent, keyed by Message-ID (threading) and, inbound, by the IMAP (UIDVALIDITY, UID)
/// it came from (exactly-once). Written in the same transaction as the ticket message it produced.
/// </summary>
public sealed class EmailRecord
{
    public long Id { get; set; }
    public int MailboxId { get; set; }
    public EmailDirection Direction { get; set; }
    /// <summary>Message-ID without angle brackets (a hash for a mail that had none).</summary>
    public required string MessageId { get; set; }
    public long? UidValidity { get; set; }
    public long? Uid { get; set; }
    public EmailStatus Status { get; set; }
    /// <summary>auto_reply, bounce, list or null.</summary>
    public string? Classification { get; set; }
    public long? TicketId { get; set; }
    public long? TicketMessageId { get; set; }
    public string? FromAddress { get; set; }
    public string? Subject { get; set; }
    /// <summary>Subject without Re:/Fwd:/回复: prefixes and ticket number, lower case (subject threading).</summary>
    public string? ThreadSubject { get; set; }
    public string? Reason { get; set; }
    /// <summary>The raw message under KEFU_DATA_DIR/email/raw, kept for failures.</summary>
    public string? RawKey { get; set; }
    public DateTime CreatedAt { get; set; }
}
