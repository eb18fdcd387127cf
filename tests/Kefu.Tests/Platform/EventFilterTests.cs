using Kefu.Platform;
using Kefu.Platform.Events;
using Kefu.Tickets;

namespace Kefu.Tests.Platform;

/// <summary>Which handlers the outbox dispatcher resolves for an event at all (<see cref="IEventFilter{TEvent}"/>):
/// what a created ticket's events reach is what its reactions cost.</summary>
public sealed class EventFilterTests
{
    private static readonly EventRegistry Registry = new([typeof(Program).Assembly]);

    private static string[] Taking<T>(T e) where T : IDomainEvent =>
        [.. Registry.Handlers[typeof(T)].Where(h => Registry.Accepts(h, typeof(T), e)).Select(h => h.Name).Order()];

    [Fact]
    public void A_new_tickets_opening_message_reaches_only_the_escalation_rules()
    {
        Assert.Equal(["EscalateByRuleOnMessageAdded"], Taking(new MessageAdded(1, 2, MessageKind.Customer, Opening: true)));
        // A later customer message also starts response tracking; a public reply reaches the reply handlers.
        Assert.Equal(["EscalateByRuleOnMessageAdded", "TrackResponsesOnMessageAdded"], Taking(new MessageAdded(1, 3, MessageKind.Customer)));
        Assert.Equal(["ChatEmailReplyHandler", "ChatReplyHandler", "EmailReplyHandler", "TrackResponsesOnMessageAdded"],
            Taking(new MessageAdded(1, 4, MessageKind.PublicReply)));
        Assert.Empty(Taking(new MessageAdded(1, 5, MessageKind.InternalNote)));
    }

    [Fact]
    public void A_triaged_ticket_created_without_a_team_reaches_only_the_clock_start()
    {
        Assert.Equal(["StartClocksOnTicketCreated"], Taking(new TicketCreated(1, 2, Channel.Api, Triaged: true, Queued: false)));
        Assert.Equal(["AssignOnTicketCreated", "StartClocksOnTicketCreated"], Taking(new TicketCreated(1, 2, Channel.Api, Triaged: true, Queued: true)));
        Assert.Equal(["AssignOnTicketCreated", "StartClocksOnTicketCreated", "TriageTicketHandler"],
            Taking(new TicketCreated(1, 2, Channel.Api, Triaged: false, Queued: true)));
    }

    [Fact]
    public void A_ticket_created_event_stored_before_the_queued_field_still_reaches_assignment()
    {
        var stored = JsonSerializer.SerializeToNode(new TicketCreated(1, 2, Channel.Api, Triaged: true), KefuJson.Stored)!.AsObject();
        stored.Remove("queued");
        var old = stored.Deserialize<TicketCreated>(KefuJson.Stored)!;
        Assert.Null(old.Queued);
        Assert.Contains("AssignOnTicketCreated", Taking(old));
    }

    [Fact]
    public void Status_changes_reach_only_the_handlers_that_act_on_them()
    {
        Assert.Empty(Taking(new TicketStatusChanged(1, TicketStatus.New, TicketStatus.Open)));
        Assert.Equal(["ChatTicketClosedHandler", "DrainOnTicketDone", "PauseClocksOnStatusChanged"],
            Taking(new TicketStatusChanged(1, TicketStatus.Open, TicketStatus.Solved)));
        Assert.Equal(["PauseClocksOnStatusChanged"], Taking(new TicketStatusChanged(1, TicketStatus.Open, TicketStatus.PendingCustomer)));
    }
}
