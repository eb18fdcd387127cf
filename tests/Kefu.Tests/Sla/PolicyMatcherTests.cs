using Kefu.Sla;
using Kefu.Tickets;

namespace Kefu.Tests.Sla;

public sealed class PolicyMatcherTests
{
    private static readonly SlaPolicy[] Policies =
    [
        new() { Id = 4, Name = "Standard", Position = 100, FirstResponseMinutes = 240 },
        new() { Id = 1, Name = "Urgent", Position = 10, Priorities = [TicketPriority.Urgent], FirstResponseMinutes = 30 },
        new() { Id = 2, Name = "VIP chat", Position = 20, Tags = ["VIP"], Channels = [Channel.Chat, Channel.WeChat], FirstResponseMinutes = 5 },
        new() { Id = 3, Name = "Payments", Position = 30, CategoryIds = [100], FirstResponseMinutes = 60 },
        new() { Id = 5, Name = "Retired", Position = 0, IsActive = false, FirstResponseMinutes = 1 },
    ];

    private static string Pick(TicketPriority p, Channel c, int[] path, params string[] tags) =>
        PolicyMatcher.Select(Policies, new SlaTicketFacts(p, c, path, tags))!.Name;

    [Fact]
    public void The_first_policy_in_position_order_whose_conditions_all_match_applies()
    {
        Assert.Equal("Urgent", Pick(TicketPriority.Urgent, Channel.Chat, [], "vip"));
        Assert.Equal("VIP chat", Pick(TicketPriority.Normal, Channel.WeChat, [], "vip"));
        // VIP by email does not meet the channel condition of "VIP chat".
        Assert.Equal("Standard", Pick(TicketPriority.Normal, Channel.Email, [], "VIP"));
        // A category condition on a level-1 node matches a leaf below it (the ticket's path holds its ancestors).
        Assert.Equal("Payments", Pick(TicketPriority.Normal, Channel.Email, [103, 101, 100]));
        Assert.Equal("Standard", Pick(TicketPriority.Low, Channel.Api, [200]));
    }

    [Fact]
    public void A_customer_tag_condition_matches_the_customers_tags_not_the_tickets()
    {
        SlaPolicy[] policies = [.. Policies, new() { Id = 6, Name = "VIP customer", Position = 25, CustomerTags = ["vip"], FirstResponseMinutes = 60 }];
        string Pick(string[] ticketTags, string[] customerTags) =>
            PolicyMatcher.Select(policies, new SlaTicketFacts(TicketPriority.Normal, Channel.Email, [], ticketTags, customerTags))!.Name;
        Assert.Equal("VIP customer", Pick([], ["gold", "VIP"]));
        Assert.Equal("Standard", Pick(["vip"], []));
        Assert.Equal("Standard", Pick([], ["gold"]));
    }

    [Fact]
    public void No_policy_matches_when_there_is_no_catch_all()
    {
        Assert.Null(PolicyMatcher.Select(Policies.Where(p => p.Id != 4), new SlaTicketFacts(TicketPriority.Low, Channel.Api, [], [])));
    }
}
