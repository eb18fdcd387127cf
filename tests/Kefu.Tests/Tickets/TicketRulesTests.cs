using Kefu.Tickets;

namespace Kefu.Tests.Tickets;

public sealed class TicketRulesTests
{
    [Theory]
    [InlineData(TicketStatus.New, TicketStatus.Open, true)]
    [InlineData(TicketStatus.New, TicketStatus.Solved, true)]
    [InlineData(TicketStatus.Open, TicketStatus.New, false)]
    [InlineData(TicketStatus.PendingCustomer, TicketStatus.Open, true)]
    [InlineData(TicketStatus.OnHold, TicketStatus.Solved, true)]
    [InlineData(TicketStatus.Solved, TicketStatus.Open, true)]
    [InlineData(TicketStatus.Solved, TicketStatus.Closed, true)]
    [InlineData(TicketStatus.Solved, TicketStatus.PendingCustomer, false)]
    [InlineData(TicketStatus.Closed, TicketStatus.Open, false)]
    [InlineData(TicketStatus.Open, TicketStatus.Closed, false)]
    [InlineData(TicketStatus.Open, TicketStatus.Open, true)]
    public void Transitions_are_enforced(TicketStatus from, TicketStatus to, bool allowed) =>
        Assert.Equal(allowed, TicketRules.CanMove(from, to));

    [Fact]
    public void Closed_is_terminal_and_every_other_state_can_reach_solved()
    {
        Assert.Empty(TicketRules.NextStatuses(TicketStatus.Closed));
        foreach (var s in Enum.GetValues<TicketStatus>().Where(s => s is not (TicketStatus.Solved or TicketStatus.Closed)))
            Assert.True(TicketRules.CanMove(s, TicketStatus.Solved), $"{s} → solved");
    }

    [Theory]
    [InlineData(TicketStatus.PendingCustomer, TicketStatus.Open)]
    [InlineData(TicketStatus.Solved, TicketStatus.Open)]
    [InlineData(TicketStatus.OnHold, TicketStatus.Open)]
    [InlineData(TicketStatus.New, TicketStatus.New)]
    [InlineData(TicketStatus.Open, TicketStatus.Open)]
    public void A_customer_message_brings_a_waiting_ticket_back(TicketStatus before, TicketStatus after) =>
        Assert.Equal(after, TicketRules.AfterCustomerMessage(before));

    [Fact]
    public void An_agent_reply_opens_a_new_ticket_only()
    {
        Assert.Equal(TicketStatus.Open, TicketRules.AfterAgentReply(TicketStatus.New));
        Assert.Equal(TicketStatus.PendingCustomer, TicketRules.AfterAgentReply(TicketStatus.PendingCustomer));
    }

    [Theory]
    [InlineData(IdentityKind.Email, " Li.Lei@Example.COM ", "li.lei@example.com")]
    [InlineData(IdentityKind.Phone, "+86 138-0013-8000", "13800138000")]
    [InlineData(IdentityKind.Phone, "138 0013 8000", "13800138000")]
    [InlineData(IdentityKind.Phone, "+1 (415) 555-0100", "+14155550100")]
    [InlineData(IdentityKind.WeChat, " oAbC123 ", "oAbC123")]
    public void Identities_are_normalised_for_exact_lookup(IdentityKind kind, string raw, string expected) =>
        Assert.Equal(expected, CustomerIdentity.Normalize(kind, raw));
}
