using Kefu.Platform.Presence;
using Kefu.Routing.Assignment;

namespace Kefu.Tests.Routing;

/// <summary>The pure assignment decision: fairness, least load, capacity, status and skills.</summary>
public sealed class AssignmentEngineTests
{
    private static readonly HashSet<string> Any = [];

    private static Candidate Agent(int n, AgentStatus status = AgentStatus.Online, int load = 0, int capacity = 1000,
        string[]? languages = null, string[]? products = null, bool vip = false) =>
        new(new Guid($"00000000-0000-0000-0000-{n:D12}"), status, load, capacity,
            languages is null ? Any : languages.ToHashSet(), products is null ? Any : products.ToHashSet(), vip);

    [Fact]
    public void Round_robin_is_fair_over_1000_assignments_within_one()
    {
        var agents = Enumerable.Range(1, 7).Select(i => Agent(i)).ToList();
        var counts = agents.ToDictionary(a => a.UserId, _ => 0);
        Guid? cursor = null;
        for (var i = 0; i < 1000; i++)
        {
            // Loads grow as tickets are handed out; round-robin must not care.
            var current = agents.Select(a => a with { Load = counts[a.UserId] }).Reverse().ToList();
            var picked = AssignmentEngine.Pick(AssignmentMode.RoundRobin, current, TicketNeeds.None, cursor)!;
            counts[picked.UserId]++;
            cursor = picked.UserId;
        }
        Assert.Equal(1000, counts.Values.Sum());
        Assert.True(counts.Values.Max() - counts.Values.Min() <= 1, string.Join(", ", counts.Values));
    }

    [Fact]
    public void Round_robin_stays_fair_when_an_agent_is_ineligible_for_a_while()
    {
        var agents = Enumerable.Range(1, 4).Select(i => Agent(i)).ToList();
        var counts = agents.ToDictionary(a => a.UserId, _ => 0);
        Guid? cursor = null;
        for (var i = 0; i < 1000; i++)
        {
            // Agent 2 is away for assignments 300-499: the others share those, then he rejoins the rotation.
            var current = agents.Select(a => a.UserId == agents[1].UserId && i is >= 300 and < 500 ? a with { Status = AgentStatus.Away } : a);
            var picked = AssignmentEngine.Pick(AssignmentMode.RoundRobin, current, TicketNeeds.None, cursor)!;
            counts[picked.UserId]++;
            cursor = picked.UserId;
        }
        var others = counts.Where(kv => kv.Key != agents[1].UserId).Select(kv => kv.Value).ToList();
        Assert.True(others.Max() - others.Min() <= 1, string.Join(", ", counts.Values));
        Assert.InRange(counts[agents[1].UserId], 200, 201); // 800 assignments in four-way rotation
    }

    [Fact]
    public void Least_load_picks_the_agent_with_fewest_open_tickets_and_rotates_ties()
    {
        var a = Agent(1, load: 5);
        var b = Agent(2, load: 2);
        var c = Agent(3, load: 2);
        Assert.Equal(b.UserId, AssignmentEngine.Pick(AssignmentMode.LeastLoad, [a, b, c], TicketNeeds.None, null)!.UserId);
        Assert.Equal(c.UserId, AssignmentEngine.Pick(AssignmentMode.LeastLoad, [a, b, c], TicketNeeds.None, b.UserId)!.UserId);

        // Simulated: loads even out.
        var loads = new Dictionary<Guid, int> { [a.UserId] = 5, [b.UserId] = 2, [c.UserId] = 0 };
        Guid? cursor = null;
        for (var i = 0; i < 30; i++)
        {
            var picked = AssignmentEngine.Pick(AssignmentMode.LeastLoad, [a with { Load = loads[a.UserId] }, b with { Load = loads[b.UserId] },
                c with { Load = loads[c.UserId] }], TicketNeeds.None, cursor)!;
            loads[picked.UserId]++;
            cursor = picked.UserId;
        }
        Assert.True(loads.Values.Max() - loads.Values.Min() <= 1, string.Join(", ", loads.Values));
    }

    [Fact]
    public void An_agent_at_capacity_gets_nothing()
    {
        var full = Agent(1, load: 5, capacity: 5);
        var room = Agent(2, load: 4, capacity: 5);
        Assert.Equal(room.UserId, AssignmentEngine.Pick(AssignmentMode.RoundRobin, [full, room], TicketNeeds.None, null)!.UserId);
        Assert.Null(AssignmentEngine.Pick(AssignmentMode.LeastLoad, [full, room with { Load = 5 }, Agent(3, load: 0, capacity: 0)], TicketNeeds.None, null));
    }

    [Fact]
    public void Only_online_agents_are_picked_and_manual_picks_nobody()
    {
        var away = Agent(1, AgentStatus.Away);
        var offline = Agent(2, AgentStatus.Offline);
        var online = Agent(3);
        Assert.Equal(online.UserId, AssignmentEngine.Pick(AssignmentMode.RoundRobin, [away, offline, online], TicketNeeds.None, online.UserId)!.UserId);
        Assert.Null(AssignmentEngine.Pick(AssignmentMode.RoundRobin, [away, offline], TicketNeeds.None, null));
        Assert.Null(AssignmentEngine.Pick(AssignmentMode.Manual, [online], TicketNeeds.None, null));
    }

    [Fact]
    public void Skills_language_product_line_and_vip_are_respected()
    {
        var zhOnly = Agent(1, languages: ["zh"], products: ["订单服务"]);
        var enOnly = Agent(2, languages: ["en"]);
        var vip = Agent(3, languages: ["zh", "en"], vip: true);
        var all = new[] { zhOnly, enOnly, vip };

        Assert.Equal(enOnly.UserId, AssignmentEngine.Pick(AssignmentMode.RoundRobin, all, new TicketNeeds("en", null, false), vip.UserId)!.UserId);
        Assert.Equal(zhOnly.UserId, AssignmentEngine.Pick(AssignmentMode.RoundRobin, all, new TicketNeeds("zh", "订单服务", false), vip.UserId)!.UserId);
        // Agent 1 lists product lines and this is not one of them; agent 3 lists none (= any).
        Assert.Equal(vip.UserId, AssignmentEngine.Pick(AssignmentMode.RoundRobin, all, new TicketNeeds("zh", "技术支持", false), null)!.UserId);
        Assert.Equal(vip.UserId, AssignmentEngine.Pick(AssignmentMode.LeastLoad, all, new TicketNeeds(null, null, true), null)!.UserId);
        Assert.Null(AssignmentEngine.Pick(AssignmentMode.RoundRobin, [zhOnly, enOnly], new TicketNeeds("zh", null, true), null));
        Assert.Null(AssignmentEngine.Pick(AssignmentMode.RoundRobin, [zhOnly, enOnly], new TicketNeeds("ja", null, false), null));
    }

    [Theory]
    [InlineData("云闪付付款时提示交易受限", "zh")]
    [InlineData("My order 88213047 was charged twice", "en")]
    [InlineData("iPhone 15 打开APP就闪退", "zh")]
    [InlineData("Hello, 你好", "zh")]
    [InlineData("12345 🙂", null)]
    [InlineData("", null)]
    public void Language_is_told_from_the_script(string text, string? expected) =>
        Assert.Equal(expected, AssignmentEngine.DetectLanguage(text));
}
