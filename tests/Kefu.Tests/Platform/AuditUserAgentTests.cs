using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Tests.Platform;

/// <summary>The audit trail records the client (User-Agent) beside the address, cut to 200 characters (audit item 18).</summary>
public abstract class AuditUserAgentTests(KefuApp app)
{
    private async Task<long> CreateTicketAsync()
    {
        var created = await KefuApp.PostOk(app.Admin, "/api/v1/tickets", new
        {
            subject = "UA " + Guid.NewGuid().ToString("N")[..8],
            customer = new { email = $"ua-{Guid.NewGuid():N}@example.com", name = "UA" },
            message = new { body = "hello" },
            teamId = app.TeamA,
        });
        return created["id"]!.GetValue<long>();
    }

    /// <summary>PATCHes the ticket's subject sending <paramref name="userAgent"/>; returns the audit rows of the change
    /// as the ticket's audit API shows them.</summary>
    private async Task<JsonObject> PatchAndReadAuditAsync(long id, string userAgent)
    {
        var subject = "changed " + Guid.NewGuid().ToString("N")[..8];
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/tickets/{id}") { Content = JsonContent.Create(new { subject }) };
        request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
        using var response = await app.Admin.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"status {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var audit = (await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/tickets/{id}/audit"), true)).AsArray();
        return audit.Select(a => a!.AsObject()).Single(a => (string?)a["action"] == "updated" && a["changes"]!.ToJsonString().Contains(subject));
    }

    [Fact]
    public async Task A_patch_records_its_user_agent_in_the_audit_trail()
    {
        var id = await CreateTicketAsync();
        var row = await PatchAndReadAuditAsync(id, "kefu-test/1");
        Assert.Equal("kefu-test/1", (string?)row["userAgent"]);
        var key = id.ToString();
        Assert.Equal("kefu-test/1", await app.DbAsync(db => db.Audit.AsNoTracking()
            .Where(a => a.EntityType == "ticket" && a.EntityId == key && a.Action == "updated").Select(a => a.UserAgent).SingleAsync()));
    }

    [Fact]
    public async Task A_long_user_agent_is_cut_to_200_characters()
    {
        var id = await CreateTicketAsync();
        var agent = "kefu-long/" + new string('x', 290);
        var row = await PatchAndReadAuditAsync(id, agent);
        Assert.Equal(agent[..200], (string?)row["userAgent"]);
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteAuditUserAgentTests(SqliteApp app) : AuditUserAgentTests(app);

[Collection(PostgresCollection.Name)]
public sealed class PostgresAuditUserAgentTests(PostgresApp app) : AuditUserAgentTests(app);
