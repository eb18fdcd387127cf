using Kefu.Tickets;
using Microsoft.Extensions.Options;

namespace Kefu.Routing.Triage;

/// <summary>The outcome for one ticket text. <see cref="Leaf"/> is null when nothing was confident enough
/// (the ticket goes to manual triage).</summary>
public sealed record TriageResult(
    string? Leaf, double Confidence, TicketPriority? Priority, bool Urgent, int? RuleId, string? RuleName,
    string PredictedLeaf, double ModelConfidence, string Level1, int ModelVersion, IReadOnlyList<(string Leaf, float Probability)> Top)
{
    public bool Manual => Leaf is null;
}

/// <summary>
/// Holds the current model (swapped atomically when a newer version is trained) and combines it with the admin rules:
/// a matching rule's category and priority win over the model; below the confidence threshold no category is set.
/// </summary>
public sealed class TriageClassifier(IOptions<TriageOptions> options)
{
    private volatile TriageModel? _model;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TriageModel? Current => _model;

    /// <summary>Completes when the first model is loaded or trained.</summary>
    public Task Ready => _ready.Task;

    public void Swap(TriageModel model)
    {
        Interlocked.Exchange(ref _model, model);
        _ready.TrySetResult();
    }

    public async Task<TriageModel> WaitAsync(CancellationToken ct)
    {
        await _ready.Task.WaitAsync(ct);
        return _model!;
    }

    public TriageResult Classify(TriageModel model, string text, IReadOnlyList<CompiledRule> rules)
    {
        var prediction = model.Predict(text);
        var normalized = TextNormalizer.Normalize(text);
        string? ruleLeaf = null;
        int? ruleId = null;
        string? ruleName = null;
        TicketPriority? rulePriority = null;
        foreach (var rule in rules)
        {
            if (!rule.Matches(normalized, text)) continue;
            ruleId ??= rule.Id;
            ruleName ??= rule.Name;
            if (rule.Leaf is not null && ruleLeaf is null) ruleLeaf = rule.Leaf;
            if (rule.Priority is { } p && (rulePriority is null || p > rulePriority)) rulePriority = p;
        }
        var modelUrgent = prediction.UrgentProbability >= TriageModel.UrgentThreshold || prediction.UrgentWord;
        var urgent = rulePriority == TicketPriority.Urgent || (rulePriority is null && modelUrgent);
        var leaf = ruleLeaf ?? (prediction.Confidence >= options.Value.ConfidenceThreshold ? prediction.Leaf : null);
        var priority = rulePriority ?? (urgent ? TicketPriority.Urgent : null);
        return new TriageResult(leaf, ruleLeaf is not null ? 1.0 : prediction.Confidence, priority, urgent, ruleId, ruleName,
            prediction.Leaf, prediction.Confidence, prediction.Level1, model.Version, prediction.Top);
    }
}
