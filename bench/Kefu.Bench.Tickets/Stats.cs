using System.Diagnostics;

namespace Kefu.Bench.Tickets;

/// <summary>Outcome of one measured phase: completed operations, wall time and per-operation latencies.</summary>
public sealed record PhaseResult(string Name, int Concurrency, long Ok, long Errors, TimeSpan Elapsed, double[] LatenciesMs, string? FirstError)
{
    /// <summary>CPU the server process used during the phase (API phases only).</summary>
    public TimeSpan? ServerCpu { get; set; }
    /// <summary>CPU this process (load generator or raw baseline) used during the phase.</summary>
    public TimeSpan? OwnCpu { get; set; }
    /// <summary>Cores used by other processes on the machine during the phase (interference).</summary>
    public double? OtherCores { get; set; }
    public double ServerCpuMsPerOp => ServerCpu is { } c && Ok > 0 ? c.TotalMilliseconds / Ok : double.NaN;
    public double OwnCpuMsPerOp => OwnCpu is { } c && Ok > 0 ? c.TotalMilliseconds / Ok : double.NaN;

    public double PerSecond => Ok / Elapsed.TotalSeconds;
    public double P50 => Percentile(0.50);
    public double P99 => Percentile(0.99);
    public double Mean => LatenciesMs.Length == 0 ? double.NaN : LatenciesMs.Average();

    public double Percentile(double p)
    {
        if (LatenciesMs.Length == 0) return double.NaN;
        var i = (int)Math.Ceiling(p * LatenciesMs.Length) - 1;
        return LatenciesMs[Math.Clamp(i, 0, LatenciesMs.Length - 1)];
    }

    /// <summary>Merges per-worker latency lists (milliseconds) into one sorted array.</summary>
    public static double[] Merge(IEnumerable<List<long>> perWorkerTicks)
    {
        var all = perWorkerTicks.SelectMany(l => l).Select(t => t * 1000.0 / Stopwatch.Frequency).ToArray();
        Array.Sort(all);
        return all;
    }

    public override string ToString() =>
        $"{Name,-34} c={Concurrency,-2} {PerSecond,9:N0}/s  p50 {P50,7:0.00} ms  p99 {P99,7:0.00} ms  ok {Ok:N0}  errors {Errors}" +
        (ServerCpu is null ? "" : $"  server CPU {ServerCpuMsPerOp:0.00} ms/op") + (OwnCpu is null ? "" : $"  client CPU {OwnCpuMsPerOp:0.00} ms/op") +
        (OtherCores is null ? "" : $"  other load {OtherCores:0.00} cores");
}
