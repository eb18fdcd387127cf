namespace Kefu.Platform.Events;

/// <summary>A fact that happened, named in the past tense, carrying ids rather than entities.</summary>
public interface IDomainEvent;

/// <summary>One reacting concern. Handlers run at least once per event, so they must be idempotent; the
/// dispatcher records a receipt in the handler's own transaction so a completed handler is not run again.</summary>
public interface IEventHandler<in TEvent> where TEvent : IDomainEvent
{
    Task HandleAsync(TEvent e, EventContext context, CancellationToken ct);

    /// <summary>Whether the event concerns this handler at all, decided from the event and the handler's configuration
    /// (no I/O). When false the dispatcher skips the handler without a transaction or receipt: a message event that only
    /// replies care about should not cost every customer message a write. A decision from the event alone belongs in
    /// <see cref="IEventFilter{TEvent}"/>, which spares the handler's scope as well.</summary>
    bool Handles(TEvent e) => true;
}

/// <summary>
/// For a handler that can turn events down from the event alone: the dispatcher asks <see cref="Accepts"/> before it
/// creates a scope and resolves the handler (with its services and a pooled context), so a chunk that has nothing for
/// the handler costs nothing at all. <see cref="IEventHandler{TEvent}.Handles"/> is still asked for what is accepted.
/// </summary>
public interface IEventFilter<in TEvent> where TEvent : IDomainEvent
{
    static abstract bool Accepts(TEvent e);
}

public sealed record EventContext(long EventId, DateTime OccurredAt);

/// <summary>
/// A best-effort, in-memory reaction (push to open screens, cache invalidation): called once per delivery, after the
/// event's transaction committed, without a receipt or transaction of its own, never retried. Must not write data.
/// </summary>
public interface IEventObserver<in TEvent> where TEvent : IDomainEvent
{
    void OnEvent(TEvent e, EventContext context);
}
