using System.Collections.Frozen;
using System.Reflection;

namespace Kefu.Platform.Events;

/// <summary>Maps stored event type names back to types, each event type to its handler types, and a handler that
/// filters by the event alone (<see cref="IEventFilter{TEvent}"/>) to its filter.</summary>
public sealed class EventRegistry
{
    public FrozenDictionary<string, Type> EventTypes { get; }
    public FrozenDictionary<Type, Type[]> Handlers { get; }
    public FrozenDictionary<Type, Type[]> Observers { get; }
    /// <summary>Per (handler type, event type), <see cref="IEventFilter{TEvent}.Accepts"/> as a delegate.</summary>
    public FrozenDictionary<(Type Handler, Type Event), Func<IDomainEvent, bool>> Filters { get; }

    public EventRegistry(IEnumerable<Assembly> assemblies)
    {
        var types = assemblies.SelectMany(a => a.GetTypes()).Where(t => !t.IsAbstract && !t.IsInterface).ToList();
        EventTypes = types.Where(t => typeof(IDomainEvent).IsAssignableFrom(t)).ToFrozenDictionary(t => t.Name);
        Handlers = Implementations(types, typeof(IEventHandler<>));
        Observers = Implementations(types, typeof(IEventObserver<>));
        Filters = Implementations(types, typeof(IEventFilter<>))
            .SelectMany(p => p.Value.Select(h => (Handler: h, Event: p.Key)))
            .ToFrozenDictionary(x => x, x => typeof(EventRegistry).GetMethod(nameof(Filter), BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(x.Handler, x.Event).CreateDelegate<Func<IDomainEvent, bool>>());
    }

    /// <summary>Whether <paramref name="handlerType"/> takes <paramref name="e"/> (of type <paramref name="eventType"/>), as far
    /// as the event alone says; true for a handler without a filter.</summary>
    public bool Accepts(Type handlerType, Type eventType, IDomainEvent e) =>
        !Filters.TryGetValue((handlerType, eventType), out var accepts) || accepts(e);

    private static bool Filter<THandler, TEvent>(IDomainEvent e) where THandler : IEventFilter<TEvent> where TEvent : IDomainEvent =>
        THandler.Accepts((TEvent)e);

    public IEnumerable<Type> AllHandlerTypes => Handlers.Values.SelectMany(h => h).Distinct();
    public IEnumerable<Type> AllObserverTypes => Observers.Values.SelectMany(h => h).Distinct();

    private static FrozenDictionary<Type, Type[]> Implementations(IEnumerable<Type> types, Type generic) => types
        .SelectMany(t => t.GetInterfaces()
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == generic)
            .Select(i => (Event: i.GetGenericArguments()[0], Implementation: t)))
        .GroupBy(x => x.Event)
        .ToFrozenDictionary(g => g.Key, g => g.Select(x => x.Implementation).ToArray());
}
