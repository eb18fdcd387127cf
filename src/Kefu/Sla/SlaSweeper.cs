using System.Diagnostics.Metrics;
using Kefu.Platform;
using Kefu.Platform.Database;
using Kefu.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kefu.Sla;

public sealed class SlaOptions
{
    /// <summary>Run the sweeper loop on this node (tests drive it by hand).</summary>
    public bool SweeperEnabled { get; set; } = true;
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(15);
    /// <summary>Due rows per sweep transaction: 100 keeps one sweep (and SQLite's write lock) near 20–50 ms with 1M open
    /// tickets (bench/sla); the loop sweeps again at once while a sweep comes back full.</summary>
    public int BatchSize { get; set; } = 100;
}

/// <summary>
/// Fires SLA warnings, breaches and escalation time-outs when they come due. Reads due rows through the indexed
/// next_due_at column, then claims each with a conditional UPDATE (WHERE next_due_at is still what it read) in the
/// same transaction that queues its event: a row fires once whether one node or many sweep, and a crash before the
/// commit leaves it due for the next sweep. Holds no state of its own, so a restart simply sweeps again.
/// </summary>
public sealed class SlaSweeper(IServiceScopeFactory scopes, TimeProvider time, IOptions<SlaOptions> options,
    ILogger<SlaSweeper> log, IMeterFactory meters) : BackgroundService
{
    private readonly Counter<long> _fired = meters.Create("Kefu").CreateCounter<long>("kefu_sla_fired");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.SweeperEnabled) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await SweepAsync(stoppingToken) >= options.Value.BatchSize) { }
                await Task.Delay(options.Value.SweepInterval, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { break; }
            catch (Exception ex)
            {
                log.LogError(ex, "SLA sweep failed; retrying");
                try { await Task.Delay(TimeSpan.FromSeconds(5), time, stoppingToken); } catch (OperationCanceledException) { break; }
            }
        }
    }

    /// <summary>One sweep: fires what is due now; returns how many rows it looked at. Public for tests and tools.</summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var now = time.UtcNow();
        var batch = options.Value.BatchSize;
        await using var scope = scopes.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var uow = sp.GetRequiredService<UnitOfWork>();
        var db = uow.Db;
        var clocks = await db.Set<SlaClock>().AsNoTracking()
            .Where(c => c.NextDueAt != null && c.NextDueAt <= now)
            .OrderBy(c => c.NextDueAt).ThenBy(c => c.Id).Take(batch)
            .Select(c => new DueClock(c.Id, c.TicketId, c.Metric, c.Cycle, c.WarnAt, c.DueAt, c.WarnedAt, c.BreachedAt, c.NextDueAt!.Value))
            .ToListAsync(ct);
        var escalations = await db.Set<Escalation>().AsNoTracking()
            .Where(e => e.NextDueAt != null && e.NextDueAt <= now)
            .OrderBy(e => e.NextDueAt).ThenBy(e => e.Id).Take(batch)
            .Select(e => new { e.Id, e.TicketId, e.Tier, NextDueAt = e.NextDueAt!.Value })
            .ToListAsync(ct);
        if (clocks.Count == 0 && escalations.Count == 0) return 0;

        var fired = 0;
        await uow.RunAsync(async c =>
        {
            var ticketIds = clocks.Select(x => x.TicketId).Distinct().ToList();
            var holders = await db.Set<Ticket>().AsNoTracking()
                .Where(t => ticketIds.Contains(t.Id))
                .Select(t => new { t.Id, Holder = t.AssigneeId ?? t.OwnerId, t.TeamId })
                .ToDictionaryAsync(t => t.Id, c);
            var due = clocks.Select(d => (Clock: d, Warn: d.WarnedAt is null && d.WarnAt <= now, Breach: d.BreachedAt is null && d.DueAt <= now)).ToList();
            var rows = due.Select(x =>
            {
                var warnedAt = x.Warn ? now : x.Clock.WarnedAt;
                var breachedAt = x.Breach ? now : x.Clock.BreachedAt;
                DateTime? next = warnedAt is null ? x.Clock.WarnAt : breachedAt is null ? x.Clock.DueAt : null;
                return new ClockClaim.Row(x.Clock.Id, x.Clock.NextDueAt, warnedAt, breachedAt, next, x.Breach ? holders.GetValueOrDefault(x.Clock.TicketId)?.Holder : null);
            }).ToList();
            // SQLite: one prepared statement reused per row (no round trips in-process); PostgreSQL: the sweep in one statement.
            HashSet<long> won;
            if (db.IsSqlite)
            {
                won = [];
                await using var claim = await ClockClaim.CreateAsync(db, c);
                foreach (var r in rows)
                    if (await claim.TryAsync(r.Id, r.Seen, r.WarnedAt, r.BreachedAt, r.Next, r.Holder, c)) won.Add(r.Id);
            }
            else won = await ClockClaim.ClaimAllAsync(db, rows, c);
            foreach (var (d, warn, breach) in due)
            {
                var holder = holders.GetValueOrDefault(d.TicketId);
                if (!won.Contains(d.Id)) continue; // another node fired it, or the ticket moved on since we read it
                if (warn) db.Publish(new SlaWarning(d.TicketId, d.Metric, d.Cycle, d.DueAt!.Value, holder?.Holder, holder?.TeamId), time);
                if (breach) db.Publish(new SlaBreached(d.TicketId, d.Metric, d.Cycle, d.DueAt!.Value, holder?.Holder, holder?.TeamId), time);
                fired += (warn ? 1 : 0) + (breach ? 1 : 0);
            }

            // Escalations whose tier let its time limit pass move up a tier; the top tier is just left overdue.
            var escalator = sp.GetRequiredService<EscalationService>();
            foreach (var e in escalations)
            {
                var claimed = await db.Set<Escalation>()
                    .Where(x => x.Id == e.Id && x.NextDueAt == e.NextDueAt && x.State == EscalationState.Open)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.NextDueAt, (DateTime?)null), c);
                if (claimed == 0 || e.Tier >= EscalationService.TopTier) continue;
                await escalator.RaiseAsync(e.TicketId, e.Tier + 1, EscalationTrigger.Timeout,
                    EscalationReason.Timeout(e.Tier), null, c);
                fired++;
            }
        }, ct);
        _fired.Add(fired);
        if (fired > 0) log.LogInformation("SLA sweep fired {Count} warnings, breaches and escalations", fired);
        return clocks.Count + escalations.Count;
    }

    private sealed record DueClock(long Id, long TicketId, SlaMetric Metric, int Cycle, DateTime? WarnAt, DateTime? DueAt,
        DateTime? WarnedAt, DateTime? BreachedAt, DateTime NextDueAt);
}
