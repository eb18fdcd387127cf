using Kefu.Tickets;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Xunit.Abstractions;

namespace Kefu.Tests.Platform;

/// <summary>
/// Kefu started as the README starts it (a child process configured by KEFU_* environment variables): with
/// <c>KEFU_DEMO=false</c> it seeds nothing but the first admin. (The default, demo data on, is checked by
/// <see cref="Kefu.Tests.Sla.DemoClockTests"/>, whose server leaves KEFU_DEMO unset.)
/// </summary>
public abstract class DemoSwitchTests(ITestOutputHelper output)
{
    protected abstract string Provider { get; }

    [Fact]
    public async Task Kefu_demo_false_seeds_no_demo_data_only_the_first_admin()
    {
        await using var kefu = await KefuProcess.CreateAsync(Provider, new Dictionary<string, string> { ["KEFU_DEMO"] = "false" });
        try
        {
            await kefu.StartAsync();
            var users = await kefu.DbAsync(db => db.Users.AsNoTracking().Select(u => u.UserName).ToListAsync());
            Assert.Equal(["admin"], users);
            Assert.Equal(0, await kefu.DbAsync(db => db.Teams.CountAsync()));
            Assert.Equal(0, await kefu.DbAsync(db => db.Set<Customer>().CountAsync()));
            Assert.Equal(0, await kefu.DbAsync(db => db.Set<Ticket>().CountAsync()));
            Assert.Equal(0, await kefu.DbAsync(db => db.Set<Message>().CountAsync()));
            // The bootstrap token is the only token: no demo token, and none kept in the data folder.
            Assert.Equal(1, await kefu.DbAsync(db => db.AccessTokens.CountAsync()));
            Assert.False(File.Exists(Path.Combine(kefu.DataDir, "demo-api-token.txt")));
            // What a person needs (the shipped taxonomy) is there; the API answers with an empty ticket list.
            Assert.True(await kefu.DbAsync(db => db.Set<Category>().AnyAsync()));
            var list = await KefuApp.Json(await kefu.Admin.GetAsync("/api/v1/tickets"), expectSuccess: true);
            Assert.Empty(list["items"]!.AsArray());
            // The console shows the admin's password, not the demo's.
            Assert.Contains("Sign in as 'admin' with password 'Crash-admin-2026'", kefu.Log);
            Assert.DoesNotContain(Kefu.Demo.Startup.DemoPassword, kefu.Log);
        }
        catch
        {
            kefu.WriteLogTo(output);
            throw;
        }
    }
}

[Collection(CrashCollection.Name)]
public sealed class SqliteDemoSwitchTests(ITestOutputHelper output) : DemoSwitchTests(output)
{
    protected override string Provider => "Sqlite";
}

[Collection(CrashCollection.Name)]
public sealed class PostgresDemoSwitchTests(ITestOutputHelper output) : DemoSwitchTests(output)
{
    protected override string Provider => "Postgres";
}

/// <summary>
/// <c>/health/ready</c> tells a load balancer to stop sending traffic while the database cannot be reached, and to
/// send it again once it can; <c>/health/live</c> keeps answering meanwhile (the process is fine: no restart). On
/// PostgreSQL, where a database server can go away under a running Kefu (SQLite is a file Kefu holds open).
/// </summary>
[Collection(CrashCollection.Name)]
public sealed class ReadinessTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Ready_answers_503_while_the_database_is_unreachable_and_live_stays_200()
    {
        await using var kefu = await KefuProcess.CreateAsync("Postgres");
        var database = new NpgsqlConnectionStringBuilder(kefu.ConnectionString).Database!;
        async Task OnServer(string sql)
        {
            await using var conn = new NpgsqlConnection(PostgresApp.ServerConnectionString);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand(sql, conn);
            await cmd.ExecuteNonQueryAsync();
        }
        try
        {
            await kefu.StartAsync();
            using var anonymous = kefu.Client(null);
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);

            // The database refuses connections, and Kefu's open ones are cut.
            await OnServer($"ALTER DATABASE {database} ALLOW_CONNECTIONS false");
            await OnServer($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}'");

            var ready = await anonymous.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            // Why, for the operator: which check, and what it found; no exception text, no connection details.
            var text = await ready.Content.ReadAsStringAsync();
            var body = JsonNode.Parse(text)!;
            Assert.Equal("Unhealthy", body["status"]!.GetValue<string>());
            var check = Assert.Single(body["checks"]!.AsArray())!;
            Assert.Equal("database", check["name"]!.GetValue<string>());
            Assert.Equal("Unhealthy", check["status"]!.GetValue<string>());
            Assert.Equal("database unreachable", check["description"]!.GetValue<string>());
            Assert.DoesNotContain(database, text);
            Assert.DoesNotContain("Exception", text);
            Assert.DoesNotContain("127.0.0.1", text);
            var live = await anonymous.GetAsync("/health/live");
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            Assert.Equal("Healthy", await live.Content.ReadAsStringAsync());

            // The database is back: ready again, without a restart.
            await OnServer($"ALTER DATABASE {database} ALLOW_CONNECTIONS true");
            await kefu.EventuallyAsync(async () =>
                (await anonymous.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK ? "ready" : null, "ready again", TimeSpan.FromSeconds(60));
            Assert.Equal(HttpStatusCode.OK, (await kefu.Admin.GetAsync("/api/v1/tickets")).StatusCode);
        }
        catch
        {
            kefu.WriteLogTo(output);
            throw;
        }
        finally
        {
            // Let the fixture drop the database even when the test failed half-way.
            await OnServer($"ALTER DATABASE {database} ALLOW_CONNECTIONS true");
        }
    }
}
