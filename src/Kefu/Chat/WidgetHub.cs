using Kefu.Platform;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.SignalR;

namespace Kefu.Chat;

/// <summary>
/// The customers' real-time endpoint (/hubs/widget). A connection first calls Start with the site key and its visitor
/// token (and the host's signed user); every other call acts for that visitor only.
/// Transcript sends the conversation by e-mail. Client methods: "message" (ChatMessageDto), "state" (ConversationDto), "typing" (TypingDto), "read" (ReadDto).
/// </summary>
public sealed class WidgetHub(IServiceProvider services, ChatPush push) : Hub
{
    // Resolved per call, not injected: SignalR activates the hub for every invocation, and Send — nearly all of a
    // widget's calls — needs none of ChatService's graph (decision 0034).
    private ChatService Chat => services.GetRequiredService<ChatService>();

    private const string SessionKey = "kefu.visitor";

    public async Task<StartResult> Start(StartRequest request)
    {
        var http = Context.GetHttpContext();
        var (result, session) = await Guard(() => Chat.StartAsync(request, http?.Request.Headers.Origin.ToString(),
            http?.Connection.RemoteIpAddress?.ToString(), http?.Request.Headers.UserAgent.ToString(), Context.ConnectionAborted));
        if (Context.Items.TryGetValue(SessionKey, out var old) && old is VisitorSession previous)
        {
            if (previous.VisitorId == session.VisitorId) return result;
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, ChatPush.VisitorGroup(previous.VisitorId));
            push.Disconnected(previous.VisitorId);
        }
        Context.Items[SessionKey] = session;
        await Groups.AddToGroupAsync(Context.ConnectionId, ChatPush.VisitorGroup(session.VisitorId));
        push.Connected(session.VisitorId);
        return result;
    }

    /// <summary>Stores one message; the returned acknowledgement means it is committed.</summary>
    public Task<SendAck> Send(SendRequest request) =>
        Guard(async () => (await services.GetRequiredService<ChatSends>().SendAsync(Session, request, Context.ConnectionAborted)).Ack);

    /// <summary>Messages after a sequence number, in order (catch-up after a reconnect).</summary>
    public Task<ChatMessageDto[]> Since(long conversationId, long afterSeq) =>
        Guard(() => Chat.SinceAsync(Session, conversationId, afterSeq, Context.ConnectionAborted));

    public Task<ConversationDto?> Current() => Guard(() => Chat.CurrentAsync(Session, Context.ConnectionAborted));

    public Task Typing(bool typing) => Guard(() => Chat.TypingAsync(Session, typing, Context.ConnectionAborted));

    public Task Read(long conversationId, long seq) => Guard(() => Chat.VisitorReadAsync(Session, conversationId, seq, Context.ConnectionAborted));

    public Task<ConversationDto?> TalkToPerson() => Guard(() => Chat.TalkToPersonAsync(Session, Context.ConnectionAborted));

    public Task End() => Guard(() => Chat.EndByVisitorAsync(Session, Context.ConnectionAborted));

    /// <summary>E-mails the latest conversation to the given address (or the one given before the chat).</summary>
    public Task<TranscriptAck> Transcript(string? email, [FromServices] ChatTranscripts transcripts) =>
        Guard(() => transcripts.SendAsync(Session, email, Context.ConnectionAborted));

    public Task Rate(int rating, string? comment) => Guard(() => Chat.RateAsync(Session, rating, comment, Context.ConnectionAborted));

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        if (Context.Items.TryGetValue(SessionKey, out var s) && s is VisitorSession session) push.Disconnected(session.VisitorId);
        return base.OnDisconnectedAsync(exception);
    }

    private VisitorSession Session => Context.Items.TryGetValue(SessionKey, out var s) && s is VisitorSession session
        ? session : throw new HubException("not_started: call Start first.");

    /// <summary>Refusals reach the widget as "code: message" (HubException is the only text SignalR passes on).</summary>
    private static async Task<T> Guard<T>(Func<Task<T>> work)
    {
        try { return await work(); }
        catch (ChatException ex) { throw new HubException($"{ex.Code}: {ex.Message}"); }
        catch (DomainException ex) { throw new HubException($"{(ex.Status == 409 ? "conflict" : "invalid")}: {ex.Message}"); }
    }

    private static Task Guard(Func<Task> work) => Guard(async () => { await work(); return true; });
}
