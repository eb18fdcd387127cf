using Kefu.Platform.Database;
using Kefu.Platform.Events;
using Kefu.Platform.Presence;
using Microsoft.EntityFrameworkCore;
using Kefu.Tickets;

namespace Kefu.Chat;

/// <summary>An agent's public reply on a chat ticket made anywhere (workspace reply box, API) reaches the visitor:
/// stored as the next chat message, then pushed by <see cref="ChatStoredPusher"/> once committed.</summary>
public sealed class ChatReplyHandler(ChatService chat) : IEventHandler<MessageAdded>, IEventFilter<MessageAdded>
{
    public static bool Accepts(MessageAdded e) => e.Kind == MessageKind.PublicReply;

    public async Task HandleAsync(MessageAdded e, EventContext context, CancellationToken ct)
    {
        if (e.Kind != MessageKind.PublicReply) return;
        await chat.StoreTicketReplyAsync(e.TicketId, e.MessageId, ct);
    }
}

/// <summary>A chat ticket solved or closed in the workspace ends its chat (the visitor is asked for a rating).</summary>
public sealed class ChatTicketClosedHandler(ChatService chat) : IEventHandler<TicketStatusChanged>, IEventFilter<TicketStatusChanged>
{
    public static bool Accepts(TicketStatusChanged e) => e.To is TicketStatus.Solved or TicketStatus.Closed;

    public async Task HandleAsync(TicketStatusChanged e, EventContext context, CancellationToken ct)
    {
        if (e.To is not (TicketStatus.Solved or TicketStatus.Closed)) return;
        await chat.EndForTicketAsync(e.TicketId, ct);
    }
}

/// <summary>
/// Queued chats go to agents as they become available, on teams with automatic assignment: an agent comes online, a
/// chat ends (its agent has room again), or the previous offer succeeded (then the next queued chat is offered, one
/// per transaction).
/// </summary>
public sealed class ChatOfferHandler(ChatService chat, UnitOfWork uow) :
    IEventHandler<AgentStatusChanged>, IEventHandler<ChatEnded>, IEventHandler<ChatAutoAssigned>, IEventFilter<AgentStatusChanged>
{
    public static bool Accepts(AgentStatusChanged e) => e.To == AgentStatus.Online;

    public async Task HandleAsync(AgentStatusChanged e, EventContext context, CancellationToken ct)
    {
        if (e.To != AgentStatus.Online) return;
        var teams = await uow.Db.TeamMembers.AsNoTracking().Where(m => m.UserId == e.UserId).Select(m => m.TeamId).ToArrayAsync(ct);
        if (teams.Length > 0) await chat.OfferNextQueuedAsync(teams, ct);
    }

    public async Task HandleAsync(ChatEnded e, EventContext context, CancellationToken ct)
    {
        var team = await uow.Db.Set<ChatConversation>().AsNoTracking().Where(c => c.Id == e.ConversationId).Select(c => c.TeamId).FirstOrDefaultAsync(ct);
        if (team is { } t) await chat.OfferNextQueuedAsync([t], ct);
    }

    public async Task HandleAsync(ChatAutoAssigned e, EventContext context, CancellationToken ct) => await chat.OfferNextQueuedAsync(e.TeamIds, ct);
}

/// <summary>Pushes what a handler stored, after its commit (observers run only for committed events).</summary>
public sealed class ChatStoredPusher(IServiceScopeFactory scopes, ILogger<ChatStoredPusher> log) :
    IEventObserver<ChatMessageStored>, IEventObserver<ChatEnded>, IEventObserver<ChatAutoAssigned>
{
    public void OnEvent(ChatAutoAssigned e, EventContext context) => _ = RunAsync(async chat =>
    {
        await chat.PushStateAsync(e.ConversationId, CancellationToken.None);
        await chat.PushQueueAsync(CancellationToken.None);
    });

    public void OnEvent(ChatMessageStored e, EventContext context) => _ = RunAsync(chat => chat.PushStoredAsync(e.ConversationId, e.Seq, CancellationToken.None));

    public void OnEvent(ChatEnded e, EventContext context) => _ = RunAsync(chat => chat.PushStateAsync(e.ConversationId, CancellationToken.None));

    private async Task RunAsync(Func<ChatService, Task> work)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await work(scope.ServiceProvider.GetRequiredService<ChatService>());
        }
        catch (Exception ex) { log.LogWarning(ex, "Chat push failed; the client catches up on its next Since call"); }
    }
}
