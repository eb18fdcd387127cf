using System.Collections.Concurrent;

namespace Kefu.Tickets.Live;

public sealed record Viewer(string Session, Guid UserId, string Name, bool Typing);

/// <summary>
/// Who has a ticket open, and who is typing in it, for collision warnings. Kept in this node's memory: it is
/// ephemeral by nature (a restart forgets it, correctly). Across several nodes it needs a shared channel (Redis).
/// </summary>
public sealed class PresenceTracker
{
    private readonly ConcurrentDictionary<long, ConcurrentDictionary<string, Viewer>> _byTicket = new();

    public event Action<long>? Changed;

    public void Enter(long ticketId, Viewer viewer)
    {
        _byTicket.GetOrAdd(ticketId, _ => new())[viewer.Session] = viewer;
        Changed?.Invoke(ticketId);
    }

    public void SetTyping(long ticketId, string session, bool typing)
    {
        if (_byTicket.TryGetValue(ticketId, out var viewers) && viewers.TryGetValue(session, out var v) && v.Typing != typing)
        {
            viewers[session] = v with { Typing = typing };
            Changed?.Invoke(ticketId);
        }
    }

    public void Leave(long ticketId, string session)
    {
        if (_byTicket.TryGetValue(ticketId, out var viewers) && viewers.TryRemove(session, out _))
        {
            if (viewers.IsEmpty) _byTicket.TryRemove(ticketId, out _);
            Changed?.Invoke(ticketId);
        }
    }

    public IReadOnlyList<Viewer> Others(long ticketId, string session) =>
        _byTicket.TryGetValue(ticketId, out var viewers) ? [.. viewers.Values.Where(v => v.Session != session)] : [];
}
