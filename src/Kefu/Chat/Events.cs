using Kefu.Platform.Events;

namespace Kefu.Chat;

/// <summary>A visitor went over the messages-per-minute review threshold (for the security team's review).</summary>
public sealed record ChatVisitorFlagged(Guid VisitorId, int SiteId, string Reason) : IDomainEvent;

/// <summary>A chat message was stored by a background handler (an agent's reply made in the workspace): push it.</summary>
public sealed record ChatMessageStored(long ConversationId, long Seq) : IDomainEvent;

public sealed record ChatEnded(long ConversationId, long TicketId) : IDomainEvent;

public sealed record ChatRated(long ConversationId, long TicketId, int Rating) : IDomainEvent;

/// <summary>A queued chat was given to an agent by automatic assignment (push it; offer the next of these teams).</summary>
public sealed record ChatAutoAssigned(long ConversationId, long TicketId, int[] TeamIds) : IDomainEvent;
