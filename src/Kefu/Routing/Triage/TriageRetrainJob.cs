namespace Kefu.Routing.Triage;

public enum TriageRetrainState { Queued, Training, Succeeded, Failed }

/// <summary>This node's model: not loaded yet (nothing needed it since start), loading (from its cache file, or being
/// trained), ready; or triage is disabled.</summary>
public enum TriageModelState { Disabled, NotLoaded, Loading, Ready }

/// <summary>An admin "retrain now" request: queued, run by the training service's loop (never inside the request),
/// then succeeded with the version it produced (swapped in) or failed with the reason. One at a time per node:
/// asking again while one is queued or training returns that one.</summary>
public sealed record TriageRetrainJob(
    int Id, TriageRetrainState State, DateTime RequestedAt, DateTime? StartedAt, DateTime? FinishedAt, int? Version,
    double? HoldbackAccuracy, string? Error)
{
    public bool Done => State is TriageRetrainState.Succeeded or TriageRetrainState.Failed;
}
