using System.Net.Http.Headers;
using Npgsql;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Tests.Platform;

/// <summary>PUTs whose ETag is a content stamp (chat sites, triage rules) check If-Match against the latest commit: on
/// PostgreSQL (read committed) a PUT that starts while another transaction has changed the row, not yet committed,
/// waits for it and then answers 412, instead of passing the check on the old row and overwriting the change.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ContentStampLockTests(PostgresApp app)
{
    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    /// <summary>Changes the row with <paramref name="sql"/> in a transaction of its own, sends the PUT with the ETag read
    /// before, commits once the PUT waits on that transaction, and returns the PUT's status.</summary>
    private async Task<HttpStatusCode> PutWhileAnotherChangeIsUncommittedAsync(string url, object body, string sql, object id)
    {
        using var read = await app.Admin.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var etag = read.Headers.ETag!.Tag;
        return await SendWhileAnotherChangeIsUncommittedAsync(() =>
        {
            var put = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(body) };
            put.Headers.IfMatch.Add(new EntityTagHeaderValue(etag));
            return put;
        }, sql, id);
    }

    /// <summary>Changes the row with <paramref name="sql"/> in a transaction of its own, sends the request, commits once
    /// the request waits on that transaction, and returns the request's status.</summary>
    private async Task<HttpStatusCode> SendWhileAnotherChangeIsUncommittedAsync(Func<HttpRequestMessage> request, string sql, object id)
    {
        await using var other = new NpgsqlConnection(app.ConnectionString);
        await other.OpenAsync();
        await using var tx = await other.BeginTransactionAsync();
        await using (var change = new NpgsqlCommand(sql, other, tx))
        {
            change.Parameters.AddWithValue("id", id);
            Assert.Equal(1, await change.ExecuteNonQueryAsync());
        }
        using var message = request();
        var sending = app.Admin.SendAsync(message);

        await using (var watcher = new NpgsqlConnection(app.ConnectionString))
        {
            await watcher.OpenAsync();
            await using var blocked = new NpgsqlCommand("SELECT count(*) FROM pg_locks WHERE NOT granted AND @pid = ANY(pg_blocking_pids(pid))", watcher);
            blocked.Parameters.AddWithValue("pid", other.ProcessID);
            while (!sending.IsCompleted && (long)(await blocked.ExecuteScalarAsync())! == 0)
                await Task.WhenAny(sending, Task.Delay(20));
        }
        Assert.False(sending.IsCompleted, "the request did not wait for the other transaction");
        await tx.CommitAsync();
        using var response = await sending;
        return response.StatusCode;
    }

    [Fact]
    public async Task A_triage_rule_put_with_the_etag_of_before_an_uncommitted_change_is_412()
    {
        var name = Unique("stamp");
        var rule = await KefuApp.PostOk(app.Admin, "/api/v1/triage/rules", new { name, pattern = name, isRegex = false, priority = "high" });
        var id = rule["id"]!.GetValue<int>();
        var status = await PutWhileAnotherChangeIsUncommittedAsync($"/api/v1/triage/rules/{id}",
            new { name = name + "-mine", pattern = name, isRegex = false, priority = "high" },
            "UPDATE routing_rules SET name = 'changed elsewhere' WHERE id = @id", id);
        Assert.Equal(HttpStatusCode.PreconditionFailed, status);
        var now = await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/triage/rules/{id}"), true);
        Assert.Equal("changed elsewhere", now["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_chat_site_put_with_the_etag_of_before_an_uncommitted_change_is_412()
    {
        var name = Unique("site");
        var site = await KefuApp.PostOk(app.Admin, "/api/v1/chat/sites", new { name, teamId = app.TeamA, allowedOrigins = new[] { "https://shop.example" } });
        var id = site["id"]!.GetValue<int>();
        var status = await PutWhileAnotherChangeIsUncommittedAsync($"/api/v1/chat/sites/{id}",
            new { name = name + "-mine", teamId = app.TeamA, allowedOrigins = new[] { "https://shop.example" } },
            "UPDATE chat_sites SET name = 'changed elsewhere' WHERE id = @id", id);
        Assert.Equal(HttpStatusCode.PreconditionFailed, status);
    }

    [Theory]
    [InlineData("DELETE", "")]
    [InlineData("POST", "/rotate-secret")]
    public async Task A_chat_site_change_that_starts_while_a_delete_is_uncommitted_finds_the_site_gone(string method, string path)
    {
        var name = Unique("gone");
        var site = await KefuApp.PostOk(app.Admin, "/api/v1/chat/sites", new { name, teamId = app.TeamA, allowedOrigins = new[] { "https://shop.example" } });
        var id = site["id"]!.GetValue<int>();
        var status = await SendWhileAnotherChangeIsUncommittedAsync(() => new HttpRequestMessage(new HttpMethod(method), $"/api/v1/chat/sites/{id}{path}"),
            "UPDATE chat_sites SET deleted_at = now(), updated_at = now() WHERE id = @id", id);
        // Before, it passed the "not deleted" check on the old row and then wrote over the delete.
        Assert.Equal(HttpStatusCode.NotFound, status);
        var key = id.ToString();
        Assert.Empty(await app.DbAsync(db => db.Audit.Where(a => a.EntityType == "chat_site" && a.EntityId == key && a.Action != "created").ToListAsync()));
    }
}
