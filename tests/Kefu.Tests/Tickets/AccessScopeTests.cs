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
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteAccessScopeTests(SqliteApp app) : AccessScopeTests(app);

[Collection(PostgresCollection.Name)]
public sealed class PostgresAccessScopeTests(PostgresApp app) : AccessScopeTests(app);
