using System.Collections.Frozen;
using System.Text.Json.Nodes;
using Kefu.Platform;
using Kefu.Platform.Auth;
using Kefu.Platform.Database;
using Kefu.Platform.Events;
using Kefu.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kefu.Routing.Triage;

/// <summary>
/// Triages a ticket that was created without a verdict (its model was still being trained, or it came from before
/// create-time triage): the same decision as at creation, applied through Tickets' public service as the system (the
/// audit row says "system"). Idempotent: the decision row is written in the same transaction and checked first.
/// </summary>
public sealed class TriageTicketHandler(
    UnitOfWork uow, TicketService tickets, TicketTriage triage, TriageClassifier classifier, IOptions<TriageOptions> options)
    : IEventHandler<TicketCreated>, IEventFilter<TicketCreated>
{
    /// <summary>The actor triage works as: every permission, no user id (so the audit trail records "system").</summary>
    public static readonly StaffContext System = new(Guid.Empty, "Triage", FrozenSet<string>.Empty,
        Permissions.All.ToFrozenSet(), FrozenSet<int>.Empty, IsOutsourced: false, IsActive: true);

    /// <summary>A ticket triaged at creation needs nothing more (decided before the handler is resolved).</summary>
    public static bool Accepts(TicketCreated e) => !e.Triaged;

    public bool Handles(TicketCreated e) => !e.Triaged && options.Value.Enabled;

    public async Task HandleAsync(TicketCreated e, EventContext context, CancellationToken ct)
    {
        var db = uow.Db;
        if (await db.Set<TriageDecision>().AnyAsync(d => d.TicketId == e.TicketId, ct)) return;
        var ticket = await db.Set<Ticket>().Include(t => t.Tags).ThenInclude(t => t.Tag).FirstOrDefaultAsync(t => t.Id == e.TicketId, ct);
        if (ticket is null || ticket.MergedIntoId is not null || ticket.Status == TicketStatus.Closed) return;
        var body = await db.Set<Message>().AsNoTracking().Where(m => m.TicketId == ticket.Id && m.Kind == MessageKind.Customer)
            .OrderBy(m => m.Id).Select(m => m.Body).FirstOrDefaultAsync(ct);

        // Never wait for the model inside the transaction (on SQLite it would hold the write gate): ask for it and
        // defer; the outbox delivers the event again as soon as the model is ready (or after its back-off).
        var model = classifier.Demand() ?? throw new RetryLaterException("the triage model is still loading", classifier.Ready);
        var tags = ticket.Tags.Select(t => t.Tag.Name).ToList();
        var verdict = await triage.DecideAsync(model,
            new TicketToTriage(ticket.Subject, body ?? "", ticket.CategoryId, ticket.TeamId, ticket.Priority, tags), ct);

        var patch = new JsonObject();
        if (verdict.CategoryId is { } category) patch["categoryId"] = category;
        if (verdict.TeamId is { } team) patch["teamId"] = team;
        if (verdict.Priority is { } priority) patch["priority"] = priority.ToString().ToLowerInvariant();
        if (verdict.AddTag is { } tag) patch["tags"] = new JsonArray([.. tags.Append(tag).Select(t => (JsonNode)t)]);
        if (patch.Count > 0) await tickets.UpdateAsync(ticket, patch, KefuJson.Stored, System, ct);
        triage.Record(ticket.Id, verdict);
    }
}
