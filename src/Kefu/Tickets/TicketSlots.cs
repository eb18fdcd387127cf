using Kefu.Platform.Auth;
using Microsoft.AspNetCore.Components;

namespace Kefu.Tickets;

/// <summary>
/// Extension point of the agent workspace: another module (e.g. Sla) shows something in each list row's slot and in
/// the ticket pane (<see cref="TicketPaneSlot"/>) without Tickets knowing it. Registered as scoped services.
/// </summary>
public interface ITicketSlotProvider
{
    /// <summary>Content for the list rows' slot, for a page of tickets at once (one query, not one per row).</summary>
    Task<IReadOnlyDictionary<long, RenderFragment>> ListSlotsAsync(IReadOnlyCollection<long> ticketIds, StaffContext staff, CancellationToken ct);
}

/// <summary>A component another module shows in the ticket pane's side bar (registered as a singleton); it receives
/// the parameter <c>TicketId</c> (long) and refreshes itself (e.g. from the ticket feed).</summary>
public sealed record TicketPaneSlot(Type Component);

/// <summary>Events another module shows inline in a ticket's thread, between the messages (Sla: escalations raised and
/// handled, approvals requested and decided). Registered as scoped services; texts in the current UI culture, free text
/// masked for <paramref name="staff"/> as everywhere else.</summary>
public interface ITicketThreadEvents
{
    Task<IReadOnlyList<TicketThreadEvent>> ForTicketAsync(long ticketId, StaffContext staff, CancellationToken ct);
}

/// <summary>One inline event: when, who (null: Kefu itself) and what.</summary>
public sealed record TicketThreadEvent(DateTime At, string? Actor, string Text);

public static class TicketSlots
{
    /// <summary>Every provider's list content, merged per ticket.</summary>
    public static async Task<Dictionary<long, RenderFragment>> LoadAsync(IServiceProvider sp, IReadOnlyCollection<long> ids, StaffContext staff, CancellationToken ct)
    {
        var result = new Dictionary<long, RenderFragment>();
        foreach (var provider in sp.GetServices<ITicketSlotProvider>())
            foreach (var (id, fragment) in await provider.ListSlotsAsync(ids, staff, ct))
                result[id] = result.TryGetValue(id, out var before) ? b => { before(b); fragment(b); } : fragment;
        return result;
    }
}
