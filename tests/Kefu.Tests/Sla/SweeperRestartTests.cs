using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Time.Testing;
using static Kefu.Tests.Sla.SlaTestKit;

namespace Kefu.Tests.Sla;

/// <summary>
/// Warning and breach fire exactly once: with two server nodes sweeping the same database at the same moment, and
/// after both are stopped and a new one starts. The nodes are real servers on one database (a SQLite file, or a
/// PostgreSQL database, where the sweeper claims a sweep's rows in one statement) sharing a fake clock.
/// </summary>
public abstract class SweeperRestartTests : IAsyncLifetime
{
    protected abstract string Provider { get; }
    protected string? ConnectionString { get; set; }

    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "kefu-sla-restart-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(FakeTimeSlaApp.Start);
    private readonly List<WebApplicationFactory<Program>> _nodes = [];

    private WebApplicationFactory<Program> StartNode()
    {
        var node = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Testing");
            b.UseSetting("Kefu:DataDir", _dataDir);
            b.UseSetting("Kefu:Demo", "false");
            b.UseSetting("Kefu:BootstrapApiToken", KefuApp.BootstrapToken);
            b.UseSetting("Kefu:Database:Provider", Provider);
            if (ConnectionString is not null) b.UseSetting("Kefu:Database:ConnectionString", ConnectionString);
            b.UseSetting("Kefu:Sla:SweeperEnabled", "false");
            b.ConfigureServices(s => s.AddSingleton<TimeProvider>(_time));
        });
        _ = node.Server; // start it now
        _nodes.Add(node);
        return node;
    }

    private static HttpClient Admin(WebApplicationFactory<Program> node)
    {
        var c = node.CreateClient();
        c.DefaultRequestHeaders.Authorization = new("Bearer", KefuApp.BootstrapToken);
        return c;
    }

    [Fact]
    public async Task Warning_and_breach_fire_once_across_two_nodes_and_a_restart()
    {
        var a = StartNode();
        var tag = Unique("restart");
        await CreatePolicyAsync(Admin(a), new { name = Unique("restart"), position = 0, tags = new[] { tag }, firstResponseMinutes = 60, warnAtPercent = 75 });
        var id = await CreateTicketAsync(Admin(a), tag);
        await DrainAsync(a.Services);
        // Monday 09:00 Beijing, one business hour: warning at 09:45, due at 10:00.
        var sla = await SlaAsync(Admin(a), id);
        Assert.Equal(FakeTimeSlaApp.Start.UtcDateTime.AddMinutes(60), Utc(Clock(sla, "first_response")["dueAt"]));
        Assert.Equal(FakeTimeSlaApp.Start.UtcDateTime.AddMinutes(45), Utc(Clock(sla, "first_response")["warnAt"]));

        _time.Advance(TimeSpan.FromMinutes(44));
        await SweepAsync(a.Services);
        Assert.Equal(0, await EventCountAsync(a.Services, "SlaWarning", id));

        _time.Advance(TimeSpan.FromMinutes(2));
        await SweepAsync(a.Services);
        await SweepAsync(a.Services);
        Assert.Equal(1, await EventCountAsync(a.Services, "SlaWarning", id));
        Assert.Equal("warning", Clock(await SlaAsync(Admin(a), id), "first_response")["indicator"]!.GetValue<string>());

        // A second node joins; both sweep the breach at the same moment, several times.
        var b = StartNode();
        _time.Advance(TimeSpan.FromMinutes(15));
        await Task.WhenAll(Enumerable.Range(0, 3).SelectMany(_ => new[] { SweepAsync(a.Services), SweepAsync(b.Services) }));
        Assert.Equal(1, await EventCountAsync(a.Services, "SlaBreached", id));
        Assert.Equal(1, await EventCountAsync(a.Services, "SlaWarning", id));

        // Both nodes stop; a new one starts later on the same database and sweeps again.
        foreach (var n in _nodes.ToList()) await n.DisposeAsync();
        _nodes.Clear();
        _time.Advance(TimeSpan.FromHours(1));
        var c = StartNode();
        await SweepAsync(c.Services);
        Assert.Equal(1, await EventCountAsync(c.Services, "SlaWarning", id));
        Assert.Equal(1, await EventCountAsync(c.Services, "SlaBreached", id));
        var after = await SlaAsync(Admin(c), id);
        Assert.Equal("breached", Clock(after, "first_response")["indicator"]!.GetValue<string>());
        // The breach escalated once; tier 1 then let its 30 minutes pass, so the hour later moved it to tier 2 — once.
        var escalations = after["escalations"]!.AsArray();
        Assert.Single(escalations, e => e!["trigger"]!.GetValue<string>() == "breach");
        Assert.Equal([1, 2], escalations.Select(e => e!["tier"]!.GetValue<int>()));
    }

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        foreach (var n in _nodes) await n.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { }
    }
}

public sealed class SqliteSweeperRestartTests : SweeperRestartTests
{
    protected override string Provider => "Sqlite";
}

public sealed class PostgresSweeperRestartTests : SweeperRestartTests
{
    private readonly string _database = "kefu_t_" + Guid.NewGuid().ToString("N")[..12];
    protected override string Provider => "Postgres";

    public override async Task InitializeAsync()
    {
        await RunOnServerAsync($"CREATE DATABASE {_database}");
        ConnectionString = new Npgsql.NpgsqlConnectionStringBuilder(PostgresApp.ServerConnectionString) { Database = _database }.ToString();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Npgsql.NpgsqlConnection.ClearAllPools();
        await RunOnServerAsync($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)");
    }

    private static async Task RunOnServerAsync(string sql)
    {
        await using var conn = new Npgsql.NpgsqlConnection(PostgresApp.ServerConnectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
