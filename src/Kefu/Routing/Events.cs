using Kefu.Platform.Events;

namespace Kefu.Routing;

/// <summary>An admin retrain job was queued, claimed by a node, or finished (see routing_retrain_jobs for its state).</summary>
public sealed record TriageRetrainJobChanged(int JobId) : IDomainEvent;
