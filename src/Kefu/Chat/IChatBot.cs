namespace Kefu.Chat;

/// <summary>
/// Hook for the answer bot: when one is registered, new chats start in the Bot state and each visitor message is
/// offered to it first. It answers, or hands over to a person (转人工); the visitor's "talk to a person" button
/// hands over at once.
/// </summary>
public interface IChatBot
{
    Task<BotReply?> ReplyAsync(BotTurn turn, CancellationToken ct);

    /// <summary>Whether this bot answers the chats of a widget site (all by default); a chat of a site no bot serves
    /// goes straight to the agents' queue.</summary>
    bool Serves(int siteId) => true;
}

public sealed record BotTurn(long ConversationId, long TicketId, int SiteId, string Text, string? Locale);

/// <summary>Text to send (may be empty) and whether to hand the chat to the agents' queue now.</summary>
public sealed record BotReply(string? Text, bool HandOver);
