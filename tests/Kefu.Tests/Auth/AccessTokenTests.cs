using System.Data.Common;
using Kefu.Platform.Auth;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Tests.Auth;

/// <summary>Personal access tokens are stored only as their hash, and KEFU_BOOTSTRAP_API_TOKEN gives scripts an admin
/// token on a fresh instance (the fixture's server was started with one and nothing else); run once per provider.</summary>
public abstract class AccessTokenTests(KefuApp app)
{
    [Fact]
    public async Task A_created_token_is_stored_only_as_its_hash_and_authenticates()
    {
        var response = await app.AgentA.Http.PostAsJsonAsync("/api/v1/me/tokens", new { name = "script" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await KefuApp.Json(response);
        var value = created["value"]!.GetValue<string>();
        var id = created["token"]!["id"]!.GetValue<long>();
        Assert.True(value.Length >= 32, value);

        var stored = await app.DbAsync(db => db.AccessTokens.AsNoTracking().SingleAsync(t => t.Id == id));
        Assert.Equal(TokenAuthentication.Hash(value), stored.Hash);
        Assert.NotEqual(value, stored.Hash);
        Assert.Empty(await RowsContaining(value));
        Assert.Empty(await RowsContaining(KefuApp.BootstrapToken));

        var me = await KefuApp.Json(await app.Client(value).GetAsync("/api/v1/me"), true);
        Assert.Equal(app.AgentA.Id, me["id"]!.GetValue<Guid>());
        // The listing shows the token by its prefix only.
        Assert.DoesNotContain(value, await app.AgentA.Http.GetStringAsync("/api/v1/me/tokens"));
    }

    [Fact]
    public async Task A_call_with_a_token_records_when_it_was_last_used()
    {
        var created = await KefuApp.PostOk(app.AgentA.Http, "/api/v1/me/tokens", new { name = "last-used" });
        var id = created["token"]!["id"]!.GetValue<long>();
        Assert.Null(created["token"]!["lastUsedAt"]?.GetValue<DateTime?>());

        Assert.Equal(HttpStatusCode.OK, (await app.Client(created["value"]!.GetValue<string>()).GetAsync("/api/v1/me")).StatusCode);
        await app.Service<TokenUseRecorder>().FlushAsync(CancellationToken.None); // written in the background

        var listed = (await KefuApp.Json(await app.AgentA.Http.GetAsync("/api/v1/me/tokens"), true)).AsArray()
            .Single(t => t!["id"]!.GetValue<long>() == id)!;
        Assert.NotNull(listed["lastUsedAt"]?.GetValue<DateTime>());
    }

    [Fact]
    public async Task Recording_a_use_never_makes_the_request_wait_for_the_write_gate_and_happens_once_a_minute()
    {
        var created = await KefuApp.PostOk(app.AgentA.Http, "/api/v1/me/tokens", new { name = "gate" });
        var id = created["token"]!["id"]!.GetValue<long>();
        var client = app.Client(created["value"]!.GetValue<string>());
        var recorder = app.Service<TokenUseRecorder>();
        Task<HttpResponseMessage> call;
        // SQLite: the write gate is held (as by a long write); the call still answers. (PostgreSQL has no gate.)
        using (await app.Service<Kefu.Platform.Database.WriteGate>().EnterAsync(CancellationToken.None))
        {
            call = client.GetAsync("/api/v1/me");
            var done = await Task.WhenAny(call, Task.Delay(TimeSpan.FromSeconds(30)));
            Assert.True(done == call, "the call waited for the write gate");
            Assert.Equal(HttpStatusCode.OK, (await call).StatusCode);
        }
        await recorder.FlushAsync(CancellationToken.None);
        var first = await app.DbAsync(db => db.AccessTokens.AsNoTracking().Where(t => t.Id == id).Select(t => t.LastUsedAt).SingleAsync());
        Assert.NotNull(first);

        // Within the minute, further calls note nothing more.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/me")).StatusCode);
        await recorder.FlushAsync(CancellationToken.None);
        Assert.Equal(first, await app.DbAsync(db => db.AccessTokens.AsNoTracking().Where(t => t.Id == id).Select(t => t.LastUsedAt).SingleAsync()));
    }

    [Fact]
    public async Task The_bootstrap_token_is_an_admin_token_on_a_fresh_instance()
    {
        var me = await KefuApp.Json(await app.Client(KefuApp.BootstrapToken).GetAsync("/api/v1/me"), true);
        Assert.Contains("admin", me["roles"]!.AsArray().Select(r => r!.GetValue<string>()));
        var bootstrap = await app.DbAsync(db => db.AccessTokens.AsNoTracking().SingleAsync(t => t.Name == "bootstrap"));
        Assert.Equal(TokenAuthentication.Hash(KefuApp.BootstrapToken), bootstrap.Hash);
        // It can do what only an admin may.
        Assert.Equal(HttpStatusCode.OK, (await app.Client(KefuApp.BootstrapToken).GetAsync("/api/v1/audit?limit=1")).StatusCode);
    }

    [Theory]
    [InlineData(31)]  // too short
    [InlineData(201)] // longer than any bearer token TokenAuthentication reads: it could never authenticate
    [InlineData(-40)] // 40 characters with a space inside
    public void A_bootstrap_token_that_could_never_authenticate_stops_the_start_with_a_clear_message(int length)
    {
        var token = length > 0 ? new string('k', length) : new string('k', 20) + " " + new string('k', -length - 21);
        var dir = Path.Combine(Path.GetTempPath(), "kefu-tests-" + Guid.NewGuid().ToString("N"));
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Testing");
            b.UseSetting("Kefu:DataDir", dir);
            b.UseSetting("Kefu:Demo", "false");
            b.UseSetting("Kefu:Database:Provider", app.Provider);
            if (app.ConnectionString is not null) b.UseSetting("Kefu:Database:ConnectionString", app.ConnectionString);
            b.UseSetting("Kefu:BootstrapApiToken", token);
        });
        var error = Assert.ThrowsAny<Exception>(() => factory.Server);
        var messages = string.Join(" | ", Chain(error).Select(e => e.Message));
        Assert.Contains("KEFU_BOOTSTRAP_API_TOKEN must be 32 to 200 printable ASCII characters", messages);

        static IEnumerable<Exception> Chain(Exception? e)
        {
            for (; e is not null; e = e.InnerException) yield return e;
        }
    }

    /// <summary>"table.column" for every text column of every table that holds <paramref name="value"/>.</summary>
    private Task<List<string>> RowsContaining(string value) => app.DbAsync(async db =>
    {
        var found = new List<string>();
        DbConnection conn = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        try
        {
            foreach (var entity in db.Model.GetEntityTypes().Where(e => e.GetTableName() is not null && e.GetViewName() is null))
            {
                var table = entity.GetTableName()!;
                var store = Microsoft.EntityFrameworkCore.Metadata.StoreObjectIdentifier.Table(table, entity.GetSchema());
                foreach (var p in entity.GetProperties().Where(p => p.ClrType == typeof(string)))
                {
                    var column = p.GetColumnName(store);
                    if (column is null) continue;
                    await using var cmd = conn.CreateCommand();
                    cmd.CommandText = $"SELECT COUNT(*) FROM \"{table}\" WHERE \"{column}\" LIKE @v";
                    var parameter = cmd.CreateParameter();
                    parameter.ParameterName = "@v";
                    parameter.Value = "%" + value + "%";
                    cmd.Parameters.Add(parameter);
                    if (Convert.ToInt64(await cmd.ExecuteScalarAsync()) > 0) found.Add($"{table}.{column}");
                }
            }
        }
        finally { await db.Database.CloseConnectionAsync(); }
        return found.Distinct().ToList();
    });
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteAccessTokenTests(SqliteApp app) : AccessTokenTests(app);

[Collection(PostgresCollection.Name)]
public sealed class PostgresAccessTokenTests(PostgresApp app) : AccessTokenTests(app);
