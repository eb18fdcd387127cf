using Kefu.Tickets;

namespace Kefu.Sla;

public sealed record WeeklyHoursDto(DayOfWeek Day, string Start, string End);
public sealed record CalendarRequest(string? Name, string? TimeZone, bool? IsDefault, WeeklyHoursDto[]? Hours);
public sealed record CalendarDto(int Id, string Name, string TimeZone, bool IsDefault, WeeklyHoursDto[] Hours, int[] Years, int Version);
public sealed record CalendarDayDto(DateOnly Date, CalendarDayKind Kind, string Name);
public sealed record CalendarDayRequest(CalendarDayKind? Kind, string? Name);
/// <summary>Import one year: the shipped mainland-China data when <c>Days</c> is omitted, else the given ranges.</summary>
public sealed record ImportYearRequest(int? Year, HolidayRange[]? Days);
public sealed record ImportYearResult(int Year, int Holidays, int Workdays, string Status, string Source);
public sealed record ShippedYearDto(int Year, string Status, string Source);

public sealed record PolicyRequest(
    string? Name, int? Position, bool? IsActive, TicketPriority[]? Priorities, Channel[]? Channels, int[]? CategoryIds,
    string[]? Tags, int? FirstResponseMinutes, int? NextResponseMinutes, int? ResolutionMinutes, bool? BusinessHours,
    int? CalendarId, int? WarnAtPercent, string[]? CustomerTags = null);

public sealed record PolicyDto(
    int Id, string Name, int Position, bool IsActive, TicketPriority[] Priorities, Channel[] Channels, int[] CategoryIds,
    string[] Tags, int? FirstResponseMinutes, int? NextResponseMinutes, int? ResolutionMinutes, bool BusinessHours,
    int? CalendarId, int WarnAtPercent, int Version, string[] CustomerTags)
{
    public static PolicyDto From(SlaPolicy p) => new(p.Id, p.Name, p.Position, p.IsActive, [.. p.Priorities], [.. p.Channels],
        [.. p.CategoryIds], [.. p.Tags], p.FirstResponseMinutes, p.NextResponseMinutes, p.ResolutionMinutes, p.BusinessHours,
        p.CalendarId, p.WarnAtPercent, p.Version, [.. p.CustomerTags]);
}

public sealed record TierRequest(string? Name, string? Role, bool? TeamScoped, int? TimeLimitMinutes, decimal? ApprovalLimit);
public sealed record TierDto(int Tier, string Name, string Role, bool TeamScoped, int TimeLimitMinutes, decimal ApprovalLimit, int Version);
public sealed record SettingsRequest(bool? EscalateOnBreach, bool? EscalateUrgentOnCreate, decimal? AgentApprovalLimit);
public sealed record SettingsDto(bool EscalateOnBreach, bool EscalateUrgentOnCreate, decimal AgentApprovalLimit, int Version);

/// <summary>ok, warning, breached, paused, met (in time), missed (met late), stopped.</summary>
public enum SlaIndicator { Ok, Warning, Breached, Paused, Met, Missed, Stopped }

public sealed record StaffRefDto(Guid Id, string Name);

public sealed record ClockDto(
    SlaMetric Metric, int Cycle, ClockState State, SlaIndicator Indicator, DateTime StartedAt, DateTime? WarnAt, DateTime? DueAt,
    DateTime? PausedAt, long? RemainingSeconds, DateTime? WarnedAt, DateTime? BreachedAt, StaffRefDto? BreachedHolder,
    DateTime? CompletedAt, int TargetMinutes, bool BusinessHours);

public sealed record EscalationDto(
    long Id, int Tier, EscalationTrigger Trigger, string Reason, StaffRefDto? RaisedBy, DateTime RaisedAt, StaffRefDto? Holder,
    StaffRefDto[] Notified, EscalationState State, DateTime DueAt, DateTime? HandledAt, StaffRefDto? HandledBy, string? HandledNote);

public sealed record ApprovalDto(
    long Id, long TicketId, ApprovalKind Kind, decimal? Amount, string Reason, StaffRefDto? RequestedBy, DateTime RequestedAt,
    int ApproverTier, ApprovalState State, StaffRefDto? DecidedBy, DateTime? DecidedAt, string? DecisionNote);

public sealed record TicketSlaDto(long TicketId, int? PolicyId, string? PolicyName, SlaIndicator? Indicator, DateTime? NextDueAt,
    ClockDto[] Clocks, EscalationDto[] Escalations, ApprovalDto[] Approvals);

public sealed record EscalateRequest(string? Reason, int? Tier);
public sealed record HandleEscalationRequest(string? Note);
public sealed record ApprovalRequestBody(ApprovalKind? Kind, decimal? Amount, string? Reason);
public sealed record DecisionRequest(bool? Approve, string? Note);

/// <summary>The most pressing clock of a ticket, for list badges.</summary>
public sealed record SlaBadge(SlaIndicator Indicator, SlaMetric Metric, DateTime? DueAt);

public sealed record EscalationRuleRequest(string? Name, EscalationRuleKind? Kind, bool? IsActive, int? Tier, string[]? Keywords,
    int? ContactCount, int? WithinDays);
public sealed record EscalationRuleDto(int Id, string Name, EscalationRuleKind Kind, bool IsActive, int Tier, string[] Keywords,
    int? ContactCount, int? WithinDays, int Version)
{
    public static EscalationRuleDto From(EscalationRule r) =>
        new(r.Id, r.Name, r.Kind, r.IsActive, r.Tier, [.. r.Keywords], r.ContactCount, r.WithinDays, r.Version);
}
