using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Kefu.Bench.Tickets;

/// <summary>One server's idle memory (MiB): VmRSS at ready and after the idle period, and the split after it.</summary>
public sealed record IdleRss(TimeSpan TimeToReady, double Ready, double Idle, double Anon, double File, double Shmem);

/// <summary>Collects the figures, prints the results table and writes the tickets section of docs/benchmarks.md.</summary>
public sealed class Report(BenchOptions o)
{
    public const double CreateTarget = 3000;
    public const double RatioTarget = 0.5;
    public const double ListP50Target = 5.0;
    public const double IdleRssTarget = 150;

    private const string Begin = "<!-- bench/tickets:begin (written by bench/tickets/run.sh; edits inside are overwritten) -->";
    private const string End = "<!-- bench/tickets:end -->";

    public DateTime StartedUtc { get; } = DateTime.UtcNow;
    public Dictionary<int, PhaseResult> ApiCreates { get; } = [];
    public Dictionary<int, PhaseResult> RawCreates { get; } = [];
    /// <summary>The framework create baseline: the raw rows through EF Core behind ASP.NET Core, no Kefu code.</summary>
    public Dictionary<int, PhaseResult> StackCreates { get; } = [];
    public Dictionary<int, (long Backlog, TimeSpan Drain)> OutboxAfter { get; } = [];
    public PhaseResult? ApiList { get; set; }
    public PhaseResult? ApiListCold { get; set; }
    public PhaseResult? HttpFloor { get; set; }
    public PhaseResult? RawGroupCommit { get; set; }
    public PhaseResult? RawList { get; set; }
    public Seeder.Result? Seed { get; set; }
    /// <summary>Kefu's idle memory per start (the last one is server A, which then takes the create load).</summary>
    public List<IdleRss> KefuMemory { get; } = [];
    /// <summary>The framework baseline's idle memory per start (bench/Kefu.Bench.MemBaseline).</summary>
    public List<IdleRss> BaselineMemory { get; } = [];
    public double? RssAfterLoad { get; set; }
    public double? RssSeededReady { get; set; }
    public double? RssAfterList { get; set; }
    public TimeSpan? TimeToReady { get; set; }
    public List<string> Notes { get; } = [];
    public string? Failure { get; set; }

    private static string F(double v, string fmt = "0.00") => double.IsNaN(v) ? "–" : v.ToString(fmt, CultureInfo.InvariantCulture);
    private static string Met(bool? ok) => ok is null ? "–" : ok.Value ? "met" : "**missed**";

    private static double Median(List<IdleRss> l, Func<IdleRss, double> f)
    {
        var v = l.Select(f).Order().ToArray();
        return v.Length == 0 ? double.NaN : v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    /// <summary>One value, or the median (min–max) of several starts.</summary>
    private static string Mem(List<IdleRss> l, Func<IdleRss, double> f) => l.Count switch
    {
        0 => "–",
        1 => F(f(l[0]), "0.0"),
        _ => $"{F(Median(l, f), "0.0")} ({F(l.Min(f), "0.0")}–{F(l.Max(f), "0.0")})",
    };

    private sealed record Row(string Measure, string Api, string Raw, string Ratio, string Target, bool? Ok);

    private List<Row> Rows()
    {
        var rows = new List<Row>();
        foreach (var c in o.Concurrency)
        {
            if (!ApiCreates.TryGetValue(c, out var api)) continue;
            RawCreates.TryGetValue(c, out var raw);
            var ratio = raw is null ? double.NaN : api.PerSecond / raw.PerSecond;
            var last = c == o.Concurrency.Max();
            rows.Add(new Row($"create, {c} client{(c == 1 ? "" : "s")}: tickets/s", F(api.PerSecond, "#,0"),
                raw is null ? "–" : F(raw.PerSecond, "#,0"), double.IsNaN(ratio) ? "–" : $"{ratio:P0}",
                last ? $"≥ {CreateTarget:#,0}/s; ≥ {RatioTarget:P0} of raw" : "",
                last ? api.PerSecond >= CreateTarget && !double.IsNaN(ratio) && ratio >= RatioTarget : null));
            rows.Add(new Row($"create, {c} client{(c == 1 ? "" : "s")}: p50 / p99 ms", $"{F(api.P50)} / {F(api.P99)}",
                raw is null ? "–" : $"{F(raw.P50, "0.000")} / {F(raw.P99, "0.000")}", "", "", null));
            rows.Add(new Row($"create, {c} client{(c == 1 ? "" : "s")}: CPU ms per ticket (API: server / load generator; raw: process)",
                $"{F(api.ServerCpuMsPerOp)} / {F(api.OwnCpuMsPerOp)}", raw is null ? "–" : F(raw.OwnCpuMsPerOp, "0.000"), "", "", null));
        }
        foreach (var (c, stack) in StackCreates.OrderBy(kv => kv.Key))
        {
            // The least any app on the mandated stack does for this create: what part of raw it keeps sets what "≥ 50 % of raw" asks
            // of Kefu's own work (customer lookup, triage, tags, idempotency, audit, the reactions) on top.
            RawCreates.TryGetValue(c, out var raw);
            var clients = $"{c} client{(c == 1 ? "" : "s")}";
            rows.Add(new Row($"(reference) framework baseline, same rows through EF Core behind ASP.NET Core (no Kefu code), {clients}: tickets/s · p50 ms · server CPU ms per ticket",
                $"{F(stack.PerSecond, "#,0")} · {F(stack.P50)} · {F(stack.ServerCpuMsPerOp)}", raw is null ? "–" : F(raw.PerSecond, "#,0"),
                raw is null ? "–" : $"{stack.PerSecond / raw.PerSecond:P0}", "", null));
            if (ApiCreates.TryGetValue(c, out var api))
                rows.Add(new Row($"(reference) Kefu / framework baseline, {clients}: tickets/s", $"{api.PerSecond / stack.PerSecond:P0}", "", "", "", null));
        }
        if (RawGroupCommit is { } g)
            rows.Add(new Row($"(reference) raw, {g.Concurrency} writers, group commit ≤ 64 tickets/transaction: tickets/s", "",
                $"{F(g.PerSecond, "#,0")} (p50 {F(g.P50)} ms)", "", "", null));
        if (RawGroupCommit is { } gc && HttpFloor is { } floor && ApiCreates.Count > 0)
        {
            // What the machine could do with no application work at all: each ticket costs only the raw rows written
            // with group commit plus one bare HTTP request (server and the floor's client). Whatever the application
            // adds per create (JSON, validation, classification, audit, reactions) must fit in the rest of the budget.
            var cores = Environment.ProcessorCount;
            var floorMs = gc.OwnCpuMsPerOp + floor.ServerCpuMsPerOp + floor.OwnCpuMsPerOp;
            var budgetMs = cores * 1000.0 / CreateTarget;
            rows.Add(new Row($"(reference) ceiling on {cores} cores with no application work (raw group-commit rows + bare HTTP request, CPU {F(floorMs, "0.000")} ms): tickets/s",
                F(cores * 1000.0 / floorMs, "#,0"), "", "", "", null));
            rows.Add(new Row($"(reference) CPU left per create for the application at {CreateTarget:#,0}/s on {cores} cores: ms",
                $"{F(budgetMs - floorMs, "0.000")} of {F(budgetMs, "0.000")}", "", "", "", null));
        }
        if (HttpFloor is { } h)
        {
            rows.Add(new Row($"HTTP floor: GET /health/live, {h.Concurrency} clients: req/s", F(h.PerSecond, "#,0"), "", "", "", null));
            rows.Add(new Row("HTTP floor: CPU ms per request (server / load generator)", $"{F(h.ServerCpuMsPerOp, "0.000")} / {F(h.OwnCpuMsPerOp, "0.000")}", "", "", "", null));
        }
        if (ApiList is not null)
        {
            rows.Add(new Row($"list 50 of {(Seed?.Tickets ?? 0) / 1e6:0.##}M (team+open): p50 ms", F(ApiList.P50), RawList is null ? "–" : F(RawList.P50, "0.000"),
                RawList is null ? "–" : $"{ApiList.P50 / RawList.P50:0.0}× raw", $"≤ {ListP50Target:0} ms", ApiList.P50 <= ListP50Target));
            rows.Add(new Row("list: p99 ms", F(ApiList.P99), RawList is null ? "–" : F(RawList.P99, "0.000"), "", "", null));
            if (ApiListCold is { } cold)
                rows.Add(new Row($"list, first {cold.Ok} requests after start (cold JIT): p50 / p99 ms", $"{F(cold.P50)} / {F(cold.P99)}", "", "", "", null));
            rows.Add(new Row("list: CPU ms per request (server / raw process)", F(ApiList.ServerCpuMsPerOp),
                RawList is null ? "–" : F(RawList.OwnCpuMsPerOp, "0.000"), "", "", null));
        }
        if (KefuMemory.Count > 0)
        {
            // API column: Kefu; baseline column: the framework baseline (the stack alone), started the same way.
            string Ratio(Func<IdleRss, double> f) => BaselineMemory.Count == 0 ? "–" : $"{Median(KefuMemory, f) / Median(BaselineMemory, f):0.00}× baseline";
            rows.Add(new Row("server RSS at ready, empty DB (MiB)", Mem(KefuMemory, m => m.Ready), Mem(BaselineMemory, m => m.Ready),
                Ratio(m => m.Ready), "", null));
            var idle = Median(KefuMemory, m => m.Idle);
            rows.Add(new Row($"server RSS after {o.Idle.TotalSeconds:0} s idle, empty DB (MiB)", Mem(KefuMemory, m => m.Idle),
                Mem(BaselineMemory, m => m.Idle), Ratio(m => m.Idle), $"≤ {IdleRssTarget:0} MiB", idle <= IdleRssTarget));
            static string Split(List<IdleRss> l) => l.Count == 0 ? "–"
                : $"{F(Median(l, m => m.Anon), "0")} / {F(Median(l, m => m.File), "0")} / {F(Median(l, m => m.Shmem), "0")}";
            rows.Add(new Row("… of which anonymous / files / shared memory (JIT code, loader heaps) (MiB)", Split(KefuMemory), Split(BaselineMemory),
                "", "", null));
        }
        if (RssAfterLoad is not null) rows.Add(new Row("server RSS after the create load (MiB)", F(RssAfterLoad.Value, "0.0"), "", "", "", null));
        if (RssAfterList is not null) rows.Add(new Row("server RSS after the list run, 1M DB (MiB)", F(RssAfterList.Value, "0.0"), "", "", "", null));
        return rows;
    }

    public void Print(TextWriter w)
    {
        var rows = Rows();
        string[] head = ["measure", "API", "raw baseline", "API/raw", "target", "result"];
        var cells = rows.Select(r => new[] { r.Measure, r.Api, r.Raw, r.Ratio, r.Target, Met(r.Ok).Replace("*", "") }).ToList();
        var widths = head.Select((h, i) => Math.Max(Width(h), cells.Count == 0 ? 0 : cells.Max(c => Width(c[i])))).ToArray();
        w.WriteLine();
        w.WriteLine("Kefu tickets benchmark — results");
        w.WriteLine(string.Join("  ", head.Select((h, i) => Pad(h, widths[i]))));
        w.WriteLine(string.Join("  ", widths.Select(x => new string('-', x))));
        foreach (var c in cells) w.WriteLine(string.Join("  ", c.Select((s, i) => Pad(s, widths[i]))));
        foreach (var (c, (backlog, drain)) in OutboxAfter.OrderBy(x => x.Key))
            w.WriteLine($"outbox after the {c}-client phase: {backlog:N0} undispatched rows, drained in {drain.TotalSeconds:0.0} s");
        if (Interference() is { } i) w.WriteLine(i);
        foreach (var n in Notes) w.WriteLine("note: " + n);
        if (Failure is not null) w.WriteLine("FAILED: " + Failure);
        w.WriteLine();
    }

    /// <summary>How busy the machine was with other processes during the measured phases.</summary>
    private string? Interference()
    {
        var phases = ApiCreates.Values.Concat(RawCreates.Values).Append(ApiList).Append(RawList).Append(HttpFloor).Append(RawGroupCommit)
            .OfType<PhaseResult>().Where(p => p.OtherCores is not null).ToList();
        if (phases.Count == 0) return null;
        var worst = phases.MaxBy(p => p.OtherCores!.Value)!;
        return $"Other processes on the machine used on average {phases.Average(p => p.OtherCores!.Value):0.00} cores during the measured phases "
            + $"(most: {worst.OtherCores:0.00} during '{worst.Name}', c={worst.Concurrency}); the more, the more pessimistic the figures.";
    }

    // Terminal width: CJK characters take two columns.
    private static int Width(string s) => s.Sum(ch => ch >= 0x2E80 && ch != '–' && ch != '≥' && ch != '≤' && ch != '×' ? 2 : 1);
    private static string Pad(string s, int width) => s + new string(' ', Math.Max(0, width - Width(s)));

    public string Markdown()
    {
        var sb = new StringBuilder();
        sb.AppendLine(Begin);
        sb.AppendLine("## Tickets: create throughput, list latency, idle memory");
        sb.AppendLine();
        sb.AppendLine("What it measures: the real server (`dotnet Kefu.dll`, Release, `ASPNETCORE_ENVIRONMENT=Production`, logs at Warning, "
            + "SQLite in WAL with `synchronous=NORMAL`) started as a separate process on a temporary `KEFU_DATA_DIR`, driven over "
            + "HTTP/1.1 keep-alive on 127.0.0.1 by a C# closed-loop load generator (`bench/Kefu.Bench.Tickets`, `SocketsHttpHandler`) "
            + "with the bootstrap API token. The raw baseline runs in the same run on a fresh copy of the same migrated schema "
            + "through Microsoft.Data.Sqlite with the app's connection string and pragmas:");
        sb.AppendLine();
        sb.AppendLine("- **create**: `POST /api/v1/tickets` with a new customer (e-mail identity), Chinese subject/body and category "
            + $"`{Workload.CategoryPath}`. Raw baseline: the same rows the API writes per ticket — customer, identity, ticket, "
            + "message, 3 outbox rows, 2 audit rows — as plain prepared INSERTs in one transaction per ticket, writers queued on an "
            + "in-process lock as the app's `WriteGate` does. The server's outbox dispatcher runs as usual during the API phases "
            + "(the backlog is drained between phases). The *(reference) group commit* row writes the same rows with one writer that "
            + "drains the queue of waiting tickets into one transaction (≤ 64 tickets) — not what the app does; it shows what batching "
            + "writers would allow on this machine. The *(reference) ceiling* rows add to that group-commit CPU per ticket the HTTP "
            + "floor's CPU per request (server and client): the creates/s the machine's cores could serve if the application did "
            + "nothing but write the rows and answer, and how much CPU per create is left for the application at the target rate. "
            + "The *(reference) framework baseline* rows send the same creates to the framework baseline (below) started on another "
            + "copy of the migrated database: a minimal-API `POST /api/v1/tickets` (JSON binding and validation, a bearer check of the "
            + "token's SHA-256) that writes the raw baseline's rows through EF Core (two `SaveChanges` in one transaction behind an "
            + "in-process gate) and answers 201 with the ticket — the least any application on the mandated stack does for this "
            + "create, with no customer lookup, triage, tags, idempotency or reactions (`bench/Kefu.Bench.MemBaseline/TicketRows.cs`).");
        sb.AppendLine("- **list**: `GET /api/v1/tickets?teamId=<t>&status=open&limit=50` (rotating over 4 teams, one client) on a database "
            + "seeded through SQL with " + (Seed is null ? "1,000,000 tickets" : $"{Seed.Tickets:N0} tickets, {Seed.Customers:N0} customers") + " over a year "
            + "(4 teams, 6 statuses, ~20 % tagged, ~50 % assigned; no messages — the list does not read them). Raw baseline: the statements the "
            + "endpoint issues (page by the team/status/created index, then tags, customers with identities, staff and team names "
            + "of the page) read through Microsoft.Data.Sqlite, without HTTP or JSON.");
        sb.AppendLine("- **HTTP floor**: `GET /health/live` (middleware pipeline, no database) with the same client — the cost of HTTP "
            + "itself on this machine. CPU per operation is the server's utime+stime from `/proc/<pid>/stat` (and the load "
            + "generator's own CPU) over the phase, divided by the completed operations.");
        sb.AppendLine("- **idle memory**: VmRSS of the server process right after `/health/ready` answers 200 and after an idle period "
            + "without requests, empty database (`KEFU_DEMO=false`), and the split of the latter (`RssAnon`/`RssFile`/`RssShmem`). "
            + "Baseline: the framework alone (`bench/Kefu.Bench.MemBaseline`, no Kefu code) — Kestrel and a minimal API, Blazor "
            + "interactive server with one MudBlazor page, ASP.NET Core Identity on EF Core SQLite (one migration applied at start, "
            + "WAL, a first user created), a SignalR hub (JSON + MessagePack), OpenTelemetry metrics with the Prometheus endpoint "
            + "(Kefu's cardinality limits), health checks, OpenAPI and Scalar; same runtime settings (workstation non-concurrent GC), "
            + "started the same way just before Kefu on its own fresh data directory.");
        sb.AppendLine();
        sb.AppendLine("Command (from the repository root; builds Kefu, the framework baseline and the load generator in Release into `/tmp/kefu-bench-artifacts`; "
            + "`KEFU_BENCH_SOURCE=head` benchmarks the last commit, without it the working tree; about 4 minutes):");
        sb.AppendLine();
        sb.AppendLine("```sh");
        sb.AppendLine(o.Command);
        sb.AppendLine("```");
        sb.AppendLine();
        sb.AppendLine($"Run {StartedUtc:yyyy-MM-dd HH:mm} UTC{(o.Commit is null ? "" : $", source `{o.Commit}`")}; {o.Describe()}.");
        sb.AppendLine();
        sb.AppendLine("Machine: " + Machine() + ". The load generator and the server share the machine's cores.");
        sb.AppendLine();
        sb.AppendLine("| measure | API | raw baseline | API/raw | target | result |");
        sb.AppendLine("|---|---:|---:|---:|---|---|");
        foreach (var r in Rows()) sb.AppendLine($"| {r.Measure} | {r.Api} | {r.Raw} | {r.Ratio} | {r.Target} | {Met(r.Ok)} |");
        sb.AppendLine();
        foreach (var (c, (backlog, drain)) in OutboxAfter.OrderBy(x => x.Key))
            sb.AppendLine($"- Outbox right after the {c}-client API phase: {backlog:N0} undispatched rows, drained in {drain.TotalSeconds:0.0} s.");
        if (Seed is not null)
            sb.AppendLine($"- Seeding {Seed.Tickets:N0} tickets took {Seed.Elapsed.TotalSeconds:0} s; database file {Seed.FileBytes / 1048576.0:0} MiB; "
                + $"{Seed.OpenInFirstTeam:N0} open tickets in the first team.");
        if (RssSeededReady is not null) sb.AppendLine($"- Server RSS at ready on the seeded database: {RssSeededReady:0.0} MiB.");
        if (TimeToReady is not null) sb.AppendLine($"- Server start to ready (empty database, migrations applied on first start): {TimeToReady.Value.TotalSeconds:0.0} s"
            + (BaselineMemory.Count == 0 ? "." : $"; framework baseline: {BaselineMemory[^1].TimeToReady.TotalSeconds:0.0} s."));
        if (Interference() is { } i) sb.AppendLine("- " + i);
        foreach (var n in Notes) sb.AppendLine("- " + n);
        if (Failure is not null) sb.AppendLine($"- **The run failed:** {Failure}");
        sb.AppendLine();
        sb.AppendLine(End);
        return sb.ToString();
    }

    /// <summary>Replaces this benchmark's section of docs/benchmarks.md, keeping everything else in the file.</summary>
    public void WriteDocs(string path)
    {
        var section = Markdown();
        var text = File.Exists(path) ? File.ReadAllText(path) : "# Benchmarks\n\nEach `bench/` script measures Kefu against a raw baseline in the same run and rewrites its own section below.\n\n";
        var b = text.IndexOf("<!-- bench/tickets:begin", StringComparison.Ordinal);
        var e = text.IndexOf(End, StringComparison.Ordinal);
        text = b >= 0 && e > b
            ? text[..b] + section.TrimEnd('\n') + text[(e + End.Length)..]
            : text.TrimEnd('\n') + "\n\n" + section;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    public static string Machine()
    {
        string? cpu = null;
        try { cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"))?.Split(':', 2)[1].Trim(); } catch (IOException) { }
        string? mem = null;
        try
        {
            var kb = long.Parse(File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:"))["MemTotal:".Length..].Trim().Split(' ')[0]);
            mem = $"{kb / 1048576.0:0.#} GiB RAM";
        }
        catch (IOException) { }
        string? os = null;
        try { os = File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME="))?.Split('=', 2)[1].Trim('"'); } catch (IOException) { }
        string? kernel = null;
        try { kernel = File.ReadAllText("/proc/sys/kernel/osrelease").Trim(); } catch (IOException) { }
        return string.Join(", ", new[]
        {
            $"{Environment.ProcessorCount} cores{(cpu is null ? "" : $" ({cpu})")}", mem, os, kernel is null ? null : "Linux " + kernel,
            RuntimeInformation.FrameworkDescription, "SQLite " + RawSqlite.SqliteVersion(),
        }.Where(x => x is not null));
    }
}
