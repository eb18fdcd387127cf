using Kefu.Platform;
using Kefu.Platform.Audit;
using Kefu.Platform.Auth;
using Kefu.Platform.Database;
using Kefu.Platform.Http;
using Kefu.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Chat;

/// <summary>A visitor flagged for sending too fast, for review: who, when, why, and the ticket of their latest chat.</summary>
public sealed record FlaggedVisitorDto(Guid VisitorId, int SiteId, string SiteName, string? Name, string? Email, string? RemoteAddress,
    DateTime FlaggedAt, string? Reason, long? TicketId, long? TicketNumber);

public sealed record ClearFlagRequest(string? Note);

/// <summary>
/// The review path for flagged chat visitors (issue 5 §6, decision 0041): the rate limiter flags a visitor who sends
/// more than Kefu:Chat:FlagPerMinute messages in a minute (<see cref="ChatService.FlagAsync"/>); supervisors and admins
/// (<see cref="Permissions.ChatReview"/>) list them and clear a flag once reviewed, with an audit row. Clearing does
/// not block anything: blocking a visitor is not built (the per-visitor and per-IP rate limits still apply).
/// </summary>
public sealed class ChatFlags(UnitOfWork uow, AuditLog audit)
{
    private KefuDb Db => uow.Db;

    /// <summary>A flagged visitor's place in the list. The tie-breaker is the id as the database writes it as text
    /// (compared as text in SQL alike on both providers; uuids have no order comparison EF translates).</summary>
    internal sealed class FlagKey
    {
        public Guid Id { get; init; }
        public string Key { get; init; } = "";
        public DateTime FlaggedAt { get; init; }
    }

    // Newest flag first (decision 0061).
    private static readonly ListSort<FlagKey>[] Sorts = [ListSort<FlagKey>.By("flaggedAt", k => k.FlaggedAt, k => k.Key).WithDescendingDefault()];

    public async Task<Page<FlaggedVisitorDto>> ListAsync(StaffContext staff, string? cursor, int? limit, CancellationToken ct)
    {
        staff.Demand(Permissions.ChatReview);
        var keys = Db.Set<ChatVisitor>().AsNoTracking().Where(v => v.FlaggedAt != null)
            .Select(v => new FlagKey { Id = v.Id, Key = v.Id.ToString(), FlaggedAt = v.FlaggedAt!.Value });
        var (page, next) = await Keyset.PageAsync(keys, Sorts, null, cursor, limit, ct);
        var ids = page.Select(k => k.Id).ToList();
        var rows = await Db.Set<ChatVisitor>().AsNoTracking().Where(v => ids.Contains(v.Id))
            .Select(v => new
            {
                v.Id, v.SiteId, SiteName = Db.Set<ChatSite>().Where(s => s.Id == v.SiteId).Select(s => s.Name).FirstOrDefault(),
                v.Name, v.Email, v.RemoteAddress, FlaggedAt = v.FlaggedAt!.Value, v.FlagReason,
                TicketId = Db.Set<ChatConversation>().Where(c => c.VisitorId == v.Id).OrderByDescending(c => c.Id).Select(c => (long?)c.TicketId).FirstOrDefault(),
            }).ToDictionaryAsync(r => r.Id, ct);
        // In the page's order; a flag cleared between the two reads drops out.
        return new Page<FlaggedVisitorDto>([.. ids.Where(rows.ContainsKey).Select(id => rows[id]).Select(r => new FlaggedVisitorDto(r.Id, r.SiteId,
            r.SiteName ?? "", r.Name, r.Email, r.RemoteAddress, r.FlaggedAt, r.FlagReason, r.TicketId, r.TicketId + TicketRules.NumberOffset))], next);
    }

    /// <summary>Clears the flag (reviewed: nothing to do); 404 for an unknown visitor, 409 when it is not flagged.</summary>
    public async Task ClearAsync(Guid visitorId, string? note, StaffContext staff, CancellationToken ct)
    {
        staff.Demand(Permissions.ChatReview);
        await uow.RunAsync(async c =>
        {
            var v = await Db.Set<ChatVisitor>().FirstOrDefaultAsync(x => x.Id == visitorId, c) ?? throw DomainException.NotFound("Visitor");
            if (v.FlaggedAt is null) throw DomainException.Conflict("This visitor is not flagged.");
            var text = note?.Trim() is { Length: > 0 } n ? (n.Length > 500 ? n[..500] : n) : null;
            var was = new { flaggedAt = v.FlaggedAt, reason = v.FlagReason, note = text };
            v.FlaggedAt = null;
            v.FlagReason = null;
            await audit.RecordAsync("chat_visitor", v.Id, "flag_cleared", was, c);
        }, ct);
    }
}

public static class ChatFlagEndpoints
{
    public static void MapChatFlagEndpoints(this IEndpointRouteBuilder app)
    {
        var flags = app.MapGroup("/api/v1/chat/flagged-visitors").WithTags("Chat").RequireAuthorization(Permissions.ChatReview);
        flags.MapGet("", async (string? cursor, int? limit, CurrentUser user, ChatFlags f, CancellationToken ct) =>
                TypedResults.Ok(await f.ListAsync(await user.GetAsync(ct), cursor, limit, ct)))
            .WithSummary("Visitors flagged for sending more than Kefu:Chat:FlagPerMinute messages a minute, newest first, a page at a "
                + "time (limit 1–200, default 50; cursor: the previous page's nextCursor) (supervisors, admins).");
        flags.MapPost("/{visitorId:guid}/clear", async (Guid visitorId, ClearFlagRequest? r, CurrentUser user, ChatFlags f, CancellationToken ct) =>
        {
            await f.ClearAsync(visitorId, r?.Note, await user.GetAsync(ct), ct);
            return TypedResults.NoContent();
        }).WithSummary("Clear a visitor's flag once reviewed (audited as flag_cleared, with the note).");
    }
}
