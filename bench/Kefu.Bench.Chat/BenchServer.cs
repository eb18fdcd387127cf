using Kefu.Chat;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR;

namespace Kefu.Bench.Chat;

/// <summary>
/// The measured server process: the real Kefu app (Program, all modules, SQLite in a temporary folder) on Kestrel,
/// plus two bench-only hubs mapped in front of it — /bench/echo, the bare baseline, and /bench/agents, which pushes
/// every visitor chat message to an agent connection the way the workspace's chat panel receives it (a subscriber of
/// ChatPush.Changed that writes to its own SignalR connection, as a Blazor circuit does).
/// </summary>
public static class BenchServer
{
    public static async Task<int> RunAsync(string dataDir, int agents)
    {
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Production");
            b.UseSetting("Kefu:DataDir", dataDir);
            b.UseSetting("Kefu:Demo", "false");
            b.UseSetting("Kefu:Triage:Enabled", "false");
            // Real widgets come from many addresses; the load generator from a few loopback ones. The per-IP and
            // per-visitor limits would otherwise cap the offered load (they are tested in the Chat tests).
            b.UseSetting("Kefu:Chat:IpBurst", "100000000");
            b.UseSetting("Kefu:Chat:VisitorBurst", "100000000");
            b.UseSetting("Kefu:Chat:FlagPerMinute", "100000000");
            b.UseSetting("Logging:LogLevel:Default", "Warning");
            b.ConfigureServices(s =>
            {
                s.AddSingleton(new AgentCount(agents));
                s.AddSingleton(new BenchDataDir(dataDir));
                s.AddSingleton<RawChatStoreHolder>();
                // Counts the database connections EF opens (each open re-registers EF's SQLite functions; decision 0038).
                s.ConfigureDbContext<Kefu.Platform.Database.SqliteKefuDb>(o => o.AddInterceptors(OpenCounter.Instance));
                s.AddHostedService<AgentForwarder>();
                s.AddSingleton<IStartupFilter, BenchHubs>();
            });
        });
        factory.UseKestrel(k =>
        {
            k.Listen(System.Net.IPAddress.Loopback, 0);
            k.Limits.MaxConcurrentConnections = null;
            k.Limits.MaxConcurrentUpgradedConnections = null;
        });
        factory.StartServer();
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ChatSiteService>().CreateAsync(new SaveChatSiteRequest(
                "Bench", null, ["*"], "#1565c0", "Hi", "Offline", []), CancellationToken.None, key: "bench");
        }
        var url = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Console.WriteLine("LISTENING " + url.Replace("localhost", "127.0.0.1"));
        // The load generator asks for the chat writer's batch timings ("timings") and ends the run by closing our stdin.
        var writer = factory.Services.GetRequiredService<ChatWriter>();
        var checkpointer = factory.Services.GetService<Kefu.Platform.Database.SqliteCheckpointer>();
        long seen = 0;
        var gc = GcMark.Now();
        // KEFU_BENCH_ALLOC_TYPES=1: sample allocations by type (the runtime's AllocationTick, one event per ~100 KB)
        // and write each phase's top types to the server log (work folder, server.log).
        using var allocTypes = Environment.GetEnvironmentVariable("KEFU_BENCH_ALLOC_TYPES") == "1" ? new AllocationSampler() : null;
        var checkpoints = checkpointer?.Stats;
        (long Commits, long Messages) rawSeen = (0, 0);
        long opensSeen = Interlocked.Read(ref OpenCounter.Instance.Opens);
        while (await Console.In.ReadLineAsync() is { } line)
        {
            if (line != "timings") continue;
            var t = writer.RecentTimings(seen);
            seen += t.Length;
            // Per phase: the GC's collections and pause time, and what the WAL checkpointer did (decision 0028).
            var gcNow = GcMark.Now();
            var cp = checkpointer?.Stats;
            var cpText = cp is { } c && checkpoints is { } c0
                ? FormattableString.Invariant($"checkpoints {c.Rounds - c0.Rounds} (forced {c.Forced - c0.Forced}, truncated {c.Truncated - c0.Truncated}), max WAL {c.MaxWalPages} pages, longest {c.MaxMs:0.0} ms")
                : "checkpoints inline (SQLite auto-checkpoint)";
            var raw = factory.Services.GetRequiredService<RawChatStoreHolder>();
            var rawText = "";
            if (raw.Created)
            {
                var (commits, messages) = (Interlocked.Read(ref raw.Store.Commits), Interlocked.Read(ref raw.Store.Messages));
                rawText = FormattableString.Invariant($"; raw store: {messages - rawSeen.Messages} messages in {commits - rawSeen.Commits} transactions");
                rawSeen = (commits, messages);
            }
            var opens = Interlocked.Read(ref OpenCounter.Instance.Opens);
            rawText += FormattableString.Invariant($"; EF connection opens {opens - opensSeen}");
            opensSeen = opens;
            Console.WriteLine("TIMINGS " + WriterTimings.Summary(t) + "; " + gcNow.Since(gc) + "; " + cpText + rawText);
            if (allocTypes is not null) Console.WriteLine(allocTypes.TakeReport());
            gc = gcNow;
            checkpoints = cp;
            checkpointer?.ResetMaxima();
        }
        Console.WriteLine($"GC: pauses {GC.GetTotalPauseDuration().TotalMilliseconds:0} ms in total; collections gen0 {GC.CollectionCount(0)}, " +
                          $"gen1 {GC.CollectionCount(1)}, gen2 {GC.CollectionCount(2)}; concurrent {System.Runtime.GCSettings.LatencyMode}");
        return 0;
    }
}

public sealed record AgentCount(int Value);

/// <summary>Counts the connections EF opens on the server's SQLite contexts (bench diagnostics).</summary>
internal sealed class OpenCounter : Microsoft.EntityFrameworkCore.Diagnostics.DbConnectionInterceptor
{
    public static readonly OpenCounter Instance = new();
    public long Opens;

    public override void ConnectionOpened(System.Data.Common.DbConnection connection, Microsoft.EntityFrameworkCore.Diagnostics.ConnectionEndEventData eventData) =>
        Interlocked.Increment(ref Opens);

    public override Task ConnectionOpenedAsync(System.Data.Common.DbConnection connection, Microsoft.EntityFrameworkCore.Diagnostics.ConnectionEndEventData eventData,
        CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref Opens);
        return Task.CompletedTask;
    }
}

/// <summary>The GC's collection counts and total pause time at one moment.</summary>
internal readonly record struct GcMark(int Gen0, int Gen1, int Gen2, TimeSpan Paused, long Allocated)
{
    public static GcMark Now() => new(GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration(),
        GC.GetTotalAllocatedBytes(precise: false));

    /// <summary>Collections, pause total and bytes allocated since <paramref name="before"/> (the generator divides the
    /// bytes by the phase's messages: "allocated N bytes" is parsed by LoadGenerator).</summary>
    public string Since(GcMark before)
    {
        var last = GC.GetGCMemoryInfo(GCKind.Any);
        return FormattableString.Invariant(
            $"GC gen0 {Gen0 - before.Gen0}, gen1 {Gen1 - before.Gen1}, gen2 {Gen2 - before.Gen2}, paused {(Paused - before.Paused).TotalMilliseconds:0} ms ") +
            FormattableString.Invariant($"(last: gen{last.Generation}, {last.PauseDurations[0].TotalMilliseconds:0.0} ms, heap {last.HeapSizeBytes / 1048576} MiB), ") +
            FormattableString.Invariant($"allocated {Allocated - before.Allocated} bytes");
    }
}

/// <summary>Which types the server allocates (sampled: the runtime reports the type of the object that crossed each
/// ~100 KB of allocation). Bench diagnostics only, opt-in (KEFU_BENCH_ALLOC_TYPES=1).</summary>
internal sealed class AllocationSampler : System.Diagnostics.Tracing.EventListener
{
    private readonly Dictionary<string, long> _bytes = [];

    protected override void OnEventSourceCreated(System.Diagnostics.Tracing.EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
            EnableEvents(source, System.Diagnostics.Tracing.EventLevel.Verbose, (System.Diagnostics.Tracing.EventKeywords)0x1); // GC keyword
    }

    protected override void OnEventWritten(System.Diagnostics.Tracing.EventWrittenEventArgs e)
    {
        if (e.EventName is not { } name || !name.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.PayloadNames is null) return;
        var type = e.Payload![e.PayloadNames.IndexOf("TypeName")] as string ?? "?";
        var amount = Convert.ToInt64(e.Payload[e.PayloadNames.IndexOf("AllocationAmount64")], System.Globalization.CultureInfo.InvariantCulture);
        lock (_bytes) _bytes[type] = _bytes.GetValueOrDefault(type) + amount;
    }

    public string TakeReport()
    {
        KeyValuePair<string, long>[] top;
        long total;
        lock (_bytes)
        {
            total = _bytes.Values.Sum();
            top = [.. _bytes.OrderByDescending(kv => kv.Value).Take(40)];
            _bytes.Clear();
        }
        var s = new System.Text.StringBuilder(FormattableString.Invariant($"ALLOCTYPES sampled {total / 1048576.0:0.0} MiB; top types:\n"));
        foreach (var (type, bytes) in top)
            s.Append(FormattableString.Invariant($"  {100.0 * bytes / Math.Max(1, total),5:0.0} %  {bytes / 1048576.0,8:0.0} MiB  {type}\n"));
        return s.ToString();
    }
}

/// <summary>Percentiles of the chat writer's batches: where a send's time goes before its ack.</summary>
public static class WriterTimings
{
    public static string Summary(ChatBatchTiming[] t)
    {
        if (t.Length == 0) return "no batches";
        static string P(IEnumerable<double> values)
        {
            var a = values.Where(v => !double.IsNaN(v)).Order().ToArray();
            if (a.Length == 0) return "-";
            double Q(double q) => a[Math.Min(a.Length - 1, (int)Math.Ceiling(q * a.Length) - 1)];
            return FormattableString.Invariant($"{Q(0.5):0.0}/{Q(0.99):0.0}/{a[^1]:0.0}");
        }
        var sends = t.Sum(x => x.Size);
        return FormattableString.Invariant(
            $"{t.Length} batches, {sends} sends, mean batch {(double)sends / t.Length:0.0}, max {t.Max(x => x.Size)}; ms p50/p99/max: ") +
            $"oldest queued {P(t.Select(x => x.QueuedMs))}, gate {P(t.Select(x => x.GateMs))}, store {P(t.Select(x => x.StoreMs))}, " +
            $"commit {P(t.Select(x => x.CommitMs))}, store per send {P(t.Select(x => x.StoreMs / x.Size))}";
    }
}

/// <summary>Maps the bench hubs ahead of the app's own pipeline.</summary>
internal sealed class BenchHubs : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/bench"), b =>
        {
            b.UseWebSockets();
            b.UseRouting();
            b.UseEndpoints(e =>
            {
                e.MapHub<EchoHub>("/bench/echo");
                e.MapHub<PersistHub>("/bench/persist");
                e.MapHub<PersistGroupHub>("/bench/persist-group");
                e.MapHub<AgentHub>("/bench/agents");
            });
        });
        next(app);
    };
}

/// <summary>An agent screen: joins the group of the agent it plays.</summary>
public sealed class AgentHub : Hub
{
    public Task Join(int agent) => Groups.AddToGroupAsync(Context.ConnectionId, "a" + agent);
}

/// <summary>Subscribes to chat signals like the workspace and pushes visitor messages to one agent per conversation.</summary>
internal sealed class AgentForwarder(ChatPush push, IHubContext<AgentHub> hub, AgentCount agents) : IHostedService
{
    public Task StartAsync(CancellationToken ct)
    {
        push.Changed += OnChanged;
        return Task.CompletedTask;
    }

    private void OnChanged(ChatSignal s)
    {
        if (s.Message is { Sender: ChatSender.Visitor } m)
            _ = hub.Clients.Group("a" + (s.ConversationId % agents.Value)).SendAsync("message", m);
    }

    public Task StopAsync(CancellationToken ct)
    {
        push.Changed -= OnChanged;
        return Task.CompletedTask;
    }
}

/// <summary>
/// The baseline: the same calls and payloads as the widget hub, no storage. Start returns a result of the same
/// shape; Send acknowledges and forwards a message DTO to the conversation's agent group.
/// </summary>
public sealed class EchoHub(IHubContext<AgentHub> agents, AgentCount count) : Hub
{
    private static long _conversations;
    private static long _seq;

    public StartResult Start(StartRequest request) => StartConversation(Context, ref _conversations);

    public async Task<SendAck> Send(SendRequest request)
    {
        var conversation = Context.Items.TryGetValue("c", out var c) && c is long l ? l : 0;
        var seq = Interlocked.Increment(ref _seq);
        var ack = new SendAck(request.ClientId, conversation, seq, seq, DateTime.UtcNow, false);
        await PushAsync(Clients.Caller, agents, count, conversation, ack, request);
        return ack;
    }

    /// <summary>A conversation number for the connection (the persisting baselines' Start too).</summary>
    internal static StartResult StartConversation(HubCallerContext context, ref long conversations)
    {
        var id = Interlocked.Increment(ref conversations);
        context.Items["c"] = id;
        return new StartResult("token-" + id, Guid.NewGuid(), new SiteSettingsDto("Bench", "#1565c0", "Hi", "Offline", [], true), null);
    }

    /// <summary>The message DTO to the visitor's connection (Kefu pushes the stored message back to the visitor's
    /// connections too) and to the conversation's agent group.</summary>
    internal static async Task PushAsync(ISingleClientProxy caller, IHubContext<AgentHub> agents, AgentCount count, long conversation,
        SendAck ack, SendRequest request)
    {
        var dto = new ChatMessageDto(conversation, ack.Seq, ack.MessageId, request.ClientId, ChatSender.Visitor, null, request.Text ?? "", [], ack.CreatedAt);
        await caller.SendAsync("message", dto);
        await agents.Clients.Group("a" + (conversation % count.Value)).SendAsync("message", dto);
    }
}
