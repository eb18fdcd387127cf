using Kefu.Platform.Events;

namespace Kefu.Tickets;

public sealed record CustomerCreated(long CustomerId) : IDomainEvent;
/// <summary>A customer's tags were set (SLA re-selects the policy of his open tickets).</summary>
public sealed record CustomerTagsChanged(long CustomerId, string[] Tags) : IDomainEvent;
public sealed record CustomersMerged(long SourceCustomerId, long TargetCustomerId) : IDomainEvent;
/// <summary>A ticket was created. <see cref="Triaged"/>: it was classified while being created (ICreateTriage); when
/// false, triage reacts to this event instead. <see cref="Queued"/>: it was created with a team and without an
/// assignee, i.e. waiting in its team's queue; false when it had no team or an assignee (a team or assignee change
/// later is its own event), null in events stored before this field (unknown: look at the ticket).</summary>
public sealed record TicketCreated(long TicketId, long CustomerId, Channel Channel, bool Triaged = false, bool? Queued = null) : IDomainEvent;
public sealed record TicketUpdated(long TicketId, string[] Fields) : IDomainEvent;
public sealed record TicketStatusChanged(long TicketId, TicketStatus From, TicketStatus To) : IDomainEvent;
public sealed record AssigneeChanged(long TicketId, Guid? From, Guid? To, int? TeamId, Guid? ByUserId) : IDomainEvent;
/// <summary>A message was added to a ticket. <see cref="Opening"/>: it is the first message of a ticket created with it
/// (TicketCreated is published with it); a message added later, or an event stored before this field, has false.</summary>
public sealed record MessageAdded(long TicketId, long MessageId, MessageKind Kind, bool Opening = false) : IDomainEvent;
public sealed record TicketsMerged(long SourceTicketId, long TargetTicketId) : IDomainEvent;
public sealed record StaffMentioned(long TicketId, long MessageId, Guid UserId, Guid ByUserId) : IDomainEvent;
