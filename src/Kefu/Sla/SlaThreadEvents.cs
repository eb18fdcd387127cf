using Kefu.Platform;
using Kefu.Platform.Auth;
using Kefu.Tickets;
using Microsoft.Extensions.Localization;

namespace Kefu.Sla;

/// <summary>A ticket's escalations and approvals inline in its thread: raised, handled, requested, decided — read from
/// <see cref="SlaQueries.HistoryAsync"/>, so reasons are in the reader's language and typed text is masked as in the panel.</summary>
internal sealed class SlaThreadEvents(SlaQueries queries, IStringLocalizer<SharedResource> l) : ITicketThreadEvents
{
    public async Task<IReadOnlyList<TicketThreadEvent>> ForTicketAsync(long ticketId, StaffContext staff, CancellationToken ct)
    {
        var sla = await queries.HistoryAsync(ticketId, staff, ct);
        var events = new List<TicketThreadEvent>();
        foreach (var e in sla.Escalations)
        {
            events.Add(new(e.RaisedAt, e.RaisedBy?.Name, l["Thread.Escalated", e.Tier, e.Reason]));
            if (e.HandledAt is { } handled) events.Add(new(handled, e.HandledBy?.Name, WithNote(l["Thread.EscalationHandled", e.Tier], e.HandledNote)));
        }
        foreach (var a in sla.Approvals)
        {
            var kind = l[$"Sla.ApprovalKind.{a.Kind}"];
            events.Add(new(a.RequestedAt, a.RequestedBy?.Name, WithNote(a.Amount is { } amount
                ? l["Thread.ApprovalRequestedAmount", kind, amount.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)]
                : l["Thread.ApprovalRequested", kind], a.Reason)));
            if (a.DecidedAt is { } decided)
                events.Add(new(decided, a.DecidedBy?.Name,
                    WithNote(l[a.State == ApprovalState.Approved ? "Thread.ApprovalApproved" : "Thread.ApprovalRejected", kind], a.DecisionNote)));
        }
        return events;
    }

    private static string WithNote(string text, string? note) => string.IsNullOrWhiteSpace(note) ? text : $"{text} — {note}";
}
