using System.Globalization;

namespace Kefu.Bench.Chat;

public sealed record LoadOptions
{
    public int Connections { get; init; } = 10_000;
    public int Agents { get; init; } = 20;
    /// <summary>Visitors that talk (each has a conversation, hence a ticket); the others only hold their widget open.</summary>
    public int Senders { get; init; } = 1_000;
    public double Rate { get; init; } = 200;
    public int Seconds { get; init; } = 30;
    public int SaturationSeconds { get; init; } = 20;
    public int Concurrency { get; init; } = 64;
    public int Sources { get; init; } = 8;
    public bool SkipBaseline { get; init; }
    /// <summary>Skips the persisting baselines (the echo hub plus plain SQLite commits, decision 0038).</summary>
    public bool SkipPersist { get; init; }
    /// <summary>Only the bare hub (for comparing load generator settings).</summary>
    public bool SkipKefu { get; init; }
    /// <summary>Size of the load generator's no-GC region during the fixed-rate phase (0 = none, as before session 8).</summary>
    public int NoGcMiB { get; init; } = 240;
    /// <summary>Extra environment for the server process (KEY=VALUE), e.g. DOTNET_gcConcurrent=1.</summary>
    public IReadOnlyList<string> ServerEnv { get; init; } = [];
    /// <summary>Phase to record with perf: "rate" or "saturation" (none by default).</summary>
    public string? Profile { get; init; }
    public string Command { get; init; } = "bench/chat/run.sh";
    public string Commit { get; init; } = "unknown";
    public string WorkDir { get; init; } = Path.Combine(Path.GetTempPath(), "kefu-bench-chat");

    public static LoadOptions Parse(string[] args)
    {
        var o = new LoadOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Int() => int.Parse(Next(), CultureInfo.InvariantCulture);
            o = args[i] switch
            {
                "--connections" => o with { Connections = Int() },
                "--agents" => o with { Agents = Int() },
                "--senders" => o with { Senders = Int() },
                "--rate" => o with { Rate = double.Parse(Next(), CultureInfo.InvariantCulture) },
                "--seconds" => o with { Seconds = Int() },
                "--saturation-seconds" => o with { SaturationSeconds = Int() },
                "--concurrency" => o with { Concurrency = Int() },
                "--sources" => o with { Sources = Int() },
                "--skip-baseline" => o with { SkipBaseline = true },
                "--skip-kefu" => o with { SkipKefu = true },
                "--skip-persist" => o with { SkipPersist = true },
                "--generator-nogc-mib" => o with { NoGcMiB = Int() },
                "--server-env" => o with { ServerEnv = [.. o.ServerEnv, Next()] },
                "--profile" => o with { Profile = Next() },
                "--command" => o with { Command = Next() },
                "--commit" => o with { Commit = Next() },
                "--work" => o with { WorkDir = Next() },
                _ => throw new ArgumentException("Unknown option " + args[i]),
            };
        }
        if (o.Senders > o.Connections) o = o with { Senders = o.Connections };
        return o;
    }
}
