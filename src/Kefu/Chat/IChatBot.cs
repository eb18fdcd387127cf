namespace Kefu.Chat;

/// <summary>
/// Hook for the answer bot: when one is registered, new chats start in the Bot state and each visitor message is
/// offered to it first. It answers, or hands over to a person (转人工); the visitor's "talk to a person" button
/// hands over at once.
/// </summary>
public interface IChatBot
{
    Task<BotReply?> ReplyAsync(BotTurn turn, CancellationToken ct);
}

public sealed record BotTurn(long ConversationId, long TicketId, int SiteId, string Text, string? Locale);

/// <summary>Text to send (may be empty) and whether to hand the chat to the agents' queue now.</summary>
public sealed record BotReply(string? Text, bool HandOver);
