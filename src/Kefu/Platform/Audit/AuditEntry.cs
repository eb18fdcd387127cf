using Kefu.Platform.Text;
using Kefu.Platform.Auth;
using Kefu.Platform.Database;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using System.Text.Json.Nodes;

namespace Kefu.Platform.Audit;

/// <summary>Who changed what, when and from where. Written in the same transaction as the change.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public DateTime At { get; set; }
    public Guid? ActorId { get; set; }
    public string? ActorName { get; set; }
    /// <summary>web, api-token or system.</summary>
    public required string Via { get; set; }
    public string? RemoteAddress { get; set; }
    /// <summary>The client's User-Agent header (at most <see cref="UserAgentMax"/> characters): for a circuit, the one
    /// of the request that started it.</summary>
    public string? UserAgent { get; set; }
    public required string EntityType { get; set; }
    public required string EntityId { get; set; }
    public required string Action { get; set; }
    /// <summary>JSON object: field → [old, new], or free details.</summary>
    public string? Changes { get; set; }

    public const int UserAgentMax = 200;

    /// <summary>The header cut to <see cref="UserAgentMax"/> characters; null when absent or blank.</summary>
    public static string? CutUserAgent(string? value) =>
        string.IsNullOrWhiteSpace(value) ? null : TextCut.Cut(value.Trim(), UserAgentMax);
}

internal sealed class AuditConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.ToTable("platform_audit");
        b.Property(x => x.ActorName).HasMaxLength(100);
        b.Property(x => x.Via).HasMaxLength(20);
        b.Property(x => x.RemoteAddress).HasMaxLength(64);
        b.Property(x => x.UserAgent).HasMaxLength(AuditEntry.UserAgentMax);
        b.Property(x => x.EntityType).HasMaxLength(50);
        b.Property(x => x.EntityId).HasMaxLength(64);
        b.Property(x => x.Action).HasMaxLength(50);
        b.HasIndex(x => new { x.EntityType, x.EntityId, x.Id });
        b.HasIndex(x => x.At);
        b.HasIndex(x => x.ActorId);
    }
}

/// <summary>Adds audit rows to the current unit of work.</summary>
public sealed class AuditLog(KefuDb db, CurrentUser user, StaffDirectory directory, TimeProvider time)
{
    public async Task RecordAsync(string entityType, object entityId, string action, object? changes, CancellationToken ct)
    {
        string? name = null;
        if (user.UserId is { } id) name = (await directory.GetAsync(id, ct))?.DisplayName;
        db.AddAudit(new AuditEntry
        {
            At = time.UtcNow(),
            ActorId = user.UserId,
            ActorName = name,
            Via = user.Via,
            RemoteAddress = user.RemoteAddress,
            UserAgent = user.UserAgent,
            EntityType = entityType,
            EntityId = entityId.ToString()!,
            Action = action,
            Changes = changes is null ? null : System.Text.Json.JsonSerializer.Serialize(changes, KefuJson.Stored),
        });
    }
}

/// <summary>Collects field changes as [old, new] pairs for an audit row.</summary>
public sealed class ChangeSet
{
    public Dictionary<string, object?[]> Fields { get; } = [];
    public bool Any => Fields.Count > 0;

    public bool Set<T>(string field, T oldValue, T newValue)
    {
        if (EqualityComparer<T>.Default.Equals(oldValue, newValue)) return false;
        Fields[field] = [oldValue, newValue];
        return true;
    }
}

public sealed record AuditDto(long Id, DateTime At, Guid? ActorId, string? ActorName, string Via, string? RemoteAddress,
    string? UserAgent, string EntityType, string EntityId, string Action, JsonNode? Changes)
{
    /// <summary>With <paramref name="maskPii"/> (an outsourced reader) the values in the changes are masked as in every
    /// other response: a subject or note may hold a phone number, an identity change holds the address itself.</summary>
    public static AuditDto From(AuditEntry a, bool maskPii) => new(a.Id, a.At, a.ActorId, a.ActorName, a.Via, a.RemoteAddress, a.UserAgent, a.EntityType,
        a.EntityId, a.Action, ChangesOf(a, maskPii));

    public static JsonNode? ChangesOf(AuditEntry a, bool maskPii)
    {
        var node = a.Changes is null ? null : JsonNode.Parse(a.Changes);
        return maskPii ? PiiMasker.Json(node) : node;
    }
}
