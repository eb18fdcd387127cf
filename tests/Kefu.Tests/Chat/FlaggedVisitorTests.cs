using Kefu.Chat;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Tests.Chat;

/// <summary>The review path for visitors flagged for sending too fast (issue 5 §6, decision 0041): supervisors and admins
/// list them with when, why and their ticket, and clear a flag (audited); agents and team leads may not.</summary>
public abstract class FlaggedVisitorTests(KefuApp app)
{
    [Fact]
    public async Task Supervisors_and_admins_list_flagged_visitors_and_clear_a_flag_with_an_audit_row_agents_may_not()
    {
        var site = await ChatTestData.CreateSite(app, app.TeamA);
        await using var visitor = new TestVisitor(app);
        var started = await visitor.StartAsync(site.Key);
        var ack = await visitor.SendAsync("刷屏的访客", preChat: new PreChat("周九", $"zhou-{Guid.NewGuid():N}@example.com", null));
        var visitorId = started.VisitorId;
        // As the rate limiter does when the visitor goes over Kefu:Chat:FlagPerMinute (its own test floods for real).
        await using (var scope = app.Factory.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<ChatService>().FlagAsync(new VisitorSession(visitorId, site.Id, "203.0.113.9"), CancellationToken.None);
        var ticketId = await app.DbAsync(db => db.Set<ChatConversation>().Where(c => c.Id == ack.ConversationId).Select(c => c.TicketId).FirstAsync());

        const string url = "/api/v1/chat/flagged-visitors";
        Assert.Equal(HttpStatusCode.Forbidden, (await app.AgentA.Http.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Lead.Http.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.AgentA.Http.PostAsJsonAsync($"{url}/{visitorId}/clear", new { })).StatusCode);

        var listed = (await KefuApp.Json(await app.Supervisor.Http.GetAsync(url), true))["items"]!.AsArray();
        var row = Assert.Single(listed, v => v!["visitorId"]!.GetValue<Guid>() == visitorId)!;
        Assert.Contains($"More than {ChatTestSettings.FlagPerMinute} messages in a minute", row["reason"]!.GetValue<string>());
        Assert.Equal(ticketId, row["ticketId"]!.GetValue<long>());
        Assert.Equal(ticketId + 100000, row["ticketNumber"]!.GetValue<long>());
        Assert.Equal(site.Name, row["siteName"]!.GetValue<string>());
        Assert.Equal("周九", row["name"]!.GetValue<string>());
        Assert.NotNull(row["flaggedAt"]);
        Assert.Contains((await KefuApp.Json(await app.Admin.GetAsync(url), true))["items"]!.AsArray(), v => v!["visitorId"]!.GetValue<Guid>() == visitorId);

        var cleared = await app.Supervisor.Http.PostAsJsonAsync($"{url}/{visitorId}/clear", new { note = "看过了，是正常客户" });
        Assert.Equal(HttpStatusCode.NoContent, cleared.StatusCode);
        Assert.Null(await app.DbAsync(db => db.Set<ChatVisitor>().Where(v => v.Id == visitorId).Select(v => v.FlaggedAt).FirstAsync()));
        Assert.DoesNotContain((await KefuApp.Json(await app.Supervisor.Http.GetAsync(url), true))["items"]!.AsArray(), v => v!["visitorId"]!.GetValue<Guid>() == visitorId);
        Assert.Equal(HttpStatusCode.Conflict, (await app.Supervisor.Http.PostAsJsonAsync($"{url}/{visitorId}/clear", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Supervisor.Http.PostAsJsonAsync($"{url}/{Guid.NewGuid()}/clear", new { })).StatusCode);

        var audit = await app.DbAsync(db => db.Audit.AsNoTracking()
            .Where(a => a.EntityType == "chat_visitor" && a.EntityId == visitorId.ToString()).OrderBy(a => a.Id).ToListAsync());
        Assert.Equal(new[] { "flagged", "flag_cleared" }, audit.Select(a => a.Action).ToArray());
        Assert.Equal(app.Supervisor.Id, audit[1].ActorId);
        Assert.Contains("看过了", audit[1].Changes);
    }
}

[Collection(ChatSqliteCollection.Name)]
public sealed class SqliteFlaggedVisitorTests(ChatSqliteApp app) : FlaggedVisitorTests(app);

[Collection(ChatPostgresCollection.Name)]
public sealed class PostgresFlaggedVisitorTests(ChatPostgresApp app) : FlaggedVisitorTests(app);
