using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kefu.Routing.Triage;

public enum TriageRetrainState { Queued, Training, Succeeded, Failed }

/// <summary>This node's model: not loaded yet (nothing needed it since start), loading (from its cache file, or being
/// trained), ready; or triage is disabled.</summary>
public enum TriageModelState { Disabled, NotLoaded, Loading, Ready }

/// <summary>An admin "retrain now" request: queued, run by some node's training loop (never inside the request),
/// then succeeded with the version it produced (swapped in) or failed with the reason. One at a time: asking again
/// while one is queued or training returns that one. Stored in the database, so any node answers for it and a
/// restart still shows the last one.</summary>
public sealed record TriageRetrainJob(
    int Id, TriageRetrainState State, DateTime RequestedAt, DateTime? StartedAt, DateTime? FinishedAt, int? Version,
    double? HoldbackAccuracy, string? Error)
{
    public bool Done => State is TriageRetrainState.Succeeded or TriageRetrainState.Failed;
}

/// <summary>The stored retrain job (routing_retrain_jobs). <see cref="Node"/>: the node that claimed it (for the log).</summary>
public sealed class TriageRetrainRecord
{
    public int Id { get; set; }
    public TriageRetrainState State { get; set; }
    public DateTime RequestedAt { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    public int? Version { get; set; }
    public double? HoldbackAccuracy { get; set; }
    public string? Error { get; set; }
    public string? Node { get; set; }

    public TriageRetrainJob ToJob() => new(Id, State, RequestedAt, StartedAt, FinishedAt, Version, HoldbackAccuracy, Error);
}

internal sealed class TriageRetrainConfiguration : IEntityTypeConfiguration<TriageRetrainRecord>
{
    public void Configure(EntityTypeBuilder<TriageRetrainRecord> b)
    {
        b.ToTable("routing_retrain_jobs");
        b.Property(x => x.State).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Error).HasMaxLength(2000);
        b.Property(x => x.Node).HasMaxLength(200);
        b.HasIndex(x => x.State);
    }
}
