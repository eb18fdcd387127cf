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
/// The model is not loaded at start (it is ~50 MiB of a ~270 MiB idle server): the first <see cref="Demand"/> asks
/// <see cref="TriageTrainingService"/> to load it from its cache file (or train it) in the background; callers that
/// find it missing go on without it (create-time triage is skipped and the event handler triages afterwards).
/// </summary>
public sealed class TriageClassifier(IOptions<TriageOptions> options)
{
    private volatile TriageModel? _model;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _wanted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The model in use, or null when it is not loaded yet. Does not ask for it (see <see cref="Demand"/>).</summary>
    public TriageModel? Current => _model;

    /// <summary>Completes when the first model is loaded or trained.</summary>
    public Task Ready => _ready.Task;

    /// <summary>True once something needed the model (it is loading or loaded).</summary>
    public bool Wanted => _wanted.Task.IsCompleted;

    /// <summary>Completes at the first <see cref="Demand"/>: the trainer waits for it before loading the model.</summary>
    public Task WhenWanted => _wanted.Task;

    /// <summary>The current model, or null while it is loading; the first call starts loading it in the background.</summary>
    public TriageModel? Demand()
    {
        var model = _model;
        if (model is null) _wanted.TrySetResult();
        return model;
    }

    public void Swap(TriageModel model)
    {
        Interlocked.Exchange(ref _model, model);
        _wanted.TrySetResult();
        _ready.TrySetResult();
    }

    /// <summary>Asks for the model and waits until it is there.</summary>
    public async Task<TriageModel> WaitAsync(CancellationToken ct)
    {
        Demand();
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
