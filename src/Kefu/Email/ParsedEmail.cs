namespace Kefu.Email;

/// <summary>What kind of sender wrote a mail, for loop protection.</summary>
public enum MailClass { Normal, AutoReply, Bounce, List }

public sealed record ParsedAttachment(string FileName, string ContentType, byte[] Content, string? ContentId, bool Inline);

/// <summary>An inbound mail reduced to what Kefu stores. Threading ids are without angle brackets, newest first.</summary>
public sealed record ParsedEmail(
    string MessageId,
    string FromAddress,
    string? FromName,
    string Subject,
    string Text,
    string? Html,
    IReadOnlyList<string> ThreadIds,
    IReadOnlyList<ParsedAttachment> Attachments,
    MailClass Class,
    string? BounceOriginalMessageId,
    string? BounceReason);

/// <summary>A mail that cannot become a ticket message; it is recorded with this reason and the raw bytes kept.</summary>
public sealed class MailParseException(string reason) : Exception(reason);
