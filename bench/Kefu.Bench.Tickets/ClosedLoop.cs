using System.Diagnostics;

namespace Kefu.Bench.Tickets;

/// <summary>One worker's operation; returns null on success or an error text.</summary>
public delegate ValueTask<string?> Operation(long sequence, CancellationToken ct);

/// <summary>
/// Closed-loop load: N workers each run their operation back to back until the duration is over (or a fixed count is
/// reached); every completed operation's latency is recorded. The same driver runs the API and the raw baseline.
/// </summary>
public static class ClosedLoop
{
    private static long _sequence;

    /// <summary>A process-wide sequence so every ticket (API or raw, any phase) gets a new customer e-mail.</summary>
    public static long NextSequence() => Interlocked.Increment(ref _sequence);

    /// <summary>Busy CPU time of the whole machine so far (all cores; /proc/stat, 100 ticks/s).</summary>
    public static TimeSpan MachineBusy()
    {
        var f = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(long.Parse).ToArray();
        // user nice system idle iowait irq softirq steal
        return TimeSpan.FromSeconds((f.Sum() - f[3] - f[4]) / 100.0);
    }

    public static async Task<PhaseResult> RunAsync(
        string name, int workers, Func<int, Operation> operationFor, TimeSpan duration, long maxOperations, CancellationToken ct,
        KefuServer? server = null)
    {
        var machine0 = MachineBusy();
        var serverCpu0 = server?.CpuTime();
        var ownCpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var ops = Enumerable.Range(0, workers).Select(operationFor).ToArray();
        var latencies = Enumerable.Range(0, workers).Select(_ => new List<long>(1 << 16)).ToArray();
        long ok = 0, errors = 0, issued = 0;
        string? firstError = null;
        var sw = Stopwatch.StartNew();
        var deadline = duration;

        async Task Worker(int w)
        {
            // Yield so all workers start on the thread pool rather than the first running inline.
            await Task.Yield();
            var op = ops[w];
            var mine = latencies[w];
            while (!ct.IsCancellationRequested && sw.Elapsed < deadline && Interlocked.Increment(ref issued) <= maxOperations)
            {
                var start = Stopwatch.GetTimestamp();
                string? error;
                try { error = await op(NextSequence(), ct); }
                catch (Exception ex) when (ex is not OperationCanceledException) { error = ex.GetType().Name + ": " + ex.Message; }
                var end = Stopwatch.GetTimestamp();
                if (error is null)
                {
                    mine.Add(end - start);
                    Interlocked.Increment(ref ok);
                }
                else
                {
                    Interlocked.Increment(ref errors);
                    Interlocked.CompareExchange(ref firstError, error, null);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, workers).Select(Worker));
        var elapsed = sw.Elapsed;
        ct.ThrowIfCancellationRequested();
        var serverCpu = server is null ? (TimeSpan?)null : server.CpuTime() - serverCpu0;
        var ownCpu = Process.GetCurrentProcess().TotalProcessorTime - ownCpu0;
        var machine = MachineBusy() - machine0;
        return new PhaseResult(name, workers, ok, errors, elapsed, PhaseResult.Merge(latencies), firstError)
        {
            ServerCpu = serverCpu,
            OwnCpu = ownCpu,
            // Whatever else ran on the machine meanwhile (other builds, tests): the figures are only as good as this is low.
            OtherCores = Math.Max(0, (machine - ownCpu - (serverCpu ?? TimeSpan.Zero)).TotalSeconds / elapsed.TotalSeconds),
        };
    }
}
