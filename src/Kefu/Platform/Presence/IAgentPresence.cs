namespace Kefu.Platform.Presence;

/// <summary>
/// The one source of truth for agents' status and chat capacity (implemented by Routing). Modules that may not
/// depend on Routing (Chat) read and set status through this interface.
/// </summary>
public interface IAgentPresence
{
    Task<AgentPresence> GetAsync(Guid userId, CancellationToken ct);

    /// <summary>Sets the status (and optionally the concurrent-chat limit); joins the caller's unit of work if any.</summary>
    Task SetStatusAsync(Guid userId, AgentStatus status, int? chatCapacity, CancellationToken ct);

    /// <summary>Active agents online in the team (any team when null).</summary>
    Task<int> OnlineCountAsync(int? teamId, CancellationToken ct);
}

/// <summary>
/// Picks the agent a ticket should go to under its team's assignment policy (status, channel capacity, skills,
/// round-robin or least-load), implemented by Routing. Call it inside the unit of work that assigns the ticket: the
/// choice is serialised with every other automatic assignment until that transaction ends, so two nodes never
/// over-assign one agent. Returns null when the team assigns manually or nobody is eligible.
/// </summary>
public interface IAgentPicker
{
    Task<Guid?> PickAsync(long ticketId, CancellationToken ct);

    /// <summary>The first of the tickets (in the given order) that some agent could take now under its team's policy,
    /// without taking the assignment lock or moving the round-robin cursor: lets a queue skip a head nobody online can
    /// take (a language or skill) instead of blocking the ones behind it. The real pick still decides.</summary>
    Task<long?> FirstAssignableAsync(IReadOnlyList<long> ticketIds, CancellationToken ct);
}

/// <summary>Next SLA due time of open tickets (implemented by Sla); the routing queue is ordered by it.</summary>
public interface ITicketDueTimes
{
    Task<IReadOnlyDictionary<long, DateTime>> NextDueAsync(IReadOnlyCollection<long> ticketIds, CancellationToken ct);

    /// <summary>Due times of running SLA clocks, one row per clock, as a query on the given context: the caller orders
    /// by the earliest one per ticket inside its own SQL (the whole queue exactly, not a fetched window).</summary>
    IQueryable<TicketDue> RunningDueTimes(Kefu.Platform.Database.KefuDb db);
}

/// <summary>A running SLA target of a ticket and when it falls due.</summary>
public sealed class TicketDue
{
    public long TicketId { get; init; }
    public DateTime DueAt { get; init; }
}

/// <summary>
/// Which chat tickets are live conversations (bot, queued or active), implemented by Chat. A live chat is Chat's to
/// hand to an agent (and counts against his chat capacity); any other chat ticket — a left message ("leave a message"
/// when nobody was online), a chat whose conversation ended and was reopened — is an ordinary ticket for Routing.
/// </summary>
public interface ILiveChats
{
    /// <summary>Ticket ids of live chats, as a query on the given context (composable into the caller's SQL).</summary>
    IQueryable<long> LiveTicketIds(Kefu.Platform.Database.KefuDb db);
}
