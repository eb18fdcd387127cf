using Kefu.Platform.Auth;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Tickets;

/// <summary>The workspace's built-in views. Each is a list filter; all their counts come from one query.</summary>
public enum TicketView { Unassigned, Mine, Owned, MyTeam, Pending, Urgent, All }

public static class TicketViews
{
    private static readonly TicketStatus[] Open = [TicketStatus.New, TicketStatus.Open, TicketStatus.PendingCustomer, TicketStatus.OnHold];

    public static TicketFilter Filter(TicketView view) => view switch
    {
        TicketView.Unassigned => Base(TicketFilter.OpenStatuses) with { Assignee = "none" },
        TicketView.Mine => Base(TicketFilter.OpenStatuses) with { Assignee = "me" },
        TicketView.Owned => Base(TicketFilter.OpenStatuses) with { Owner = "me" },
        TicketView.MyTeam => Base(TicketFilter.OpenStatuses) with { MyTeams = true },
        TicketView.Pending => Base("pending_customer"),
        TicketView.Urgent => Base(TicketFilter.OpenStatuses) with { Priority = "urgent" },
        _ => Base(null),
    };

    public static TicketFilter Base(string? status) =>
        new(status, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);

    /// <summary>Every view's count in one round trip (the workspace refreshes them on every live change).</summary>
    public static async Task<Dictionary<TicketView, int>> CountsAsync(TicketQueries queries, StaffContext staff, CancellationToken ct)
    {
        var me = staff.UserId;
        var teams = staff.TeamIds.ToList();
        var open = Open;
        var row = await queries.Visible(staff)
            .GroupBy(_ => 1)
            .Select(g => new[]
            {
                g.Count(t => t.MergedIntoId == null && open.Contains(t.Status) && t.AssigneeId == null),
                g.Count(t => t.MergedIntoId == null && open.Contains(t.Status) && t.AssigneeId == me),
                g.Count(t => t.MergedIntoId == null && open.Contains(t.Status) && t.OwnerId == me),
                g.Count(t => t.MergedIntoId == null && open.Contains(t.Status) && t.TeamId != null && teams.Contains(t.TeamId.Value)),
                g.Count(t => t.Status == TicketStatus.PendingCustomer),
                g.Count(t => t.MergedIntoId == null && open.Contains(t.Status) && t.Priority == TicketPriority.Urgent),
                g.Count(t => t.MergedIntoId == null),
            })
            .FirstOrDefaultAsync(ct) ?? new int[7];
        return Enum.GetValues<TicketView>().ToDictionary(v => v, v => row[(int)v]);
    }
}
