using Kefu.Platform.Events;

namespace Kefu.Platform.Presence;

/// <summary>An agent's availability, one value for every channel (Routing owns it; Chat and the workspace read it).</summary>
public enum AgentStatus { Offline, Away, Online }

/// <summary>An agent's status changed (Routing publishes it; Chat offers waiting chats, Routing drains the ticket queue).</summary>
public sealed record AgentStatusChanged(Guid UserId, AgentStatus From, AgentStatus To) : IDomainEvent;

/// <summary>What other modules need to know about an agent's availability.</summary>
public sealed record AgentPresence(Guid UserId, AgentStatus Status, DateTime? Since, int ChatCapacity);
