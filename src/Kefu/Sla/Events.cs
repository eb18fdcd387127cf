using Kefu.Platform.Events;

namespace Kefu.Sla;

/// <summary>A share of an SLA target elapsed (the policy's warning threshold). HolderId: assignee, else owner.</summary>
public sealed record SlaWarning(long TicketId, SlaMetric Metric, int Cycle, DateTime DueAt, Guid? HolderId, int? TeamId) : IDomainEvent;

/// <summary>An SLA target passed without being met.</summary>
public sealed record SlaBreached(long TicketId, SlaMetric Metric, int Cycle, DateTime DueAt, Guid? HolderId, int? TeamId) : IDomainEvent;

/// <summary>The next batch of re-timing a customer's open tickets after his tags changed: tickets after
/// <paramref name="AfterTicketId"/>, at the time of the original change.</summary>
public sealed record CustomerTicketsRetimeContinued(long CustomerId, long AfterTicketId, DateTime At) : IDomainEvent;

public sealed record EscalationRaised(long TicketId, long EscalationId, int Tier, EscalationTrigger Trigger, Guid[] NotifiedUserIds) : IDomainEvent;

public sealed record EscalationHandled(long TicketId, long EscalationId, int Tier, Guid ByUserId) : IDomainEvent;

public sealed record ApprovalRequested(long TicketId, long ApprovalId, int ApproverTier, Guid RequestedBy) : IDomainEvent;

public sealed record ApprovalDecided(long TicketId, long ApprovalId, ApprovalState State, Guid? ByUserId) : IDomainEvent;
