using System.Diagnostics;
using System.Runtime.InteropServices;
using Kefu.Bench.Tickets;
using Microsoft.Data.Sqlite;

BenchOptions o;
try { o = BenchOptions.Parse(args); }
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine("usage: Kefu.Bench.Tickets --kefu <Kefu.dll> [--docs docs/benchmarks.md | --no-docs] [--duration 20] [--warmup 15] "
        + "[--concurrency 1,8] [--idle 10] [--list-tickets 1000000] [--list-requests 500] [--server-env KEY=VALUE] "
        + "[--skip-create] [--skip-list] [--keep-temp] [--max-minutes 20] [--ready-timeout 90]; experiments: [--skip-raw] [--raw-pragmas 'wal_autocheckpoint=10000']");
    return 2;
}

// Everything is bounded: the whole run is cancelled at MaxRunTime, or on Ctrl+C / SIGTERM, and then cleaned up.
using var cts = new CancellationTokenSource(o.MaxRunTime);
using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; cts.Cancel(); });
using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; cts.Cancel(); });
var ct = cts.Token;
var clock = Stopwatch.StartNew();
void Log(string s) => Console.WriteLine($"[{clock.Elapsed:mm\\:ss}] {s}");

var temp = Directory.CreateTempSubdirectory("kefu-bench-").FullName;
var report = new Report(o);
var servers = new List<KefuServer>();
var exitCode = 0;
Log($"Kefu tickets benchmark; temp {temp}; {o.Describe()}");
Log("machine: " + Report.Machine());

async Task<KefuServer> StartServer(string name, string? dll = null, IReadOnlyDictionary<string, string>? env = null)
{
    var s = await KefuServer.StartAsync(o, Path.Combine(temp, name), Path.Combine(temp, name + ".log"), ct, dll, env);
    servers.Add(s);
    Log($"server '{name}' pid {s.Pid} ready at {s.Url} after {s.TimeToReady.TotalSeconds:0.0} s");
    return s;
}

async Task StopServer(KefuServer s)
{
    await s.StopAsync(TimeSpan.FromSeconds(45));
    servers.Remove(s);
    await s.DisposeAsync();
}

// VmRSS when /health/ready first answered 200 and after the idle period without requests, with the split at the end.
async Task<IdleRss> IdleMemory(KefuServer s)
{
    var ready = s.RssMiB();
    Log($"RSS at ready {ready:0.0} MiB; idle for {o.Idle.TotalSeconds:0} s");
    await Task.Delay(o.Idle, ct);
    var idle = s.RssMiB();
    var split = s.RssSplitMiB();
    Log($"RSS after idle {idle:0.0} MiB (anonymous {split.Anon:0.0}, files {split.File:0.0}, shared memory {split.Shmem:0.0})");
    return new IdleRss(s.TimeToReady, ready, idle, split.Anon, split.File, split.Shmem);
}

// Waits (bounded) until the server's outbox dispatcher has caught up, so one phase's backlog does not load the next.
async Task<(long Backlog, TimeSpan Drain)> DrainOutbox(string db)
{
    var backlog = RawSqlite.OutboxBacklog(db);
    var sw = Stopwatch.StartNew();
    var left = backlog;
    while (left > 0 && sw.Elapsed < TimeSpan.FromSeconds(90))
    {
        await Task.Delay(250, ct);
        left = RawSqlite.OutboxBacklog(db);
    }
    if (left > 0) report.Notes.Add($"outbox still had {left:N0} undispatched rows after 90 s of draining.");
    return (backlog, sw.Elapsed);
}

try
{
    if (!o.SkipCreate)
    {
        // 1. Idle memory of the framework baseline and of Kefu, each started the same way on a fresh empty database;
        //    then API creates on the (last) Kefu server.
        KefuServer? a = null;
        for (var i = 1; i <= o.MemorySamples; i++)
        {
            var sample = o.MemorySamples > 1 ? $" (sample {i} of {o.MemorySamples})" : "";
            if (o.BaselineDll is not null)
            {
                Log($"== framework baseline{sample}: idle memory");
                var bl = await StartServer("baseline" + i, o.BaselineDll);
                report.BaselineMemory.Add(await IdleMemory(bl));
                await StopServer(bl);
            }
            var serverA = i == o.MemorySamples && !o.OnlyMemory;
            Log(serverA ? "== server A: idle memory, then POST /api/v1/tickets" : $"== Kefu{sample}: idle memory");
            var k = await StartServer(serverA ? "api" : "api" + i);
            report.KefuMemory.Add(await IdleMemory(k));
            report.TimeToReady = k.TimeToReady;
            if (serverA) a = k;
            else await StopServer(k);
        }
        if (a is null) goto done;

        using (var api = new ApiLoad(a.Url, o.Token))
        {
            // The HTTP floor: what the pipeline and this load generator cost without any database work.
            await ClosedLoop.RunAsync("HTTP floor warm-up", o.Concurrency.Max(), _ => api.Live(), TimeSpan.FromSeconds(2), long.MaxValue, ct);
            report.HttpFloor = await ClosedLoop.RunAsync("HTTP floor GET /health/live", o.Concurrency.Max(), _ => api.Live(),
                TimeSpan.FromSeconds(5), long.MaxValue, ct, a);
            Log(report.HttpFloor.ToString());
            var probe = await api.Create()(ClosedLoop.NextSequence(), ct);
            if (probe is not null) throw new InvalidOperationException("The first create failed: " + probe);
            var warm = await ClosedLoop.RunAsync("API create warm-up", o.Concurrency.Max(), _ => api.Create(), o.Warmup, long.MaxValue, ct);
            Log(warm.ToString());
            await DrainOutbox(a.DatabasePath);
            foreach (var c in o.Concurrency)
            {
                var r = await ClosedLoop.RunAsync("API POST /api/v1/tickets", c, _ => api.Create(), o.Duration, long.MaxValue, ct, a);
                Log(r.ToString());
                if (r.FirstError is not null) Log("  first error: " + r.FirstError);
                report.ApiCreates[c] = r;
                var cpu0 = a.CpuTime();
                var drained = await DrainOutbox(a.DatabasePath);
                report.OutboxAfter[c] = drained;
                // The phase's CPU leaves out the reactions still queued at its end: with the drain's CPU added, every
                // created ticket's reactions are counted (robust to how far the dispatcher lagged behind).
                var withDrain = r.ServerCpu is { } phaseCpu && r.Ok > 0 ? (phaseCpu + a.CpuTime() - cpu0).TotalMilliseconds / r.Ok : double.NaN;
                Log($"  outbox backlog {drained.Backlog:N0}, drained in {drained.Drain.TotalSeconds:0.0} s; server CPU incl. the drain {withDrain:0.00} ms per ticket");
            }
        }
        report.RssAfterLoad = a.RssMiB();
        Log($"RSS after load {report.RssAfterLoad:0.0} MiB");
        await StopServer(a);
    }

    // Nothing below runs without the raw baseline or the list (a create-only A/B run): skip migrating server B.
    if ((o.SkipCreate || o.SkipRaw) && o.SkipList) goto done;

    // 2. A second server only migrates a fresh database; then it is stopped and the file is used directly.
    Log("== server B: migrate a fresh database for the raw baselines");
    var b = await StartServer("raw");
    var rawDb = b.DatabasePath;
    await StopServer(b);
    SqliteConnection.ClearAllPools();
    string CopyOfMigrated(string dir)
    {
        Directory.CreateDirectory(dir);
        foreach (var f in Directory.GetFiles(Path.GetDirectoryName(rawDb)!, "kefu.db*"))
            File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
        return Path.Combine(dir, "kefu.db");
    }
    var listDir = Path.GetDirectoryName(CopyOfMigrated(Path.Combine(temp, "list")))!;
    var stackDb = CopyOfMigrated(Path.Combine(temp, "stack-db"));
    var facts = SchemaFacts.Read(rawDb);

    if (!o.SkipCreate && !o.SkipRaw)
    {
        Log("== raw baseline: the same rows through Microsoft.Data.Sqlite, one transaction per ticket");
        var gate = new SemaphoreSlim(1, 1);
        async Task<PhaseResult> Raw(string name, int c, TimeSpan duration)
        {
            var writers = Enumerable.Range(0, c).Select(_ => new RawTicketWriter(rawDb, gate, facts, o.RawPragmas)).ToArray();
            try { return await ClosedLoop.RunAsync(name, c, w => writers[w].Operation(), duration, long.MaxValue, ct); }
            finally { foreach (var w in writers) w.Dispose(); }
        }
        // The raw path has no JIT-heavy framework to warm up; a short warm-up is enough.
        Log((await Raw("raw create warm-up", o.Concurrency.Max(), TimeSpan.FromSeconds(Math.Min(5, o.Warmup.TotalSeconds)))).ToString());
        foreach (var c in o.Concurrency)
        {
            var r = await Raw("raw INSERTs (same rows)", c, o.Duration);
            Log(r.ToString());
            if (r.FirstError is not null) Log("  first error: " + r.FirstError);
            report.RawCreates[c] = r;
        }

        // What batching writers (group commit) would allow: same rows, many tickets per transaction.
        var gc = o.Concurrency.Max();
        var queue = System.Threading.Channels.Channel.CreateUnbounded<(long, TaskCompletionSource)>(new() { SingleReader = true });
        using (var writer = new RawTicketWriter(rawDb, gate, facts, o.RawPragmas))
        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            var consumer = Task.Run(() => writer.RunGroupCommitAsync(queue.Reader, 64, stop.Token), stop.Token);
            Operation enqueue = async (seq, c2) =>
            {
                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                await queue.Writer.WriteAsync((seq, done), c2);
                await done.Task;
                return null;
            };
            try
            {
                report.RawGroupCommit = await ClosedLoop.RunAsync("raw INSERTs, group commit", gc, _ => enqueue, o.Duration, long.MaxValue, ct);
                Log(report.RawGroupCommit.ToString());
            }
            finally
            {
                queue.Writer.TryComplete();
                if (ct.IsCancellationRequested) await stop.CancelAsync();
                try { await consumer; } catch (OperationCanceledException) { }
            }
        }
        SqliteConnection.ClearAllPools();

        if (o.BaselineDll is not null)
        {
            // The same rows through the mandated stack with no Kefu code (bench/Kefu.Bench.MemBaseline/TicketRows.cs):
            // HTTP, JSON binding and validation, a bearer check and EF Core on a copy of the migrated database.
            Log("== framework create baseline: POST /api/v1/tickets on the stack alone, EF Core writing the raw baseline's rows");
            var s = await StartServer("stack", o.BaselineDll, new Dictionary<string, string>
            {
                ["KEFU_BASELINE_TICKETS_DB"] = stackDb,
                ["KEFU_BASELINE_CATEGORY"] = Workload.CategoryPath,
            });
            using (var api = new ApiLoad(s.Url, o.Token))
            {
                var probe = await api.Create()(ClosedLoop.NextSequence(), ct);
                if (probe is not null) throw new InvalidOperationException("The framework baseline's first create failed: " + probe);
                Log((await ClosedLoop.RunAsync("framework create warm-up", o.Concurrency.Max(), _ => api.Create(), o.Warmup, long.MaxValue, ct)).ToString());
                foreach (var c in o.Concurrency)
                {
                    var r = await ClosedLoop.RunAsync("framework POST /api/v1/tickets", c, _ => api.Create(), o.Duration, long.MaxValue, ct, s);
                    Log(r.ToString());
                    if (r.FirstError is not null) Log("  first error: " + r.FirstError);
                    report.StackCreates[c] = r;
                }
            }
            await StopServer(s);
        }
    }

    if (!o.SkipList)
    {
        // 3. List latency on a large database seeded through SQL while no server runs.
        Log($"== list: seeding {o.ListTickets:N0} tickets into a stopped server's database");
        var listDb = Path.Combine(listDir, "kefu.db");
        report.Seed = Seeder.Seed(listDb, o.ListTickets, o.ListCustomers, facts.AdminId, Log);
        SqliteConnection.ClearAllPools();
        Log($"seeded in {report.Seed.Elapsed.TotalSeconds:0} s, {report.Seed.FileBytes / 1048576.0:0} MiB");
        var l = await StartServer("list");
        report.RssSeededReady = l.RssMiB();
        var teams = report.Seed.TeamIds;
        using (var api = new ApiLoad(l.Url, o.Token))
        {
            // The first requests after start run JIT tier-0 code; measure the warmed-up server (the cold figure is kept too).
            report.ApiListCold = await ClosedLoop.RunAsync("API list, first requests (cold)", 1, _ => api.List(teams, 50), TimeSpan.FromSeconds(30), o.ListWarmup, ct, l);
            Log(report.ApiListCold.ToString());
            Log((await ClosedLoop.RunAsync("API list warm-up", 1, _ => api.List(teams, 50), o.Warmup, 20_000, ct)).ToString());
            report.ApiList = await ClosedLoop.RunAsync("API GET /api/v1/tickets", 1, _ => api.List(teams, 50), TimeSpan.FromSeconds(120), o.ListRequests, ct, l);
            Log(report.ApiList.ToString());
            if (report.ApiList.FirstError is not null) Log("  first error: " + report.ApiList.FirstError);
        }
        report.RssAfterList = l.RssMiB();
        // The raw reads run against the same file and page cache while the server sits idle.
        using (var lister = new RawTicketLister(listDb))
        {
            Log((await ClosedLoop.RunAsync("raw list warm-up", 1, _ => lister.Operation(teams, 50), TimeSpan.FromSeconds(30), o.ListWarmup, ct)).ToString());
            report.RawList = await ClosedLoop.RunAsync("raw SQL (same statements)", 1, _ => lister.Operation(teams, 50), TimeSpan.FromSeconds(120), o.ListRequests, ct);
            Log(report.RawList.ToString());
            if (report.RawList.FirstError is not null) Log("  first error: " + report.RawList.FirstError);
        }
        SqliteConnection.ClearAllPools();
        await StopServer(l);
    }
    done:;
}
catch (Exception ex)
{
    report.Failure = ct.IsCancellationRequested && ex is OperationCanceledException
        ? $"stopped (time limit of {o.MaxRunTime.TotalMinutes:0} min or a signal)"
        : ex.GetType().Name + ": " + ex.Message;
    Log("FAILED: " + report.Failure);
    exitCode = 1;
}
finally
{
    foreach (var s in servers.ToArray())
    {
        try { await s.DisposeAsync(); } catch (Exception e) { Log($"stopping server {s.Pid}: {e.Message}"); }
    }
    SqliteConnection.ClearAllPools();
    if (o.KeepTemp) Log($"kept {temp}");
    else
    {
        try { Directory.Delete(temp, recursive: true); }
        catch (IOException e) { Log($"could not delete {temp}: {e.Message}"); }
    }
}

report.Print(Console.Out);
if (o.DocsPath is not null && report.Failure is null)
{
    report.WriteDocs(o.DocsPath);
    Log($"wrote {o.DocsPath}");
}
Log($"done in {clock.Elapsed.TotalSeconds:0} s");
return exitCode;
