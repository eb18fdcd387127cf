using System.Text.Json.Serialization;
using System.Threading.Channels;
using Kefu.Chat;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Kefu.Tests.Chat;

/// <summary>Chat limits low enough to reach in a test, high enough for the other tests of the class.</summary>
internal static class ChatTestSettings
{
    public const int VisitorBurst = 30;
    public const int FlagPerMinute = 40;

    /// <summary>The limits on the real clock (suites that never reach them).</summary>
    public static void Apply(IWebHostBuilder b) => Apply(b, null);

    public static void Apply(IWebHostBuilder b, FakeTimeProvider? limiterClock)
    {
        // The rate limiter runs on a clock of its own that stands still unless a test moves it: a limit "N per 10 s"
        // then counts N whatever the speed of the machine (sends under load once took longer than the window).
        if (limiterClock is not null)
            b.ConfigureTestServices(s => s.AddSingleton(sp => new ChatRateLimiter(sp.GetRequiredService<IOptions<ChatOptions>>(), limiterClock)));
        b.UseSetting("Kefu:Chat:VisitorBurst", VisitorBurst.ToString());
        b.UseSetting("Kefu:Chat:FlagPerMinute", FlagPerMinute.ToString());
        b.UseSetting("Kefu:Chat:IpBurst", "100000");
        b.UseSetting("Kefu:Chat:MaxMessageChars", "2000");
    }
}

/// <summary>A chat test server: its rate limiter's clock (see <see cref="ChatTestSettings.Apply"/>).</summary>
public interface IChatTestApp
{
    FakeTimeProvider LimiterClock { get; }
}

public sealed class ChatSqliteApp : SqliteApp, IChatTestApp
{
    public FakeTimeProvider LimiterClock { get; } = new();
    protected override void Configure(IWebHostBuilder builder) => ChatTestSettings.Apply(builder, LimiterClock);
}

public sealed class ChatPostgresApp : PostgresApp, IChatTestApp
{
    public FakeTimeProvider LimiterClock { get; } = new();
    protected override void Configure(IWebHostBuilder builder) => ChatTestSettings.Apply(builder, LimiterClock);
}

[CollectionDefinition(Name)]
public sealed class ChatSqliteCollection : ICollectionFixture<ChatSqliteApp> { public const string Name = "chat-sqlite"; }

[CollectionDefinition(Name)]
public sealed class ChatPostgresCollection : ICollectionFixture<ChatPostgresApp> { public const string Name = "chat-postgres"; }

/// <summary>A widget connection as the browser widget makes it (WebSocket, JSON or MessagePack), recording pushes.</summary>
public sealed class TestVisitor : IAsyncDisposable
{
    public HubConnection Connection { get; }
    public Channel<ChatMessageDto> Messages { get; } = Channel.CreateUnbounded<ChatMessageDto>();
    public Channel<ConversationDto> States { get; } = Channel.CreateUnbounded<ConversationDto>();
    public Channel<TypingDto> Typing { get; } = Channel.CreateUnbounded<TypingDto>();
    public StartResult? Started { get; private set; }

    public TestVisitor(KefuApp app, bool messagePack = false) : this(app.Factory.Server, messagePack) { }

    public TestVisitor(TestServer server, bool messagePack = false)
    {
        var builder = new HubConnectionBuilder().WithUrl(new Uri(server.BaseAddress, "hubs/widget"), o =>
        {
            o.Transports = HttpTransportType.WebSockets;
            o.SkipNegotiation = true;
            o.WebSocketFactory = async (ctx, ct) => await server.CreateWebSocketClient().ConnectAsync(ctx.Uri, ct);
        });
        if (messagePack) builder.AddMessagePackProtocol();
        else builder.AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower)));
        Connection = builder.Build();
        Connection.On<ChatMessageDto>("message", m => Messages.Writer.TryWrite(m));
        Connection.On<ConversationDto>("state", s => States.Writer.TryWrite(s));
        Connection.On<TypingDto>("typing", t => Typing.Writer.TryWrite(t));
    }

    public async Task<StartResult> StartAsync(string siteKey, string? token = null, WidgetUser? user = null, string locale = "zh-CN")
    {
        if (Connection.State == HubConnectionState.Disconnected) await Connection.StartAsync();
        Started = await Connection.InvokeAsync<StartResult>("Start", new StartRequest(siteKey, token, user, "https://shop.example.com/cart", locale, null));
        return Started;
    }

    public Task<SendAck> SendAsync(string text, string? clientId = null, PreChat? preChat = null) =>
        Connection.InvokeAsync<SendAck>("Send", new SendRequest(clientId ?? Guid.NewGuid().ToString("N"), text, null, preChat));

    /// <summary>Waits (bounded) for a pushed message matching the condition.</summary>
    public static async Task<T> Next<T>(Channel<T> channel, Func<T, bool> match)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (true)
        {
            var item = await channel.Reader.ReadAsync(timeout.Token);
            if (match(item)) return item;
        }
    }

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();
}

public static class ChatTestData
{
    public static async Task<ChatSiteDto> CreateSite(KefuApp app, int? teamId, string[]? origins = null)
    {
        var site = await KefuApp.PostOk(app.Admin, "/api/v1/chat/sites", new
        {
            name = "Shop " + Guid.NewGuid().ToString("N")[..6], teamId, allowedOrigins = origins ?? ["https://shop.example.com"],
            color = "#0a7cff", greeting = "您好", offlineMessage = "请留言", preChatFields = new[] { "name", "email" },
        });
        return site.Deserialize<ChatSiteDto>(Kefu.Platform.KefuJson.Stored)!;
    }

    public static async Task SetStatus(Staff agent, string status)
    {
        var response = await agent.Http.PutAsJsonAsync("/api/v1/chat/status", new { status });
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }
}
