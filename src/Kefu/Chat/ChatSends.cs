using Kefu.Platform.Database;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kefu.Chat;

/// <summary>
/// The widget's Send (decision 0034): validate, look the client id up, count against the limits, queue on the
/// <see cref="ChatWriter"/> (group commit, decision 0013), then push and acknowledge. It depends on the database context
/// and singletons only: a hub call resolves its services in a scope of its own, and resolving <see cref="ChatService"/>
/// for every message built that service's whole graph (Tickets, audit, routing, triage…) for a path that uses none of
/// it. The rare sends that need more — a flagged visitor, a conversation's first message, a bot's chat — resolve
/// <see cref="ChatService"/> then.
/// </summary>
public sealed class ChatSends(
    KefuDb db, ChatRateLimiter limiter, ChatWriter writer, ChatPush push, IOptions<ChatOptions> options, IServiceProvider services)
{
    public async Task<(SendAck Ack, ChatMessageDto? Message)> SendAsync(VisitorSession s, SendRequest r, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(r.ClientId) || r.ClientId.Length > 64)
            throw new ChatException("invalid", "Each message needs a client id of at most 64 characters.");
        var text = (r.Text ?? "").Trim();
        var attachmentIds = r.AttachmentIds ?? [];
        if (text.Length > options.Value.MaxMessageChars)
            throw new ChatException("too_long", $"A message is limited to {options.Value.MaxMessageChars} characters.");
        if (text.Length == 0 && attachmentIds.Length == 0) throw new ChatException("invalid", "The message is empty.");
        if (attachmentIds.Length > 10) throw new ChatException("invalid", "At most 10 files per message.");

        // A retry of a stored message is acknowledged again, before any limit counts it.
        if (await ChatService.FindByClientIdAsync(db, s.VisitorId, r.ClientId, ct) is { } seen) return (ChatService.Ack(seen, duplicate: true), null);

        var (outcome, flag, retry) = limiter.Attempt(s.VisitorId, s.RemoteAddress);
        if (flag) await services.GetRequiredService<ChatService>().FlagAsync(s, ct);
        if (outcome == ChatRateLimiter.Outcome.Limited)
            throw new ChatException("rate_limited", $"You are sending messages too quickly. Please wait {retry} seconds and try again.");

        StoredSend stored;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    // Group commit (decision 0013): stored with the other sends waiting now, in one transaction;
                    // this completes only after that transaction committed.
                    stored = await writer.StoreAsync(new ChatSendJob(s, r, text, attachmentIds)).WaitAsync(ct);
                    break;
                }
                catch (DbUpdateConcurrencyException) when (attempt < 3) { } // the ticket changed under us: try again
            }
        }
        catch (DbUpdateException)
        {
            // The same message raced in on another connection: the unique index kept one; acknowledge that one.
            if (await ChatService.FindByClientIdAsync(db, s.VisitorId, r.ClientId, ct) is { } raced) return (ChatService.Ack(raced, duplicate: true), null);
            throw;
        }

        var (conversation, message, started) = stored;
        var dto = ChatService.ToDto(message);
        await push.ToVisitorAsync(s.VisitorId, "message", dto);
        push.ToAgents(new ChatSignal(conversation.Id, conversation.TicketId, started ? "started" : "message", dto));
        if (ChatService.NeedsAfterSend(conversation, started))
            await services.GetRequiredService<ChatService>().AfterSendAsync(conversation, started, text, ct);
        return (ChatService.Ack(message, duplicate: false), dto);
    }
}
