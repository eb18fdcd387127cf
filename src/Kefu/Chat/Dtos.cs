namespace Kefu.Chat;

/// <summary>The host site's logged-in user; Signature = hex HMAC-SHA256(site secret, Id), computed on its server.</summary>
public sealed record WidgetUser(string Id, string? Name, string? Email, string? Signature);

public sealed record StartRequest(string SiteKey, string? VisitorToken, WidgetUser? User, string? PageUrl, string? Locale, string? Referrer);

/// <summary>Bot: an answer bot serves this site, so a new chat starts with it (the widget offers 转人工).
/// Greeting/OfflineMessage are the defaults; Greetings/OfflineMessages hold the per-language texts by widget language
/// ("zh-CN", "en"), which the widget prefers for its language.</summary>
public sealed record SiteSettingsDto(string Name, string Color, string Greeting, string OfflineMessage, string[] PreChatFields, bool AgentsOnline,
    bool Bot = false, IReadOnlyDictionary<string, string>? Greetings = null, IReadOnlyDictionary<string, string>? OfflineMessages = null);

public sealed record ConversationDto(
    long Id, ConversationState State, long LastSeq, long AgentReadSeq, string? AgentName,
    int? QueuePosition, int? EstimatedWaitSeconds, int? Rating);

public sealed record StartResult(string VisitorToken, Guid VisitorId, SiteSettingsDto Site, ConversationDto? Conversation);

public sealed record PreChat(string? Name, string? Email, string? Phone);

public sealed record SendRequest(string ClientId, string? Text, long[]? AttachmentIds, PreChat? PreChat);

/// <summary>Sent after the message is committed; Duplicate when the client id was already stored (a retry).</summary>
public sealed record SendAck(string ClientId, long ConversationId, long Seq, long MessageId, DateTime CreatedAt, bool Duplicate);

public sealed record ChatAttachmentDto(long Id, string Name, string Type, long Size);

public sealed record ChatMessageDto(
    long ConversationId, long Seq, long Id, string? ClientId, ChatSender Sender, string? AuthorName, string Body,
    ChatAttachmentDto[] Attachments, DateTime CreatedAt);

/// <summary>What an agent screen needs about a chat ticket.</summary>
public sealed record ChatInfoDto(
    long ConversationId, long TicketId, ConversationState State, Guid? AgentId, string? AgentName, int? TeamId,
    Guid VisitorId, bool VisitorOnline, string? PageUrl, string? UserAgent, string? Locale, string? Email, string? AppUserId,
    bool Flagged, long LastSeq, long VisitorReadSeq, int? Rating, string? RatingComment, DateTime CreatedAt,
    IReadOnlyList<PreviousChatDto> Previous);

public sealed record PreviousChatDto(long ConversationId, long TicketId, DateTime CreatedAt, ConversationState State, int? Rating);

public sealed record QueueItemDto(long ConversationId, long TicketId, int? TeamId, string VisitorName, DateTime QueuedAt, ConversationState State);

/// <summary>Greeting/OfflineMessage: the defaults; Greetings/OfflineMessages: the texts set per widget language
/// (keys "zh-CN", "en"; only the languages that have one).</summary>
public sealed record ChatSiteDto(
    int Id, string Key, string Name, string Secret, int? TeamId, string[] AllowedOrigins, string Color, string Greeting,
    string OfflineMessage, string[] PreChatFields, IReadOnlyDictionary<string, string> Greetings, IReadOnlyDictionary<string, string> OfflineMessages);

/// <summary>Greetings/OfflineMessages by language ("zh-CN", "en"; "" clears one); null leaves them as they are, so a
/// client that does not know them keeps what an admin set.</summary>
public sealed record SaveChatSiteRequest(
    string Name, int? TeamId, string[]? AllowedOrigins, string? Color, string? Greeting, string? OfflineMessage, string[]? PreChatFields,
    Dictionary<string, string?>? Greetings = null, Dictionary<string, string?>? OfflineMessages = null);

/// <summary>A deleted chat site, as the admin sees it to restore it (decision 0019).</summary>
public sealed record DeletedChatSiteDto(int Id, string Key, string Name, DateTime DeletedAt);
