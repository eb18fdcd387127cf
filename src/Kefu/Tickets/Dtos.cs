using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Kefu.Tickets;

public sealed record StaffRef(Guid Id, string Name);
public sealed record TeamRef(int Id, string Name);
public sealed record CategoryRef(int Id, string Path, string[] Names);
public sealed record CustomerSummary(long Id, string Name, string? Email, string? Phone);

/// <summary>A customer found by the workspace search: identities masked as the viewer must see them; Tickets counts those
/// of the customer's tickets the viewer may see.</summary>
public sealed record CustomerHit(long Id, string Name, string? Email, string? Phone, int Tickets);
public sealed record IdentityDto(long Id, IdentityKind Kind, string Value);
public sealed record AttachmentDto(long Id, string FileName, string ContentType, long Size, string Url);
public sealed record AuthorDto(string Type, string? Id, string Name);

public sealed record TicketDto(
    long Id, long Number, string Subject, Channel Channel, TicketStatus Status, TicketPriority Priority,
    CategoryRef? Category, TeamRef? Team, StaffRef? Assignee, StaffRef? Owner, CustomerSummary Customer,
    string[] Tags, DateTime CreatedAt, DateTime UpdatedAt, DateTime? FirstRepliedAt, DateTime? SolvedAt,
    DateTime? ClosedAt, long? MergedIntoId, string? ExternalId, int Version, TicketStatus[] AllowedStatuses);

public sealed record CustomerDto(
    long Id, string Name, string? Address, string? Note, string Language, IdentityDto[] Identities,
    DateTime CreatedAt, DateTime UpdatedAt, long? MergedIntoId, int Version, string[]? Tags = null);

public sealed record MessageDto(
    long Id, long TicketId, MessageKind Kind, Channel Channel, AuthorDto Author, string Body, string? BodyHtml,
    AttachmentDto[] Attachments, DateTime CreatedAt);

public sealed record TicketDetailDto(TicketDto Ticket, MessageDto[] Messages);

/// <summary>Identifies a customer by any identity; an existing customer is found, a new one created.</summary>
public sealed record CustomerInput(
    long? Id,
    [property: MaxLength(200)] string? Name,
    [property: EmailAddress, MaxLength(320)] string? Email,
    [property: Phone, MaxLength(32)] string? Phone,
    [property: MaxLength(128)] string? WeChatOpenId,
    [property: MaxLength(128)] string? AppUserId,
    [property: MaxLength(128)] string? VisitorId);

public sealed record MessageInput(
    [property: MaxLength(TicketsConfiguration.BodyMax)] string? Body,
    [property: MaxLength(TicketsConfiguration.BodyMax)] string? Html,
    long[]? AttachmentIds);

public sealed record CreateTicketRequest(
    [property: Required, MaxLength(TicketsConfiguration.SubjectMax)] string Subject,
    [property: Required] CustomerInput Customer,
    [property: Required] MessageInput Message,
    Channel? Channel,
    TicketPriority? Priority,
    [property: MaxLength(200)] string? Category,
    int? CategoryId,
    int? TeamId,
    Guid? AssigneeId,
    [property: MaxLength(20)] string[]? Tags,
    [property: MaxLength(200)] string? ExternalId);

/// <summary><see cref="Kind"/> must be sent: a reply or note stored as the enum's default (a customer message) would
/// reopen the ticket and reach no one.</summary>
public sealed record AddMessageRequest(
    [property: JsonRequired] MessageKind Kind,
    [property: MaxLength(TicketsConfiguration.BodyMax)] string? Body,
    [property: MaxLength(TicketsConfiguration.BodyMax)] string? Html,
    long[]? AttachmentIds,
    [property: MaxLength(300)] string? ExternalId);

/// <summary>PATCH body: only the fields present change; null clears team/assignee/category.</summary>
public sealed record UpdateTicketRequest(
    string? Subject, TicketStatus? Status, TicketPriority? Priority, int? CategoryId, string? Category,
    int? TeamId, Guid? AssigneeId, string[]? Tags);

public sealed record MergeTicketRequest([property: JsonRequired] long TargetTicketId);

public sealed record CreateCustomerRequest(
    [property: Required, MaxLength(200)] string Name,
    [property: EmailAddress, MaxLength(320)] string? Email,
    [property: Phone, MaxLength(32)] string? Phone,
    [property: MaxLength(500)] string? Address,
    [property: MaxLength(4000)] string? Note,
    [property: MaxLength(10)] string? Language);

public sealed record UpdateCustomerRequest(
    [property: MaxLength(200)] string? Name,
    [property: MaxLength(500)] string? Address,
    [property: MaxLength(4000)] string? Note,
    [property: MaxLength(10)] string? Language,
    [property: MaxLength(CustomerTags.MaxCount)] string[]? Tags = null);

/// <summary>PUT /api/v1/customers/{id}/tags: the customer's whole tag list.</summary>
public sealed record SetCustomerTagsRequest([property: Required, MaxLength(CustomerTags.MaxCount)] string[] Tags);

public sealed record AddIdentityRequest([property: JsonRequired] IdentityKind Kind, [property: Required, MaxLength(320)] string Value);

public sealed record MergeCustomerRequest([property: JsonRequired] long SourceCustomerId);

/// <summary>A ticket for <see cref="TicketService.CreateManyAsync"/>, with triage's verdict when the caller decided it
/// before its transaction (<see cref="TicketService.TriageAsync"/>; null: decided in the create).</summary>
public sealed record TicketDraft(CreateTicketRequest Request, PreparedTriage? Triage = null);

/// <summary>Triage decided ahead of a create; <see cref="Verdict"/> null = leave the ticket untriaged, as a create
/// with triage off or its model not loaded does.</summary>
public sealed record PreparedTriage(TriageVerdict? Verdict);

/// <summary>One result of <see cref="TicketService.CreateManyAsync"/>: the ticket, whether this call created it, and its
/// first message's id when it did.</summary>
public sealed record CreatedTicket(Ticket Ticket, bool Created, long? FirstMessageId);

/// <summary>A message for <see cref="TicketService.AddMessagesAsync"/>: the ticket it goes to (tracked or attachable;
/// drafts may share one) and what to add.</summary>
public sealed record MessageDraft(Ticket Ticket, AddMessageRequest Request);
