namespace Kefu.Chat;

/// <summary>A web site (or app) that embeds the widget: its public key, verification secret, look and rules.</summary>
public sealed class ChatSite
{
    public int Id { get; set; }
    /// <summary>Public key put in the embed snippet.</summary>
    public required string Key { get; set; }
    public required string Name { get; set; }
    /// <summary>Secret the host site's server uses to sign its logged-in user's id (HMAC-SHA256, identity verification).</summary>
    public required string Secret { get; set; }
    /// <summary>Team whose queue receives this site's chats.</summary>
    public int? TeamId { get; set; }
    /// <summary>Origins allowed to embed the widget, one per line ("*" or empty = any).</summary>
    public string AllowedOrigins { get; set; } = "";
    public string Color { get; set; } = "#1565c0";
    /// <summary>The default greeting, for a widget language with none of its own (the single greeting of old).</summary>
    public string Greeting { get; set; } = "";
    /// <summary>The default "leave a message" text, for a widget language with none of its own.</summary>
    public string OfflineMessage { get; set; } = "";
    /// <summary>Greeting and offline text for the widget's zh-CN and en languages ("" = the default above).</summary>
    public string GreetingZhCn { get; set; } = "";
    public string GreetingEn { get; set; } = "";
    public string OfflineMessageZhCn { get; set; } = "";
    public string OfflineMessageEn { get; set; } = "";
    /// <summary>Pre-chat form fields, comma separated: name, email, phone ("" = no form).</summary>
    public string PreChatFields { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    /// <summary>Set when an admin deleted the site (decision 0019): its key is refused, its conversations and tickets stay.</summary>
    public DateTime? DeletedAt { get; set; }
}

public enum ConversationState { Bot, Queued, Active, Offline, Ended }

public enum ChatSender { Visitor, Agent, Bot, System }

/// <summary>A browser (or app install) talking to us; known by a signed visitor token, optionally a verified app user.</summary>
public sealed class ChatVisitor
{
    public Guid Id { get; set; }
    public int SiteId { get; set; }
    /// <summary>The Tickets customer this visitor became (set with the first conversation).</summary>
    public long? CustomerId { get; set; }
    /// <summary>Host site's user id, only when its signature verified.</summary>
    public string? AppUserId { get; set; }
    public string? Name { get; set; }
    /// <summary>Contact details typed in the pre-chat form (unverified).</summary>
    public string? Email { get; set; }
    public string? Phone { get; set; }
    public string? PageUrl { get; set; }
    public string? UserAgent { get; set; }
    public string? Locale { get; set; }
    public string? RemoteAddress { get; set; }
    /// <summary>Set when the visitor went over the review threshold (messages per minute).</summary>
    public DateTime? FlaggedAt { get; set; }
    public string? FlagReason { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime LastSeenAt { get; set; }
}

/// <summary>One chat = one ticket on channel chat. Holds the live state the ticket does not: queue, agent, sequence.</summary>
public sealed class ChatConversation
{
    public long Id { get; set; }
    public int SiteId { get; set; }
    public Guid VisitorId { get; set; }
    public long TicketId { get; set; }
    public int? TeamId { get; set; }
    public ConversationState State { get; set; }
    /// <summary>Agent currently chatting (the ticket's assignee); the ticket's owner (首问负责) is Tickets' business.</summary>
    public Guid? AgentId { get; set; }
    public DateTime? QueuedAt { get; set; }
    public DateTime? AcceptedAt { get; set; }
    public DateTime? EndedAt { get; set; }
    /// <summary>Highest sequence number given to a message of this conversation (allocated under a row lock).</summary>
    public long LastSeq { get; set; }
    public long VisitorReadSeq { get; set; }
    public long AgentReadSeq { get; set; }
    public int? Rating { get; set; }
    public string? RatingComment { get; set; }
    public string? PageUrl { get; set; }
    public string? UserAgent { get; set; }
    public string? Locale { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>A chat message with its place in the conversation; the same text is a message of the ticket.</summary>
public sealed class ChatMessage
{
    public long Id { get; set; }
    public long ConversationId { get; set; }
    /// <summary>1, 2, 3… per conversation: the one order every client shows.</summary>
    public long Seq { get; set; }
    /// <summary>Id the sending client generated; a retry with the same id is acknowledged, not stored twice.</summary>
    public string? ClientId { get; set; }
    public ChatSender Sender { get; set; }
    public Guid? AuthorUserId { get; set; }
    public string? AuthorName { get; set; }
    public required string Body { get; set; }
    /// <summary>JSON array of {id,name,type,size}.</summary>
    public string? Attachments { get; set; }
    public long? TicketMessageId { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>Who uploaded an attachment through the widget (visitors share the system uploader in Tickets).</summary>
public sealed class ChatUpload
{
    public long AttachmentId { get; set; }
    public Guid VisitorId { get; set; }
    public DateTime CreatedAt { get; set; }
}
