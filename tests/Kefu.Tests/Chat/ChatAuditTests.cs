using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Serialization;
using Kefu.Chat;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace Kefu.Tests.Chat;

/// <summary>Chat behaviour that was built but untested (audit, session 9): read receipts both ways, widget uploads
/// (accepted, too large, content not matching the type), and the per-IP burst limit. Real SignalR clients against the
/// running server, on both providers.</summary>
public abstract class ChatAuditTests(KefuApp app)
{
    /// <summary>A 1×1 PNG.</summary>
    private static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    private Task<long> TicketOf(long conversationId) =>
        app.DbAsync(db => db.Set<ChatConversation>().Where(c => c.Id == conversationId).Select(c => c.TicketId).FirstAsync());

    private async Task<JsonNode> Info(long ticketId) => await KefuApp.Json(await app.AgentA.Http.GetAsync($"/api/v1/chat/tickets/{ticketId}"), true);

    [Fact]
    public async Task Read_receipts_the_agent_reading_reaches_the_visitor_and_the_visitor_reading_reaches_the_agent()
    {
        await ChatTestData.SetStatus(app.AgentA, "online");
        var site = await ChatTestData.CreateSite(app, app.TeamA);
        await using var visitor = new TestVisitor(app);
        var reads = System.Threading.Channels.Channel.CreateUnbounded<ReadDto>();
        visitor.Connection.On<ReadDto>("read", r => reads.Writer.TryWrite(r));
        await visitor.StartAsync(site.Key);
        var first = await visitor.SendAsync("请问发票怎么开？");
        var second = await visitor.SendAsync("公司抬头");
        var ticketId = await TicketOf(first.ConversationId);
        Assert.Equal(0, (await visitor.Connection.InvokeAsync<ConversationDto?>("Current"))!.AgentReadSeq);

        // The agent opens the chat (what the chat panel does when it loads): the visitor is told, and sees it on reload.
        await using (var scope = app.Factory.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<ChatService>().AgentReadAsync(first.ConversationId, CancellationToken.None);
        var read = await TestVisitor.Next(reads, r => r.ConversationId == first.ConversationId);
        Assert.Equal(second.Seq, read.Seq);
        Assert.Equal(second.Seq, (await visitor.Connection.InvokeAsync<ConversationDto?>("Current"))!.AgentReadSeq);

        // The agent answers; the visitor has not read it yet.
        var reply = await KefuApp.Json(await app.AgentA.Http.PostAsJsonAsync($"/api/v1/chat/conversations/{first.ConversationId}/messages",
            new { clientId = Guid.NewGuid().ToString("N"), text = "可以的，请提供税号" }), true);
        var replySeq = reply["seq"]!.GetValue<long>();
        Assert.Equal(0, (await Info(ticketId))["visitorReadSeq"]!.GetValue<long>());

        // The visitor reads up to the reply: the agent's view shows it. Reading past the end counts up to the end only,
        // and an older position never lowers it.
        await visitor.Connection.InvokeAsync("Read", first.ConversationId, replySeq + 50);
        Assert.Equal(replySeq, (await Info(ticketId))["visitorReadSeq"]!.GetValue<long>());
        await visitor.Connection.InvokeAsync("Read", first.ConversationId, 1L);
        Assert.Equal(replySeq, (await Info(ticketId))["visitorReadSeq"]!.GetValue<long>());

        // Another visitor cannot mark this conversation read.
        await using var stranger = new TestVisitor(app);
        await stranger.StartAsync(site.Key);
        var next = await visitor.SendAsync("好的");
        await stranger.Connection.InvokeAsync("Read", first.ConversationId, next.Seq);
        Assert.Equal(replySeq, (await Info(ticketId))["visitorReadSeq"]!.GetValue<long>());
    }

    private static async Task<HttpResponseMessage> Upload(HttpClient http, string siteKey, string token, byte[] content, string fileName, string type)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue(type);
        form.Add(file, "file", fileName);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/widget/uploads") { Content = form };
        request.Headers.Add("X-Kefu-Site", siteKey);
        request.Headers.Add("X-Kefu-Visitor", token);
        request.Headers.Add("Origin", "https://shop.example.com");
        return await http.SendAsync(request);
    }

    [Fact]
    public async Task An_uploaded_picture_sent_in_a_message_reaches_the_agent_and_can_be_downloaded()
    {
        await ChatTestData.SetStatus(app.AgentA, "online");
        var site = await ChatTestData.CreateSite(app, app.TeamA);
        await using var visitor = new TestVisitor(app);
        var started = await visitor.StartAsync(site.Key);
        using var http = app.Client(null);

        var uploaded = await KefuApp.Json(await Upload(http, site.Key, started.VisitorToken, Png, "截图.png", "image/png"), true);
        var attachmentId = uploaded["id"]!.GetValue<long>();
        Assert.Equal("image/png", uploaded["type"]!.GetValue<string>());
        var ack = await visitor.Connection.InvokeAsync<SendAck>("Send", new SendRequest(Guid.NewGuid().ToString("N"), "看这张图", [attachmentId], null));

        // The agent's chat panel lists it…
        var messages = (await KefuApp.Json(await app.AgentA.Http.GetAsync($"/api/v1/chat/conversations/{ack.ConversationId}/messages"), true)).AsArray();
        var sent = messages.Single(m => m!["seq"]!.GetValue<long>() == ack.Seq)!;
        Assert.Equal("截图.png", sent["attachments"]![0]!["name"]!.GetValue<string>());
        // …the ticket's message carries it, and the agent downloads the same bytes.
        var thread = (await KefuApp.Json(await app.AgentA.Http.GetAsync($"/api/v1/tickets/{await TicketOf(ack.ConversationId)}/messages"), true)).AsArray();
        var onTicket = thread.Single(m => m!["body"]!.GetValue<string>() == "看这张图")!["attachments"]!.AsArray().Single()!;
        var download = await app.AgentA.Http.GetAsync(onTicket["url"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(Png, await download.Content.ReadAsByteArrayAsync());
        // The visitor downloads it too; another visitor of the site does not.
        var mine = await http.GetAsync($"/api/v1/widget/attachments/{attachmentId}?site={site.Key}&token={Uri.EscapeDataString(started.VisitorToken)}");
        Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
        Assert.Equal(Png, await mine.Content.ReadAsByteArrayAsync());
        await using var other = new TestVisitor(app);
        var otherStart = await other.StartAsync(site.Key);
        var theirs = await http.GetAsync($"/api/v1/widget/attachments/{attachmentId}?site={site.Key}&token={Uri.EscapeDataString(otherStart.VisitorToken)}");
        Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);
    }

    [Fact]
    public async Task A_too_large_upload_gets_413_and_a_renamed_file_is_refused_both_with_a_problem_detail()
    {
        var site = await ChatTestData.CreateSite(app, app.TeamA);
        await using var visitor = new TestVisitor(app);
        var started = await visitor.StartAsync(site.Key);
        using var http = app.Client(null);
        var before = await app.DbAsync(db => db.Set<ChatUpload>().CountAsync(u => u.VisitorId == started.VisitorId));

        // Kefu:Attachments:MaxBytes is 1 MB in the tests (KefuApp): a real PNG header, then too many bytes.
        var big = new byte[1024 * 1024 + 1];
        Png.CopyTo(big, 0);
        var tooLarge = await Upload(http, site.Key, started.VisitorToken, big, "大图.png", "image/png");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal("application/problem+json", tooLarge.Content.Headers.ContentType?.MediaType);
        var problem = await KefuApp.Json(tooLarge);
        Assert.Equal(413, problem["status"]!.GetValue<int>());
        Assert.Contains("1 MB", problem["detail"]!.GetValue<string>());

        // An executable renamed to .png, and a PNG renamed to .pdf: refused, the type named in the reason.
        var exe = new byte[64];
        "MZ"u8.CopyTo(exe);
        foreach (var (bytes, name) in new[] { (exe, "invoice.png"), (Png, "contract.pdf") })
        {
            var renamed = await Upload(http, site.Key, started.VisitorToken, bytes, name, "image/png");
            Assert.Equal(HttpStatusCode.BadRequest, renamed.StatusCode);
            Assert.Equal("application/problem+json", renamed.Content.Headers.ContentType?.MediaType);
            var p = await KefuApp.Json(renamed);
            Assert.Contains("does not match its type", p["errors"]!["file"]![0]!.GetValue<string>());
        }
        // A type not on the list at all.
        var script = await Upload(http, site.Key, started.VisitorToken, "echo hi"u8.ToArray(), "run.sh", "text/plain");
        Assert.Equal(HttpStatusCode.BadRequest, script.StatusCode);
        Assert.Contains("cannot be sent", (await KefuApp.Json(script))["errors"]!["file"]![0]!.GetValue<string>());
        // Nothing was kept for this visitor.
        Assert.Equal(before, await app.DbAsync(db => db.Set<ChatUpload>().CountAsync(u => u.VisitorId == started.VisitorId)));
    }

    /// <summary>A widget connection that comes from the given address (the test server sets it, see
    /// <see cref="TestRemoteAddress"/>).</summary>
    private HubConnection FromAddress(string ip)
    {
        var server = app.Factory.Server;
        return new HubConnectionBuilder().WithUrl(new Uri(server.BaseAddress, $"hubs/widget?{TestRemoteAddress.Query}={ip}"), o =>
        {
            o.Transports = HttpTransportType.WebSockets;
            o.SkipNegotiation = true;
            o.WebSocketFactory = async (ctx, ct) => await server.CreateWebSocketClient().ConnectAsync(ctx.Uri, ct);
        }).AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower))).Build();
    }

    [Fact]
    public async Task Visitors_behind_one_address_share_its_burst_and_are_refused_clearly_while_reading_still_works()
    {
        var site = await ChatTestData.CreateSite(app, app.TeamA);
        var ip = $"203.0.113.{Random.Shared.Next(1, 250)}";
        var visitors = new List<HubConnection>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var c = FromAddress(ip);
                await c.StartAsync();
                await c.InvokeAsync<StartResult>("Start", new StartRequest(site.Key, null, null, "https://shop.example.com/", "zh-CN", null));
                visitors.Add(c);
            }
            // Each visitor is far below its own burst (ChatTestSettings.VisitorBurst), together they reach the address's.
            var acks = new List<SendAck>();
            for (var i = 0; i < ChatAuditSettings.IpBurst; i++)
                acks.Add(await visitors[i % 3].InvokeAsync<SendAck>("Send", new SendRequest(Guid.NewGuid().ToString("N"), $"消息 {i}", null, null)));
            var refusedVisitor = visitors[ChatAuditSettings.IpBurst % 3];
            var refused = await Assert.ThrowsAsync<HubException>(() =>
                refusedVisitor.InvokeAsync<SendAck>("Send", new SendRequest(Guid.NewGuid().ToString("N"), "再发一条", null, null)));
            Assert.Contains("rate_limited", refused.Message);
            Assert.Contains("too quickly", refused.Message);
            Assert.Contains("10 seconds", refused.Message);

            // Reading still works for the refused visitor.
            var current = await refusedVisitor.InvokeAsync<ConversationDto?>("Current");
            Assert.NotNull(current);
            var history = await refusedVisitor.InvokeAsync<ChatMessageDto[]>("Since", current.Id, 0L);
            Assert.NotEmpty(history);
            Assert.All(history, m => Assert.StartsWith("消息", m.Body));

            // A visitor behind another address is not affected.
            await using var elsewhere = FromAddress("198.51.100.9");
            await elsewhere.StartAsync();
            await elsewhere.InvokeAsync<StartResult>("Start", new StartRequest(site.Key, null, null, null, "zh-CN", null));
            await elsewhere.InvokeAsync<SendAck>("Send", new SendRequest(Guid.NewGuid().ToString("N"), "另一个地址", null, null));

            // After the 10 s window the address may send again.
            ((IChatTestApp)app).LimiterClock.Advance(TimeSpan.FromSeconds(11));
            await refusedVisitor.InvokeAsync<SendAck>("Send", new SendRequest(Guid.NewGuid().ToString("N"), "现在可以了", null, null));
        }
        finally
        {
            foreach (var v in visitors) await v.DisposeAsync();
        }
    }
}

/// <summary>Sets the connection's remote address from a query parameter (the test server has none), so tests can put
/// several visitors behind one address. A test-only middleware, first in the pipeline.</summary>
internal sealed class TestRemoteAddress : Microsoft.AspNetCore.Hosting.IStartupFilter
{
    public const string Query = "test-remote-ip";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((ctx, nextMiddleware) =>
        {
            if (ctx.Request.Query.TryGetValue(Query, out var ip) && IPAddress.TryParse(ip.ToString(), out var address))
                ctx.Connection.RemoteIpAddress = address;
            return nextMiddleware(ctx);
        });
        next(app);
    };
}

internal static class ChatAuditSettings
{
    public const int IpBurst = 5;

    public static void Apply(IWebHostBuilder b, FakeTimeProvider clock)
    {
        ChatTestSettings.Apply(b, clock);
        b.UseSetting("Kefu:Chat:IpBurst", IpBurst.ToString()); // the last setting wins
        b.ConfigureTestServices(s => s.AddTransient<Microsoft.AspNetCore.Hosting.IStartupFilter, TestRemoteAddress>());
    }
}

public sealed class ChatAuditSqliteApp : SqliteApp, IChatTestApp
{
    public FakeTimeProvider LimiterClock { get; } = new();
    protected override void Configure(IWebHostBuilder builder) => ChatAuditSettings.Apply(builder, LimiterClock);
}

public sealed class ChatAuditPostgresApp : PostgresApp, IChatTestApp
{
    public FakeTimeProvider LimiterClock { get; } = new();
    protected override void Configure(IWebHostBuilder builder) => ChatAuditSettings.Apply(builder, LimiterClock);
}

public sealed class SqliteChatAuditTests(ChatAuditSqliteApp app) : ChatAuditTests(app), IClassFixture<ChatAuditSqliteApp>;

public sealed class PostgresChatAuditTests(ChatAuditPostgresApp app) : ChatAuditTests(app), IClassFixture<ChatAuditPostgresApp>;
