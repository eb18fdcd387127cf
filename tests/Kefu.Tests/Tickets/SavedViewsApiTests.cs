using System.Text;
using Kefu.Tickets.Views;

namespace Kefu.Tests.Tickets;

/// <summary>Personal saved views over the API, on a real database; run once per provider (subclasses below).</summary>
public abstract class SavedViewsApiTests(KefuApp app)
{
    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    private async Task<long> Ticket(int teamId, string tag, string priority = "urgent", string channel = "email") =>
        (await KefuApp.PostOk(app.Admin, "/api/v1/tickets", new
        {
            subject = Unique("视图"), channel, teamId, priority, tags = new[] { tag },
            customer = new { email = $"{Unique("v")}@example.com" }, message = new { body = "订单一直没发货" },
        }))["id"]!.GetValue<long>();

    private static async Task<JsonNode> Views(HttpClient client) => await KefuApp.Json(await client.GetAsync("/api/v1/me/views"), true);

    private static HttpRequestMessage Patch(string url, object body, string? etag)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, url) { Content = JsonContent.Create(body) };
        if (etag is not null) request.Headers.TryAddWithoutValidation("If-Match", etag);
        return request;
    }

    [Fact]
    public async Task A_view_is_saved_counted_renamed_and_deleted()
    {
        var tag = Unique("vip");
        await Ticket(app.TeamA, tag);
        await Ticket(app.TeamA, tag, priority: "low");
        var created = await app.AgentA.Http.PostAsJsonAsync("/api/v1/me/views", new
        {
            name = "紧急 VIP", filters = new { status = "new,open", priority = "urgent", tag },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("\"0\"", created.Headers.ETag?.Tag);
        var view = await KefuApp.Json(created);
        var id = view["id"]!.GetValue<long>();
        Assert.Equal($"/api/v1/me/views/{id}", created.Headers.Location?.ToString());
        Assert.Equal(1, view["count"]!.GetValue<int>());
        Assert.Equal("urgent", view["filters"]!["priority"]!.GetValue<string>());
        Assert.Null(view["filters"]!["assignee"]);

        await Ticket(app.TeamA, tag);
        var listed = (await Views(app.AgentA.Http)).AsArray().Single(v => v!["id"]!.GetValue<long>() == id)!;
        Assert.Equal(2, listed["count"]!.GetValue<int>()); // counted now, not when saved

        // The view shows exactly what the ticket list shows for the same filters.
        var list = await KefuApp.Json(await app.AgentA.Http.GetAsync($"/api/v1/tickets?status=new,open&priority=urgent&tag={tag}"), true);
        Assert.Equal(2, list["items"]!.AsArray().Count);

        var stale = await app.AgentA.Http.SendAsync(Patch($"/api/v1/me/views/{id}", new { name = "x" }, "\"7\""));
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        var renamed = await app.AgentA.Http.SendAsync(Patch($"/api/v1/me/views/{id}", new { name = "  加急  " }, "\"0\""));
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        Assert.Equal("\"1\"", renamed.Headers.ETag?.Tag);
        var body = await KefuApp.Json(renamed);
        Assert.Equal("加急", body["name"]!.GetValue<string>());
        Assert.Equal("urgent", body["filters"]!["priority"]!.GetValue<string>()); // filters untouched by a rename

        var refiltered = await KefuApp.Json(await app.AgentA.Http.SendAsync(Patch($"/api/v1/me/views/{id}", new { filters = new { tag } }, null)), true);
        Assert.Equal(3, refiltered["count"]!.GetValue<int>());
        Assert.Null(refiltered["filters"]!["priority"]);

        Assert.Equal(HttpStatusCode.NoContent, (await app.AgentA.Http.DeleteAsync($"/api/v1/me/views/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.AgentA.Http.GetAsync($"/api/v1/me/views/{id}")).StatusCode);
        Assert.DoesNotContain((await Views(app.AgentA.Http)).AsArray(), v => v!["id"]!.GetValue<long>() == id);
    }

    [Fact]
    public async Task A_view_counts_only_tickets_its_owner_may_see()
    {
        var tag = Unique("scope");
        await Ticket(app.TeamA, tag);
        await Ticket(app.TeamA, tag);
        await Ticket(app.TeamB, tag);
        async Task<int> CountFor(Staff staff)
        {
            var v = await KefuApp.PostOk(staff.Http, "/api/v1/me/views", new { name = Unique("标签"), filters = new { tag } });
            return v["count"]!.GetValue<int>();
        }
        Assert.Equal(2, await CountFor(app.AgentA));
        Assert.Equal(1, await CountFor(app.AgentB));
        Assert.Equal(3, await CountFor(app.Supervisor));

        // "me" is whoever looks: the same filters mean each person's own tickets.
        var mine = await KefuApp.PostOk(app.AgentA2.Http, "/api/v1/me/views", new { name = Unique("我的"), filters = new { assignee = "ME", tag } });
        Assert.Equal("me", mine["filters"]!["assignee"]!.GetValue<string>());
        Assert.Equal(0, mine["count"]!.GetValue<int>());
    }

    [Fact]
    public async Task Views_are_personal()
    {
        var view = await KefuApp.PostOk(app.AgentA.Http, "/api/v1/me/views", new { name = Unique("私人"), filters = new { priority = "high" } });
        var url = $"/api/v1/me/views/{view["id"]}";
        Assert.DoesNotContain((await Views(app.AgentA2.Http)).AsArray(), v => v!["id"]!.GetValue<long>() == view["id"]!.GetValue<long>());
        Assert.Equal(HttpStatusCode.NotFound, (await app.AgentA2.Http.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.AgentA2.Http.SendAsync(Patch(url, new { name = "mine now" }, null))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.AgentA2.Http.DeleteAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.AgentA.Http.GetAsync(url)).StatusCode);
        // Two people may use the same name; one person may not use it twice.
        Assert.Equal(HttpStatusCode.Created, (await app.AgentA2.Http.PostAsJsonAsync("/api/v1/me/views", new { name = view["name"]!.GetValue<string>() })).StatusCode);
        var twice = await app.AgentA.Http.PostAsJsonAsync("/api/v1/me/views", new { name = view["name"]!.GetValue<string>() });
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        Assert.Equal("application/problem+json", twice.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Staff_who_cannot_read_tickets_have_no_views()
    {
        var editor = await app.CreateStaff(Unique("kb"), "KB Editor", ["knowledge_editor"], []);
        Assert.Equal(HttpStatusCode.Forbidden, (await editor.Http.GetAsync("/api/v1/me/views")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await editor.Http.PostAsJsonAsync("/api/v1/me/views", new { name = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Client(null).GetAsync("/api/v1/me/views")).StatusCode);
    }

    [Theory]
    [InlineData("{\"name\":\"\"}", "name")]
    [InlineData("{\"name\":\"0123456789012345678901234567890123456789012345678901234567890\"}", "name")]
    [InlineData("{\"name\":\"x\",\"filters\":{\"status\":\"sleeping\"}}", "filters.status")]
    [InlineData("{\"name\":\"x\",\"filters\":{\"priority\":\"mega\"}}", "filters.priority")]
    [InlineData("{\"name\":\"x\",\"filters\":{\"channel\":\"fax\"}}", "filters.channel")]
    [InlineData("{\"name\":\"x\",\"filters\":{\"assignee\":\"bob\"}}", "filters.assignee")]
    [InlineData("{\"name\":\"x\",\"filters\":{\"sort\":\"name\"}}", "filters.sort")]
    [InlineData("{\"name\":\"x\",\"filters\":{\"teamId\":999999}}", "filters.teamId")]
    [InlineData("{\"name\":\"x\",\"filters\":{\"categoryId\":999999}}", "filters.categoryId")]
    [InlineData("{\"name\":\"x\",\"filters\":{\"colour\":\"red\"}}", "filters.colour")]
    public async Task Bad_views_get_a_problem_naming_the_field_and_save_nothing(string json, string field)
    {
        var before = (await Views(app.AgentB.Http)).AsArray().Count;
        var response = await app.AgentB.Http.PostAsync("/api/v1/me/views", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await KefuApp.Json(response);
        Assert.True(problem["errors"]?[field] is not null, $"errors should name '{field}': {problem.ToJsonString()}");
        Assert.Equal(before, (await Views(app.AgentB.Http)).AsArray().Count);
    }

    [Fact]
    public async Task Retrying_a_create_with_the_same_idempotency_key_saves_one_view()
    {
        var key = Guid.NewGuid().ToString();
        var name = Unique("重试");
        HttpRequestMessage Request() => new(HttpMethod.Post, "/api/v1/me/views")
        {
            Content = JsonContent.Create(new { name, filters = new { channel = "wechat" } }), Headers = { { "Idempotency-Key", key } },
        };
        var first = await app.AgentA2.Http.SendAsync(Request());
        var second = await app.AgentA2.Http.SendAsync(Request());
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal((await KefuApp.Json(first))["id"]!.GetValue<long>(), (await KefuApp.Json(second))["id"]!.GetValue<long>());
        Assert.Single((await Views(app.AgentA2.Http)).AsArray(), v => v!["name"]!.GetValue<string>() == name);
    }

    [Fact]
    public async Task A_views_count_matches_the_list_it_opens()
    {
        var tag = Unique("same");
        await Ticket(app.TeamA, tag, channel: "wechat");
        await Ticket(app.TeamA, tag, priority: "low", channel: "chat");
        var filters = new[]
        {
            new SavedViewFilters(Tag: tag),
            new SavedViewFilters(Tag: tag, Channel: "wechat,chat", Priority: "low"),
            new SavedViewFilters(Tag: tag, MyTeams: true, Status: "new"),
            new SavedViewFilters(Tag: tag, Assignee: "none", Sort: "priority"),
            new SavedViewFilters(Tag: tag, TeamId: app.TeamB),
        };
        var context = (await app.Service<Kefu.Platform.Auth.StaffDirectory>().GetAsync(app.AgentA.Id, CancellationToken.None))!;
        using var scope = app.Factory.Services.CreateScope();
        var views = scope.ServiceProvider.GetRequiredService<SavedViewService>();
        var queries = scope.ServiceProvider.GetRequiredService<Kefu.Tickets.TicketQueries>();
        var expected = new[] { 2, 1, 2, 2, 0 };
        for (var i = 0; i < filters.Length; i++)
        {
            var page = await queries.ListAsync(filters[i].ToTicketFilter(), context, CancellationToken.None);
            Assert.Equal(expected[i], page.Items.Count);
            Assert.Equal(expected[i], await views.CountAsync(filters[i], context, CancellationToken.None));
        }
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteSavedViewsApiTests(SqliteApp app) : SavedViewsApiTests(app);

[Collection(PostgresCollection.Name)]
public sealed class PostgresSavedViewsApiTests(PostgresApp app) : SavedViewsApiTests(app);
