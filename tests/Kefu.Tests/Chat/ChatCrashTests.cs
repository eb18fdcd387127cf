using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using Kefu.Chat;
using Kefu.Tickets;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace Kefu.Tests.Chat;

/// <summary>
/// Issue 5's crash test for real: Kefu as a child process, a widget client on a real WebSocket sending a burst with
/// client ids; the server is killed with SIGKILL mid-burst (some sends acknowledged, others not), restarted on the same
/// data, and the client reconnects and resends what was not acknowledged, as the widget does. Counted in the database:
/// every acknowledged message stored exactly once, nothing stored twice, and after the retries every message once.
/// </summary>
public abstract class ChatCrashTests(ITestOutputHelper output)
{
    private const int Total = 300;

    protected abstract string Provider { get; }

    private static readonly Dictionary<string, string> Limits = new()
    {
        // The burst is one visitor on one IP: rate limits out of the way (they are tested elsewhere).
        ["Kefu__Chat__VisitorBurst"] = "100000",
        ["Kefu__Chat__IpBurst"] = "100000",
        ["Kefu__Chat__FlagPerMinute"] = "100000",
    };

    [Fact]
    public async Task Kill_9_mid_burst_then_restart_stores_every_acknowledged_message_exactly_once()
    {
        await using var kefu = await KefuProcess.CreateAsync(Provider, Limits);
        try
        {
            await kefu.StartAsync();
            var site = (await KefuApp.PostOk(kefu.Admin, "/api/v1/chat/sites", new { name = "Crash", allowedOrigins = new[] { "*" } }))["key"]!.GetValue<string>();
            var clientIds = Enumerable.Range(0, Total).Select(i => $"crash-{i:000}-{Guid.NewGuid():N}"[..40]).ToList();
            var acked = new ConcurrentDictionary<string, SendAck>();
            var enoughAcks = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

            string token;
            Guid visitorId;
            var first = Connect(kefu.Url);
            try
            {
                await first.StartAsync();
                var started = await first.InvokeAsync<StartResult>("Start", Start(site, null));
                (token, visitorId) = (started.VisitorToken, started.VisitorId);
                // The burst: every send in flight at once on the connection (the server handles them in order).
                var sends = clientIds.Select((id, i) => Send(first, id, i).ContinueWith(t =>
                {
                    if (t.IsCompletedSuccessfully)
                    {
                        acked[id] = t.Result;
                        if (acked.Count >= 60) enoughAcks.TrySetResult();
                    }
                }, TaskScheduler.Default)).ToList();
                // Kill once 60 are acknowledged (an event, not a time), with the rest still to come.
                var all = Task.WhenAll(sends);
                await Task.WhenAny(enoughAcks.Task, all).WaitAsync(TimeSpan.FromMinutes(3));
                await kefu.KillAsync();
                await all.WaitAsync(TimeSpan.FromMinutes(1)); // the unacknowledged ones fail: the connection is gone
            }
            finally { await first.DisposeAsync(); }
            var ackedAtKill = acked.Keys.ToHashSet();
            output.WriteLine($"{Provider}: {ackedAtKill.Count} of {Total} acknowledged before the kill");
            Assert.True(ackedAtKill.Count >= 60, $"only {ackedAtKill.Count} acknowledged before the kill");
            Assert.True(ackedAtKill.Count < Total, "every send was acknowledged before the kill: it did not happen mid-burst");
            Assert.All(acked.Values, a => Assert.False(a.Duplicate));

            // Right after the crash, before any retry: each acknowledged message is stored, and nothing twice.
            var stored = await StoredAsync(kefu, visitorId);
            Assert.Equal(stored.Count, stored.Distinct().Count());
            Assert.Superset(ackedAtKill, stored.ToHashSet());
            Assert.Subset(clientIds.ToHashSet(), stored.ToHashSet());

            // Back up on the same data; the widget reconnects with its token and resends what was not acknowledged, in
            // order, and (harmless, as after a lost acknowledgement) a few acknowledged ones again.
            await kefu.StartAsync();
            await using var again = Connect(kefu.Url);
            await again.StartAsync();
            var resumed = await again.InvokeAsync<StartResult>("Start", Start(site, token));
            Assert.Equal(visitorId, resumed.VisitorId);
            var retried = new List<SendAck>();
            for (var i = 0; i < Total; i++)
                if (!ackedAtKill.Contains(clientIds[i]) || i % 25 == 0) retried.Add(await Send(again, clientIds[i], i));
            Assert.All(retried.Where(a => ackedAtKill.Contains(a.ClientId)), a => Assert.True(a.Duplicate));
            // Committed but never acknowledged (cut off in between) are acknowledged as duplicates now; the rest new.
            Assert.Equal(stored.Count - ackedAtKill.Count, retried.Count(a => a.Duplicate && !ackedAtKill.Contains(a.ClientId)));

            // Every message exactly once: in the chat, on the ticket, and in the order the client reads.
            var final = await StoredAsync(kefu, visitorId);
            Assert.Equal(clientIds.Order(), final.Order());
            var conversation = retried[0].ConversationId;
            // On the ticket too: one customer message per chat message (the first one opened the ticket).
            var linked = await kefu.DbAsync(db => db.Set<ChatMessage>().AsNoTracking()
                .Where(m => m.ConversationId == conversation).Select(m => m.TicketMessageId!.Value).ToListAsync());
            var ticketId = await kefu.DbAsync(db => db.Set<ChatConversation>().Where(c => c.Id == conversation).Select(c => c.TicketId).FirstAsync());
            var ticketMessages = await kefu.DbAsync(db => db.Set<Message>().AsNoTracking()
                .Where(m => m.TicketId == ticketId && m.Kind == MessageKind.Customer).Select(m => m.Id).ToListAsync());
            Assert.Equal(Total, ticketMessages.Count);
            Assert.Equal(linked.Order(), ticketMessages.Order());
            var since = await again.InvokeAsync<ChatMessageDto[]>("Since", conversation, 0L);
            Assert.Equal(Enumerable.Range(1, Total).Select(i => (long)i), since.Select(m => m.Seq));
            Assert.True(await kefu.IsReadyAsync());
        }
        catch (Exception)
        {
            kefu.WriteLogTo(output);
            throw;
        }
    }

    private static StartRequest Start(string site, string? token) =>
        new(site, token, null, "https://shop.example.com/cart", "zh-CN", null);

    private static Task<SendAck> Send(HubConnection c, string clientId, int i) =>
        c.InvokeAsync<SendAck>("Send", new SendRequest(clientId, $"消息 {i}", null, null));

    /// <summary>The visitor's stored messages' client ids, one entry per row (a duplicate would show twice).</summary>
    private static Task<List<string>> StoredAsync(KefuProcess kefu, Guid visitorId) => kefu.DbAsync(db =>
        db.Set<ChatMessage>().AsNoTracking()
            .Where(m => m.Sender == ChatSender.Visitor && db.Set<ChatConversation>().Any(c => c.Id == m.ConversationId && c.VisitorId == visitorId))
            .Select(m => m.ClientId!).ToListAsync());

    /// <summary>A widget connection as the browser makes it: WebSocket, JSON, snake_case enums.</summary>
    private static HubConnection Connect(string url) => new HubConnectionBuilder()
        .WithUrl(url + "/hubs/widget", o => { o.Transports = HttpTransportType.WebSockets; o.SkipNegotiation = true; })
        .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower)))
        .Build();
}

[Collection(CrashCollection.Name)]
public sealed class SqliteChatCrashTests(ITestOutputHelper output) : ChatCrashTests(output)
{
    protected override string Provider => "Sqlite";
}

[Collection(CrashCollection.Name)]
public sealed class PostgresChatCrashTests(ITestOutputHelper output) : ChatCrashTests(output)
{
    protected override string Provider => "Postgres";
}
