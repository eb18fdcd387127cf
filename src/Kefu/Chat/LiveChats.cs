using Kefu.Platform.Database;
using Kefu.Platform.Presence;

namespace Kefu.Chat;

/// <summary>Chat tickets whose conversation is live (bot, queued, active) are Chat's to assign; a left message
/// (offline) or an ended chat is an ordinary ticket that Routing assigns like any other.</summary>
public sealed class LiveChats : ILiveChats
{
    public IQueryable<long> LiveTicketIds(KefuDb db) => db.Set<ChatConversation>()
        .Where(c => c.State == ConversationState.Bot || c.State == ConversationState.Queued || c.State == ConversationState.Active)
        .Select(c => c.TicketId);
}
