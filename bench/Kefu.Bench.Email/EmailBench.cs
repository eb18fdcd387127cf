using System.Diagnostics;

namespace Kefu.Bench.Email;

/// <summary>Entry point (not top-level statements: Kefu's own Program class is the one WebApplicationFactory hosts).</summary>
public static class EmailBench
{
    public static async Task<int> Main(string[] args)
    {
        // Usage: dotnet Kefu.Bench.Email.dll [--messages 10000] [--batch 100] [--mailboxes 1,4] [--triage on|off] [--warmup 500] [--keep-temp]
        // Needs the private dovecot of scripts/start-mail.sh (KEFU_TEST_IMAP_PORT, KEFU_TEST_MAIL_DIR); bench/email/run.sh starts it.
        BenchOptions o;
        try { o = BenchOptions.Parse(args); }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine("usage: Kefu.Bench.Email [--messages 10000] [--batch 100] [--mailboxes 1,4] [--triage on|off] [--warmup 500] [--keep-temp]");
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
                var r = await kefu.PollAsync(await kefu.CreateMailboxAsync(user, imap.Port));
                Log($"warm-up: {o.Warmup:N0} messages fetched bare and ingested ({r.Stored:N0} stored), untimed");
            }

            foreach (var n in o.MailboxCounts)
            {
                // Fresh Message-IDs per phase: the same mail again would only take the duplicate path.
                if (n != o.MailboxCounts[0]) corpus = Corpus.Build(o.Messages, "p" + n);
                // Each phase gets fresh IMAP users; the messages are split evenly between its mailboxes.
                var users = Enumerable.Range(0, n).Select(i => $"bench{n}x{i}{Guid.NewGuid():N}"[..20]).ToList();
                var sw = Stopwatch.StartNew();
                await Task.WhenAll(users.Select((u, i) => imap.FillAsync(u, corpus.Where((_, k) => k % n == i).ToList())));
                Log($"{n} mailbox(es): {corpus.Count:N0} messages written into the Maildirs in {sw.Elapsed.TotalSeconds:0.0} s; indexing");
                await Task.WhenAll(users.Select(imap.WarmAsync)); // dovecot indexes the new files once, outside the timings

                var raw = await Measure.RunAsync(() => Task.WhenAll(users.Select(u => imap.BareFetchAsync(u, o.Batch))));
                var bytes = raw.Value.Sum(r => r.Bytes);
                var rawCount = raw.Value.Sum(r => r.Count);
                Log($"bare MailKit fetch: {rawCount:N0} messages in {raw.Elapsed.TotalSeconds:0.00} s");

                var ids = new List<int>();
                foreach (var u in users) ids.Add(await kefu.CreateMailboxAsync(u, imap.Port));
                var before = await kefu.CountsAsync();
                kefu.Commands.Reset();
                var (jitMethods, jitTime, cpu) = (System.Runtime.JitInfo.GetCompiledMethodCount(), System.Runtime.JitInfo.GetCompilationTime(),
                    Environment.CpuUsage.TotalTime);
                var run = await CommandCounter.MeasureAsync(() => Measure.RunAsync(() => Task.WhenAll(ids.Select(id => kefu.PollAsync(id)))));
                var commands = kefu.Commands.Count;
                jitMethods = System.Runtime.JitInfo.GetCompiledMethodCount() - jitMethods;
                jitTime = System.Runtime.JitInfo.GetCompilationTime() - jitTime;
                cpu = Environment.CpuUsage.TotalTime - cpu;
                var after = await kefu.CountsAsync();
                var stored = run.Value.Sum(r => r.Stored);
                Log($"Kefu ingestion: stored {stored:N0} (skipped {run.Value.Sum(r => r.Skipped)}, failed {run.Value.Sum(r => r.Failed)}) "
                    + $"in {run.Elapsed.TotalSeconds:0.00} s, {run.Value.Sum(r => r.Batches)} batches; "
                    + $"+{after.Tickets - before.Tickets:N0} tickets, +{after.Messages - before.Messages:N0} messages");
                if (stored != corpus.Count) throw new InvalidOperationException($"expected {corpus.Count} stored, got {stored}");

                var rawRate = rawCount / raw.Elapsed.TotalSeconds;
                var kefuRate = stored / run.Elapsed.TotalSeconds;
                results.Add($"{n} mailbox(es) in parallel, {corpus.Count:N0} messages ({bytes / 1024.0 / 1024:0.0} MiB), batch {o.Batch}:");
                results.Add($"  bare MailKit fetch (UIDs + full bodies)  {raw.Elapsed.TotalSeconds,7:0.00} s  {rawRate,8:N0} msg/s");
                results.Add($"  Kefu IMAP → tickets (PollOnce)          {run.Elapsed.TotalSeconds,7:0.00} s  {kefuRate,8:N0} msg/s"
                    + $"  ({after.Tickets - before.Tickets:N0} tickets, {after.Messages - before.Messages - (after.Tickets - before.Tickets):N0} replies threaded)");
                results.Add($"  SQL statements of the fetch-and-ingest path (outbox reactions not included): {commands:N0}, {commands / (double)stored:0.00} per message");
                results.Add($"  process CPU during the Kefu phase {cpu.TotalSeconds:0.0} s ({cpu.TotalMilliseconds / stored:0.00} ms per message, outbox reactions and "
                    + $"background loops included); JIT: {jitMethods:N0} methods compiled, {jitTime.TotalSeconds:0.0} s in the JIT (wall time summed over threads)");
                results.Add($"  ratio Kefu / bare fetch {kefuRate / rawRate * 100:0}%   targets: ≥ 1,000 msg/s {(kefuRate >= 1000 ? "met" : "MISSED")}, ≥ 70% {(kefuRate / rawRate >= 0.7 ? "met" : "MISSED")}");
            }
        }
        finally
        {
            if (!o.KeepTemp) try { Directory.Delete(temp, true); } catch (IOException) { }
        }
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at the end (shared with other work); triage {(o.Triage ? "on" : "off")}; warm-up {o.Warmup:N0} messages per path before the timed phases");
        foreach (var line in results) Console.WriteLine(line);
        return 0;
    }
}
