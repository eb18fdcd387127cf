using Kefu.Platform;
using Kefu.Platform.Database;
using Kefu.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Sla;

/// <summary>
/// Gives open tickets that have no SLA clocks (demo data written in bulk, tickets that existed before the module) their
/// first-response and resolution clocks, computed from the ticket's own history: started at its creation, the first
/// response met (or missed) at its first reply, paused since its last update when it waits on the customer. Instants
/// already past are recorded as warned/breached at the instant they passed, without firing events — history is not
/// news — so the sweeper only fires what is still ahead. Next-response cycles are not reconstructed (they start with
/// the next customer message). Public service of Sla; runs in its own unit of work.
/// </summary>
public sealed class SlaBackfill(UnitOfWork uow, SlaSeeder seeder, SlaCache cache, SlaEngine engine, TaxonomyCache taxonomy, TimeProvider time)
{
    public async Task<int> StartClocksForOpenTicketsAsync(CancellationToken ct)
    {
        await seeder.EnsureDefaultsAsync(ct); // the demo seeds before the hosted seeder runs
        cache.InvalidateAll();
        var policies = await cache.PoliciesAsync(ct);
        if (policies.Count == 0) return 0;
        var db = uow.Db;
        var now = time.UtcNow();
        var tickets = await db.Set<Ticket>().AsNoTracking()
            .Where(t => t.Status != TicketStatus.Solved && t.Status != TicketStatus.Closed && t.MergedIntoId == null
                && !db.Set<SlaClock>().Any(c => c.TicketId == t.Id))
            .Select(t => new
            {
                t.Id, t.Priority, t.Channel, t.CategoryId, t.Status, t.CreatedAt, t.UpdatedAt, t.FirstRepliedAt,
                Tags = t.Tags.Select(x => x.Tag.Name).ToList(),
                CustomerTags = db.Set<CustomerTag>().Where(x => x.CustomerId == t.CustomerId).Select(x => x.Name).ToList(),
            })
            // Two collections per ticket, both a handful of names: one query (their rows multiply, tags × customer
            // tags, which stays small) reads tickets and tags at one moment; split it would be three reads outside a
            // transaction that a concurrent change could fall between.
            .AsSingleQuery()
            .ToListAsync(ct);
        if (tickets.Count == 0) return 0;
        var tax = await taxonomy.GetAsync(ct);
        var clocks = new List<SlaClock>();
        foreach (var t in tickets)
        {
            var path = new List<int>();
            for (var c = t.CategoryId is { } cid ? tax.Find(cid) : null; c is not null; c = c.ParentId is { } p ? tax.Find(p) : null) path.Add(c.Id);
            var policy = PolicyMatcher.Select(policies, new SlaTicketFacts(t.Priority, t.Channel, path, t.Tags, t.CustomerTags));
            if (policy is null) continue;
            var clockTime = await engine.TimeForAsync(policy.BusinessHours, policy.CalendarId, ct);
            var pausedAt = t.Status == TicketStatus.PendingCustomer ? (DateTime?)Min(t.UpdatedAt, now) : null;
            foreach (var metric in new[] { SlaMetric.FirstResponse, SlaMetric.Resolution })
            {
                if (policy.TargetMinutes(metric) is not { } minutes) continue;
                var clock = SlaEngine.NewClock(t.Id, metric, 0, policy, minutes, t.CreatedAt, clockTime);
                if (metric == SlaMetric.FirstResponse && t.FirstRepliedAt is { } replied)
                {
                    Passed(clock, replied);
                    SlaEngine.Complete(clock, replied);
                }
                else if (pausedAt is { } at)
                {
                    Passed(clock, at);
                    clock.State = ClockState.Paused;
                    clock.PausedAt = at;
                    clock.RemainingDueSeconds = clock.BreachedAt is null ? (long)clockTime.Between(at, clock.DueAt!.Value).TotalSeconds : 0;
                    clock.RemainingWarnSeconds = clock.WarnedAt is null ? (long)clockTime.Between(at, clock.WarnAt!.Value).TotalSeconds : null;
                    clock.NextDueAt = null;
                }
                else
                {
                    Passed(clock, now);
                    clock.NextDueAt = clock.ComputeNextDue();
                }
                clocks.Add(clock);
            }
        }
        await uow.RunAsync(async c =>
        {
            db.AddRange(clocks);
            await db.SaveChangesAsync(c);
        }, ct);
        db.ChangeTracker.Clear();
        return tickets.Count;
    }

    /// <summary>Warning and breach instants up to <paramref name="until"/> count as given, when they passed.</summary>
    private static void Passed(SlaClock c, DateTime until)
    {
        if (c.WarnAt <= until) c.WarnedAt = c.WarnAt;
        if (c.DueAt <= until) c.BreachedAt = c.DueAt;
    }

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;
}
