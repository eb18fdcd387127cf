using System.Diagnostics;

namespace Kefu.Bench.Email;

/// <summary>Entry point (not top-level statements: Kefu's own Program class is the one WebApplicationFactory hosts).</summary>
public static class EmailBench
{
    public static async Task<int> Main(string[] args)
    {
        // Usage: dotnet Kefu.Bench.Email.dll [--messages 10000] [--batch 100] [--mailboxes 1,4] [--triage on|off] [--warmup 500] [--passes 3] [--keep-temp]
        // Needs the private dovecot of scripts/start-mail.sh (KEFU_TEST_IMAP_PORT, KEFU_TEST_MAIL_DIR); bench/email/run.sh starts it.
        BenchOptions o;
        try { o = BenchOptions.Parse(args); }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine("usage: Kefu.Bench.Email [--messages 10000] [--batch 100] [--mailboxes 1,4] [--triage on|off] [--warmup 500] [--passes 3] [--keep-temp]");
            return 2;
        }

        var clock = Stopwatch.StartNew();
        void Log(string s) => Console.Error.WriteLine($"[{clock.Elapsed:mm\\:ss}] {s}");
        var imap = new ImapServer(
            int.Parse(Environment.GetEnvironmentVariable("KEFU_TEST_IMAP_PORT") ?? throw new InvalidOperationException("KEFU_TEST_IMAP_PORT not set: run bench/email/run.sh")),
            Environment.GetEnvironmentVariable("KEFU_TEST_MAIL_DIR") ?? throw new InvalidOperationException("KEFU_TEST_MAIL_DIR not set"));

        var temp = Directory.CreateTempSubdirectory("kefu-bench-email-").FullName;
        var results = new List<string>();
        try
        {
            var corpus = Corpus.Build(o.Messages);
            Log($"corpus: {corpus.Count:N0} messages, {corpus.Sum(m => m.Raw.Length) / 1024.0 / 1024:0.0} MiB "
                + $"({corpus.Count(m => m.IsReply):N0} replies, {corpus.Count(m => m.HasAttachment):N0} with a PDF attachment, {corpus.Select(m => m.From).Distinct().Count():N0} senders)");

            // CPU cost of the steps that do not touch a server: MIME parsing (+ classification) and HTML sanitising.
            var cleaner = new Kefu.Platform.Text.HtmlCleaner();
            var parse = await Measure.RunAsync(() => Task.FromResult(corpus.Select(m => Kefu.Email.EmailParser.Parse(m.Raw)).ToList()));
            var sanitize = await Measure.RunAsync(() => Task.FromResult(parse.Value.Count(p => p.Html is { } h && cleaner.Sanitize(h).Length > 0)));
            Log($"CPU only: EmailParser.Parse {parse.Elapsed.TotalMilliseconds / corpus.Count:0.000} ms/msg, HtmlCleaner.Sanitize again (TicketService; skipped, parse already sanitised) {sanitize.Elapsed.TotalMilliseconds / corpus.Count:0.000} ms/msg");
            results.Add($"CPU only, one thread: EmailParser.Parse {parse.Elapsed.TotalMilliseconds / corpus.Count:0.000} ms/msg, HtmlCleaner.Sanitize again (TicketService; skipped, parse already sanitised) {sanitize.Elapsed.TotalMilliseconds / corpus.Count:0.000} ms/msg");

            await using var kefu = await InProcessKefu.StartAsync(Path.Combine(temp, "kefu"), o);
            Log("Kefu started in-process (SQLite, email workers off: this run drives the fetcher itself)");

            if (o.Warmup > 0)
            {
                // A server ingests mail for days: the first few hundred mails of a fresh process pay for JIT compilation
                // (tiered re-compilation of EF Core, MimeKit, AngleSharp code: a third of the CPU of a cold 2,000-mail
                // run), so both paths first run a separate, untimed warm-up mailbox.
                var warm = Corpus.Build(o.Warmup, "w", "warmup"); // own senders: the timed phase still creates its customers
                var user = $"warm{Guid.NewGuid():N}"[..20];
                await imap.FillAsync(user, warm);
                await imap.WarmAsync(user);
                await imap.BareFetchAsync(user, o.Batch);
                var j = Jit.Now();
                var sw = Stopwatch.StartNew();
                var r = await kefu.PollAsync(await kefu.CreateMailboxAsync(user, imap.Port));
                var d = Jit.Now() - j;
                Log($"warm-up: {o.Warmup:N0} messages fetched bare and ingested ({r.Stored:N0} stored) in {sw.Elapsed.TotalSeconds:0.0} s, untimed; {d.Describe(r.Stored)}");
                results.Add($"warm-up (untimed), {o.Warmup:N0} messages: {sw.Elapsed.TotalSeconds:0.0} s, {r.Stored / sw.Elapsed.TotalSeconds:N0} msg/s; {d.Describe(r.Stored)}");
            }

            foreach (var n in o.MailboxCounts)
            {
                var passes = new List<(double Kefu, double Raw, double Cpu, double Statements)>();
                Dictionary<string, int> tally = [];
                var lastRate = 0.0;
                for (var pass = 1; pass <= o.Passes; pass++)
                {
                    // Fresh Message-IDs per phase (the same mail again would only take the duplicate path) and fresh
                    // senders per pass (each pass creates its customers, as the first one does).
                    if (n != o.MailboxCounts[0] || pass > 1) corpus = Corpus.Build(o.Messages, $"p{n}x{pass}", pass == 1 ? "customer" : $"customer{n}x{pass}-");
                    // Each phase gets fresh IMAP users; the messages are split evenly between its mailboxes.
                    var users = Enumerable.Range(0, n).Select(i => $"bench{n}x{i}{Guid.NewGuid():N}"[..20]).ToList();
                    var sw = Stopwatch.StartNew();
                    await Task.WhenAll(users.Select((u, i) => imap.FillAsync(u, corpus.Where((_, k) => k % n == i).ToList())));
                    Log($"{n} mailbox(es), pass {pass}: {corpus.Count:N0} messages written into the Maildirs in {sw.Elapsed.TotalSeconds:0.0} s; indexing");
                    await Task.WhenAll(users.Select(imap.WarmAsync)); // dovecot indexes the new files once, outside the timings

                    var raw = await Measure.RunAsync(() => Task.WhenAll(users.Select(u => imap.BareFetchAsync(u, o.Batch))));
                    var bytes = raw.Value.Sum(r => r.Bytes);
                    var rawCount = raw.Value.Sum(r => r.Count);
                    Log($"bare MailKit fetch: {rawCount:N0} messages in {raw.Elapsed.TotalSeconds:0.00} s");

                    var ids = new List<int>();
                    foreach (var u in users) ids.Add(await kefu.CreateMailboxAsync(u, imap.Port));
                    var before = await kefu.CountsAsync();
                    kefu.Commands.Reset();
                    var load = LoadAverage();
                    var jit = Jit.Now();
                    var run = await CommandCounter.MeasureAsync(() => Measure.RunAsync(() => Task.WhenAll(ids.Select(id => kefu.PollAsync(id)))));
                    var commands = kefu.Commands.Count;
                    var saves = kefu.Commands.Saves;
                    tally = kefu.Commands.ByKind.ToDictionary();
                    var spent = Jit.Now() - jit;
                    var after = await kefu.CountsAsync();
                    var stored = run.Value.Sum(r => r.Stored);
                    Log($"Kefu ingestion: stored {stored:N0} (skipped {run.Value.Sum(r => r.Skipped)}, failed {run.Value.Sum(r => r.Failed)}) "
                        + $"in {run.Elapsed.TotalSeconds:0.00} s, {run.Value.Sum(r => r.Batches)} batches; "
                        + $"+{after.Tickets - before.Tickets:N0} tickets, +{after.Messages - before.Messages:N0} messages; {spent.Describe(stored)}");
                    if (stored != corpus.Count) throw new InvalidOperationException($"expected {corpus.Count} stored, got {stored}");

                    var rawRate = rawCount / raw.Elapsed.TotalSeconds;
                    var kefuRate = stored / run.Elapsed.TotalSeconds;
                    passes.Add((kefuRate, rawRate, spent.Cpu.TotalMilliseconds / stored, commands / (double)stored));
                    var what = pass == 1 ? "first pass after the warm-up" : pass == o.Passes ? "steady state" : "again";
                    results.Add($"{n} mailbox(es) in parallel, pass {pass}/{o.Passes} ({what}), {corpus.Count:N0} messages ({bytes / 1024.0 / 1024:0.0} MiB), batch {o.Batch}, load average {load} → {LoadAverage()}:");
                    results.Add($"  bare MailKit fetch (UIDs + full bodies)  {raw.Elapsed.TotalSeconds,7:0.00} s  {rawRate,8:N0} msg/s");
                    results.Add($"  Kefu IMAP → tickets (PollOnce)          {run.Elapsed.TotalSeconds,7:0.00} s  {kefuRate,8:N0} msg/s"
                        + $"  ({after.Tickets - before.Tickets:N0} tickets, {after.Messages - before.Messages - (after.Tickets - before.Tickets):N0} replies threaded)");
                    results.Add($"  SQL statements of the fetch-and-ingest path (outbox reactions not included): {commands:N0}, {commands / (double)stored:0.00} per message");
                    results.Add("    by kind per message: " + string.Join(", ", tally.OrderByDescending(k => k.Value).Select(k => $"{k.Key} {k.Value / (double)stored:0.00}")));
                    results.Add($"  SaveChanges calls of that path: {saves:N0}, {saves / (double)stored:0.00} per message");
                    results.Add($"  process (outbox reactions and background loops included): {spent.Describe(stored)}");
                    lastRate = rawRate;
                    results.Add($"  ratio Kefu / bare fetch {kefuRate / rawRate * 100:0.0}%   targets: ≥ 1,000 msg/s {(kefuRate >= 1000 ? "met" : "MISSED")}, ≥ 70% {(kefuRate / rawRate >= 0.7 ? "met" : "MISSED")}");
                }
                if (n == o.MailboxCounts[0])
                {
                    // The floor of the work per mail on this machine (see Ceiling), after the steady-state pass.
                    var parseRate = Ceiling.ParseRate(corpus);
                    var parseCpu = Ceiling.ParseCpuMs(corpus);
                    var batches = (corpus.Count + o.Batch - 1) / o.Batch;
                    var (insertTime, insertCpu) = Ceiling.RawInsert(Path.Combine(temp, "kefu", "kefu.db"), Path.Combine(temp, "raw.db"), tally, batches);
                    var rows = tally.Where(k => k.Key.StartsWith("INSERT ")).Sum(k => k.Value);
                    var insertRate = corpus.Count / insertTime.TotalSeconds;
                    var insertMs = insertTime.TotalMilliseconds / corpus.Count;
                    // One writer at a time (SQLite), parsing on all cores: rate ≤ 1/insert and ≤ cores/(parse + insert) per ms.
                    var ceiling = Math.Min(insertRate, Environment.ProcessorCount * 1000 / (parseCpu + insertCpu.TotalMilliseconds / corpus.Count));
                    results.Add($"floor per mail, same run after the last pass: MIME parse + sanitise (warm) {parseRate:N0} msg/s on {Environment.ProcessorCount} cores, {parseCpu:0.000} CPU ms/msg;");
                    results.Add($"  the rows Kefu inserted per mail ({rows / (double)corpus.Count:0.00}: {string.Join(", ", tally.Where(k => k.Key.StartsWith("INSERT ")).OrderByDescending(k => k.Value).Select(k => $"{k.Key[7..]} {k.Value / (double)corpus.Count:0.00}"))})");
                    results.Add($"  inserted raw (prepared, {batches} transactions, no ORM, no reads): {insertRate:N0} msg/s, {insertMs:0.000} ms/msg ({insertCpu.TotalMilliseconds / corpus.Count:0.000} CPU ms/msg)");
                    results.Add($"  ceiling with parse on all cores overlapping one raw writer: {ceiling:N0} msg/s = {ceiling / lastRate * 100:0}% of the last bare fetch ({lastRate:N0} msg/s; 70% = {0.7 * lastRate:N0})");
                }
                if (passes.Count > 1)
                    results.Add($"{n} mailbox(es): first pass {passes[0].Kefu:N0} msg/s ({passes[0].Kefu / passes[0].Raw * 100:0.0}%, {passes[0].Cpu:0.00} CPU ms/msg), "
                        + $"steady state {passes[^1].Kefu:N0} msg/s ({passes[^1].Kefu / passes[^1].Raw * 100:0.0}%, {passes[^1].Cpu:0.00} CPU ms/msg, {passes[^1].Statements:0.00} statements/msg)");
            }
        }
        finally
        {
            if (!o.KeepTemp) try { Directory.Delete(temp, true); } catch (IOException) { }
        }
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, load average {LoadAverage()} at the end (shared with other work); triage {(o.Triage ? "on" : "off")}; "
            + $"warm-up {o.Warmup:N0} messages per path, then {o.Passes} timed pass(es) per mailbox count (fresh mails and senders each)");
        foreach (var line in results) Console.WriteLine(line);
        return 0;
    }

    private static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[0];
}

/// <summary>JIT and CPU counters of the process, to tell a phase that still compiles from one that runs tier-1 code.</summary>
public readonly record struct Jit(long Methods, TimeSpan JitTime, TimeSpan Cpu)
{
    public static Jit Now() => new(System.Runtime.JitInfo.GetCompiledMethodCount(), System.Runtime.JitInfo.GetCompilationTime(), Environment.CpuUsage.TotalTime);

    public static Jit operator -(Jit a, Jit b) => new(a.Methods - b.Methods, a.JitTime - b.JitTime, a.Cpu - b.Cpu);

    public string Describe(int messages) =>
        $"CPU {Cpu.TotalSeconds:0.0} s ({Cpu.TotalMilliseconds / Math.Max(1, messages):0.00} ms per message); JIT: {Methods:N0} methods compiled, {JitTime.TotalSeconds:0.0} s in the JIT";
}
