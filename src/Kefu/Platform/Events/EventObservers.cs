using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;

namespace Kefu.Platform.Events;

/// <summary>
/// Runs the in-memory observers (<see cref="IEventObserver{TEvent}"/>) of committed events: for the events this node's
/// dispatcher delivers, and on PostgreSQL for those other nodes delivered (<see cref="PostgresEventFanout"/>), so an
/// open screen refreshes whichever node it is connected to.
/// </summary>
public sealed class EventObservers(IServiceProvider services, EventRegistry registry, ILogger<EventObservers> log)
{
    private delegate void ObserverInvoker(object observer, IDomainEvent e, EventContext context);
    // Typed delegates built once per event type: MethodInfo.Invoke per call would allocate and emit invoke stubs.
    private static readonly ConcurrentDictionary<Type, ObserverInvoker> Invokers = new();

    /// <summary>Whether anything observes events of this type (only those are announced to other nodes).</summary>
    public bool AreObserved(Type eventType) => registry.Observers.ContainsKey(eventType);

    /// <summary>The stored event back as its type; null (logged) for a type this build does not know.</summary>
    public (IDomainEvent Event, Type Type)? Read(OutboxMessage message)
    {
        if (!registry.EventTypes.TryGetValue(message.Type, out var type))
        {
            log.LogWarning("Unknown event type {Type} in outbox row {Id}", message.Type, message.Id);
            return null;
        }
        return ((IDomainEvent)JsonSerializer.Deserialize(message.Payload, type, KefuJson.Stored)!, type);
    }

    /// <summary>Calls every observer of the event; one failing observer is logged and does not stop the others.</summary>
    public void Run(IDomainEvent e, Type type, EventContext context)
    {
        foreach (var observerType in registry.Observers.GetValueOrDefault(type, []))
        {
            try { Invokers.GetOrAdd(type, Build)(services.GetRequiredService(observerType), e, context); }
            catch (Exception ex) { log.LogWarning(ex, "Observer {Observer} failed for event {EventId}", observerType.Name, context.EventId); }
        }
    }

    private static ObserverInvoker Build(Type eventType) =>
        typeof(EventObservers).GetMethod(nameof(Invoke), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(eventType).CreateDelegate<ObserverInvoker>();

    private static void Invoke<T>(object observer, IDomainEvent e, EventContext context) where T : IDomainEvent =>
        ((IEventObserver<T>)observer).OnEvent((T)e, context);
}
