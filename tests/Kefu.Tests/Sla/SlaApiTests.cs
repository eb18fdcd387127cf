using static Kefu.Tests.Sla.SlaTestKit;

namespace Kefu.Tests.Sla;

/// <summary>The SLA API on a real database; run once per provider.</summary>
public abstract class SlaApiTests(KefuApp app)
{
    private async Task<JsonNode> WaitForClocks(HttpClient client, long id)
    {
        // The clocks are set by an event handler after the ticket's transaction commits.
        for (var i = 0; i < 300; i++)
        {
            await DrainAsync(app.Factory.Services);
            var sla = await SlaAsync(client, id);
            if (sla["clocks"]!.AsArray().Count > 0) return sla;
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException($"Ticket {id} got no SLA clocks");
    }

    [Fact]
    public async Task A_new_ticket_shows_its_policy_and_due_times()
    {
        var id = await CreateTicketAsync(app.Admin, "VIP");
        var sla = await WaitForClocks(app.Admin, id);
        Assert.Equal("VIP", sla["policyName"]!.GetValue<string>());
        Assert.Equal(["first_response", "resolution"], sla["clocks"]!.AsArray().Select(c => c!["metric"]!.GetValue<string>()));
        var first = Clock(sla, "first_response");
        Assert.Equal(60, first["targetMinutes"]!.GetValue<int>());
        Assert.True(first["businessHours"]!.GetValue<bool>());
        Assert.True(Utc(first["dueAt"]) > Utc(first["warnAt"]));
        Assert.Contains(sla["indicator"]!.GetValue<string>(), new[] { "ok", "warning" });
    }

    [Fact]
    public async Task A_policy_can_match_a_customer_tag_and_tagging_a_customer_retimes_his_open_tickets()
    {
        var tag = Unique("gold").ToLowerInvariant();
        var name = Unique("Gold customers");
        var policy = await KefuApp.PostOk(app.Admin, "/api/v1/sla/policies", new
        {
            name, position = 1, customerTags = new[] { tag.ToUpperInvariant() }, firstResponseMinutes = 15, resolutionMinutes = 120,
        });
        Assert.Equal([tag], policy["customerTags"]!.AsArray().Select(t => t!.GetValue<string>()));
        var customer = await KefuApp.PostOk(app.Admin, "/api/v1/customers", new { name = "钱七", email = $"{Guid.NewGuid():N}@example.com" });
        var customerId = customer["id"]!.GetValue<long>();
        var id = (await KefuApp.PostOk(app.Admin, "/api/v1/tickets", new
        {
            subject = Unique("sla"), customer = new { id = customerId }, message = new { body = "你好，请帮忙看看订单" },
        }))["id"]!.GetValue<long>();
        Assert.NotEqual(name, (await WaitForClocks(app.Admin, id))["policyName"]!.GetValue<string>());

        // The customer gets the tag: his open ticket moves under the policy at once (with its targets).
        await KefuApp.Json(await app.Admin.PutAsJsonAsync($"/api/v1/customers/{customerId}/tags", new { tags = new[] { tag } }), true);
        await DrainAsync(app.Factory.Services);
        var sla = await SlaAsync(app.Admin, id);
        Assert.Equal(name, sla["policyName"]!.GetValue<string>());
        Assert.Equal(15, Clock(sla, "first_response")["targetMinutes"]!.GetValue<int>());
    }

    [Fact]
    public async Task Sla_of_a_ticket_outside_the_callers_teams_is_forbidden_and_unknown_is_404()
    {
        var id = await CreateTicketAsync(app.Admin, "x", teamId: app.TeamA);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.AgentB.Http.GetAsync($"/api/v1/tickets/{id}/sla")).StatusCode);
        var missing = await app.Admin.GetAsync("/api/v1/tickets/999999999/sla");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Policies_are_created_replaced_and_deleted_by_admins_only()
    {
        var body = new { name = Unique("Refund policy"), priorities = new[] { "high" }, channels = new[] { "chat" }, tags = new[] { "VIP" }, firstResponseMinutes = 30, resolutionMinutes = 480, warnAtPercent = 80 };
        Assert.Equal(HttpStatusCode.Forbidden, (await app.AgentA.Http.PostAsJsonAsync("/api/v1/sla/policies", body)).StatusCode);
        var created = await app.Admin.PostAsJsonAsync("/api/v1/sla/policies", body);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var p = await KefuApp.Json(created);
        var url = created.Headers.Location!.ToString();
        Assert.Equal(["high"], p["priorities"]!.AsArray().Select(x => x!.GetValue<string>()));
        Assert.Equal(80, p["warnAtPercent"]!.GetValue<int>());

        var read = await app.Admin.GetAsync(url);
        var etag = read.Headers.ETag!.ToString();
        var put = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(new { name = body.name, firstResponseMinutes = 45, businessHours = false }) };
        put.Headers.TryAddWithoutValidation("If-Match", etag);
        var replaced = await KefuApp.Json(await app.Admin.SendAsync(put), true);
        Assert.Equal(45, replaced["firstResponseMinutes"]!.GetValue<int>());
        Assert.False(replaced["businessHours"]!.GetValue<bool>());
        var stale = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(new { name = body.name, firstResponseMinutes = 50 }) };
        stale.Headers.TryAddWithoutValidation("If-Match", etag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await app.Admin.SendAsync(stale)).StatusCode);

        var listed = await KefuApp.Json(await app.AgentA.Http.GetAsync("/api/v1/sla/policies"), true);
        Assert.Contains(listed.AsArray(), x => x!["name"]!.GetValue<string>() == body.name);
        Assert.Equal(HttpStatusCode.NoContent, (await app.Admin.DeleteAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Admin.GetAsync(url)).StatusCode);
    }

    [Fact]
    public async Task Invalid_policies_are_problem_details_with_field_errors()
    {
        var response = await app.Admin.PostAsJsonAsync("/api/v1/sla/policies", new { name = "", firstResponseMinutes = 0, warnAtPercent = 150, calendarId = 99999 });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await KefuApp.Json(response);
        var fields = problem["errors"]!.AsObject().Select(kv => kv.Key).ToList();
        Assert.Contains("name", fields);
        Assert.Contains("firstResponseMinutes", fields);
        Assert.Contains("warnAtPercent", fields);
        Assert.Contains("calendarId", fields);
    }

    [Fact]
    public async Task Calendars_import_a_shipped_year_and_edit_single_days()
    {
        var calendars = await KefuApp.Json(await app.AgentA.Http.GetAsync("/api/v1/calendars"), true);
        var china = calendars.AsArray().Single(c => c!["isDefault"]!.GetValue<bool>())!;
        Assert.Equal("Asia/Shanghai", china["timeZone"]!.GetValue<string>());
        Assert.Equal([2026, 2027], china["years"]!.AsArray().Select(y => y!.GetValue<int>()));

        var created = await KefuApp.PostOk(app.Admin, "/api/v1/calendars", new
        {
            name = Unique("Shanghai ops"), timeZone = "Asia/Shanghai",
            hours = new[] { new { day = "monday", start = "09:00", end = "12:00" }, new { day = "monday", start = "13:00", end = "18:00" }, new { day = "saturday", start = "10:00", end = "16:00" } },
        });
        var id = created["id"]!.GetValue<int>();
        Assert.Equal(3, created["hours"]!.AsArray().Count);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.AgentA.Http.PostAsJsonAsync($"/api/v1/calendars/{id}/years", new { year = 2026 })).StatusCode);

        var imported = await KefuApp.PostOk(app.Admin, $"/api/v1/calendars/{id}/years", new { year = 2026 });
        Assert.Equal("official", imported["status"]!.GetValue<string>());
        Assert.Equal(6, imported["workdays"]!.GetValue<int>());
        var days = await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/calendars/{id}/days?year=2026"), true);
        Assert.Contains(days.AsArray(), d => d!["date"]!.GetValue<string>() == "2026-02-14" && d["kind"]!.GetValue<string>() == "workday");

        // Re-importing replaces the year; an own list may be posted instead of the shipped one.
        var own = await KefuApp.PostOk(app.Admin, $"/api/v1/calendars/{id}/years", new
        {
            year = 2026, days = new[] { new { from = "2026-12-24", to = "2026-12-25", kind = "holiday", name = "Christmas" } },
        });
        Assert.Equal(2, own["holidays"]!.GetValue<int>());
        Assert.Equal(2, (await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/calendars/{id}/days?year=2026"), true)).AsArray().Count);

        var put = await app.Admin.PutAsJsonAsync($"/api/v1/calendars/{id}/days/2026-12-31", new { kind = "holiday", name = "跨年" });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await app.Admin.DeleteAsync($"/api/v1/calendars/{id}/days/2026-12-31")).StatusCode);

        var noData = await app.Admin.PostAsJsonAsync($"/api/v1/calendars/{id}/years", new { year = 2031 });
        Assert.Equal(HttpStatusCode.BadRequest, noData.StatusCode);
        Assert.Contains("year", (await KefuApp.Json(noData))["errors"]!.AsObject().Select(kv => kv.Key));
        var badZone = await app.Admin.PatchAsJsonAsync($"/api/v1/calendars/{id}", new { timeZone = "Mars/Olympus" });
        Assert.Equal(HttpStatusCode.BadRequest, badZone.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await app.Admin.DeleteAsync($"/api/v1/calendars/{id}")).StatusCode);
    }

    [Fact]
    public async Task Escalation_tiers_and_settings_are_read_by_staff_and_changed_by_admins()
    {
        var tiers = await KefuApp.Json(await app.AgentA.Http.GetAsync("/api/v1/sla/escalation/tiers"), true);
        Assert.Equal(["senior_agent", "team_lead", "supervisor"], tiers.AsArray().Select(t => t!["role"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.Forbidden, (await app.AgentA.Http.PutAsJsonAsync("/api/v1/sla/escalation/tiers/1", new { timeLimitMinutes = 20 })).StatusCode);
        var bad = await app.Admin.PutAsJsonAsync("/api/v1/sla/escalation/tiers/1", new { role = "king" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Admin.PutAsJsonAsync("/api/v1/sla/escalation/tiers/9", new { timeLimitMinutes = 20 })).StatusCode);
        var settings = await KefuApp.Json(await app.AgentA.Http.GetAsync("/api/v1/sla/escalation/settings"), true);
        Assert.Equal(100m, settings["agentApprovalLimit"]!.GetValue<decimal>());
        Assert.True(settings["escalateOnBreach"]!.GetValue<bool>());
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteSlaApiTests(SqliteApp app) : SlaApiTests(app);

[Collection(PostgresCollection.Name)]
public sealed class PostgresSlaApiTests(PostgresApp app) : SlaApiTests(app);
