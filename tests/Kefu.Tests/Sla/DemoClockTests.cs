using Kefu.Platform.Database;
using Kefu.Sla;
using Kefu.Tickets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Tests.Sla;

/// <summary>One server started with the demo data on, shared by the tests below. Kefu:Demo is left unset: the demo data
/// is what Kefu does by default (KEFU_DEMO=false turns it off, see DemoSwitchTests).</summary>
public sealed class DemoApp : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "kefu-sla-demo-" + Guid.NewGuid().ToString("N"));
    public WebApplicationFactory<Program> Factory { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Testing");
            b.UseSetting("Kefu:DataDir", _dataDir);
            b.UseSetting("Kefu:Database:Provider", "Sqlite");
            b.UseSetting("Kefu:Triage:Enabled", "false");
            b.UseSetting("Kefu:Sla:SweeperEnabled", "false");
        });
        _ = Factory.Server;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { }
    }
}

/// <summary>The demo's bulk-written tickets get SLA clocks from their own history at first start, without a burst of
/// warning/breach events for what already passed; and the demo data has the shape issue 3 asks for.</summary>
public sealed class DemoClockTests(DemoApp demo) : IClassFixture<DemoApp>
{
    private WebApplicationFactory<Program> App => demo.Factory;

    [Fact]
    public async Task Open_demo_tickets_have_clocks_with_real_due_times_and_no_events_for_the_past()
    {
        using var scope = App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDb>();
        var open = await db.Set<Ticket>().Where(t => t.Status != TicketStatus.Solved && t.Status != TicketStatus.Closed && t.MergedIntoId == null)
            .Select(t => t.Id).ToListAsync();
        Assert.NotEmpty(open);
        var clocks = await db.Set<SlaClock>().AsNoTracking().ToListAsync();
        var timed = clocks.Where(c => c.Metric == SlaMetric.Resolution).Select(c => c.TicketId).ToHashSet();
        Assert.All(open, id => Assert.Contains(id, timed)); // every shipped policy has a resolution target
        Assert.All(clocks, c => Assert.NotNull(c.DueAt));
        // A realistic mix: some still running ahead, some already breached, some waiting on the customer.
        Assert.Contains(clocks, c => c.State == ClockState.Running && c.BreachedAt is null && c.NextDueAt > DateTime.UtcNow);
        Assert.Contains(clocks, c => c.BreachedAt is not null);
        Assert.Contains(clocks, c => c.State == ClockState.Paused);
        Assert.Contains(clocks, c => c.Metric == SlaMetric.FirstResponse && c.State is ClockState.Met or ClockState.Breached);
        // History is not news: nothing fired for instants that passed before the clocks existed.
        Assert.Equal(0, await db.Outbox.CountAsync(m => m.Type == "SlaBreached" || m.Type == "SlaWarning"));
    }

    [Fact]
    public async Task Demo_data_has_the_teams_staff_customers_and_tickets_the_issue_asks_for()
    {
        using var scope = App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDb>();

        // The teams the shipped taxonomy routes to: five, not the issue's three (decision 0046).
        var teams = await db.Teams.Select(t => t.Name).ToListAsync();
        Assert.Equal(new[] { "技术组", "物流组", "售后组", "投诉组", "产品反馈组" }.Order(StringComparer.Ordinal), teams.Order(StringComparer.Ordinal));

        var staff = await db.Users.AsNoTracking().ToListAsync();
        Assert.InRange(staff.Count, 8, 14);
        Assert.Equal("outsourced1", Assert.Single(staff, u => u.IsOutsourced).UserName);
        var roles = await db.UserRoles.Select(r => r.Role.Name!).Distinct().ToListAsync();
        Assert.Equal(Kefu.Platform.Auth.Roles.All.Order(), roles.Order());

        Assert.InRange(await db.Set<Customer>().CountAsync(), 270, 330);

        var tickets = await db.Set<Ticket>().AsNoTracking().Select(t => new { t.Id, t.Subject, t.CreatedAt, t.CategoryId }).ToListAsync();
        Assert.InRange(tickets.Count, 1800, 2200);
        var now = DateTime.UtcNow;
        Assert.All(tickets, t => Assert.InRange(t.CreatedAt, now.AddDays(-61), now));
        // Spread over the whole 60 days, not bunched: every ten-day stretch has a share.
        var byStretch = tickets.GroupBy(t => (int)((now - t.CreatedAt).TotalDays / 10)).ToDictionary(g => g.Key, g => g.Count());
        for (var stretch = 0; stretch < 6; stretch++)
            Assert.True(byStretch.GetValueOrDefault(stretch) >= tickets.Count / 20, $"days {stretch * 10}–{stretch * 10 + 10} ago: {byStretch.GetValueOrDefault(stretch)} tickets");

        static bool Chinese(string s) => s.Any(c => c is >= '\u4e00' and <= '\u9fff');
        var chinese = tickets.Count(t => Chinese(t.Subject));
        var english = tickets.Count(t => !Chinese(t.Subject) && t.Subject.Count(char.IsAsciiLetter) >= 5);
        Assert.True(chinese >= tickets.Count / 10 && english >= tickets.Count / 50, $"{chinese} Chinese and {english} English subjects");

        var perTicket = await db.Set<Message>().GroupBy(m => m.TicketId).Select(g => g.Count()).ToListAsync();
        Assert.True(perTicket.Count(n => n >= 2) >= tickets.Count / 2, "most demo tickets should be conversations");
        Assert.Contains(perTicket, n => n >= 4);

        // Categories from across the taxonomy: every top-level branch and many leaves.
        var categories = await db.Set<Category>().AsNoTracking().ToDictionaryAsync(c => c.Id);
        int RootOf(int id) { var c = categories[id]; while (c.ParentId is { } p) c = categories[p]; return c.Id; }
        var used = tickets.Where(t => t.CategoryId is not null).Select(t => t.CategoryId!.Value).Distinct().ToList();
        Assert.Equal(categories.Values.Where(c => c.ParentId == null).Select(c => c.Id).Order(), used.Select(RootOf).Distinct().Order());
        Assert.True(used.Count >= categories.Values.Count(c => c.Level == 3) / 2, $"{used.Count} categories used");
    }
}
