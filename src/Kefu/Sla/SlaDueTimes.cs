using Kefu.Platform.Database;
using Kefu.Platform.Presence;

namespace Kefu.Sla;

/// <summary>Next due time of each ticket's most pressing running or paused clock, for the routing queue's order.</summary>
public sealed class SlaDueTimes(SlaQueries queries) : ITicketDueTimes
{
    public async Task<IReadOnlyDictionary<long, DateTime>> NextDueAsync(IReadOnlyCollection<long> ticketIds, CancellationToken ct)
    {
        var badges = await queries.BadgesAsync(ticketIds, ct);
        return badges.Where(b => b.Value.DueAt is not null && b.Value.Indicator is not (SlaIndicator.Met or SlaIndicator.Missed or SlaIndicator.Stopped))
            .ToDictionary(b => b.Key, b => b.Value.DueAt!.Value);
    }

    public IQueryable<TicketDue> RunningDueTimes(KefuDb db) => db.Set<SlaClock>()
        .Where(c => c.State == ClockState.Running && c.DueAt != null)
        .Select(c => new TicketDue { TicketId = c.TicketId, DueAt = c.DueAt!.Value });
}
