using Microsoft.EntityFrameworkCore;
using Kefu.Platform.Events;
using Kefu.Tickets;
using Kefu.Tickets.Live;

namespace Kefu.Sla;

/// <summary>A new ticket gets its clocks (and, when configured, an urgent one goes straight to tier 1).</summary>
public sealed class StartClocksOnTicketCreated(SlaEngine engine, UrgentEscalation urgent) : IEventHandler<TicketCreated>
{
    public async Task HandleAsync(TicketCreated e, EventContext context, CancellationToken ct)
    {
        await engine.StartAsync(e.TicketId, ct);
        await urgent.CheckAsync(e.TicketId, ct);
    }
}

/// <summary>A ticket raised to urgent later (by an agent, triage or a rule) goes to tier 1 as well, when configured.</summary>
public sealed class EscalateWhenRaisedToUrgent(UrgentEscalation urgent) : IEventHandler<TicketUpdated>, IEventFilter<TicketUpdated>
{
    public static bool Accepts(TicketUpdated e) => e.Fields.Contains("priority");
    public Task HandleAsync(TicketUpdated e, EventContext context, CancellationToken ct) => urgent.CheckAsync(e.TicketId, ct);
}

/// <summary>The "urgent tickets go to tier 1" setting: an urgent ticket with no open escalation is raised to tier 1
/// by priority, once per ticket (a redelivery, or urgent → normal → urgent again, raises nothing new).</summary>
public sealed class UrgentEscalation(SlaEngine engine, SlaCache cache, EscalationService escalations, Kefu.Platform.Database.KefuDb db)
{
    public async Task CheckAsync(long ticketId, CancellationToken ct)
    {
        if ((await cache.SettingsAsync(ct)).EscalateUrgentOnCreate
            && await engine.FactsAsync(ticketId, ct) is { Facts.Priority: TicketPriority.Urgent }
            && await escalations.OpenAsync(ticketId, ct) is null
            && !await db.Set<Escalation>().AnyAsync(x => x.TicketId == ticketId && x.Trigger == EscalationTrigger.Priority, ct))
            await escalations.RaiseAsync(ticketId, 1, EscalationTrigger.Priority, EscalationReason.Urgent(), null, ct);
    }
}

/// <summary>A public reply meets the response targets; a customer message after a reply starts a next-response target.
/// A new ticket's opening message comes before any reply, so it can start nothing: it is turned down without a
/// transaction (notes are, too).</summary>
public sealed class TrackResponsesOnMessageAdded(SlaEngine engine) : IEventHandler<MessageAdded>, IEventFilter<MessageAdded>
{
    public static bool Accepts(MessageAdded e) => e.Kind == MessageKind.PublicReply || (e.Kind == MessageKind.Customer && !e.Opening);

    public Task HandleAsync(MessageAdded e, EventContext context, CancellationToken ct) => e.Kind switch
    {
        MessageKind.PublicReply => engine.OnReplyAsync(e.TicketId, context.OccurredAt, ct),
        MessageKind.Customer => engine.OnCustomerMessageAsync(e.TicketId, context.OccurredAt, ct),
        _ => Task.CompletedTask,
    };
}

/// <summary>Keyword and repeated-contact rules look at every customer message (a new ticket's first one included).</summary>
public sealed class EscalateByRuleOnMessageAdded(EscalationRuleService rules) : IEventHandler<MessageAdded>, IEventFilter<MessageAdded>
{
    public static bool Accepts(MessageAdded e) => e.Kind == MessageKind.Customer;

    public Task HandleAsync(MessageAdded e, EventContext context, CancellationToken ct) => e.Kind == MessageKind.Customer
        ? rules.EvaluateAsync(e.TicketId, e.MessageId, context.OccurredAt, ct)
        : Task.CompletedTask;
}

/// <summary>Waiting on the customer pauses the clocks; coming back resumes them; solved/closed ends them; reopening a
/// solved ticket runs the resolution target again.</summary>
public sealed class PauseClocksOnStatusChanged(SlaEngine engine, EscalationService escalations) : IEventHandler<TicketStatusChanged>, IEventFilter<TicketStatusChanged>
{
    public static bool Accepts(TicketStatusChanged e) => e.To is TicketStatus.Solved or TicketStatus.Closed
        || e.From is TicketStatus.Solved || e.To == TicketStatus.PendingCustomer || e.From == TicketStatus.PendingCustomer;

    public async Task HandleAsync(TicketStatusChanged e, EventContext context, CancellationToken ct)
    {
        if (e.To is TicketStatus.Solved or TicketStatus.Closed)
        {
            await engine.OnResolvedAsync(e.TicketId, context.OccurredAt, ct);
            await escalations.CloseForTicketAsync(e.TicketId, ct);
        }
        else if (e.From is TicketStatus.Solved) await engine.OnReopenedAsync(e.TicketId, context.OccurredAt, ct);
        else if (e.To == TicketStatus.PendingCustomer) await engine.PauseAsync(e.TicketId, context.OccurredAt, ct);
        else if (e.From == TicketStatus.PendingCustomer) await engine.ResumeAsync(e.TicketId, context.OccurredAt, ct);
    }
}

/// <summary>Priority, category or tags changed: the policy may change.</summary>
public sealed class ReselectPolicyOnTicketUpdated(SlaEngine engine) : IEventHandler<TicketUpdated>, IEventFilter<TicketUpdated>
{
    public static bool Accepts(TicketUpdated e) => e.Fields.Any(f => f is "priority" or "category" or "tags");

    public Task HandleAsync(TicketUpdated e, EventContext context, CancellationToken ct) =>
        e.Fields.Any(f => f is "priority" or "category" or "tags")
            ? engine.ReselectAsync(e.TicketId, context.OccurredAt, ct)
            : Task.CompletedTask;
}

/// <summary>
/// A customer's tags changed (e.g. became VIP): all his open tickets may fall under another policy. They are re-timed
/// in batches of <see cref="BatchSize"/> in ticket id order, one batch per delivery: a batch that leaves tickets over
/// publishes <see cref="CustomerTicketsRetimeContinued"/> (with the last id done) in its own transaction, so no single
/// transaction holds the SQLite write lock for a large customer, and a crash resumes from the last committed batch.
/// Re-running a batch is harmless: <see cref="SlaEngine.ReselectAsync"/> leaves clocks already on the right policy alone.
/// </summary>
public sealed class ReselectPolicyOnCustomerTagsChanged(SlaEngine engine, Kefu.Platform.Database.KefuDb db, TimeProvider time)
    : IEventHandler<CustomerTagsChanged>, IEventHandler<CustomerTicketsRetimeContinued>
{
    public const int BatchSize = 50;

    public Task HandleAsync(CustomerTagsChanged e, EventContext context, CancellationToken ct) =>
        RetimeAsync(e.CustomerId, 0, context.OccurredAt, ct);

    public Task HandleAsync(CustomerTicketsRetimeContinued e, EventContext context, CancellationToken ct) =>
        RetimeAsync(e.CustomerId, e.AfterTicketId, e.At, ct);

    private async Task RetimeAsync(long customerId, long afterId, DateTime at, CancellationToken ct)
    {
        var open = await db.Set<Ticket>().AsNoTracking()
            .Where(t => t.CustomerId == customerId && t.Id > afterId && t.MergedIntoId == null
                && t.Status != TicketStatus.Solved && t.Status != TicketStatus.Closed)
            .OrderBy(t => t.Id).Select(t => t.Id).Take(BatchSize + 1).ToListAsync(ct);
        foreach (var id in open.Take(BatchSize)) await engine.ReselectAsync(id, at, ct);
        if (open.Count > BatchSize) db.Publish(new CustomerTicketsRetimeContinued(customerId, open[BatchSize - 1], at), time);
    }
}

/// <summary>A breach escalates to tier 1 (unless the ticket already has an open escalation).</summary>
public sealed class EscalateOnBreach(SlaCache cache, EscalationService escalations, SlaEngine engine) : IEventHandler<SlaBreached>
{
    public async Task HandleAsync(SlaBreached e, EventContext context, CancellationToken ct)
    {
        if (!(await cache.SettingsAsync(ct)).EscalateOnBreach) return;
        if (await engine.FactsAsync(e.TicketId, ct) is not var (ticket, _) || !TicketRules.IsOpenState(ticket.Status)) return;
        if (await escalations.OpenAsync(e.TicketId, ct) is not null) return;
        await escalations.RaiseAsync(e.TicketId, 1, EscalationTrigger.Breach, EscalationReason.Breach(e.Metric), null, ct);
    }
}

/// <summary>Open screens refresh the ticket when its SLA state changes.</summary>
public sealed class SlaFeedObserver(TicketFeed feed) :
    IEventObserver<SlaWarning>, IEventObserver<SlaBreached>, IEventObserver<EscalationRaised>, IEventObserver<EscalationHandled>,
    IEventObserver<ApprovalRequested>, IEventObserver<ApprovalDecided>
{
    public void OnEvent(SlaWarning e, EventContext context) => feed.Publish(new(e.TicketId, "sla"));
    public void OnEvent(SlaBreached e, EventContext context) => feed.Publish(new(e.TicketId, "sla"));
    public void OnEvent(EscalationRaised e, EventContext context)
    {
        feed.Publish(new(e.TicketId, "sla"));
        // In-app notice for each person the tier notified (the workspace shows it to that user only).
        foreach (var user in e.NotifiedUserIds) feed.Publish(new(e.TicketId, "escalated", user));
    }
    public void OnEvent(EscalationHandled e, EventContext context) => feed.Publish(new(e.TicketId, "sla"));
    public void OnEvent(ApprovalRequested e, EventContext context) => feed.Publish(new(e.TicketId, "sla"));
    public void OnEvent(ApprovalDecided e, EventContext context) => feed.Publish(new(e.TicketId, "sla"));
}
