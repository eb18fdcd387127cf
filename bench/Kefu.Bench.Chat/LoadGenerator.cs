using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Kefu.Bench.Chat;

/// <summary>One target's figures.</summary>
public sealed record Result(
    string Target, int Connections, double ConnectSeconds, int ConnectErrors, double IdleRssMiB, double RssAtConnectionsMiB,
    double OfferedRate, double AchievedRate, double P50Ms, double P99Ms, double MaxMs, int RateErrors, int Lost,
    double SaturationPerSecond, double SaturationP50Ms, double SaturationP99Ms, double RssAfterMiB, long OutboxBacklog,
    double RateCpuMsPerMessage, double SaturationCpuMsPerMessage, double DrainSeconds,
    PhaseGc RateServerGc, PhaseGc SaturationServerGc, PhaseGc RateGeneratorGc, double RateSendLagP99Ms, double RateSendLagMaxMs);

/// <summary>One process's collections, pause total and allocated bytes over a phase, and the phase's messages.</summary>
public sealed record PhaseGc(int Gen0, int Gen1, int Gen2, double PausedMs, long AllocatedBytes, long Messages)
{
    public double AllocatedKiBPerMessage => AllocatedBytes / 1024.0 / Math.Max(1, Messages);
    public double Gen0Per1000Messages => Gen0 * 1000.0 / Math.Max(1, Messages);

    private static readonly System.Text.RegularExpressions.Regex ServerLine = new(
        @"GC gen0 (\d+), gen1 (\d+), gen2 (\d+), paused (\d+) ms.*allocated (\d+) bytes");

    /// <summary>From the server's TIMINGS line (BenchServer's GcMark.Since).</summary>
    public static PhaseGc FromServer(string line, long messages)
    {
        var m = ServerLine.Match(line);
        if (!m.Success) return new PhaseGc(0, 0, 0, double.NaN, 0, messages);
        int I(int g) => int.Parse(m.Groups[g].Value, CultureInfo.InvariantCulture);
        return new PhaseGc(I(1), I(2), I(3), I(4), long.Parse(m.Groups[5].Value, CultureInfo.InvariantCulture), messages);
    }

    public override string ToString() => FormattableString.Invariant(
        $"gen0 {Gen0}, gen1 {Gen1}, gen2 {Gen2}, paused {PausedMs:0} ms, allocated {AllocatedKiBPerMessage:0.0} KiB/msg, {Gen0Per1000Messages:0.0} gen0 per 1,000 msgs");
}

/// <summary>This process's GC counters at one moment (the load generator's own collections pause its receive loops,
/// which the latencies would otherwise blame on the server).</summary>
internal readonly record struct LocalGc(int Gen0, int Gen1, int Gen2, TimeSpan Paused, long Allocated)
{
    public static LocalGc Now() => new(GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration(),
        GC.GetTotalAllocatedBytes(precise: false));

    public PhaseGc Since(LocalGc b, long messages) =>
        new(Gen0 - b.Gen0, Gen1 - b.Gen1, Gen2 - b.Gen2, (Paused - b.Paused).TotalMilliseconds, Allocated - b.Allocated, messages);
}

public static class LoadGenerator
{
    public const string BareTarget = "baseline (bare echo hub)";
    public const string PersistTarget = "persisting baseline (echo + raw SQLite, 1 tx/msg)";
    public const string PersistGroupTarget = "persisting baseline (echo + raw SQLite, group commit)";
    public const string KefuTarget = "Kefu widget hub";

    public static async Task<int> RunAsync(LoadOptions o)
    {
        Directory.CreateDirectory(o.WorkDir);
        Console.WriteLine($"chat bench: {o.Connections} widgets ({o.Senders} talking), {o.Agents} agents, {o.Rate} msg/s for {o.Seconds} s, " +
                          $"saturation with {o.Concurrency} in flight for {o.SaturationSeconds} s, {o.Sources} loopback sources");
        Console.WriteLine("load generator: " + GeneratorSettings());
        // Enough pool threads from the start for 10,000 receive loops and the sends' continuations (no ramp-up by
        // the pool's starvation heuristics in the measured phases; both cores are shared with the server anyway).
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 16), Math.Max(io, 16));
        var results = new List<Result>();
        if (!o.SkipBaseline) results.Add(await RunTargetAsync(o, BareTarget, "/bench/echo"));
        if (!o.SkipPersist)
        {
            results.Add(await RunTargetAsync(o, PersistTarget, "/bench/persist"));
            results.Add(await RunTargetAsync(o, PersistGroupTarget, "/bench/persist-group"));
        }
        if (!o.SkipKefu) results.Add(await RunTargetAsync(o, KefuTarget, "/hubs/widget"));
        Console.WriteLine();
        Console.WriteLine(Report.Markdown(o, results));
        if (o.ServerEnv.Count > 0) Console.WriteLine("Server environment: " + string.Join(" ", o.ServerEnv));
        return 0;
    }

    private static async Task<Result> RunTargetAsync(LoadOptions o, string name, string path)
    {
        Console.WriteLine($"--- {name}");
        var dataDir = Path.Combine(o.WorkDir, "data-" + Guid.NewGuid().ToString("N")[..8]);
        await using var server = await ServerProcess.StartAsync(dataDir, o.Agents, Path.Combine(o.WorkDir, "server.log"), o.ServerEnv);
        try
        {
            var endpoint = server.EndPoint;
            await Task.Delay(2000); // let start-up work (migrations, seeding, JIT of the first requests) settle
            var idleRss = server.RssMiB();

            // Agents: one screen each, subscribed like the workspace.
            var latencies = new Recorder();
            var agents = new List<HubSocket>();
            for (var a = 0; a < o.Agents; a++)
            {
                var agent = await HubSocket.ConnectAsync(endpoint, IPAddress.Loopback, "/bench/agents", CancellationToken.None);
                agent.OnPush = (target, arg) =>
                {
                    if (target != "message") return;
                    var body = arg.GetProperty("body").GetString()!;
                    var space = body.LastIndexOf(' ');
                    if (space > 0 && long.TryParse(body.AsSpan(space + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var sent))
                        latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                };
                await agent.InvokeAsync("Join", a);
                agents.Add(agent);
            }

            // Widgets: connect and Start, a few hundred at a time.
            var widgets = new HubSocket?[o.Connections];
            var connectErrors = 0;
            var sw = Stopwatch.StartNew();
            await Parallel.ForEachAsync(Enumerable.Range(0, o.Connections), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, ct) =>
            {
                try
                {
                    var source = IPAddress.Parse($"127.0.0.{1 + i % o.Sources}");
                    var w = await HubSocket.ConnectAsync(endpoint, source, path, ct);
                    await w.InvokeAsync("Start", new { siteKey = "bench", pageUrl = "https://shop.example.com/p/" + i, locale = "zh-CN" });
                    widgets[i] = w;
                }
                catch (Exception ex)
                {
                    if (Interlocked.Increment(ref connectErrors) <= 3) Console.WriteLine($"  connect {i}: {ex.GetType().Name}: {ex.Message}");
                }
            });
            var connectSeconds = sw.Elapsed.TotalSeconds;
            Console.WriteLine($"  {o.Connections - connectErrors} widgets started in {connectSeconds:0.0} s ({connectErrors} errors)");

            using var stopPings = new CancellationTokenSource();
            var pinger = KeepAliveAsync([.. widgets.Where(w => w is not null).Select(w => w!), .. agents], stopPings.Token);

            var senders = widgets.Where(w => w is not null).Take(o.Senders).Select(w => w!).ToArray();
            // Warm-up: every talking visitor's first message opens its conversation (a ticket); the measured
            // messages are the conversation's next ones.
            await Parallel.ForEachAsync(senders, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (w, _) =>
            {
                try { await SendAsync(w); } catch (Exception ex) when (ex is HubError or IOException) { }
            });
            // The new tickets' event handlers (SLA, routing…) run in the background: let them finish first.
            await WaitForOutboxAsync(dataDir, TimeSpan.FromSeconds(120));
            var rssAtConnections = server.RssMiB();
            Console.WriteLine($"  RSS {rssAtConnections:0} MiB at {o.Connections} widgets (idle {idleRss:0} MiB)");

            // Fixed rate, open loop: message k is due at start + k/rate whatever the previous ones do.
            await server.WriterTimingsAsync(); // forget the warm-up's batches
            latencies.Reset();
            var total = (int)(o.Rate * o.Seconds);
            var cpuAtRate = server.CpuMs();
            var rateProfile = o.Profile == "rate" ? Profiler.Start(server.Pid, o.WorkDir, "rate", o.Seconds) : null;
            var rateErrors = 0;
            var inFlight = new List<Task>(total);
            // How late each message left against its schedule (a late generator hides server delay: coordinated omission).
            var lags = new Recorder();
            // The generator's own collections must not pause its receive loops during the measured phase: with 10,000
            // sockets each of them took tens of ms (session 8), time the latencies blamed on the server. So the phase
            // runs in a no-GC region sized for it (the generator allocates a few KiB per message plus keep-alives);
            // should it still run out, a collection happens and shows in the "its own GC" line.
            var noGc = NoGcRegion.TryStart(o.NoGcMiB);
            var genGc = LocalGc.Now();
            sw.Restart();
            var start = Stopwatch.GetTimestamp();
            for (var k = 0; k < total; k++)
            {
                var due = TimeSpan.FromSeconds(k / o.Rate);
                var wait = due - sw.Elapsed;
                if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait);
                var w = senders[k % senders.Length];
                var dueTimestamp = start + (long)(due.TotalSeconds * Stopwatch.Frequency);
                inFlight.Add(Task.Run(async () =>
                {
                    try { await SendAsync(w, lags, dueTimestamp); }
                    catch (Exception ex) when (ex is HubError or IOException)
                    {
                        if (Interlocked.Increment(ref rateErrors) <= 3) Console.WriteLine("  send: " + ex.Message);
                    }
                }));
            }
            await Task.WhenAll(inFlight);
            var achieved = total / sw.Elapsed.TotalSeconds;
            await latencies.WaitForAsync(total - rateErrors, TimeSpan.FromSeconds(10));
            var rateGeneratorGc = LocalGc.Now().Since(genGc, total);
            var noGcHeld = NoGcRegion.End(noGc);
            var (p50, p99, max, count) = latencies.Summary();
            var (_, lagP99, lagMax, _) = lags.Summary();
            Console.WriteLine($"  {o.Rate} msg/s: achieved {achieved:0.0}/s, delivered {count}/{total}, p50 {p50:0.0} ms, p99 {p99:0.0} ms, max {max:0.0} ms");
            Console.WriteLine($"  load generator: sends left p99 {lagP99:0.0} ms / max {lagMax:0.0} ms after their scheduled time; its own GC {rateGeneratorGc}; " +
                              (noGc ? noGcHeld ? $"no-GC region of {o.NoGcMiB} MiB held" : $"no-GC region of {o.NoGcMiB} MiB ran out" : "no no-GC region"));
            var rateWriter = await server.WriterTimingsAsync();
            var rateServerGc = PhaseGc.FromServer(rateWriter, total - rateErrors);
            Console.WriteLine("  writer: " + rateWriter);
            Console.WriteLine("  server GC at rate: " + rateServerGc);

            await WaitForOutboxAsync(dataDir, TimeSpan.FromSeconds(120));
            if (rateProfile is not null) await rateProfile;
            // Server CPU per message sent at the fixed rate, its reactions included (the outbox is drained again).
            var rateCpu = (server.CpuMs() - cpuAtRate) / Math.Max(1, total - rateErrors);
            Console.WriteLine($"  server CPU {rateCpu:0.00} ms per message at {o.Rate} msg/s (outbox reactions included)");
            // Saturation, closed loop: C visitors' widgets each send the next message as soon as the last is acknowledged.
            latencies.Reset();
            await server.WriterTimingsAsync(); // forget batches since the rate phase
            var cpuAtSaturation = server.CpuMs();
            var satProfile = o.Profile == "saturation" ? Profiler.Start(server.Pid, o.WorkDir, "saturation", o.SaturationSeconds) : null;
            var satSw = Stopwatch.StartNew();
            var deadline = TimeSpan.FromSeconds(o.SaturationSeconds);
            long sent = 0;
            await Task.WhenAll(Enumerable.Range(0, o.Concurrency).Select(c => Task.Run(async () =>
            {
                var n = 0;
                while (satSw.Elapsed < deadline)
                {
                    var w = senders[(c + n++ * o.Concurrency) % senders.Length];
                    try { await SendAsync(w); Interlocked.Increment(ref sent); }
                    catch (Exception ex) when (ex is HubError or IOException) { }
                }
            })));
            var satSeconds = satSw.Elapsed.TotalSeconds;
            await latencies.WaitForAsync((int)sent, TimeSpan.FromSeconds(10));
            var (sp50, sp99, _, satCount) = latencies.Summary();
            var perSecond = satCount / satSeconds;
            Console.WriteLine($"  saturation: {perSecond:0} msg/s delivered ({sent} acknowledged), p50 {sp50:0.0} ms, p99 {sp99:0.0} ms");
            var satWriter = await server.WriterTimingsAsync();
            var satServerGc = PhaseGc.FromServer(satWriter, sent);
            Console.WriteLine("  writer: " + satWriter);
            Console.WriteLine("  server GC at saturation (sends only, the drain after it not included): " + satServerGc);
            var rssAfter = server.RssMiB();
            // Work the saturation left for later (the event handlers of the messages it stored).
            var backlog = await OutboxBacklogAsync(dataDir);
            Console.WriteLine($"  outbox backlog after saturation: {backlog} events");
            var drainSw = Stopwatch.StartNew();
            await WaitForOutboxAsync(dataDir, TimeSpan.FromSeconds(300));
            var drainSeconds = drainSw.Elapsed.TotalSeconds;
            if (satProfile is not null) await satProfile;
            // Everything the saturation's messages cost the server: the sends and, once drained, their reactions.
            var satCpu = (server.CpuMs() - cpuAtSaturation) / Math.Max(1, sent);
            Console.WriteLine($"  server CPU {satCpu:0.00} ms per message at saturation (drain {drainSeconds:0.0} s included)");

            stopPings.Cancel();
            await pinger;
            await Parallel.ForEachAsync(widgets.Where(w => w is not null).Concat(agents), new ParallelOptions { MaxDegreeOfParallelism = 64 },
                async (w, _) => await w!.DisposeAsync());
            return new Result(name, o.Connections - connectErrors, connectSeconds, connectErrors, idleRss, rssAtConnections, o.Rate, achieved,
                p50, p99, max, rateErrors, total - rateErrors - count, perSecond, sp50, sp99, rssAfter, backlog,
                rateCpu, satCpu, drainSeconds, rateServerGc, satServerGc, rateGeneratorGc, lagP99, lagMax);
        }
        finally
        {
            try { Directory.Delete(dataDir, recursive: true); } catch (IOException) { }
        }
    }

    private static Task<JsonElement> SendAsync(HubSocket w, Recorder? lags = null, long dueTimestamp = 0)
    {
        var now = Stopwatch.GetTimestamp();
        lags?.Add(Stopwatch.GetElapsedTime(dueTimestamp, now).TotalMilliseconds);
        return w.InvokeAsync("Send", new
        {
            clientId = Guid.NewGuid().ToString("N"),
            text = "您好，我的订单还没有发货，请帮我查一下 / where is my order? " + now.ToString(CultureInfo.InvariantCulture),
        });
    }

    /// <summary>This process's GC mode (bench/chat/run.sh gives the generator its own; the server never inherits them).</summary>
    private static string GeneratorSettings()
    {
        var env = string.Join(" ", Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(ServerProcess.IsGcSetting).Order()
            .Select(k => k + "=" + Environment.GetEnvironmentVariable(k)));
        return $"{(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC, {System.Runtime.GCSettings.LatencyMode}" +
               (env.Length > 0 ? ", " + env : ", no GC environment (the server's settings: runtimeconfig only)");
    }

    /// <summary>Events not yet dispatched by the server's outbox (read from its SQLite file, read-only).</summary>
    private static async Task<long> OutboxBacklogAsync(string dataDir)
    {
        await using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(dataDir, "kefu.db")};Mode=ReadOnly");
        await db.OpenAsync();
        await using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM platform_outbox WHERE dispatched_at IS NULL";
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task WaitForOutboxAsync(string dataDir, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        long left;
        while ((left = await OutboxBacklogAsync(dataDir)) > 0 && sw.Elapsed < timeout) await Task.Delay(500);
        Console.WriteLine($"  outbox drained in {sw.Elapsed.TotalSeconds:0.0} s ({left} left)");
    }

    /// <summary>The widget's keep-alive: a ping after 10 s without sending (the server's timeout is 30 s).</summary>
    private static async Task KeepAliveAsync(HubSocket[] sockets, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                foreach (var s in sockets)
                {
                    if (!s.Open) continue;
                    try { await s.PingIfIdleAsync(TimeSpan.FromSeconds(10)); }
                    catch (Exception ex) when (ex is IOException or System.Net.WebSockets.WebSocketException or ObjectDisposedException) { }
                }
                await Task.Delay(1000, ct);
            }
        }
        catch (OperationCanceledException) { }
    }
}

/// <summary>A no-GC region for the load generator's measured phase (GC.TryStartNoGCRegion; 0 MiB = none).</summary>
internal static class NoGcRegion
{
    public static bool TryStart(int mib)
    {
        if (mib <= 0) return false;
        try { return GC.TryStartNoGCRegion(mib * 1024L * 1024L); }
        catch (ArgumentOutOfRangeException ex)
        {
            Console.WriteLine($"  no-GC region of {mib} MiB refused: {ex.Message}");
            return false;
        }
    }

    /// <summary>Ends the region; false when it had already ended (the phase allocated more than its size).</summary>
    public static bool End(bool started)
    {
        if (!started) return false;
        if (System.Runtime.GCSettings.LatencyMode != System.Runtime.GCLatencyMode.NoGCRegion) return false;
        try { GC.EndNoGCRegion(); return true; }
        catch (InvalidOperationException) { return false; }
    }
}

/// <summary>`perf record` on the server for one phase (--profile rate|saturation): call-graph samples at 499 Hz
/// into WORK/perf-PHASE.data, for `perf script` (the server needs DOTNET_PerfMapEnabled=1 and
/// DOTNET_EnableWriteXorExecute=0, and /proc/sys/kernel/perf_event_paranoid at -1).</summary>
public static class Profiler
{
    public static Task Start(int pid, string workDir, string phase, int seconds)
    {
        var psi = new ProcessStartInfo("perf") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "record", "-e", "cpu-clock", "-F", "499", "-g", "-p", pid.ToString(CultureInfo.InvariantCulture),
                     "-o", Path.Combine(workDir, $"perf-{phase}.data"), "--", "sleep", seconds.ToString(CultureInfo.InvariantCulture) })
            psi.ArgumentList.Add(a);
        var p = Process.Start(psi) ?? throw new InvalidOperationException("perf did not start");
        Console.WriteLine($"  perf recording the {phase} phase ({seconds} s) into {Path.Combine(workDir, $"perf-{phase}.data")}");
        return p.WaitForExitAsync();
    }
}

/// <summary>Delivery latencies seen by the agents.</summary>
public sealed class Recorder
{
    private readonly List<double> _ms = new(100_000);

    public void Add(double ms) { lock (_ms) _ms.Add(ms); }

    public void Reset() { lock (_ms) _ms.Clear(); }

    public async Task WaitForAsync(int count, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < timeout) { lock (_ms) if (_ms.Count >= count) return; await Task.Delay(50); }
    }

    public (double P50, double P99, double Max, int Count) Summary()
    {
        double[] a;
        lock (_ms) a = [.. _ms];
        if (a.Length == 0) return (double.NaN, double.NaN, double.NaN, 0);
        Array.Sort(a);
        double P(double q) => a[Math.Min(a.Length - 1, (int)Math.Ceiling(q * a.Length) - 1)];
        return (P(0.50), P(0.99), a[^1], a.Length);
    }
}
