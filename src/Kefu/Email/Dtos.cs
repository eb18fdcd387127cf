using System.ComponentModel.DataAnnotations;

namespace Kefu.Email;

/// <summary>Create or replace a mailbox. A null password keeps the stored one; an empty string clears it.</summary>
public sealed record MailboxRequest(
    [property: Required, MaxLength(100)] string Name,
    [property: Required, EmailAddress, MaxLength(320)] string Address,
    [property: MaxLength(200)] string? SenderName,
    [property: MaxLength(4000)] string? Signature,
    int? TeamId,
    [property: Required, MaxLength(255)] string ImapHost,
    [property: Range(1, 65535)] int ImapPort,
    MailSecurity ImapSecurity,
    [property: Required, MaxLength(320)] string ImapUser,
    [property: MaxLength(500)] string? ImapPassword,
    [property: MaxLength(255)] string? ImapFolder,
    bool? UseIdle,
    [property: Range(5, 3600)] int? PollSeconds,
    ProcessedAction? ProcessedAction,
    [property: MaxLength(255)] string? ProcessedFolder,
    [property: Required, MaxLength(255)] string SmtpHost,
    [property: Range(1, 65535)] int SmtpPort,
    MailSecurity SmtpSecurity,
    [property: MaxLength(320)] string? SmtpUser,
    [property: MaxLength(500)] string? SmtpPassword,
    bool? AllowInvalidCertificates,
    bool? AutoAcknowledge,
    [property: Range(0, 365)] int? SubjectThreadingDays,
    bool? IsActive,
    bool? SendsSystemMail = null);

public sealed record MailboxDto(
    int Id, string Name, string Address, string? SenderName, string? Signature, int? TeamId,
    string ImapHost, int ImapPort, MailSecurity ImapSecurity, string ImapUser, bool HasImapPassword, string ImapFolder,
    bool UseIdle, int PollSeconds, ProcessedAction ProcessedAction, string? ProcessedFolder,
    string SmtpHost, int SmtpPort, MailSecurity SmtpSecurity, string? SmtpUser, bool HasSmtpPassword,
    bool AllowInvalidCertificates, bool AutoAcknowledge, int SubjectThreadingDays, bool IsActive, bool SendsSystemMail,
    DateTime? LastCheckedAt, string? LastError, int Version)
{
    public static MailboxDto From(Mailbox m) => new(m.Id, m.Name, m.Address, m.SenderName, m.Signature, m.TeamId,
        m.ImapHost, m.ImapPort, m.ImapSecurity, m.ImapUser, m.ImapPasswordProtected is not null, m.ImapFolder,
        m.UseIdle, m.PollSeconds, m.ProcessedAction, m.ProcessedFolder,
        m.SmtpHost, m.SmtpPort, m.SmtpSecurity, m.SmtpUser, m.SmtpPasswordProtected is not null,
        m.AllowInvalidCertificates, m.AutoAcknowledge, m.SubjectThreadingDays, m.IsActive, m.SendsSystemMail, m.LastCheckedAt, m.LastError, m.Version);
}

/// <summary>One side of a connection test: ok, or the failing stage (dns, connect, tls, auth, folder) and why.</summary>
public sealed record ConnectionCheck(bool Ok, string? Stage, string? Error);

public sealed record ConnectionTestResult(ConnectionCheck Imap, ConnectionCheck Smtp);

public sealed record EmailRecordDto(
    long Id, int MailboxId, string Direction, string Status, string? Classification, string MessageId, long? Uid,
    long? TicketId, long? TicketNumber, string? FromAddress, string? Subject, string? Reason, bool HasRaw, DateTime CreatedAt);

public sealed record OutboundDto(
    long Id, int MailboxId, long? TicketId, long? TicketNumber, string Kind, string To, string Subject, string MessageId,
    string Status, int Attempts, DateTime NextAttemptAt, string? LastError, DateTime CreatedAt, DateTime? SentAt);
