using Kefu.Chat;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Hosting;

namespace Kefu.Tests.Chat;

/// <summary>The server goes away in the middle of a burst and comes back on the same data: every acknowledged
/// message is stored exactly once, and the client's retries of everything else complete the conversation.</summary>
public sealed class ChatRestartTests : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "kefu-chat-restart-" + Guid.NewGuid().ToString("N"));

    private WebApplicationFactory<Program> Start() => new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
    {
        b.UseEnvironment("Testing");
        b.UseSetting("Kefu:DataDir", _dataDir);
        b.UseSetting("Kefu:Demo", "false");
        b.UseSetting("Kefu:BootstrapApiToken", KefuApp.BootstrapToken);
        b.UseSetting("Kefu:Database:Provider", "Sqlite");
        ChatTestSettings.Apply(b);
    });

    [Fact]
    public async Task Acknowledged_messages_survive_a_restart_mid_burst_exactly_once()
    {
        const int total = 25;
        var clientIds = Enumerable.Range(0, total).Select(i => $"burst-{i:00}-{Guid.NewGuid():N}"[..40]).ToList();
        var acked = new HashSet<string>();

        var first = Start();
        var admin = first.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new("Bearer", KefuApp.BootstrapToken);
        var site = (await KefuApp.PostOk(admin, "/api/v1/chat/sites", new { name = "Restart", allowedOrigins = new[] { "*" } }))["key"]!.GetValue<string>();
        var visitor = new TestVisitor(first.Server);
        var token = (await visitor.StartAsync(site)).VisitorToken;

        // The burst: sends in flight when the server stops fail on the client and stay pending there.
        var sends = clientIds.Select((id, i) => (id, task: visitor.SendAsync($"消息 {i}", id))).ToList();
        // Stop once the first 8 are acknowledged (waiting for them, not for a time: under load 20 s saw only 1).
        await Task.WhenAll(sends.Take(8).Select(s => s.task));
        var stopping = first.DisposeAsync();
        foreach (var (id, task) in sends)
        {
            try { await task; acked.Add(id); } catch (Exception) { /* not acknowledged: the client retries it */ }
        }
        await stopping;
        await visitor.DisposeAsync();
        Assert.True(acked.Count >= 8, $"only {acked.Count} acknowledged before the stop");

        // Back up on the same data; the client reconnects with its token and resends everything it is unsure of,
        // acknowledged or not (a real client resends only the unacknowledged; extra retries must be harmless).
        await using var second = Start();
        await using var again = new TestVisitor(second.Server);
        var started = await again.StartAsync(site, token);
        Assert.Equal(visitor.Started!.VisitorId, started.VisitorId);
        var retried = new List<SendAck>();
        for (var i = 0; i < total; i++) retried.Add(await again.SendAsync($"消息 {i}", clientIds[i]));
        Assert.All(retried.Where(a => acked.Contains(a.ClientId)), a => Assert.True(a.Duplicate));

        var stored = await again.Connection.InvokeAsync<ChatMessageDto[]>("Since", retried[0].ConversationId, 0L);
        Assert.Equal(total, stored.Length);
        Assert.Equal(clientIds.Order(), stored.Select(m => m.ClientId!).Order());
        Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), stored.Select(m => m.Seq));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { }
        return Task.CompletedTask;
    }
}
