using System.Globalization;

namespace Kefu.Bench.Tickets;

/// <summary>Command-line settings; defaults are the recorded run (whole run about 4–6 minutes on 2 cores).</summary>
public sealed class BenchOptions
{
    public required string KefuDll { get; init; }
    /// <summary>The framework baseline of the idle-memory figure (bench/Kefu.Bench.MemBaseline), started like Kefu.</summary>
    public string? BaselineDll { get; init; }
    /// <summary>Only the idle-memory phase (baseline and Kefu, <see cref="MemorySamples"/> pairs); no docs are written.</summary>
    public bool OnlyMemory { get; init; }
    /// <summary>Baseline/Kefu start pairs in the idle-memory phase; medians are reported.</summary>
    public int MemorySamples { get; init; } = 1;
    public string? DocsPath { get; init; }
    public string Command { get; init; } = "bench/tickets/run.sh";
    public string? Commit { get; init; }
    public string Token { get; } = "kefu-bench-" + Guid.NewGuid().ToString("N");
    public int[] Concurrency { get; init; } = [1, 8];
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(20);
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(15);
    public TimeSpan Idle { get; init; } = TimeSpan.FromSeconds(10);
    public int ListTickets { get; init; } = 1_000_000;
    public int ListCustomers { get; init; } = 100_000;
    public int ListRequests { get; init; } = 500;
    public int ListWarmup { get; init; } = 100;
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(90);
    /// <summary>Hard limit for the whole run; everything is stopped and cleaned up when it is reached.</summary>
    public TimeSpan MaxRunTime { get; init; } = TimeSpan.FromMinutes(20);
    public bool KeepTemp { get; init; }
    public bool SkipCreate { get; init; }
    public bool SkipList { get; init; }
    /// <summary>Experiments only: skip the raw create baseline.</summary>
    public bool SkipRaw { get; init; }
    /// <summary>Experiments only: extra PRAGMAs for the raw writers' connections (e.g. wal_autocheckpoint=10000).</summary>
    public string? RawPragmas { get; init; }
    /// <summary>Extra environment for the server (experiments such as DOTNET_gcServer=0); recorded in the report.</summary>
    public List<(string Key, string Value)> ServerEnv { get; } = [];

    public static BenchOptions Parse(string[] args)
    {
        string? dll = null, baseline = null, docs = null, command = null, commit = null;
        int[]? conc = null;
        double? duration = null, warmup = null, idle = null, maxRun = null, ready = null;
        int? listTickets = null, listCustomers = null, listRequests = null, memorySamples = null;
        bool onlyMemory = false, keep = false, skipCreate = false, skipList = false, skipRaw = false;
        string? rawPragmas = null;
        var env = new List<(string, string)>();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--kefu": dll = Next(); break;
                case "--baseline": baseline = Next(); break;
                case "--only-memory": onlyMemory = true; break;
                case "--memory-samples": memorySamples = int.Parse(Next()); break;
                case "--docs": docs = Next(); break;
                case "--no-docs": docs = ""; break;
                case "--command": command = Next(); break;
                case "--commit": commit = Next(); break;
                case "--concurrency": conc = Next().Split(',').Select(int.Parse).ToArray(); break;
                case "--duration": duration = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--warmup": warmup = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--idle": idle = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--ready-timeout": ready = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--max-minutes": maxRun = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--list-tickets": listTickets = int.Parse(Next()); break;
                case "--list-customers": listCustomers = int.Parse(Next()); break;
                case "--list-requests": listRequests = int.Parse(Next()); break;
                case "--keep-temp": keep = true; break;
                case "--skip-create": skipCreate = true; break;
                case "--skip-list": skipList = true; break;
                case "--skip-raw": skipRaw = true; break;
                case "--raw-pragmas": rawPragmas = Next(); break;
                case "--server-env":
                    var kv = Next();
                    var eq = kv.IndexOf('=');
                    if (eq <= 0) throw new ArgumentException("--server-env needs KEY=VALUE");
                    env.Add((kv[..eq], kv[(eq + 1)..]));
                    break;
                default: throw new ArgumentException($"Unknown argument {args[i]}");
            }
        }
        var o = new BenchOptions
        {
            KefuDll = Path.GetFullPath(dll ?? throw new ArgumentException("--kefu <path to Kefu.dll> is required")),
            BaselineDll = baseline is null ? null : Path.GetFullPath(baseline),
            OnlyMemory = onlyMemory,
            MemorySamples = Math.Max(1, memorySamples ?? 1),
            // A memory-only run has no create or list figures to put into the section: it only prints.
            DocsPath = docs is { Length: > 0 } && !onlyMemory ? Path.GetFullPath(docs) : null,
            Command = command ?? "bench/tickets/run.sh",
            Commit = commit,
            Concurrency = conc ?? [1, 8],
            Duration = TimeSpan.FromSeconds(duration ?? 20),
            Warmup = TimeSpan.FromSeconds(warmup ?? 15),
            Idle = TimeSpan.FromSeconds(idle ?? 10),
            MaxRunTime = TimeSpan.FromMinutes(maxRun ?? 20),
            ListTickets = listTickets ?? 1_000_000,
            ListCustomers = listCustomers ?? 100_000,
            ListRequests = listRequests ?? 500,
            KeepTemp = keep,
            SkipCreate = skipCreate,
            SkipList = skipList,
            SkipRaw = skipRaw,
            RawPragmas = rawPragmas,
            ReadyTimeout = TimeSpan.FromSeconds(ready ?? 90),
        };
        o.ServerEnv.AddRange(env);
        if (!File.Exists(o.KefuDll)) throw new ArgumentException($"{o.KefuDll} does not exist; build Kefu first (run.sh does).");
        if (o.BaselineDll is not null && !File.Exists(o.BaselineDll))
            throw new ArgumentException($"{o.BaselineDll} does not exist; build bench/Kefu.Bench.MemBaseline first (run.sh does).");
        if (o.OnlyMemory && o.SkipCreate) throw new ArgumentException("--only-memory and --skip-create exclude each other.");
        return o;
    }

    /// <summary>The settings that shape the figures, for the report.</summary>
    public string Describe() =>
        $"duration {Duration.TotalSeconds:0} s per create phase after a {Warmup.TotalSeconds:0} s warm-up; " +
        $"concurrency {string.Join(" and ", Concurrency)}; list: {ListTickets:N0} tickets, {ListCustomers:N0} customers, " +
        $"{ListRequests} requests after {ListWarmup} cold and {Warmup.TotalSeconds:0} s warm-up requests; idle {Idle.TotalSeconds:0} s" +
        (MemorySamples > 1 ? $", {MemorySamples} baseline/Kefu start pairs" : "") +
        (ServerEnv.Count == 0 ? "" : "; server env " + string.Join(' ', ServerEnv.Select(e => $"{e.Key}={e.Value}"))) +
        (RawPragmas is null ? "" : "; raw pragmas " + RawPragmas);
}
