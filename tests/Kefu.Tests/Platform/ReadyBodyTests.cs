using Kefu.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Kefu.Tests.Platform;

/// <summary><c>/health/ready</c> tells an operator why it is not ready: JSON with the overall status and each check's
/// name, status and description, on the in-process server; once per provider.</summary>
public abstract class ReadyBodyTests(KefuApp app)
{
    private static async Task<(HttpStatusCode Status, JsonNode Body, string ContentType)> Ready(HttpClient client)
    {
        var response = await client.GetAsync("/health/ready");
        return (response.StatusCode, await KefuApp.Json(response), response.Content.Headers.ContentType?.MediaType ?? "");
    }

    [Fact]
    public async Task Ready_names_each_check_and_says_how_many_migrations_are_pending()
    {
        using var anonymous = app.Client(null);
        var (status, body, type) = await Ready(anonymous);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("application/json", type);
        Assert.Equal("Healthy", body["status"]!.GetValue<string>());
        var check = Assert.Single(body["checks"]!.AsArray())!;
        Assert.Equal("database", check["name"]!.GetValue<string>());
        Assert.Equal("Healthy", check["status"]!.GetValue<string>());
        Assert.Equal("database reachable, migrations applied", check["description"]!.GetValue<string>());

        // The newest migration is forgotten by the history table, as if this version's start-up had not applied it.
        // (EF's own history SQL: the table's column names follow the provider's naming convention.)
        var last = await app.DbAsync(async db =>
        {
            var history = db.GetService<IHistoryRepository>();
            var row = (await history.GetAppliedMigrationsAsync()).MaxBy(r => r.MigrationId, StringComparer.Ordinal)!;
            await db.Database.ExecuteSqlRawAsync(history.GetDeleteScript(row.MigrationId));
            return row;
        });
        try
        {
            (status, body, type) = await Ready(anonymous);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            Assert.Equal("application/json", type);
            Assert.Equal("Unhealthy", body["status"]!.GetValue<string>());
            check = Assert.Single(body["checks"]!.AsArray())!;
            Assert.Equal("database", check["name"]!.GetValue<string>());
            Assert.Equal("Unhealthy", check["status"]!.GetValue<string>());
            Assert.Equal("1 migration(s) pending", check["description"]!.GetValue<string>());
            // Live does not look at the database: still the plain, cheap answer.
            var live = await anonymous.GetAsync("/health/live");
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            Assert.Equal("Healthy", await live.Content.ReadAsStringAsync());
        }
        finally
        {
            await app.DbAsync(db => db.Database.ExecuteSqlRawAsync(db.GetService<IHistoryRepository>().GetInsertScript(last)));
        }
        Assert.Equal(HttpStatusCode.OK, (await Ready(anonymous)).Status);
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteReadyBodyTests(SqliteApp app) : ReadyBodyTests(app);

[Collection(PostgresCollection.Name)]
public sealed class PostgresReadyBodyTests(PostgresApp app) : ReadyBodyTests(app);

/// <summary>A check that threw: the framework makes the exception's message its description; the body shows neither.</summary>
public sealed class ReadyBodySecretTests
{
    [Fact]
    public async Task An_exception_message_is_never_shown_only_the_checks_own_description()
    {
        var secret = "Host=db.internal;Password=hunter2-secret";
        var thrown = new InvalidOperationException("Connection failed: " + secret);
        var report = new HealthReport(new Dictionary<string, HealthReportEntry>
        {
            ["database"] = new(HealthStatus.Unhealthy, "database unreachable", TimeSpan.FromMilliseconds(3), thrown, null),
            ["search"] = new(HealthStatus.Unhealthy, thrown.Message, TimeSpan.FromMilliseconds(1), thrown, null),
            ["cache"] = new(HealthStatus.Degraded, null, TimeSpan.FromMilliseconds(1), thrown, null),
        }, TimeSpan.FromMilliseconds(5));
        var http = new DefaultHttpContext();
        http.Response.Body = new MemoryStream();

        await HealthResponse.WriteAsync(http, report);

        var text = System.Text.Encoding.UTF8.GetString(((MemoryStream)http.Response.Body).ToArray());
        Assert.DoesNotContain("hunter2", text);
        Assert.DoesNotContain("db.internal", text);
        var body = JsonNode.Parse(text)!;
        Assert.Equal("Unhealthy", body["status"]!.GetValue<string>());
        var checks = body["checks"]!.AsArray().ToDictionary(c => c!["name"]!.GetValue<string>(), c => c!["description"]!.GetValue<string>());
        Assert.Equal("database unreachable", checks["database"]);
        Assert.Equal(HealthResponse.CheckFailed, checks["search"]);
        Assert.Equal(HealthResponse.CheckFailed, checks["cache"]);
    }
}
