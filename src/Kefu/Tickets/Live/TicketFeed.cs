using Kefu.Platform.Events;

namespace Kefu.Tickets.Live;

/// <summary>What changed, for open screens to refresh: the ticket, and whether its thread got a message.</summary>
public sealed record TicketChange(long TicketId, string Kind, Guid? AssigneeId = null, Guid? ActorId = null);

/// <summary>
/// In-process fan-out of ticket changes to open workspaces (Blazor circuits subscribe). Fed by the outbox after
/// commit, so a screen never shows a change that was rolled back.
/// </summary>
public sealed class TicketFeed
{
    public event Action<TicketChange>? Changed;

    public void Publish(TicketChange change) => Changed?.Invoke(change);
}

/// <summary>Turns ticket events into feed notifications.</summary>
public sealed class TicketFeedObserver(TicketFeed feed) :
    IEventObserver<TicketCreated>, IEventObserver<TicketUpdated>, IEventObserver<MessageAdded>,
    IEventObserver<TicketStatusChanged>, IEventObserver<AssigneeChanged>, IEventObserver<TicketsMerged>,
    IEventObserver<StaffMentioned>
{
    public void OnEvent(TicketCreated e, EventContext context) => feed.Publish(new(e.TicketId, "created"));
    public void OnEvent(TicketUpdated e, EventContext context) => feed.Publish(new(e.TicketId, "updated"));
    public void OnEvent(MessageAdded e, EventContext context) => feed.Publish(new(e.TicketId, "message"));
    public void OnEvent(TicketStatusChanged e, EventContext context) => feed.Publish(new(e.TicketId, "status"));
    public void OnEvent(AssigneeChanged e, EventContext context) => feed.Publish(new(e.TicketId, "assignee", e.To, e.ByUserId));
    public void OnEvent(StaffMentioned e, EventContext context) => feed.Publish(new(e.TicketId, "mention", e.UserId, e.ByUserId));
    public void OnEvent(TicketsMerged e, EventContext context)
    {
        feed.Publish(new(e.SourceTicketId, "merged"));
        feed.Publish(new(e.TargetTicketId, "merged"));
    }
}
