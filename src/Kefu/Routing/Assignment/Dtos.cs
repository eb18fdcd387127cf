using Kefu.Platform.Presence;
using Kefu.Tickets;

namespace Kefu.Routing.Assignment;

public sealed record AgentProfileDto(Guid UserId, string Name, AgentStatus Status, DateTime? StatusSince, int ChatCapacity, int TicketCapacity,
    string[] Languages, string[] ProductLines, bool Vip, int[] TeamIds, int OpenChats, int OpenTickets);

/// <summary>Only what is present changes.</summary>
public sealed record SaveAgentProfileRequest(AgentStatus? Status, int? ChatCapacity, int? TicketCapacity, string[]? Languages, string[]? ProductLines, bool? Vip);

public sealed record MyStatusRequest(AgentStatus Status);

public sealed record MyStatusDto(AgentStatus Status, DateTime? Since, int ChatCapacity);

public sealed record TeamPolicyDto(int TeamId, string TeamName, AssignmentMode Mode, int AgentsOnline, int Waiting);

public sealed record SaveTeamPolicyRequest(AssignmentMode Mode);

public sealed record QueueEntryDto(long TicketId, long Number, string Subject, TicketPriority Priority, Channel Channel, TicketStatus Status,
    DateTime CreatedAt, DateTime? DueAt);
