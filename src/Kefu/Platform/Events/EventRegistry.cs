using System.Collections.Frozen;
using System.Reflection;

namespace Kefu.Platform.Events;

/// <summary>Maps stored event type names back to types, and each event type to its handler types.</summary>
public sealed class EventRegistry
{
    public FrozenDictionary<string, Type> EventTypes { get; }
    public FrozenDictionary<Type, Type[]> Handlers { get; }
    public FrozenDictionary<Type, Type[]> Observers { get; }

    public EventRegistry(IEnumerable<Assembly> assemblies)
    {
        var types = assemblies.SelectMany(a => a.GetTypes()).Where(t => !t.IsAbstract && !t.IsInterface).ToList();
        EventTypes = types.Where(t => typeof(IDomainEvent).IsAssignableFrom(t)).ToFrozenDictionary(t => t.Name);
        Handlers = Implementations(types, typeof(IEventHandler<>));
        Observers = Implementations(types, typeof(IEventObserver<>));
    }

    public IEnumerable<Type> AllHandlerTypes => Handlers.Values.SelectMany(h => h).Distinct();
    public IEnumerable<Type> AllObserverTypes => Observers.Values.SelectMany(h => h).Distinct();

    private static FrozenDictionary<Type, Type[]> Implementations(IEnumerable<Type> types, Type generic) => types
        .SelectMany(t => t.GetInterfaces()
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == generic)
            .Select(i => (Event: i.GetGenericArguments()[0], Implementation: t)))
        .GroupBy(x => x.Event)
        .ToFrozenDictionary(g => g.Key, g => g.Select(x => x.Implementation).ToArray());
}
