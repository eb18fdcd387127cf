using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kefu.Platform.Events;

public sealed class OutboxMessage
{
    public long Id { get; set; }
    public required string Type { get; set; }
    public required string Payload { get; set; }
    public DateTime OccurredAt { get; set; }
    public DateTime? DispatchedAt { get; set; }
    public int Attempts { get; set; }
    public DateTime? NextAttemptAt { get; set; }
    public string? LastError { get; set; }

    public static OutboxMessage From(IDomainEvent e, DateTime now) => new()
    {
        Type = e.GetType().Name,
        Payload = JsonSerializer.Serialize(e, e.GetType(), KefuJson.Stored),
        OccurredAt = now,
    };
}

/// <summary>Marks that one handler finished one event; written in the handler's transaction (dedupe key).</summary>
public sealed class EventReceipt
{
    public long EventId { get; set; }
    public required string Handler { get; set; }
    public DateTime HandledAt { get; set; }
}

internal sealed class OutboxConfiguration : IEntityTypeConfiguration<OutboxMessage>, IEntityTypeConfiguration<EventReceipt>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> b)
    {
        b.ToTable("platform_outbox");
        b.Property(x => x.Type).HasMaxLength(200);
        b.HasIndex(x => new { x.DispatchedAt, x.Id });
    }

    public void Configure(EntityTypeBuilder<EventReceipt> b)
    {
        b.ToTable("platform_event_receipts");
        b.HasKey(x => new { x.EventId, x.Handler });
        b.Property(x => x.Handler).HasMaxLength(300);
    }
}
