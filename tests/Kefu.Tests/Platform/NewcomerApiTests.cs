using System.Text;

namespace Kefu.Tests.Platform;

/// <summary>What a new integrator ran into with the README, /api/docs and curl (audit 13): the OpenAPI document marked
/// every optional field of a request required, showed the ticket PATCH as an empty object and said nothing of
/// Idempotency-Key, If-Match or the problem answers; an identity added on its own skipped the e-mail/phone rules; a staff
/// PATCH could blank the display name or set a language the UI does not have; merges ignored If-Match; 409s named no field;
/// a missing body or an unknown field was answered in C# terms; a 401 said nothing of how to authenticate. Run once per provider (subclasses below).</summary>
public abstract class NewcomerApiTests(KefuApp app)
{
    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..10];

    private Task<HttpResponseMessage> Send(HttpMethod method, string url, object? body, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(method, url);
        if (body is not null) request.Content = JsonContent.Create(body);
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return app.Admin.SendAsync(request);
    }

    private static async Task<JsonNode> Problem(HttpResponseMessage response, HttpStatusCode status, string field)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await KefuApp.Json(response);
        Assert.NotNull(problem["errors"]?[field]);
        return problem;
    }

    private async Task<JsonNode> NewTicket() => await KefuApp.PostOk(app.Admin, "/api/v1/tickets", new
    {
        subject = Unique("付款失败"), customer = new { email = $"{Unique("nu")}@example.com", name = "李雷" },
        message = new { body = "付款时提示交易受限" },
    });

    [Fact]
    public async Task The_openapi_document_says_which_fields_are_required_what_a_patch_takes_and_which_headers_and_problems_apply()
    {
        var doc = await KefuApp.Json(await app.Client(null).GetAsync("/api/openapi/v1.json"), true);
        Assert.Equal("3.1.1", doc["openapi"]!.GetValue<string>());
        var schemas = doc["components"]!["schemas"]!;
        string[] Required(JsonNode? schema) => [.. (schema?["required"]?.AsArray() ?? []).Select(x => x!.GetValue<string>()).Order()];

        // README's own example sends neither channel, priority, teamId nor externalId: they are optional.
        Assert.Equal(["customer", "message", "subject"], Required(schemas["CreateTicketRequest"]));
        Assert.Empty(Required(schemas["CustomerInput"]));
        Assert.Equal(["kind"], Required(schemas["AddMessageRequest"]));
        // Response DTOs keep their required lists: every property is always present.
        Assert.Contains("priority", Required(schemas["TicketDto"]));

        var paths = doc["paths"]!;
        var patch = paths["/api/v1/tickets/{id}"]!["patch"]!;
        var body = patch["requestBody"]!["content"]!["application/merge-patch+json"]!["schema"]!;
        Assert.NotNull(body["properties"]?["status"]);
        Assert.NotNull(body["properties"]?["assigneeId"]);
        Assert.NotNull(paths["/api/v1/taxonomy/{id}"]!["patch"]!["requestBody"]!["content"]!["application/json"]!["schema"]!["properties"]?["defaultTeamId"]);

        string[] Headers(JsonNode operation) =>
            [.. (operation["parameters"]?.AsArray() ?? []).Where(p => p!["in"]!.GetValue<string>() == "header").Select(p => p!["name"]!.GetValue<string>())];
        Assert.Equal(["Idempotency-Key"], Headers(paths["/api/v1/tickets"]!["post"]!));
        Assert.Equal(["If-Match"], Headers(patch));
        Assert.Contains("If-Match", Headers(paths["/api/v1/tickets/{id}/merge"]!["post"]!));
        Assert.Empty(Headers(paths["/api/v1/tickets"]!["get"]!));
        Assert.Empty(Headers(paths["/api/v1/routing/me/status"]!["put"]!)); // a presence switch: no ETag to match

        Assert.Equal("#/components/schemas/Problem",
            patch["responses"]!["4XX"]!["content"]!["application/problem+json"]!["schema"]!["$ref"]!.GetValue<string>());
        Assert.NotNull(schemas["Problem"]!["properties"]!["errors"]);
    }

    [Fact]
    public async Task An_identity_added_on_its_own_obeys_the_identity_rules_and_a_rejected_one_writes_nothing()
    {
        var customer = await KefuApp.PostOk(app.Admin, "/api/v1/customers", new { name = "王芳", email = $"{Unique("wf")}@example.com" });
        Assert.Empty(customer["tags"]!.AsArray()); // [] as on a GET, not null
        var id = customer["id"]!.GetValue<long>();
        var url = $"/api/v1/customers/{id}/identities";

        await Problem(await Send(HttpMethod.Post, url, new { kind = "email", value = "not-an-address" }), HttpStatusCode.BadRequest, "value");
        await Problem(await Send(HttpMethod.Post, url, new { kind = "phone", value = new string('1', 40) }), HttpStatusCode.BadRequest, "value");
        await Problem(await Send(HttpMethod.Post, url, new { kind = "phone", value = "call me maybe" }), HttpStatusCode.BadRequest, "value");
        await Problem(await Send(HttpMethod.Post, url, new { kind = "app", value = new string('a', 129) }), HttpStatusCode.BadRequest, "value");

        var unchanged = await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/customers/{id}"), true);
        Assert.Equal(0, unchanged["version"]!.GetValue<int>());
        Assert.Single(unchanged["identities"]!.AsArray());

        var added = await Send(HttpMethod.Post, url, new { kind = "phone", value = "+86 138 0013 8000" });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        Assert.Equal("\"1\"", added.Headers.ETag?.Tag);
        Assert.Empty((await KefuApp.Json(added))["tags"]!.AsArray());
    }

    [Fact]
    public async Task A_staff_patch_cannot_blank_the_display_name_or_set_a_language_the_ui_does_not_speak()
    {
        var userName = Unique("nu.");
        var user = await KefuApp.PostOk(app.Admin, "/api/v1/users", new
        {
            userName, displayName = "新同事", password = "Secret#2026", roles = new[] { "agent" },
        });
        var url = $"/api/v1/users/{user["id"]}";
        await Problem(await Send(HttpMethod.Patch, url, new { displayName = "  " }), HttpStatusCode.BadRequest, "displayName");
        await Problem(await Send(HttpMethod.Patch, url, new { language = "klingon" }), HttpStatusCode.BadRequest, "language");
        await Problem(await Send(HttpMethod.Post, "/api/v1/users", new
        {
            userName = Unique("nu."), displayName = "x", password = "Secret#2026", roles = new[] { "agent" }, language = "fr",
        }), HttpStatusCode.BadRequest, "language");

        var now = await KefuApp.Json(await app.Admin.GetAsync(url), true);
        Assert.Equal("新同事", now["displayName"]!.GetValue<string>());
        Assert.Equal("zh-CN", now["language"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Patch, url, new { language = "en" })).StatusCode);
    }

    [Fact]
    public async Task Merges_refuse_a_stale_if_match_and_change_nothing()
    {
        var source = await NewTicket();
        var target = await NewTicket();
        var merge = $"/api/v1/tickets/{source["id"]}/merge";
        await Send(HttpMethod.Patch, $"/api/v1/tickets/{source["id"]}", new { priority = "urgent" }); // version 1 → 2
        var stale = await Send(HttpMethod.Post, merge, new { targetTicketId = target["id"]!.GetValue<long>() }, "\"1\"");
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        var after = await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/tickets/{source["id"]}"), true);
        Assert.Null(after["mergedIntoId"]?.GetValue<long?>());
        Assert.NotEqual("closed", after["status"]!.GetValue<string>());
        var ok = await Send(HttpMethod.Post, merge, new { targetTicketId = target["id"]!.GetValue<long>() }, "\"2\"");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);

        var into = await KefuApp.PostOk(app.Admin, "/api/v1/customers", new { name = "A", email = $"{Unique("a")}@example.com" });
        var other = await KefuApp.PostOk(app.Admin, "/api/v1/customers", new { name = "B", email = $"{Unique("b")}@example.com" });
        var customerMerge = $"/api/v1/customers/{into["id"]}/merge";
        var staleCustomer = await Send(HttpMethod.Post, customerMerge, new { sourceCustomerId = other["id"]!.GetValue<long>() }, "\"7\"");
        Assert.Equal(HttpStatusCode.PreconditionFailed, staleCustomer.StatusCode);
        Assert.Null((await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/customers/{other["id"]}"), true))["mergedIntoId"]?.GetValue<long?>());
        var merged = await Send(HttpMethod.Post, customerMerge, new { sourceCustomerId = other["id"]!.GetValue<long>() }, "\"0\"");
        Assert.Equal(HttpStatusCode.OK, merged.StatusCode);
        Assert.Equal("\"1\"", merged.Headers.ETag?.Tag);
        Assert.Empty((await KefuApp.Json(merged))["tags"]!.AsArray());
    }

    [Fact]
    public async Task A_conflict_names_the_field_that_conflicts()
    {
        var tag = Unique("标签");
        await KefuApp.PostOk(app.Admin, "/api/v1/tags", new { name = tag });
        await Problem(await Send(HttpMethod.Post, "/api/v1/tags", new { name = tag.ToUpperInvariant() }), HttpStatusCode.Conflict, "name");
        var team = Unique("组");
        await KefuApp.PostOk(app.Admin, "/api/v1/teams", new { name = team });
        await Problem(await Send(HttpMethod.Post, "/api/v1/teams", new { name = team }), HttpStatusCode.Conflict, "name");
        await Problem(await Send(HttpMethod.Post, "/api/v1/taxonomy", new { name = "订单服务" }), HttpStatusCode.Conflict, "name");
        var email = $"{Unique("dup")}@example.com";
        var first = await KefuApp.PostOk(app.Admin, "/api/v1/customers", new { name = "甲", email });
        var second = await KefuApp.PostOk(app.Admin, "/api/v1/customers", new { name = "乙" });
        await Problem(await Send(HttpMethod.Post, $"/api/v1/customers/{second["id"]}/identities", new { kind = "email", value = email }),
            HttpStatusCode.Conflict, "value");
        Assert.NotNull(first["id"]);
    }

    [Fact]
    public async Task A_401_says_how_to_authenticate()
    {
        var typo = app.Client("kfp_" + new string('x', 40));
        var bad = await typo.GetAsync("/api/v1/tickets");
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        Assert.Equal("Bearer", Assert.Single(bad.Headers.WwwAuthenticate).Scheme);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        Assert.Contains("unknown, expired or revoked", (await KefuApp.Json(bad))["detail"]!.GetValue<string>());

        var none = await app.Client(null).GetAsync("/api/v1/tickets");
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("Bearer", Assert.Single(none.Headers.WwwAuthenticate).Scheme);
        Assert.Contains("Authorization: Bearer", (await KefuApp.Json(none))["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_missing_body_an_unknown_field_and_a_bad_filter_are_explained_in_the_request_s_terms()
    {
        var empty = new HttpRequestMessage(HttpMethod.Post, "/api/v1/tickets") { Content = new StringContent("", Encoding.UTF8, "application/json") };
        var missing = await Problem(await app.Admin.SendAsync(empty), HttpStatusCode.BadRequest, "$");
        Assert.DoesNotContain("Service", missing["detail"]!.GetValue<string>());

        var unknown = await Problem(await Send(HttpMethod.Post, "/api/v1/tickets", new
        {
            subject = "x", customer = new { email = $"{Unique("u")}@example.com", fax = "1" }, message = new { body = "x" },
        }), HttpStatusCode.BadRequest, "customer.fax");
        Assert.Equal("Unknown field 'fax'.", unknown["detail"]!.GetValue<string>());

        var filter = await Problem(await app.Admin.GetAsync("/api/v1/tickets?createdFrom=yesterday"), HttpStatusCode.BadRequest, "createdFrom");
        Assert.Contains("ISO 8601", filter["detail"]!.GetValue<string>());
        Assert.DoesNotContain("Nullable", filter["detail"]!.GetValue<string>());
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteNewcomerApiTests(SqliteApp app) : NewcomerApiTests(app);

[Collection(PostgresCollection.Name)]
public sealed class PostgresNewcomerApiTests(PostgresApp app) : NewcomerApiTests(app);
