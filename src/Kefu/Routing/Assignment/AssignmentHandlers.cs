using Kefu.Platform.Events;
using Kefu.Platform.Presence;
using Kefu.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Routing.Assignment;

/// <summary>A new ticket created with a team (explicitly, or by a rule of Tickets) is assigned at once when its team
/// is on automatic assignment. Triage sets the team later: that arrives as <see cref="AssignOnTeamChanged"/>.
/// A ticket created without a team, or with an assignee, is turned down from the event (no scope, read or receipt).</summary>
public sealed class AssignOnTicketCreated(AssignmentService routing) : IEventHandler<TicketCreated>, IEventFilter<TicketCreated>
{
    public static bool Accepts(TicketCreated e) => e.Queued != false;

    public async Task HandleAsync(TicketCreated e, EventContext context, CancellationToken ct) => await routing.TryAssignAsync(e.TicketId, ct);
}

/// <summary>A ticket left without assignee (team set or changed, transferred to a team, unassigned) goes to the next
/// agent; the agent who lost a ticket has capacity again, so his teams' queues are drained.</summary>
public sealed class AssignOnTeamChanged(AssignmentService routing) : IEventHandler<AssigneeChanged>, IEventFilter<AssigneeChanged>
{
    public static bool Accepts(AssigneeChanged e) => e.To is null || (e.From is { } from && from != e.To);

    public async Task HandleAsync(AssigneeChanged e, EventContext context, CancellationToken ct)
    {
        if (e.To is null) await routing.TryAssignAsync(e.TicketId, ct);
        if (e.From is { } from && from != e.To) await routing.DrainAsync(await routing.TeamsOfAsync(from, ct), ct);
    }
}

/// <summary>A solved or closed ticket frees a place of its assignee: he gets the next waiting ticket.</summary>
public sealed class DrainOnTicketDone(AssignmentService routing, Kefu.Platform.Database.UnitOfWork uow) : IEventHandler<TicketStatusChanged>, IEventFilter<TicketStatusChanged>
{
    public static bool Accepts(TicketStatusChanged e) => e.To is TicketStatus.Solved or TicketStatus.Closed && e.From is not (TicketStatus.Solved or TicketStatus.Closed);

    public async Task HandleAsync(TicketStatusChanged e, EventContext context, CancellationToken ct)
    {
        if (e.To is not (TicketStatus.Solved or TicketStatus.Closed) || e.From is TicketStatus.Solved or TicketStatus.Closed) return;
        var assignee = await uow.Db.Set<Ticket>().AsNoTracking().Where(t => t.Id == e.TicketId).Select(t => t.AssigneeId).FirstOrDefaultAsync(ct);
        if (assignee is { } a) await routing.DrainAsync(await routing.TeamsOfAsync(a, ct), ct);
    }
}

/// <summary>An agent who comes online gets waiting tickets of his teams (most urgent first).</summary>
public sealed class DrainOnAgentOnline(AssignmentService routing) : IEventHandler<AgentStatusChanged>, IEventFilter<AgentStatusChanged>
{
    public static bool Accepts(AgentStatusChanged e) => e.To == AgentStatus.Online;

    public async Task HandleAsync(AgentStatusChanged e, EventContext context, CancellationToken ct)
    {
        if (e.To != AgentStatus.Online) return;
        await routing.DrainAsync(await routing.TeamsOfAsync(e.UserId, ct), ct);
    }
}
