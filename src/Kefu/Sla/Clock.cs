using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kefu.Sla;

public enum ClockState { Running, Paused, Met, Breached, Stopped }

/// <summary>
/// One SLA target of one ticket (first response, next response or resolution). <see cref="NextDueAt"/> is the
/// next instant the sweeper must look at it (the warning, then the breach), null when nothing is pending; it is
/// indexed, and the sweeper claims a due row with a conditional UPDATE on it, so each warning and breach fires
/// once however many nodes sweep.
/// </summary>
public sealed class SlaClock
{
    public long Id { get; set; }
    public long TicketId { get; set; }
    public SlaMetric Metric { get; set; }
    /// <summary>Next responses repeat: each customer message after a reply starts a new cycle.</summary>
    public int Cycle { get; set; }
    public int PolicyId { get; set; }
    public int TargetMinutes { get; set; }
    public bool BusinessHours { get; set; }
    public int? CalendarId { get; set; }
    public int WarnAtPercent { get; set; }
    public ClockState State { get; set; }
    public DateTime StartedAt { get; set; }
    public DateTime? WarnAt { get; set; }
    public DateTime? DueAt { get; set; }
    /// <summary>While paused: service time that was left until the warning and until the due time.</summary>
    public DateTime? PausedAt { get; set; }
    public long? RemainingWarnSeconds { get; set; }
    public long? RemainingDueSeconds { get; set; }
    public DateTime? WarnedAt { get; set; }
    public DateTime? BreachedAt { get; set; }
    /// <summary>Who held the ticket (assignee, else owner) when the target was breached.</summary>
    public Guid? BreachedHolderId { get; set; }
    public DateTime? CompletedAt { get; set; }
    public DateTime? NextDueAt { get; set; }

    /// <summary>The next sweep instant from the current state: the warning if not yet given, else the breach.</summary>
    public DateTime? ComputeNextDue() => State is not ClockState.Running ? null
        : WarnedAt is null && WarnAt is not null ? WarnAt
        : BreachedAt is null ? DueAt
        : null;
}

internal sealed class ClockConfiguration : IEntityTypeConfiguration<SlaClock>
{
    public void Configure(EntityTypeBuilder<SlaClock> b)
    {
        b.ToTable("sla_ticket_clocks");
        b.HasIndex(x => new { x.TicketId, x.Metric }).IsUnique();
        // The sweeper's only query: "next_due_at <= now ORDER BY next_due_at, id LIMIT n". With the id in the key the
        // index hands rows over in that order (PostgreSQL stops after n rows instead of sorting every due row); the
        // filter keeps met and stopped clocks — most of the table — out of it.
        b.HasIndex(x => new { x.NextDueAt, x.Id }).HasFilter("next_due_at IS NOT NULL");
        b.HasOne<SlaPolicy>().WithMany().HasForeignKey(x => x.PolicyId).OnDelete(DeleteBehavior.Restrict);
    }
}
