using Kefu.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kefu.Routing.Triage;

/// <summary>An admin rule: keywords (|-separated) or a regular expression over the normalised ticket text that sets
/// a category and/or a priority, overriding the model.</summary>
public sealed class TriageRule
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public required string Pattern { get; set; }
    public bool IsRegex { get; set; }
    /// <summary>A leaf of the taxonomy (Tickets' category id), or null for a priority-only rule.</summary>
    public int? CategoryId { get; set; }
    public TicketPriority? Priority { get; set; }
    public bool IsEnabled { get; set; } = true;
    public int SortOrder { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>A labelled example from an agent's correction: the ticket's text and the leaf the agent chose.
/// One per ticket; the agent's latest choice wins.</summary>
public sealed class TriageCorrection
{
    public long Id { get; set; }
    public long TicketId { get; set; }
    public required string Text { get; set; }
    public required string Leaf { get; set; }
    public string? PredictedLeaf { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>A trained model version: what it was trained on and how it did on the held-back split.</summary>
public sealed class TriageModelVersion
{
    public int Id { get; set; }
    public int Version { get; set; }
    public DateTime TrainedAt { get; set; }
    public int ShippedExamples { get; set; }
    public int Corrections { get; set; }
    /// <summary>Corrections with an id up to this one were available; any node rebuilds the same model from them.</summary>
    public long MaxCorrectionId { get; set; }
    public int HoldbackCount { get; set; }
    public double HoldbackAccuracy { get; set; }
    public double HoldbackLevel1Accuracy { get; set; }
    public int TrainMillis { get; set; }
}

/// <summary>What triage decided for a ticket (also the handler's idempotency record).</summary>
public sealed class TriageDecision
{
    public long TicketId { get; set; }
    /// <summary>The leaf triage applied; null when it left the category alone or sent the ticket to manual triage.</summary>
    public string? Leaf { get; set; }
    public string? PredictedLeaf { get; set; }
    public double Confidence { get; set; }
    public int ModelVersion { get; set; }
    public int? RuleId { get; set; }
    public TicketPriority? Priority { get; set; }
    public bool Manual { get; set; }
    public DateTime DecidedAt { get; set; }
}

internal sealed class TriageConfiguration :
    IEntityTypeConfiguration<TriageRule>, IEntityTypeConfiguration<TriageCorrection>,
    IEntityTypeConfiguration<TriageModelVersion>, IEntityTypeConfiguration<TriageDecision>
{
    public void Configure(EntityTypeBuilder<TriageRule> b)
    {
        b.ToTable("routing_rules");
        b.Property(x => x.Name).HasMaxLength(100);
        b.Property(x => x.Pattern).HasMaxLength(1000);
    }

    public void Configure(EntityTypeBuilder<TriageCorrection> b)
    {
        b.ToTable("routing_examples");
        b.Property(x => x.Text).HasMaxLength(2000);
        b.Property(x => x.Leaf).HasMaxLength(200);
        b.Property(x => x.PredictedLeaf).HasMaxLength(200);
        b.HasIndex(x => x.TicketId).IsUnique();
    }

    public void Configure(EntityTypeBuilder<TriageModelVersion> b)
    {
        b.ToTable("routing_model_versions");
        b.HasIndex(x => x.Version).IsUnique();
    }

    public void Configure(EntityTypeBuilder<TriageDecision> b)
    {
        b.ToTable("routing_decisions");
        b.HasKey(x => x.TicketId);
        b.Property(x => x.TicketId).ValueGeneratedNever();
        b.Property(x => x.Leaf).HasMaxLength(200);
        b.Property(x => x.PredictedLeaf).HasMaxLength(200);
    }
}
