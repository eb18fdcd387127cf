using Kefu.Platform.Database;
using Kefu.Sla;
using Kefu.Tickets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Tests.Sla;

/// <summary>The demo's bulk-written tickets get SLA clocks from their own history at first start, without a burst of
/// warning/breach events for what already passed.</summary>
public sealed class DemoClockTests : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "kefu-sla-demo-" + Guid.NewGuid().ToString("N"));
    private WebApplicationFactory<Program> _app = null!;

    public Task InitializeAsync()
    {
        _app = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Testing");
            b.UseSetting("Kefu:DataDir", _dataDir);
            b.UseSetting("Kefu:Demo", "true");
            b.UseSetting("Kefu:Database:Provider", "Sqlite");
            b.UseSetting("Kefu:Triage:Enabled", "false");
            b.UseSetting("Kefu:Sla:SweeperEnabled", "false");
        });
        _ = _app.Server;
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Open_demo_tickets_have_clocks_with_real_due_times_and_no_events_for_the_past()
    {
        using var scope = _app.Services.CreateScope();
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

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { }
    }
}
