using Kefu.Platform.Database;
using Kefu.Tickets;
using Kefu.Tickets.Live;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Sla;

/// <summary>Service time for one clock: the calendar's hours, or around the clock.</summary>
public readonly record struct ClockTime(CalendarMath? Calendar)
{
    public DateTime Add(DateTime start, TimeSpan d) => Calendar?.Add(start, d) ?? start + d;
    public TimeSpan Between(DateTime a, DateTime b) => Calendar?.Between(a, b) ?? (b > a ? b - a : TimeSpan.Zero);
}

/// <summary>
/// Keeps a ticket's SLA clocks in step with what happens to the ticket. Every method is idempotent (it looks at the
/// clocks' state before changing them), because event handlers may run more than once; times come from the event,
/// not from "now", so a late delivery still measures what happened. Runs inside the caller's unit of work.
/// When a ticket's clocks changed, open screens are told ("sla" on the ticket feed) after the unit commits: the
/// ticket's own events (a reply's MessageAdded…) reach them before this module's handlers run, so without this notice
/// the workspace would keep showing the first response as running until the next reload.
/// </summary>
public sealed class SlaEngine(KefuDb db, SlaCache cache, TaxonomyCache taxonomy, UnitOfWork uow, TicketFeed feed)
{
    private DbSet<SlaClock> Clocks => db.Set<SlaClock>();

    /// <summary>Saves, and tells open screens about the ticket once the change is committed (only when a clock changed).</summary>
    /// <param name="changed">true when the caller knows it added or changed a clock (spares a scan of the change tracker).</param>
    private async Task SaveAsync(long ticketId, CancellationToken ct, bool? changed = null)
    {
        changed ??= db.ChangeTracker.Entries<SlaClock>().Any(e => e.State is EntityState.Added or EntityState.Modified);
        await db.SaveChangesAsync(ct);
        if (changed == true) uow.AfterCommit(() => feed.Publish(new TicketChange(ticketId, "sla")));
    }

    public async Task<ClockTime> TimeForAsync(bool businessHours, int? calendarId, CancellationToken ct) =>
        new(businessHours ? await cache.CalendarAsync(calendarId, ct) : null);

    /// <summary>What policies match on, read from the ticket.</summary>
    public async Task<(Ticket Ticket, SlaTicketFacts Facts)?> FactsAsync(long ticketId, CancellationToken ct)
    {
        var ticket = await db.Set<Ticket>().AsNoTracking().FirstOrDefaultAsync(t => t.Id == ticketId, ct);
        return ticket is null ? null : (ticket, await FactsOfAsync(ticket, ct));
    }

    /// <summary>What policies match on, for a ticket already read. <paramref name="hasTags"/> and
    /// <paramref name="hasCustomerTags"/> false: the caller knows there are none, so they are not queried.</summary>
    private async Task<SlaTicketFacts> FactsOfAsync(Ticket ticket, CancellationToken ct, bool hasTags = true, bool hasCustomerTags = true)
    {
        var ticketId = ticket.Id;
        // Tags are read only when some active policy looks at them.
        var policies = await cache.PoliciesAsync(ct);
        var tags = hasTags && policies.Any(p => p.IsActive && p.Tags.Count > 0)
            ? await db.Set<TicketTag>().Where(t => t.TicketId == ticketId).Select(t => t.Tag.Name).ToListAsync(ct)
            : [];
        var path = new List<int>();
        if (ticket.CategoryId is { } cid)
        {
            var tax = await taxonomy.GetAsync(ct);
            for (var c = tax.Find(cid); c is not null; c = c.ParentId is { } p ? tax.Find(p) : null) path.Add(c.Id);
        }
        var customerTags = hasCustomerTags && policies.Any(p => p.IsActive && p.CustomerTags.Count > 0)
            ? await db.Set<CustomerTag>().Where(t => t.CustomerId == ticket.CustomerId).Select(t => t.Name).ToListAsync(ct)
            : [];
        return new SlaTicketFacts(ticket.Priority, ticket.Channel, path, tags, customerTags);
    }

    /// <summary>What <see cref="StartAsync"/> reads: the ticket, whether it has clocks already and whether it or its
    /// customer has tags.</summary>
    private sealed record StartRow(Ticket Ticket, bool Started, bool HasTags, bool HasCustomerTags);

    // Compiled once per model (decision 0045): a LINQ query is otherwise rebuilt as an expression tree, parameter-extracted and looked up in
    // EF's query cache on every execution (allocations and CPU per created ticket, decision 0037).
    private static readonly PerModel<Func<KefuDb, long, CancellationToken, Task<StartRow?>>> StartRowQuery = new(() => EF.CompileAsyncQuery(
        (KefuDb db, long ticketId, CancellationToken ct) => db.Set<Ticket>().AsNoTracking().Where(t => t.Id == ticketId)
            .Select(t => new StartRow(t,
                db.Set<SlaClock>().Any(c => c.TicketId == ticketId),
                db.Set<TicketTag>().Any(x => x.TicketId == ticketId),
                db.Set<CustomerTag>().Any(x => x.CustomerId == t.CustomerId)))
            .FirstOrDefault()));

    /// <summary>Starts the first-response and resolution clocks of a new ticket (no-op when they exist).</summary>
    public async Task StartAsync(long ticketId, CancellationToken ct)
    {
        // The ticket, whether it has clocks already and whether it or its customer has tags, in one query: a new
        // ticket usually has no tags, and then the policy facts need no further reads.
        var row = await StartRowQuery.For(db)(db, ticketId, ct);
        if (row is null || row.Started) return;
        var ticket = row.Ticket;
        var facts = await FactsOfAsync(ticket, ct, row.HasTags, row.HasCustomerTags);
        var policy = PolicyMatcher.Select(await cache.PoliciesAsync(ct), facts);
        if (policy is null || !TicketRules.IsOpenState(ticket.Status)) return;
        var time = await TimeForAsync(policy.BusinessHours, policy.CalendarId, ct);
        List<SlaClock>? added = null;
        foreach (var metric in StartMetrics)
        {
            if (policy.TargetMinutes(metric) is not { } minutes) continue;
            if (metric == SlaMetric.FirstResponse && ticket.FirstRepliedAt is not null) continue;
            (added ??= new(2)).Add(NewClock(ticketId, metric, 0, policy, minutes, ticket.CreatedAt, time));
        }
        if (added is not null) await InsertClocksAsync(added, ct);
        await SaveAsync(ticketId, ct, changed: added is not null ? true : null);
        if (ticket.Status == TicketStatus.PendingCustomer) await PauseAsync(ticketId, ticket.UpdatedAt, ct);
    }

    private static readonly SlaMetric[] StartMetrics = [SlaMetric.FirstResponse, SlaMetric.Resolution];

    /// <summary>New clocks: inside a transaction (a handler's unit of work) in one multi-row INSERT, not one EF command
    /// with its RETURNING and key propagation per row (decision 0037; nothing reads their ids, later reads query them);
    /// outside one, through EF.</summary>
    private async Task InsertClocksAsync(List<SlaClock> clocks, CancellationToken ct)
    {
        await db.BeginWriteAsync(ct);
        if (db.Database.CurrentTransaction is null) { Clocks.AddRange(clocks); return; }
        await RowInserter.InsertAsync(db, clocks, ct);
    }

    // The clocks read on every message (compiled once per model, decisions 0037, 0045); tracked, as the handlers change them.
    private static readonly PerModel<Func<KefuDb, long, IAsyncEnumerable<SlaClock>>> ClocksQuery = new(() => EF.CompileAsyncQuery(
        (KefuDb db, long ticketId) => db.Set<SlaClock>().Where(c => c.TicketId == ticketId)));
    private static readonly PerModel<Func<KefuDb, long, IAsyncEnumerable<SlaClock>>> OpenResponseClocksQuery = new(() => EF.CompileAsyncQuery(
        (KefuDb db, long ticketId) => db.Set<SlaClock>().Where(c => c.TicketId == ticketId && c.Metric != SlaMetric.Resolution
            && (c.State == ClockState.Running || c.State == ClockState.Paused))));

    /// <summary>An agent's public reply: meets the first response and the current next response.</summary>
    public async Task OnReplyAsync(long ticketId, DateTime at, CancellationToken ct)
    {
        await foreach (var c in OpenResponseClocksQuery.For(db)(db, ticketId).WithCancellation(ct)) Complete(c, at);
        await SaveAsync(ticketId, ct);
    }

    /// <summary>A customer's message after the first response starts a next-response cycle (unless one is running).</summary>
    public async Task OnCustomerMessageAsync(long ticketId, DateTime at, CancellationToken ct)
    {
        var clocks = new List<SlaClock>(3);
        await foreach (var c in ClocksQuery.For(db)(db, ticketId).WithCancellation(ct)) clocks.Add(c);
        var first = clocks.FirstOrDefault(c => c.Metric == SlaMetric.FirstResponse);
        var resolution = clocks.FirstOrDefault(c => c.Metric == SlaMetric.Resolution);
        if (first is null && resolution is null) return; // no policy applies
        if (first is { State: ClockState.Running or ClockState.Paused }) return; // still waiting for the first reply
        if (first is null && !await db.Set<Ticket>().AnyAsync(t => t.Id == ticketId && t.FirstRepliedAt != null && t.FirstRepliedAt < at, ct)) return;
        var next = clocks.FirstOrDefault(c => c.Metric == SlaMetric.NextResponse);
        if (next is { State: ClockState.Running or ClockState.Paused }) return;
        if (next is not null && next.StartedAt >= at) return; // this message already started the cycle (redelivery)
        var policyId = (first ?? resolution)!.PolicyId;
        var policy = (await cache.PoliciesAsync(ct)).FirstOrDefault(p => p.Id == policyId);
        if (policy?.NextResponseMinutes is not { } minutes) return;
        var time = await TimeForAsync(policy.BusinessHours, policy.CalendarId, ct);
        if (next is null)
        {
            Clocks.Add(NewClock(ticketId, SlaMetric.NextResponse, 1, policy, minutes, at, time));
        }
        else
        {
            var fresh = NewClock(ticketId, SlaMetric.NextResponse, next.Cycle + 1, policy, minutes, at, time);
            fresh.Id = next.Id;
            db.Entry(next).CurrentValues.SetValues(fresh);
        }
        await SaveAsync(ticketId, ct);
    }

    /// <summary>The ticket waits on the customer: running clocks stop counting and keep what they had left.</summary>
    public async Task PauseAsync(long ticketId, DateTime at, CancellationToken ct)
    {
        var running = await Clocks.Where(c => c.TicketId == ticketId && c.State == ClockState.Running).ToListAsync(ct);
        foreach (var c in running)
        {
            var time = await TimeForAsync(c.BusinessHours, c.CalendarId, ct);
            c.State = ClockState.Paused;
            c.PausedAt = at;
            c.RemainingDueSeconds = c.DueAt is { } due ? (long)time.Between(at, due).TotalSeconds : 0;
            c.RemainingWarnSeconds = c.WarnedAt is null && c.WarnAt is { } warn ? (long)time.Between(at, warn).TotalSeconds : null;
            c.NextDueAt = null;
        }
        await SaveAsync(ticketId, ct);
    }

    /// <summary>The customer answered (or the agent took the ticket back): paused clocks continue from what was left.</summary>
    public async Task ResumeAsync(long ticketId, DateTime at, CancellationToken ct)
    {
        var paused = await Clocks.Where(c => c.TicketId == ticketId && c.State == ClockState.Paused).ToListAsync(ct);
        foreach (var c in paused)
        {
            var time = await TimeForAsync(c.BusinessHours, c.CalendarId, ct);
            c.State = ClockState.Running;
            if (c.BreachedAt is null) c.DueAt = time.Add(at, TimeSpan.FromSeconds(c.RemainingDueSeconds ?? 0));
            if (c.WarnedAt is null && c.RemainingWarnSeconds is { } w) c.WarnAt = time.Add(at, TimeSpan.FromSeconds(w));
            c.PausedAt = null;
            c.RemainingDueSeconds = c.RemainingWarnSeconds = null;
            c.NextDueAt = c.ComputeNextDue();
        }
        await SaveAsync(ticketId, ct);
    }

    /// <summary>Solved or closed: resolution is met; targets still open are stopped.</summary>
    public async Task OnResolvedAsync(long ticketId, DateTime at, CancellationToken ct)
    {
        var open = await Clocks.Where(c => c.TicketId == ticketId
            && (c.State == ClockState.Running || c.State == ClockState.Paused)).ToListAsync(ct);
        foreach (var c in open)
        {
            if (c.Metric == SlaMetric.Resolution) Complete(c, at);
            else { c.State = ClockState.Stopped; c.CompletedAt = at; c.NextDueAt = null; }
        }
        await SaveAsync(ticketId, ct);
    }

    /// <summary>
    /// A solved ticket came back (the customer wrote again, or an agent reopened it): the resolution target runs again,
    /// in full, from the reopening instant, under the policy that matches the ticket now (a new cycle on the same row;
    /// the earlier cycle's outcome stays in its SlaBreached event and the audit). Response clocks are left to the
    /// messages: a customer message starts a next-response cycle as usual; an agent reopening owes nobody a reply.
    /// </summary>
    public async Task OnReopenedAsync(long ticketId, DateTime at, CancellationToken ct)
    {
        if (await FactsAsync(ticketId, ct) is not var (ticket, facts) || !TicketRules.IsOpenState(ticket.Status)) return;
        var resolution = await Clocks.FirstOrDefaultAsync(c => c.TicketId == ticketId && c.Metric == SlaMetric.Resolution, ct);
        if (resolution is { State: ClockState.Running or ClockState.Paused }) return; // not finished, or already restarted
        if (resolution is not null && resolution.StartedAt >= at) return; // this reopening already restarted it (redelivery)
        var policy = PolicyMatcher.Select(await cache.PoliciesAsync(ct), facts);
        if (policy?.ResolutionMinutes is not { } minutes) return;
        var time = await TimeForAsync(policy.BusinessHours, policy.CalendarId, ct);
        var fresh = NewClock(ticketId, SlaMetric.Resolution, (resolution?.Cycle ?? -1) + 1, policy, minutes, at, time);
        if (resolution is null) Clocks.Add(fresh);
        else
        {
            fresh.Id = resolution.Id;
            db.Entry(resolution).CurrentValues.SetValues(fresh);
        }
        await SaveAsync(ticketId, ct);
        if (ticket.Status == TicketStatus.PendingCustomer) await PauseAsync(ticketId, at, ct);
    }

    /// <summary>Priority, category or tags changed: the policy is chosen again and open clocks move to its targets,
    /// keeping the service time already used. A warning or breach already fired stays fired.</summary>
    public async Task ReselectAsync(long ticketId, DateTime at, CancellationToken ct)
    {
        if (await FactsAsync(ticketId, ct) is not var (ticket, facts)) return;
        var clocks = await Clocks.Where(c => c.TicketId == ticketId).ToListAsync(ct);
        if (clocks.Count == 0) { await StartAsync(ticketId, ct); return; }
        var policy = PolicyMatcher.Select(await cache.PoliciesAsync(ct), facts);
        if (policy is null || clocks.All(c => c.PolicyId == policy.Id)) return;
        var time = await TimeForAsync(policy.BusinessHours, policy.CalendarId, ct);
        foreach (var c in clocks.Where(c => c.State is ClockState.Running or ClockState.Paused))
        {
            var oldTime = await TimeForAsync(c.BusinessHours, c.CalendarId, ct);
            var target = TimeSpan.FromMinutes(c.TargetMinutes);
            var left = c.State == ClockState.Paused ? TimeSpan.FromSeconds(c.RemainingDueSeconds ?? 0)
                : c.DueAt is { } due ? oldTime.Between(at, due) : TimeSpan.Zero;
            var used = target - left;
            if (policy.TargetMinutes(c.Metric) is not { } minutes)
            {
                c.State = ClockState.Stopped; c.CompletedAt = at; c.NextDueAt = null;
                continue;
            }
            var newTarget = TimeSpan.FromMinutes(minutes);
            var newLeft = newTarget - used < TimeSpan.Zero ? TimeSpan.Zero : newTarget - used;
            var warnLeft = newTarget * (policy.WarnAtPercent / 100.0) - used;
            c.PolicyId = policy.Id;
            c.TargetMinutes = minutes;
            c.BusinessHours = policy.BusinessHours;
            c.CalendarId = policy.CalendarId;
            c.WarnAtPercent = policy.WarnAtPercent;
            if (c.State == ClockState.Paused)
            {
                c.RemainingDueSeconds = (long)newLeft.TotalSeconds;
                c.RemainingWarnSeconds = c.WarnedAt is null ? (long)Math.Max(0, warnLeft.TotalSeconds) : null;
            }
            else
            {
                if (c.BreachedAt is null) c.DueAt = time.Add(at, newLeft);
                if (c.WarnedAt is null) c.WarnAt = time.Add(at, warnLeft < TimeSpan.Zero ? TimeSpan.Zero : warnLeft);
                c.NextDueAt = c.ComputeNextDue();
            }
        }
        await SaveAsync(ticketId, ct);
    }

    internal static void Complete(SlaClock c, DateTime at)
    {
        c.State = c.BreachedAt is null ? ClockState.Met : ClockState.Breached;
        c.CompletedAt = at;
        c.NextDueAt = null;
        c.PausedAt = null;
        c.RemainingDueSeconds = c.RemainingWarnSeconds = null;
    }

    internal static SlaClock NewClock(long ticketId, SlaMetric metric, int cycle, SlaPolicy policy, int minutes, DateTime start, ClockTime time)
    {
        var target = TimeSpan.FromMinutes(minutes);
        var clock = new SlaClock
        {
            TicketId = ticketId, Metric = metric, Cycle = cycle, PolicyId = policy.Id, TargetMinutes = minutes,
            BusinessHours = policy.BusinessHours, CalendarId = policy.CalendarId, WarnAtPercent = policy.WarnAtPercent,
            State = ClockState.Running, StartedAt = start,
            DueAt = time.Add(start, target),
            WarnAt = time.Add(start, target * (Math.Clamp(policy.WarnAtPercent, 1, 99) / 100.0)),
        };
        clock.NextDueAt = clock.ComputeNextDue();
        return clock;
    }
}
