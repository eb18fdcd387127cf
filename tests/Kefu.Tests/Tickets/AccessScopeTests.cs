using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Kefu.Tests.Tickets;

/// <summary>What staff may see and change beyond their permission names: outsourced agents' masked data (search,
/// customer note), a team lead's audit trail, clearing a ticket's team, and the CSV export's cells and audit row.
/// Run once per provider.</summary>
public abstract class AccessScopeTests(KefuApp app)
{
    private static string Unique(string prefix) => $"{prefix}{Guid.NewGuid():N}"[..(prefix.Length + 10)];

    private async Task<JsonNode> CreateTicket(int teamId, string? subject = null, string? email = null, string? phone = null, string name = "张三") =>
        await KefuApp.PostOk(app.Admin, "/api/v1/tickets", new
        {
            subject = subject ?? Unique("咨询 "),
            customer = new { email = email ?? $"{Unique("c")}@example.com", name, phone },
            message = new { body = "请尽快处理" },
            teamId,
        });

    private static Task<HttpResponseMessage> Patch(HttpClient client, string url, object body) =>
        client.SendAsync(new HttpRequestMessage(HttpMethod.Patch, url) { Content = JsonContent.Create(body) });

    private static IEnumerable<long> Ids(JsonNode page) => page["items"]!.AsArray().Select(i => i!["id"]!.GetValue<long>());

    [Fact]
    public async Task An_outsourced_agent_cannot_change_a_customer_note_he_sees_masked()
    {
        var t = await CreateTicket(app.TeamA);
        var customerUrl = $"/api/v1/customers/{t["customer"]!["id"]}";
        var note = "备用电话 13812345678";
        Assert.Equal(HttpStatusCode.OK, (await Patch(app.Admin, customerUrl, new { note })).StatusCode);
        var masked = (await KefuApp.Json(await app.Outsourced.Http.GetAsync(customerUrl), true))["note"]!.GetValue<string>();
        Assert.Equal("备用电话 138****5678", masked);

        // Saving what he sees would overwrite the note for everyone: refused, and the problem names the field.
        var refused = await Patch(app.Outsourced.Http, customerUrl, new { note = masked });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("note", await refused.Content.ReadAsStringAsync());
        Assert.Equal(note, (await KefuApp.Json(await app.Admin.GetAsync(customerUrl), true))["note"]!.GetValue<string>());

        // Other changes stay his to make; an in-house agent still edits the note.
        Assert.Equal(HttpStatusCode.OK, (await Patch(app.Outsourced.Http, customerUrl, new { tags = new[] { "回访" } })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Patch(app.AgentA.Http, customerUrl, new { note = note + "（晚上打）" })).StatusCode);
    }

    [Fact]
    public async Task An_outsourced_agent_finds_customers_only_by_a_full_phone_number_or_email()
    {
        var phone = "1391" + Random.Shared.Next(1000000, 9999999);
        var email = $"{Unique("wang.")}@example.com";
        var t = await CreateTicket(app.TeamA, email: email, phone: phone);
        var customerId = t["customer"]!["id"]!.GetValue<long>();
        async Task<bool> Finds(HttpClient client, string q) =>
            Ids(await KefuApp.Json(await client.GetAsync($"/api/v1/customers?q={Uri.EscapeDataString(q)}&limit=200"), true)).Contains(customerId);

        // Probing with parts of the number or address would rebuild what the mask hides.
        foreach (var part in new[] { phone[3..8], phone[2..9], phone[..7], email[..8], email.Split('@')[0] })
        {
            Assert.True(await Finds(app.AgentA.Http, part), $"an in-house agent finds the customer by '{part}'");
            Assert.False(await Finds(app.Outsourced.Http, part), $"an outsourced agent must not find the customer by '{part}'");
        }
        // A number or address he already knows in full still finds the customer, however it is written.
        Assert.True(await Finds(app.Outsourced.Http, phone));
        Assert.True(await Finds(app.Outsourced.Http, $"+86 {phone[..3]} {phone[3..7]} {phone[7..]}"));
        Assert.True(await Finds(app.Outsourced.Http, email.ToUpperInvariant()));
        Assert.True(await Finds(app.Outsourced.Http, "张三"));
    }

    [Fact]
    public async Task A_team_lead_reads_the_audit_rows_of_his_teams_tickets_only()
    {
        var mine = (await CreateTicket(app.TeamA))["id"]!.GetValue<long>();
        var other = (await CreateTicket(app.TeamB, subject: Unique("B组机密 ")))["id"]!.GetValue<long>();
        async Task<JsonArray> Rows(HttpClient client, string query) =>
            (await KefuApp.Json(await client.GetAsync($"/api/v1/audit?{query}"), true))["items"]!.AsArray();

        Assert.NotEmpty(await Rows(app.Lead.Http, $"entityType=ticket&entityId={mine}"));
        Assert.Empty(await Rows(app.Lead.Http, $"entityType=ticket&entityId={other}"));
        var latest = await Rows(app.Lead.Http, "limit=200");
        Assert.DoesNotContain(latest, r => r!["entityType"]!.GetValue<string>() == "ticket" && r["entityId"]!.GetValue<string>() == other.ToString());
        Assert.Contains(latest, r => r!["entityType"]!.GetValue<string>() == "ticket" && r["entityId"]!.GetValue<string>() == mine.ToString());
        // Rows of other kinds (the staff accounts the fixture created) are not a ticket's and stay visible.
        Assert.NotEmpty(await Rows(app.Lead.Http, "entityType=user"));

        // A supervisor (every ticket) and the admin see both.
        Assert.NotEmpty(await Rows(app.Supervisor.Http, $"entityType=ticket&entityId={other}"));
        Assert.NotEmpty(await Rows(app.Admin, $"entityType=ticket&entityId={other}"));
    }

    [Fact]
    public async Task An_agent_without_assign_any_cannot_clear_a_tickets_team()
    {
        var id = (await CreateTicket(app.TeamA))["id"]!.GetValue<long>();
        var url = $"/api/v1/tickets/{id}";
        var refused = await Patch(app.AgentA.Http, url, new { teamId = (int?)null });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var t = await KefuApp.Json(await app.Admin.GetAsync(url), true);
        Assert.Equal(app.TeamA, t["team"]!["id"]!.GetValue<int>());
        Assert.Equal(1, t["version"]!.GetValue<int>());
        // Moving it within his own team is still his to do, and a lead (assign_any) may clear it.
        Assert.Equal(HttpStatusCode.OK, (await Patch(app.AgentA.Http, url, new { teamId = app.TeamA, priority = "high" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Patch(app.Lead.Http, url, new { teamId = (int?)null })).StatusCode);
        Assert.Null((await KefuApp.Json(await app.Admin.GetAsync(url), true))["team"]);
    }

    [Fact]
    public async Task The_export_neutralises_formulas_and_is_audited()
    {
        var marker = Unique("exp");
        await CreateTicket(app.TeamA, subject: $"=1+1 {marker}", name: "@SUM(A1)");
        await CreateTicket(app.TeamA, subject: $"-2+3,{marker}", name: "+cmd");
        await CreateTicket(app.TeamA, subject: $"{marker} 普通", name: "普通客户");

        var csv = await app.Supervisor.Http.GetStringAsync($"/api/v1/tickets/export?q={marker}");
        var lines = csv.Split('\n').Where(l => l.Contains(marker)).ToList();
        Assert.Equal(3, lines.Count);
        Assert.Contains(lines, l => l.Contains($",'=1+1 {marker},") && l.Contains(",'@SUM(A1),"));
        Assert.Contains(lines, l => l.Contains($",\"'-2+3,{marker}\",") && l.Contains(",'+cmd,"));
        Assert.Contains(lines, l => l.Contains($",{marker} 普通,") && l.Contains(",普通客户,"));
        Assert.DoesNotContain(lines, l => l.Split(',').Any(cell => cell.Length > 0 && cell[0] is '=' or '+' or '@' or '\t'));

        // Who took which data out: an audit row with the filter.
        var rows = (await KefuApp.Json(await app.Admin.GetAsync("/api/v1/audit?entityType=export&limit=50"), true))["items"]!.AsArray();
        var row = rows.FirstOrDefault(r => r!["changes"]?.ToJsonString().Contains(marker) == true);
        Assert.NotNull(row);
        Assert.Equal("exported", row!["action"]!.GetValue<string>());
        Assert.Equal(app.Supervisor.Id, row["actorId"]!.GetValue<Guid>());
        Assert.Equal(marker, row["changes"]!["filter"]!["q"]!.GetValue<string>());
    }
}

/// <summary>The export's cell rule on its own: a spreadsheet runs a cell starting with = + - @ tab or CR as a formula.</summary>
public sealed class CsvCellTests
{
    [Theory]
    [InlineData("=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"")]
    [InlineData("+1", "'+1")]
    [InlineData("-1", "'-1")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tx", "'\tx")]
    [InlineData("\rx", "\"'\rx\"")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("1+1=2", "1+1=2")]
    [InlineData("张三", "张三")]
    [InlineData(null, "")]
    public void A_cell_that_a_spreadsheet_would_run_is_prefixed(string? value, string expected) =>
        Assert.Equal(expected, Kefu.Tickets.TicketsEndpoints.Csv(value));
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteAccessScopeTests(SqliteApp app) : AccessScopeTests(app);

[Collection(PostgresCollection.Name)]
public sealed class PostgresAccessScopeTests(PostgresApp app) : AccessScopeTests(app);
