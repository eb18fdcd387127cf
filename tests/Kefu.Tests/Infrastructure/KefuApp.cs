using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;

namespace Kefu.Tests.Infrastructure;

/// <summary>
/// One started Kefu server (in-process, real database) shared by a test collection, with a cast of staff:
/// admin, two teams, agents in each, an outsourced agent, a supervisor. Each test makes its own tickets.
/// </summary>
public abstract class KefuApp : IAsyncLifetime
{
    public const string BootstrapToken = "kfp_bootstrap_for_tests_0123456789abcdef";
    private WebApplicationFactory<Program>? _factory;
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "kefu-tests-" + Guid.NewGuid().ToString("N"));

    public WebApplicationFactory<Program> Factory => _factory!;
    public HttpClient Admin { get; private set; } = null!;
    public Staff AgentA { get; private set; } = null!;
    public Staff AgentA2 { get; private set; } = null!;
    public Staff AgentB { get; private set; } = null!;
    public Staff Outsourced { get; private set; } = null!;
    public Staff Supervisor { get; private set; } = null!;
    public Staff Lead { get; private set; } = null!;
    public Staff Inspector { get; private set; } = null!;
    public int TeamA { get; private set; }
    public int TeamB { get; private set; }

    public abstract string Provider { get; }
    protected abstract Task<string?> CreateDatabaseAsync();
    protected virtual Task DropDatabaseAsync() => Task.CompletedTask;
    protected virtual void Configure(IWebHostBuilder builder) { }

    public async Task InitializeAsync()
    {
        ConnectionString = await CreateDatabaseAsync();
        _factory = NewNode(_dataDir);
        Admin = Client(BootstrapToken);

        TeamA = (await PostOk(Admin, "/api/v1/teams", new { name = "Team A" }))["id"]!.GetValue<int>();
        TeamB = (await PostOk(Admin, "/api/v1/teams", new { name = "Team B" }))["id"]!.GetValue<int>();
        AgentA = await CreateStaff("agent.a", "Agent A", ["agent"], [TeamA]);
        AgentA2 = await CreateStaff("agent.a2", "Agent A2", ["agent"], [TeamA]);
        AgentB = await CreateStaff("agent.b", "Agent B", ["agent"], [TeamB]);
        Outsourced = await CreateStaff("out.a", "Outsourced A", ["agent"], [TeamA], outsourced: true);
        Supervisor = await CreateStaff("super", "Supervisor", ["supervisor"], []);
        Lead = await CreateStaff("lead.a", "Lead A", ["team_lead"], [TeamA]);
        Inspector = await CreateStaff("qa", "Inspector", ["quality_inspector"], []);
    }

    /// <summary>The database's connection string (null for the default SQLite file under the data folder).</summary>
    public string? ConnectionString { get; private set; }

    /// <summary>Another server on the same database (on PostgreSQL: a second node of a cluster), with the fixture's
    /// settings and a data folder of its own. The caller disposes it.</summary>
    public WebApplicationFactory<Program> SecondNode()
    {
        var dir = Path.Combine(Path.GetTempPath(), "kefu-tests-" + Guid.NewGuid().ToString("N"));
        lock (_otherDirs) _otherDirs.Add(dir);
        return NewNode(dir);
    }

    private readonly List<string> _otherDirs = [];

    private WebApplicationFactory<Program> NewNode(string dataDir) => new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
    {
        b.UseEnvironment("Testing");
        b.UseSetting("Kefu:DataDir", dataDir);
        b.UseSetting("Kefu:Demo", "false");
        b.UseSetting("Kefu:BootstrapApiToken", BootstrapToken);
        b.UseSetting("Kefu:Database:Provider", Provider);
        b.UseSetting("Kefu:Attachments:MaxBytes", (1024 * 1024).ToString());
        if (ConnectionString is not null) b.UseSetting("Kefu:Database:ConnectionString", ConnectionString);
        // Triage changes new tickets in the background; the suites that test it enable it in their own fixture.
        b.UseSetting("Kefu:Triage:Enabled", "false");
        Configure(b);
    });

    public async Task<Staff> CreateStaff(string userName, string name, string[] roles, int[] teams, bool outsourced = false)
    {
        var user = await PostOk(Admin, "/api/v1/users", new
        {
            userName, displayName = name, email = $"{userName}@staff.test", password = "Secret#2026",
            roles, teamIds = teams, isOutsourced = outsourced,
        });
        var id = user["id"]!.GetValue<Guid>();
        var token = await PostOk(Admin, $"/api/v1/users/{id}/tokens", new { name = "tests" });
        return new Staff(id, userName, Client(token["value"]!.GetValue<string>()));
    }

    public HttpClient Client(string? token)
    {
        var client = Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public T Service<T>() where T : notnull => Factory.Services.GetRequiredService<T>();

    /// <summary>A query on the server's database in a scope of its own (test setup and checks).</summary>
    public async Task<T> DbAsync<T>(Func<Kefu.Platform.Database.KefuDb, Task<T>> query)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<Kefu.Platform.Database.KefuDb>());
    }

    public static async Task<JsonNode> PostOk(HttpClient client, string url, object body)
    {
        var response = await client.PostAsJsonAsync(url, body);
        return await Json(response, expectSuccess: true);
    }

    public static async Task<JsonNode> Json(HttpResponseMessage response, bool expectSuccess = false)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (expectSuccess && !response.IsSuccessStatusCode)
            throw new Xunit.Sdk.XunitException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} → {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text.Length == 0 ? "null" : text) ?? new JsonObject();
    }

    public async Task DisposeAsync()
    {
        if (_factory is not null) await _factory.DisposeAsync();
        await DropDatabaseAsync();
        foreach (var dir in _otherDirs.Append(_dataDir))
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }
}

public sealed record Staff(Guid Id, string UserName, HttpClient Http);

/// <summary>A server on a fresh SQLite file; suites that need other settings derive and override Configure.</summary>
public class SqliteApp : KefuApp
{
    public override string Provider => "Sqlite";
    protected override Task<string?> CreateDatabaseAsync() => Task.FromResult<string?>(null);
}

/// <summary>A fresh database on the PostgreSQL server the test command started (KEFU_TEST_PG); suites that need other
/// settings derive and override Configure.</summary>
public class PostgresApp : KefuApp
{
    private readonly string _database = "kefu_t_" + Guid.NewGuid().ToString("N")[..12];
    public override string Provider => "Postgres";

    public static string ServerConnectionString => Environment.GetEnvironmentVariable("KEFU_TEST_PG")
        ?? throw new InvalidOperationException("KEFU_TEST_PG is not set: run the tests with ./test.sh, which starts PostgreSQL.");

    protected override async Task<string?> CreateDatabaseAsync()
    {
        await using var conn = new NpgsqlConnection(ServerConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"CREATE DATABASE {_database}", conn);
        await cmd.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = _database }.ToString();
    }

    protected override async Task DropDatabaseAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var conn = new NpgsqlConnection(ServerConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)", conn);
        await cmd.ExecuteNonQueryAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class SqliteCollection : ICollectionFixture<SqliteApp> { public const string Name = "sqlite"; }

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresApp> { public const string Name = "postgres"; }
