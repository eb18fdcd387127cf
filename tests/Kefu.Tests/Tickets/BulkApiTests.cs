using System.Text;

namespace Kefu.Tests.Tickets;

/// <summary>POST /api/v1/tickets/bulk (the service the workspace's bulk bar uses), on both providers.</summary>
public abstract class BulkApiTests(KefuApp app)
{
    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    private async Task<long> CreateTicket(int teamId, string[]? tags = null) =>
        (await KefuApp.PostOk(app.Admin, "/api/v1/tickets", new
        {
            subject = Unique("批量"), teamId, tags,
            customer = new { email = $"{Unique("bulk")}@example.com", name = "客户" },
            message = new { body = "麻烦处理一下" },
        }))["id"]!.GetValue<long>();

    private async Task<JsonNode> Get(long id) => await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/tickets/{id}"), true);

    private static async Task<JsonNode> Bulk(HttpClient client, object body) => await KefuApp.PostOk(client, "/api/v1/tickets/bulk", body);

    private static long[] Ids(JsonNode result, string list) => [.. result[list]!.AsArray().Select(x => x!.GetValue<long>()).Order()];

    [Fact]
    public async Task Sets_status_priority_and_assignee_and_reports_tickets_whose_status_cannot_move()
    {
        var a = await CreateTicket(app.TeamA);
        var b = await CreateTicket(app.TeamA);
        var solved = await CreateTicket(app.TeamA);
        await Bulk(app.Admin, new { ticketIds = new[] { solved }, set = new { status = "solved" } });

        // pending_customer is not allowed from solved: that one is reported, the others proceed.
        var result = await Bulk(app.Admin, new
        {
            ticketIds = new[] { a, b, solved },
            set = new { status = "pending_customer", priority = "urgent", assigneeId = app.AgentA.Id },
        });
        Assert.Equal([a, b], Ids(result, "updated"));
        var skip = Assert.Single(result["skipped"]!.AsArray())!;
        Assert.Equal(solved, skip["ticketId"]!.GetValue<long>());
        Assert.Equal(solved + 100000, skip["number"]!.GetValue<long>());
        Assert.Equal("status_not_allowed", skip["reason"]!.GetValue<string>());
        Assert.Equal("solved", skip["status"]!.GetValue<string>());

        foreach (var id in new[] { a, b })
        {
            var t = await Get(id);
            Assert.Equal("pending_customer", t["status"]!.GetValue<string>());
            Assert.Equal("urgent", t["priority"]!.GetValue<string>());
            Assert.Equal(app.AgentA.Id, t["assignee"]!["id"]!.GetValue<Guid>());
            // Each ticket is changed through the normal path: its own audit row.
            var audit = await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/tickets/{id}/audit"), true);
            Assert.Contains(audit.AsArray(), e => e!["action"]!.GetValue<string>() == "updated" && e["changes"]?["status"] is not null);
        }
        var untouched = await Get(solved);
        Assert.Equal("solved", untouched["status"]!.GetValue<string>());
        Assert.Equal("normal", untouched["priority"]!.GetValue<string>());

        // The same again changes nothing: reported as unchanged, not as updated.
        var again = await Bulk(app.Admin, new { ticketIds = new[] { a, b }, set = new { priority = "urgent" } });
        Assert.Equal([a, b], Ids(again, "unchanged"));
        Assert.Empty(again["updated"]!.AsArray());

        // null unassigns and clears the team.
        await Bulk(app.Admin, new { ticketIds = new[] { a }, set = new JsonObject { ["assigneeId"] = null, ["teamId"] = app.TeamB } });
        var moved = await Get(a);
        Assert.Null(moved["assignee"]);
        Assert.Equal(app.TeamB, moved["team"]!["id"]!.GetValue<int>());
    }

    [Fact]
    public async Task Adds_and_removes_tags_keeping_the_others()
    {
        var keep = Unique("keep");
        var drop = Unique("drop");
        var add = Unique("add");
        var a = await CreateTicket(app.TeamA, [keep, drop]);
        var b = await CreateTicket(app.TeamA, [keep]);

        var result = await Bulk(app.Admin, new { ticketIds = new[] { a, b }, addTags = new[] { add }, removeTags = new[] { drop.ToUpperInvariant() } });
        Assert.Equal([a, b], Ids(result, "updated"));
        Assert.Equal(new[] { add, keep }.Order(), (await Get(a))["tags"]!.AsArray().Select(x => x!.GetValue<string>()).Order());
        Assert.Equal(new[] { add, keep }.Order(), (await Get(b))["tags"]!.AsArray().Select(x => x!.GetValue<string>()).Order());
    }

    [Fact]
    public async Task Each_ticket_is_checked_against_the_callers_team_scope_and_permissions()
    {
        var mine = await CreateTicket(app.TeamA);
        var otherTeam = await CreateTicket(app.TeamB);
        var result = await Bulk(app.AgentA.Http, new { ticketIds = new[] { mine, otherTeam, 987654321L }, set = new { priority = "high" } });
        Assert.Equal([mine], Ids(result, "updated"));
        var reasons = result["skipped"]!.AsArray().ToDictionary(s => s!["ticketId"]!.GetValue<long>(), s => s!["reason"]!.GetValue<string>());
        Assert.Equal("not_found", reasons[987654321L]);
        Assert.Contains(reasons[otherTeam], new[] { "forbidden", "not_found" });
        Assert.Equal("normal", (await Get(otherTeam))["priority"]!.GetValue<string>());

        // An agent may take tickets but not hand them to a colleague: refused per ticket.
        var handOver = await Bulk(app.AgentA.Http, new { ticketIds = new[] { mine }, set = new { assigneeId = app.AgentA2.Id } });
        Assert.Equal("forbidden", Assert.Single(handOver["skipped"]!.AsArray())!["reason"]!.GetValue<string>());
        var take = await Bulk(app.AgentA.Http, new { ticketIds = new[] { mine }, set = new { assigneeId = app.AgentA.Id } });
        Assert.Equal([mine], Ids(take, "updated"));

        // Merging needs tickets.merge, which a plain agent lacks: the whole request is refused.
        var merge = await app.AgentA.Http.PostAsJsonAsync("/api/v1/tickets/bulk", new { ticketIds = new[] { mine, await CreateTicket(app.TeamA) }, mergeInto = mine });
        Assert.Equal(HttpStatusCode.Forbidden, merge.StatusCode);
        Assert.Equal("application/problem+json", merge.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Merges_the_selection_into_the_chosen_ticket()
    {
        var target = await CreateTicket(app.TeamA);
        var s1 = await CreateTicket(app.TeamA, [Unique("m1")]);
        var s2 = await CreateTicket(app.TeamA);
        var result = await Bulk(app.Lead.Http, new { ticketIds = new[] { s1, target, s2 }, mergeInto = target });
        Assert.Equal(new[] { s1, s2, target }.Order(), Ids(result, "updated"));
        Assert.Empty(result["skipped"]!.AsArray());
        foreach (var s in new[] { s1, s2 })
        {
            var t = await Get(s);
            Assert.Equal("closed", t["status"]!.GetValue<string>());
            Assert.Equal(target, t["mergedIntoId"]!.GetValue<long>());
        }
        var messages = await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/tickets/{target}/messages"), true);
        Assert.True(messages.AsArray().Count(m => m!["kind"]!.GetValue<string>() == "customer") == 3);

        // Again: both are already merged, reported as such.
        var again = await Bulk(app.Lead.Http, new { ticketIds = new[] { s1, s2 }, mergeInto = target });
        Assert.All(again["skipped"]!.AsArray(), s => Assert.Equal("merged", s!["reason"]!.GetValue<string>()));
    }

    private Task<HttpResponseMessage> Send(object body, string? ifMatch = null, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/tickets/bulk") { Content = JsonContent.Create(body) };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        if (key is not null) request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        return app.Admin.SendAsync(request);
    }

    private async Task<string> ETag(long id) => (await app.Admin.GetAsync($"/api/v1/tickets/{id}")).Headers.ETag!.Tag;

    [Fact]
    public async Task A_stale_if_match_is_a_412_problem_and_changes_nothing()
    {
        var a = await CreateTicket(app.TeamA);
        var b = await CreateTicket(app.TeamA);
        var (etagA, etagB) = (await ETag(a), await ETag(b));
        await Bulk(app.Admin, new { ticketIds = new[] { b }, set = new { priority = "high" } }); // someone changes b after it was read

        var stale = await Send(new { ticketIds = new[] { a, b }, set = new { priority = "urgent" } }, $"{etagA}, {etagB}");
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal("application/problem+json", stale.Content.Headers.ContentType?.MediaType);
        var problem = await KefuApp.Json(stale);
        Assert.Equal(412, problem["status"]!.GetValue<int>());
        Assert.NotNull(problem["errors"]?[$"ticketIds.{b}"]);
        Assert.Null(problem["errors"]?[$"ticketIds.{a}"]);
        Assert.Equal("normal", (await Get(a))["priority"]!.GetValue<string>()); // nothing changed, not even the fresh one
        Assert.Equal("high", (await Get(b))["priority"]!.GetValue<string>());

        // With the ETags read now it goes through; "*" and no If-Match are unconditional, as for one ticket.
        var fresh = await Send(new { ticketIds = new[] { a, b }, set = new { priority = "urgent" } }, $"{etagA}, {await ETag(b)}");
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.Equal([a, b], Ids(await KefuApp.Json(fresh), "updated"));
        Assert.Equal(HttpStatusCode.OK, (await Send(new { ticketIds = new[] { a }, set = new { priority = "low" } }, "*")).StatusCode);
    }

    [Fact]
    public async Task If_match_lists_one_etag_per_listed_ticket()
    {
        var a = await CreateTicket(app.TeamA);
        var b = await CreateTicket(app.TeamA);
        foreach (var ifMatch in new[] { await ETag(a), "\"x\", \"1\"" })
        {
            var response = await Send(new { ticketIds = new[] { a, b }, set = new { priority = "urgent" } }, ifMatch);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            // The problem's field names are camel-cased by the serializer ("if-Match").
            var errors = (await KefuApp.Json(response))["errors"]!.AsObject();
            Assert.Contains(errors, e => e.Key.Equals("If-Match", StringComparison.OrdinalIgnoreCase));
        }
        Assert.Equal("normal", (await Get(a))["priority"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_retried_bulk_with_the_same_idempotency_key_replays_the_first_answer()
    {
        var a = await CreateTicket(app.TeamA);
        var key = Guid.NewGuid().ToString();
        var body = new { ticketIds = new[] { a }, set = new { priority = "urgent" } };
        var first = await Send(body, key: key);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await Bulk(app.Admin, new { ticketIds = new[] { a }, set = new { priority = "low" } }); // a change in between

        var retry = await Send(body, key: key);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(Ids(await KefuApp.Json(first), "updated"), Ids(await KefuApp.Json(retry), "updated"));
        Assert.Equal("low", (await Get(a))["priority"]!.GetValue<string>()); // not applied a second time

        var reused = await Send(new { ticketIds = new[] { a }, set = new { priority = "high" } }, key: key);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
    }

    [Fact]
    public async Task With_an_idempotency_key_a_skipped_ticket_undoes_only_its_own_part()
    {
        var a = await CreateTicket(app.TeamA);
        var solved = await CreateTicket(app.TeamA);
        await Bulk(app.Admin, new { ticketIds = new[] { solved }, set = new { status = "solved" } });
        var response = await Send(new { ticketIds = new[] { a, solved, 987654321L }, set = new { status = "pending_customer" } }, key: Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await KefuApp.Json(response);
        Assert.Equal([a], Ids(result, "updated"));
        Assert.Equal(2, result["skipped"]!.AsArray().Count);
        Assert.Equal("pending_customer", (await Get(a))["status"]!.GetValue<string>());
        Assert.Equal("solved", (await Get(solved))["status"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("{\"ticketIds\": [], \"set\": {\"priority\": \"high\"}}", "ticketIds")]
    [InlineData("{\"ticketIds\": [1]}", "set")]
    [InlineData("{\"ticketIds\": [1], \"set\": {\"priority\": \"whenever\"}}", "set.priority")]
    [InlineData("{\"ticketIds\": [1], \"set\": {\"subject\": \"x\"}}", "set.subject")]
    [InlineData("{\"ticketIds\": [1], \"set\": {\"status\": null}}", "set.status")]
    [InlineData("{\"ticketIds\": [1], \"set\": {\"teamId\": 999999}}", "set.teamId")]
    [InlineData("{\"ticketIds\": [1], \"set\": {\"assigneeId\": \"6c0d6b4e-0000-0000-0000-000000000000\"}}", "set.assigneeId")]
    [InlineData("{\"ticketIds\": [1, 2], \"mergeInto\": 1, \"addTags\": [\"x\"]}", "mergeInto")]
    [InlineData("{\"ticketIds\": [1], \"mergeInto\": 987654321}", "mergeInto")]
    [InlineData("{\"ticketIds\": [1], \"set\": {\"priority\": \"high\"}, \"colour\": \"red\"}", "colour")]
    [InlineData("{\"ticketIds\": [1], \"set\": ", null)]
    public async Task Bad_requests_are_problem_details_naming_the_field(string json, string? field)
    {
        var response = await app.Admin.PostAsync("/api/v1/tickets/bulk", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await KefuApp.Json(response);
        Assert.Equal(400, problem["status"]!.GetValue<int>());
        if (field is not null) Assert.True(problem["errors"]?[field] is not null, $"errors should name '{field}': {problem.ToJsonString()}");
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteBulkApiTests(SqliteApp app) : BulkApiTests(app);

[Collection(PostgresCollection.Name)]
public sealed class PostgresBulkApiTests(PostgresApp app) : BulkApiTests(app);
