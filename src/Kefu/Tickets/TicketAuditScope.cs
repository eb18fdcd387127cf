using Kefu.Platform.Audit;
using Kefu.Platform.Auth;

namespace Kefu.Tickets;

/// <summary>The audit rows of a ticket are read by those who may see the ticket (<see cref="TicketQueries.Visible"/>):
/// a team lead (audit.read without tickets.scope_all) reads his teams' tickets' history only.</summary>
public sealed class TicketAuditScope(TicketQueries queries) : IAuditEntityScope
{
    public string EntityType => "ticket";

    public IQueryable<string>? VisibleIds(StaffContext staff) =>
        staff.SeesAllTickets ? null : queries.Visible(staff).Select(t => t.Id.ToString());
}
