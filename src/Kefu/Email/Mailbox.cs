namespace Kefu.Email;

/// <summary>How a mail connection is secured: none, STARTTLS upgrade, or TLS from the first byte (IMAPS/SMTPS).</summary>
public enum MailSecurity { None, StartTls, Tls }

/// <summary>What happens on the IMAP server to a message once it is stored in Kefu.</summary>
public enum ProcessedAction { MarkSeen, Flag, Move, Delete }

/// <summary>One support address: where its mail is fetched (IMAP), how replies leave (SMTP), and its team.</summary>
public sealed class Mailbox
{
    public int Id { get; set; }
    public required string Name { get; set; }
    /// <summary>The support address customers write to; replies are sent from it.</summary>
    public required string Address { get; set; }
    public string? SenderName { get; set; }
    public string? Signature { get; set; }
    public int? TeamId { get; set; }

    public required string ImapHost { get; set; }
    public int ImapPort { get; set; } = 993;
    public MailSecurity ImapSecurity { get; set; } = MailSecurity.Tls;
    public required string ImapUser { get; set; }
    /// <summary>Data-protected (never the clear password).</summary>
    public string? ImapPasswordProtected { get; set; }
    public string ImapFolder { get; set; } = "INBOX";
    public bool UseIdle { get; set; } = true;
    public int PollSeconds { get; set; } = 60;
    public ProcessedAction ProcessedAction { get; set; } = ProcessedAction.MarkSeen;
    public string? ProcessedFolder { get; set; }

    public required string SmtpHost { get; set; }
    public int SmtpPort { get; set; } = 587;
    public MailSecurity SmtpSecurity { get; set; } = MailSecurity.StartTls;
    public string? SmtpUser { get; set; }
    public string? SmtpPasswordProtected { get; set; }

    /// <summary>Accept self-signed/invalid server certificates (test and private servers only).</summary>
    public bool AllowInvalidCertificates { get; set; }
    public bool AutoAcknowledge { get; set; }
    /// <summary>Thread a mail without references onto the sender's ticket with the same subject from the last N days; 0 = off.</summary>
    public int SubjectThreadingDays { get; set; }
    public bool IsActive { get; set; } = true;
    /// <summary>Sends system mail (password resets…). At most one mailbox has it; when none (or it is disabled), the
    /// first active mailbox sends system mail.</summary>
    public bool SendsSystemMail { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public int Version { get; set; }

    /// <summary>Health, written by the fetcher (not part of the admin's edit, so no version bump).</summary>
    public DateTime? LastCheckedAt { get; set; }
    public string? LastError { get; set; }
}
