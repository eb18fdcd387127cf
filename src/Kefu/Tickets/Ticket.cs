namespace Kefu.Tickets;

public sealed class Ticket
{
    public long Id { get; set; }
    public long Number => Id + TicketRules.NumberOffset;
    public required string Subject { get; set; }
    public Channel Channel { get; set; }
    public TicketStatus Status { get; set; }
    public TicketPriority Priority { get; set; }
    public int? CategoryId { get; set; }
    public int? TeamId { get; set; }
    public Guid? AssigneeId { get; set; }
    /// <summary>首问负责: the first agent to reply; stays accountable after transfers.</summary>
    public Guid? OwnerId { get; set; }
    public long CustomerId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? FirstRepliedAt { get; set; }
    public DateTime? SolvedAt { get; set; }
    public DateTime? ClosedAt { get; set; }
    public long? MergedIntoId { get; set; }
    public string? ExternalId { get; set; }
    public int Version { get; set; }
    public Customer Customer { get; set; } = null!;
    public List<TicketTag> Tags { get; set; } = [];
}

public sealed class Message
{
    public long Id { get; set; }
    public long TicketId { get; set; }
    public MessageKind Kind { get; set; }
    public Channel Channel { get; set; }
    public Guid? AuthorUserId { get; set; }
    public long? AuthorCustomerId { get; set; }
    /// <summary>Plain text, always present (derived from HTML when only HTML was sent).</summary>
    public required string Body { get; set; }
    /// <summary>Sanitised HTML, when the message had HTML.</summary>
    public string? BodyHtml { get; set; }
    /// <summary>The channel's own id (Message-ID, WeChat MsgId, client id) for de-duplication.</summary>
    public string? ExternalId { get; set; }
    public DateTime CreatedAt { get; set; }
    public List<Attachment> Attachments { get; set; } = [];
}

public sealed class Attachment
{
    public long Id { get; set; }
    public long? MessageId { get; set; }
    public Guid? UploadedBy { get; set; }
    public required string FileName { get; set; }
    public required string ContentType { get; set; }
    public long Size { get; set; }
    public required string Sha256 { get; set; }
    /// <summary>Path relative to the attachments folder under KEFU_DATA_DIR.</summary>
    public required string StorageKey { get; set; }
    public DateTime CreatedAt { get; set; }
}

public sealed class Tag
{
    private string _name = "";

    public int Id { get; set; }

    /// <summary>As first spelt; setting it sets <see cref="NormalizedName"/> (EF reads both columns as stored).</summary>
    public required string Name
    {
        get => _name;
        set { _name = value; NormalizedName = Normalize(value); }
    }

    /// <summary>The name's case-insensitive key, unique (decision 0065): <see cref="Normalize"/> of the name.</summary>
    public string NormalizedName { get; private set; } = "";

    public DateTime CreatedAt { get; set; }

    /// <summary>The key names are matched by: lower-cased, invariant culture.</summary>
    public static string Normalize(string name) => name.ToLowerInvariant();
}

public sealed class TicketTag
{
    public long TicketId { get; set; }
    public int TagId { get; set; }
    public Tag Tag { get; set; } = null!;
}

/// <summary>A node of the 3-level problem taxonomy (e.g. 订单服务/下单问题/无法支付).</summary>
public sealed class Category
{
    public int Id { get; set; }
    public int? ParentId { get; set; }
    public required string Name { get; set; }
    public int Level { get; set; }
    public int SortOrder { get; set; }
    public TicketPriority? DefaultPriority { get; set; }
    public int? DefaultTeamId { get; set; }
    public bool IsActive { get; set; } = true;
    public int Version { get; set; }
}
