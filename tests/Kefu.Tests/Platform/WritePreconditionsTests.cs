namespace Kefu.Tests.Platform;

/// <summary>Write endpoints that had neither Idempotency-Key nor If-Match (audit 12, item 6): a retried chat-site create
/// makes one site; the PUTs of chat sites, triage rules, agents' routing profiles and teams' assignment policies answer
/// with an ETag and refuse a stale If-Match with 412, changing nothing; the taxonomy PATCH reads null as "clear".
/// Run once per provider (subclasses below).</summary>
public abstract class WritePreconditionsTests(KefuApp app)
{
    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    private Task<HttpResponseMessage> Send(HttpMethod method, string url, object body, string? ifMatch = null, string? key = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = JsonContent.Create(body) };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        return app.Admin.SendAsync(request);
    }

    /// <summary>GET gives an ETag; a PUT with it succeeds with a new one; the old one is then a 412 that changes nothing;
    /// with the new one the second change goes through.</summary>
    private async Task AStaleIfMatchIsRefused(string url, object first, object second, Func<JsonNode, bool> hasSecond)
    {
        var get = await app.Admin.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        var etag = get.Headers.ETag!.Tag;
        var put = await Send(HttpMethod.Put, url, first, etag);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var fresh = put.Headers.ETag!.Tag;
        Assert.NotEqual(etag, fresh);
        Assert.Equal(fresh, (await app.Admin.GetAsync(url)).Headers.ETag!.Tag);

        var stale = await Send(HttpMethod.Put, url, second, etag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal("application/problem+json", stale.Content.Headers.ContentType?.MediaType);
        Assert.False(hasSecond(await KefuApp.Json(await app.Admin.GetAsync(url), true)));

        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Put, url, second, fresh)).StatusCode);
        Assert.True(hasSecond(await KefuApp.Json(await app.Admin.GetAsync(url), true)));
    }

    private static object Site(string name) => new
    {
        name, teamId = (int?)null, allowedOrigins = new[] { "https://shop.example.com" }, color = "#0a7cff",
        greeting = "您好", offlineMessage = "请留言", preChatFields = new[] { "name" },
    };

    [Fact]
    public async Task A_retried_chat_site_create_makes_one_site_and_its_put_honours_if_match()
    {
        var name = Unique("站点");
        var key = Guid.NewGuid().ToString();
        var first = await Send(HttpMethod.Post, "/api/v1/chat/sites", Site(name), key: key);
        var again = await Send(HttpMethod.Post, "/api/v1/chat/sites", Site(name), key: key);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        var id = (await KefuApp.Json(first))["id"]!.GetValue<int>();
        Assert.Equal(id, (await KefuApp.Json(again))["id"]!.GetValue<int>());
        var sites = await KefuApp.Json(await app.Admin.GetAsync("/api/v1/chat/sites"), true);
        Assert.Single(sites.AsArray(), s => s!["name"]!.GetValue<string>() == name);

        await AStaleIfMatchIsRefused($"/api/v1/chat/sites/{id}", Site(name + "-1"), Site(name + "-2"),
            s => s["name"]!.GetValue<string>() == name + "-2");
    }

    [Fact]
    public async Task A_triage_rule_put_honours_if_match()
    {
        var name = Unique("规则");
        var rule = await KefuApp.PostOk(app.Admin, "/api/v1/triage/rules", new { name, pattern = Unique("暗号"), isRegex = false, priority = "high" });
        var url = $"/api/v1/triage/rules/{rule["id"]}";
        try
        {
            await AStaleIfMatchIsRefused(url,
                new { name = name + "-1", pattern = "甲", isRegex = false, priority = "high" },
                new { name = name + "-2", pattern = "乙", isRegex = false, priority = "urgent" },
                r => r["name"]!.GetValue<string>() == name + "-2");
        }
        finally
        {
            Assert.Equal(HttpStatusCode.NoContent, (await app.Admin.DeleteAsync(url)).StatusCode);
        }
    }

    [Fact]
    public async Task An_agents_routing_profile_put_honours_if_match()
    {
        var url = $"/api/v1/routing/agents/{app.AgentA.Id}";
        var before = (await KefuApp.Json(await app.Admin.GetAsync(url), true))["chatCapacity"]!.GetValue<int>();
        try
        {
            await AStaleIfMatchIsRefused(url, new { chatCapacity = 7 }, new { chatCapacity = 8 }, p => p["chatCapacity"]!.GetValue<int>() == 8);
        }
        finally
        {
            Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Put, url, new { chatCapacity = before })).StatusCode);
        }
    }

    [Fact]
    public async Task A_teams_assignment_policy_put_honours_if_match()
    {
        var team = (await KefuApp.PostOk(app.Admin, "/api/v1/teams", new { name = Unique("分配") }))["id"]!.GetValue<int>();
        await AStaleIfMatchIsRefused($"/api/v1/routing/teams/{team}", new { mode = "round_robin" }, new { mode = "least_load" },
            p => p["mode"]!.GetValue<string>() == "least_load");
    }

    [Fact]
    public async Task The_taxonomy_patch_clears_a_leafs_default_team_and_priority_with_null()
    {
        // Under an existing level-2 category: other tests of this app count the level-1 ones.
        var tree = (await KefuApp.Json(await app.Admin.GetAsync("/api/v1/taxonomy"), true)).AsArray();
        var mid = tree[0]!["children"]![0]!["id"]!.GetValue<int>();
        var leaf = await KefuApp.PostOk(app.Admin, "/api/v1/taxonomy",
            new { parentId = mid, name = Unique("清除"), defaultPriority = "urgent", defaultTeamId = app.TeamA });
        var url = $"/api/v1/taxonomy/{leaf["id"]}";
        Assert.Equal(app.TeamA, leaf["defaultTeamId"]!.GetValue<int>());

        var noTeam = await KefuApp.Json(await app.Admin.PatchAsJsonAsync(url, new JsonObject { ["defaultTeamId"] = null }), true);
        Assert.Null(noTeam["defaultTeamId"]);
        Assert.Equal("urgent", noTeam["defaultPriority"]!.GetValue<string>()); // absent: unchanged
        var noPriority = await KefuApp.Json(await app.Admin.PatchAsJsonAsync(url, new JsonObject { ["defaultPriority"] = null, ["name"] = leaf["name"]!.GetValue<string>() + "新" }), true);
        Assert.Null(noPriority["defaultPriority"]);
        Assert.Equal(leaf["name"]!.GetValue<string>() + "新", noPriority["name"]!.GetValue<string>());

        var unknown = await app.Admin.PatchAsJsonAsync(url, new { defaultTeam = 1 });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.NotNull((await KefuApp.Json(unknown))["errors"]!["defaultTeam"]);
        var badValue = await app.Admin.PatchAsJsonAsync(url, new { defaultPriority = "very" });
        Assert.NotNull((await KefuApp.Json(badValue))["errors"]!["defaultPriority"]);
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteWritePreconditionsTests(SqliteApp app) : WritePreconditionsTests(app);

[Collection(PostgresCollection.Name)]
public sealed class PostgresWritePreconditionsTests(PostgresApp app) : WritePreconditionsTests(app);
