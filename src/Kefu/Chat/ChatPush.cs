using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;

namespace Kefu.Chat;

/// <summary>A change agents' screens care about (in-process, like the ticket feed).</summary>
public sealed record ChatSignal(long ConversationId, long TicketId, string Kind, ChatMessageDto? Message = null, bool Typing = false);

/// <summary>
/// Pushes to visitors (their SignalR group, which a Redis backplane would spread over nodes) and to agents' Blazor
/// circuits (in-process event). Also tracks which visitors have a connection open on this node.
/// </summary>
public sealed class ChatPush(IHubContext<WidgetHub> hub)
{
    private readonly ConcurrentDictionary<Guid, int> _online = new();

    public event Action<ChatSignal>? Changed;

    public static string VisitorGroup(Guid visitorId) => "v:" + visitorId.ToString("N");

    public Task ToVisitorAsync(Guid visitorId, string method, object? arg) =>
        hub.Clients.Group(VisitorGroup(visitorId)).SendAsync(method, arg);

    public void ToAgents(ChatSignal signal)
    {
        try { Changed?.Invoke(signal); } catch (Exception) { /* a broken screen must not break the sender */ }
    }

    public void Connected(Guid visitorId) => _online.AddOrUpdate(visitorId, 1, (_, n) => n + 1);

    public void Disconnected(Guid visitorId)
    {
        if (_online.AddOrUpdate(visitorId, 0, (_, n) => Math.Max(0, n - 1)) == 0) _online.TryRemove(visitorId, out _);
    }

    public bool IsOnline(Guid visitorId) => _online.ContainsKey(visitorId);
}
