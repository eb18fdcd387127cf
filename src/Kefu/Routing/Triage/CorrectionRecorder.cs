using Kefu.Platform.Database;
using Kefu.Platform.Events;
using Kefu.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kefu.Routing.Triage;

/// <summary>
/// Every category an agent gives a ticket that differs from what triage applied is a labelled example for the next
/// model (triage's own change is recognised by its decision row, written in the same transaction as that change).
/// One example per ticket; the latest choice wins. Idempotent by construction (an upsert).
/// </summary>
public sealed class CorrectionRecorder(
    UnitOfWork uow, TaxonomyCache taxonomy, TriageTrainingService trainer, IOptions<TriageOptions> options, TimeProvider time)
    : IEventHandler<TicketUpdated>, IEventFilter<TicketUpdated>
{
    public static bool Accepts(TicketUpdated e) => e.Fields.Contains("category");

    public async Task HandleAsync(TicketUpdated e, EventContext context, CancellationToken ct)
    {
        if (!options.Value.Enabled || !e.Fields.Contains("category")) return;
        var db = uow.Db;
        var ticket = await db.Set<Ticket>().AsNoTracking().Where(t => t.Id == e.TicketId)
            .Select(t => new { t.Id, t.Subject, t.CategoryId }).FirstOrDefaultAsync(ct);
        if (ticket?.CategoryId is null) return;
        var tax = await taxonomy.GetAsync(ct);
        if (tax.Find(ticket.CategoryId.Value) is not { Level: 3 }) return;
        var leaf = tax.PathOf(ticket.CategoryId)!;

        var decision = await db.Set<TriageDecision>().AsNoTracking().FirstOrDefaultAsync(d => d.TicketId == e.TicketId, ct);
        var example = await db.Set<TriageCorrection>().FirstOrDefaultAsync(c => c.TicketId == e.TicketId, ct);
        var now = time.GetUtcNow().UtcDateTime;
        if (decision?.Leaf == leaf && example is null) return; // triage's own change, or set back to what triage chose
        if (example is not null)
        {
            example.Leaf = leaf;
            example.UpdatedAt = now;
            return;
        }
        var body = await db.Set<Message>().AsNoTracking().Where(m => m.TicketId == ticket.Id && m.Kind == MessageKind.Customer)
            .OrderBy(m => m.Id).Select(m => m.Body).FirstOrDefaultAsync(ct);
        db.Add(new TriageCorrection
        {
            TicketId = ticket.Id, Text = TicketTriage.TicketText(ticket.Subject, body), Leaf = leaf,
            PredictedLeaf = decision?.PredictedLeaf, CreatedAt = now, UpdatedAt = now,
        });
        trainer.Notify();
    }
}
