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
    private long _sequence;

    public event Action<TicketChange>? Changed;

    /// <summary>This process's feed (a state handed from one process to another cannot compare sequences).</summary>
    public string Instance { get; } = Guid.NewGuid().ToString("N");

    /// <summary>How many changes this feed has published: a screen built from a snapshot compares it to know whether
    /// it missed a change between the snapshot and its subscription.</summary>
    public long Sequence => Interlocked.Read(ref _sequence);

    public void Publish(TicketChange change)
    {
        Interlocked.Increment(ref _sequence);
        Changed?.Invoke(change);
    }
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
