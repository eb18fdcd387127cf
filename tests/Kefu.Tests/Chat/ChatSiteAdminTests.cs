using System.Net.Http.Headers;
using Kefu.Chat;
using Kefu.Platform.Audit;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Tests.Chat;

/// <summary>Chat sites as an admin manages them: greetings and offline texts per language, and deleting a site
/// (decision 0019) — on both providers.</summary>
public abstract class ChatSiteAdminTests(KefuApp app)
{
    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    private async Task<ChatSiteDto> Get(int id) =>
        (await KefuApp.Json(await app.Admin.GetAsync("/api/v1/chat/sites"), true)).Deserialize<List<ChatSiteDto>>(Kefu.Platform.KefuJson.Stored)!
            .Single(s => s.Id == id);

    private Task<HttpResponseMessage> Put(ChatSiteDto site, object? greetings = null, object? offlineMessages = null, string? greeting = null) =>
        app.Admin.PutAsJsonAsync($"/api/v1/chat/sites/{site.Id}", new
        {
            name = site.Name, teamId = site.TeamId, allowedOrigins = site.AllowedOrigins, color = site.Color,
            greeting = greeting ?? site.Greeting, offlineMessage = site.OfflineMessage, preChatFields = site.PreChatFields,
            greetings, offlineMessages,
        });

    [Fact]
    public async Task Greetings_and_offline_texts_are_kept_per_language_with_the_single_text_as_default()
    {
        // A site saved the old way (one greeting, one offline text) keeps them as the defaults, with no per-language text.
        var site = await ChatTestData.CreateSite(app, app.TeamA);
        Assert.Equal("您好", site.Greeting);
        Assert.Empty(site.Greetings);
        Assert.Empty(site.OfflineMessages);

        var saved = await Put(site, greetings: new Dictionary<string, string> { ["zh-CN"] = " 您好，欢迎光临 ", ["EN"] = "Hello and welcome" },
            offlineMessages: new Dictionary<string, string> { ["en"] = "We are away; leave a message" });
        Assert.True(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync());
        var read = await Get(site.Id);
        Assert.Equal("您好，欢迎光临", read.Greetings["zh-CN"]); // trimmed
        Assert.Equal("Hello and welcome", read.Greetings["en"]); // the language's own spelling, whatever the case sent
        Assert.Equal("We are away; leave a message", read.OfflineMessages["en"]);
        Assert.False(read.OfflineMessages.ContainsKey("zh-CN")); // none: the default serves
        Assert.Equal("您好", read.Greeting);

        // The widget gets the defaults and every per-language text; it picks by its language.
        await using (var visitor = new TestVisitor(app))
        {
            var started = await visitor.StartAsync(site.Key);
            Assert.Equal("您好", started.Site.Greeting);
            Assert.Equal("Hello and welcome", started.Site.Greetings!["en"]);
            Assert.Equal("您好，欢迎光临", started.Site.Greetings["zh-CN"]);
            Assert.Equal("We are away; leave a message", started.Site.OfflineMessages!["en"]);
            Assert.Equal("请留言", started.Site.OfflineMessage);
        }

        // A client that does not send the per-language texts (an older script) leaves them alone.
        Assert.True((await Put(read, greeting: "新的默认欢迎语")).IsSuccessStatusCode);
        read = await Get(site.Id);
        Assert.Equal("新的默认欢迎语", read.Greeting);
        Assert.Equal("Hello and welcome", read.Greetings["en"]);

        // An empty text clears that language.
        Assert.True((await Put(read, greetings: new Dictionary<string, string> { ["zh-CN"] = "", ["en"] = "Hi" })).IsSuccessStatusCode);
        read = await Get(site.Id);
        Assert.Equal(["en"], read.Greetings.Keys);

        // Unknown languages and over-long texts are refused field by field.
        var unknown = await Put(read, greetings: new Dictionary<string, string> { ["fr"] = "Bonjour" });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.NotNull((await KefuApp.Json(unknown))["errors"]!["greetings"]);
        var tooLong = await Put(read, offlineMessages: new Dictionary<string, string> { ["en"] = new string('x', 501) });
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.NotNull((await KefuApp.Json(tooLong))["errors"]!["offlineMessages"]);
    }

    [Fact]
    public async Task Deleting_a_site_ends_its_chats_keeps_them_as_tickets_and_refuses_its_key_clearly()
    {
        var site = await ChatTestData.CreateSite(app, app.TeamA);
        await using var visitor = new TestVisitor(app);
        await visitor.StartAsync(site.Key);
        var ack = await visitor.SendAsync("删除站点前的咨询 " + Unique("q"));
        var ticketId = await app.DbAsync(db => db.Set<ChatConversation>().Where(c => c.Id == ack.ConversationId).Select(c => c.TicketId).FirstAsync());

        // Only admins of channels may delete (an agent is refused), and nothing changes then.
        Assert.Equal(HttpStatusCode.Forbidden, (await app.AgentA.Http.DeleteAsync($"/api/v1/chat/sites/{site.Id}")).StatusCode);
        Assert.Contains(await AllSites(), s => s.Id == site.Id);

        var deleted = await app.Admin.DeleteAsync($"/api/v1/chat/sites/{site.Id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        // The open chat ended and its visitor was told; the ticket stays, as it was (not solved: agents answer by e-mail).
        await TestVisitor.Next(visitor.States, s => s.Id == ack.ConversationId && s.State == ConversationState.Ended);
        var ticket = await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/tickets/{ticketId}"), true);
        Assert.DoesNotContain(ticket["status"]!.GetValue<string>().ToLowerInvariant(), new[] { "solved", "closed" });
        var info = await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/chat/tickets/{ticketId}"), true);
        Assert.Equal("ended", info["state"]!.GetValue<string>(), ignoreCase: true);
        var messages = await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/chat/conversations/{ack.ConversationId}/messages"), true);
        Assert.Contains(messages.AsArray(), m => string.Equals(m!["sender"]!.GetValue<string>(), "system", StringComparison.OrdinalIgnoreCase)
            && m["body"]!.GetValue<string>() == "ended");

        // Gone for the admin API; audited once, with who and what.
        Assert.DoesNotContain(await AllSites(), s => s.Id == site.Id);
        Assert.Equal(HttpStatusCode.NotFound, (await Put(site)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Admin.PostAsync($"/api/v1/chat/sites/{site.Id}/rotate-secret", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Admin.DeleteAsync($"/api/v1/chat/sites/{site.Id}")).StatusCode);
        var audit = await app.DbAsync(db => db.Set<AuditEntry>().AsNoTracking()
            .Where(a => a.EntityType == "chat_site" && a.EntityId == site.Id.ToString() && a.Action == "deleted").ToListAsync());
        Assert.Contains(site.Key, Assert.Single(audit).Changes);

        // The connected widget can start no new chat; a new page load is refused with a code of its own.
        var send = await Assert.ThrowsAsync<HubException>(() => visitor.SendAsync("还有人吗"));
        Assert.Contains("HubException: site_deleted", send.Message);
        await using var later = new TestVisitor(app);
        var start = await Assert.ThrowsAsync<HubException>(() => later.StartAsync(site.Key));
        Assert.Contains("HubException: site_deleted", start.Message);

        // Its ended chat's rating and transcript forms get the same refusal (nothing stored, nothing mailed).
        var rate = await Assert.ThrowsAsync<HubException>(() => visitor.Connection.InvokeAsync("Rate", 5, "好"));
        Assert.Contains("HubException: site_deleted", rate.Message);
        var transcript = await Assert.ThrowsAsync<HubException>(() => visitor.Connection.InvokeAsync<TranscriptAck>("Transcript", Unique("t") + "@customer.test"));
        Assert.Contains("HubException: site_deleted", transcript.Message);
        Assert.Null(await app.DbAsync(db => db.Set<ChatConversation>().Where(c => c.Id == ack.ConversationId).Select(c => c.Rating).FirstAsync()));
        Assert.False(await app.DbAsync(db => db.Set<AuditEntry>().AnyAsync(a => a.EntityType == "chat_conversation"
            && a.EntityId == ack.ConversationId.ToString() && a.Action == "transcript_sent")));

        // Uploads say so too (410 Gone, not "unknown site").
        using var upload = new HttpRequestMessage(HttpMethod.Post, "/api/v1/widget/uploads")
        {
            Content = new MultipartFormDataContent { { new ByteArrayContent("hello"u8.ToArray()) { Headers = { ContentType = new MediaTypeHeaderValue("text/plain") } }, "file", "a.txt" } },
        };
        upload.Headers.Add("X-Kefu-Site", site.Key);
        upload.Headers.Add("X-Kefu-Visitor", visitor.Started!.VisitorToken);
        Assert.Equal(HttpStatusCode.Gone, (await app.Factory.CreateClient().SendAsync(upload)).StatusCode);

        // Another site is untouched.
        var other = await ChatTestData.CreateSite(app, app.TeamA);
        await using var third = new TestVisitor(app);
        Assert.Equal(other.Name, (await third.StartAsync(other.Key)).Site.Name);
    }

    [Fact]
    public async Task An_admin_restores_a_deleted_site_and_its_key_works_again_while_the_ended_chat_stays_ended()
    {
        var site = await ChatTestData.CreateSite(app, app.TeamA);
        await using var visitor = new TestVisitor(app);
        await visitor.StartAsync(site.Key);
        var ack = await visitor.SendAsync("恢复站点前的咨询 " + Unique("q"));
        Assert.Equal(HttpStatusCode.NoContent, (await app.Admin.DeleteAsync($"/api/v1/chat/sites/{site.Id}")).StatusCode);
        await TestVisitor.Next(visitor.States, s => s.Id == ack.ConversationId && s.State == ConversationState.Ended);

        // The deleted site is listed for restoring (admins only); restoring a live or unknown site is refused.
        var deleted = (await KefuApp.Json(await app.Admin.GetAsync("/api/v1/chat/sites/deleted"), true)).Deserialize<List<DeletedChatSiteDto>>(Kefu.Platform.KefuJson.Stored)!;
        Assert.Equal(site.Key, Assert.Single(deleted, d => d.Id == site.Id).Key);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.AgentA.Http.GetAsync("/api/v1/chat/sites/deleted")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.AgentA.Http.PostAsync($"/api/v1/chat/sites/{site.Id}/restore", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Admin.PostAsync("/api/v1/chat/sites/987654/restore", null)).StatusCode);
        var other = await ChatTestData.CreateSite(app, app.TeamA);
        Assert.Equal(HttpStatusCode.Conflict, (await app.Admin.PostAsync($"/api/v1/chat/sites/{other.Id}/restore", null)).StatusCode);

        var restoredResponse = await app.Admin.PostAsync($"/api/v1/chat/sites/{site.Id}/restore", null);
        var restored = (await KefuApp.Json(restoredResponse, true)).Deserialize<ChatSiteDto>(Kefu.Platform.KefuJson.Stored)!;
        Assert.Equal((site.Key, site.Secret), (restored.Key, restored.Secret)); // the embed code on the pages works as it is
        Assert.Contains(await AllSites(), s => s.Id == site.Id);
        Assert.DoesNotContain((await KefuApp.Json(await app.Admin.GetAsync("/api/v1/chat/sites/deleted"), true)).AsArray(),
            d => d!["id"]!.GetValue<int>() == site.Id);
        Assert.Equal(HttpStatusCode.Conflict, (await app.Admin.PostAsync($"/api/v1/chat/sites/{site.Id}/restore", null)).StatusCode);
        var audit = await app.DbAsync(db => db.Set<AuditEntry>().AsNoTracking()
            .Where(a => a.EntityType == "chat_site" && a.EntityId == site.Id.ToString() && a.Action == "restored").ToListAsync());
        Assert.Contains(site.Key, Assert.Single(audit).Changes);

        // The widget open since before the delete can rate its ended chat again, and its next line starts a new chat.
        await visitor.Connection.InvokeAsync("Rate", 4, "恢复后评价");
        Assert.Equal(4, await app.DbAsync(db => db.Set<ChatConversation>().Where(c => c.Id == ack.ConversationId).Select(c => c.Rating).FirstAsync()));
        var next = await visitor.SendAsync("恢复后的新咨询 " + Unique("q"));
        Assert.NotEqual(ack.ConversationId, next.ConversationId);
        Assert.Equal(ConversationState.Ended, await app.DbAsync(db => db.Set<ChatConversation>().Where(c => c.Id == ack.ConversationId).Select(c => c.State).FirstAsync()));

        // A new page load starts as before the delete.
        await using var later = new TestVisitor(app);
        Assert.Equal(site.Name, (await later.StartAsync(site.Key)).Site.Name);
    }

    [Fact]
    public async Task Deleting_an_unknown_site_is_not_found()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await app.Admin.DeleteAsync("/api/v1/chat/sites/987654")).StatusCode);
    }

    private async Task<List<ChatSiteDto>> AllSites() =>
        (await KefuApp.Json(await app.Admin.GetAsync("/api/v1/chat/sites"), true)).Deserialize<List<ChatSiteDto>>(Kefu.Platform.KefuJson.Stored)!;
}

[Collection(ChatSqliteCollection.Name)]
public sealed class SqliteChatSiteAdminTests(ChatSqliteApp app) : ChatSiteAdminTests(app);

[Collection(ChatPostgresCollection.Name)]
public sealed class PostgresChatSiteAdminTests(ChatPostgresApp app) : ChatSiteAdminTests(app);
