using System.Globalization;
using System.Text;

namespace Kefu.Bench.Chat;

public static class Report
{
    public static string Markdown(LoadOptions o, IReadOnlyList<Result> results)
    {
        var s = new StringBuilder();
        var ci = CultureInfo.InvariantCulture;
        s.AppendLine(ci, $"Command: `{o.Command}` (commit {o.Commit}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores)");
        s.AppendLine();
        s.AppendLine("| target | widgets open | connect+Start | RSS idle → at widgets → after | rate offered/achieved | p50 | p99 | max | lost/errors | saturation msg/s (p50/p99) | outbox left | drain | server CPU ms/msg at rate / saturation |");
        s.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in results)
            s.AppendLine(ci, $"| {r.Target} | {r.Connections} | {r.ConnectSeconds:0.0} s | {r.IdleRssMiB:0} → {r.RssAtConnectionsMiB:0} → {r.RssAfterMiB:0} MiB | " +
                             $"{r.OfferedRate:0}/{r.AchievedRate:0.0} | {r.P50Ms:0.0} ms | {r.P99Ms:0.0} ms | {r.MaxMs:0} ms | {r.Lost}/{r.RateErrors} | " +
                             $"{r.SaturationPerSecond:0} ({r.SaturationP50Ms:0.0}/{r.SaturationP99Ms:0.0} ms) | {r.OutboxBacklog} | {r.DrainSeconds:0.0} s | " +
                             $"{r.RateCpuMsPerMessage:0.00} / {r.SaturationCpuMsPerMessage:0.00} |");
        s.AppendLine();
        s.AppendLine("| target | server allocated KiB/msg at rate / saturation | server gen0 per 1,000 msgs at rate / saturation | server GC at rate: gen0/gen1/gen2, paused | generator GC at rate: gen0/gen1/gen2, paused | sends late vs schedule p99 / max |");
        s.AppendLine("|---|---|---|---|---|---|");
        foreach (var r in results)
            s.AppendLine(ci, $"| {r.Target} | {r.RateServerGc.AllocatedKiBPerMessage:0.0} / {r.SaturationServerGc.AllocatedKiBPerMessage:0.0} | " +
                             $"{r.RateServerGc.Gen0Per1000Messages:0.0} / {r.SaturationServerGc.Gen0Per1000Messages:0.0} | " +
                             $"{r.RateServerGc.Gen0}/{r.RateServerGc.Gen1}/{r.RateServerGc.Gen2}, {r.RateServerGc.PausedMs:0} ms | " +
                             $"{r.RateGeneratorGc.Gen0}/{r.RateGeneratorGc.Gen1}/{r.RateGeneratorGc.Gen2}, {r.RateGeneratorGc.PausedMs:0} ms | " +
                             $"{r.RateSendLagP99Ms:0.0} / {r.RateSendLagMaxMs:0.0} ms |");
        var bare = results.FirstOrDefault(r => r.Target == LoadGenerator.BareTarget);
        var kefu = results.FirstOrDefault(r => r.Target == LoadGenerator.KefuTarget);
        if (bare is not null && kefu is not null)
        {
            s.AppendLine();
            s.AppendLine(ci, $"Kefu / baseline: saturation throughput {kefu.SaturationPerSecond / bare.SaturationPerSecond:P0} (target ≥ 50 %), " +
                             $"p99 at {o.Rate:0} msg/s {kefu.P99Ms / bare.P99Ms:0.0}×, RSS at {o.Connections} widgets {kefu.RssAtConnectionsMiB / bare.RssAtConnectionsMiB:0.0}×.");
        }
        // What storing a message durably costs at the least (decision 0038): the ceiling any implementation that
        // commits before the ack could reach against the bare hub on this machine, and Kefu against that.
        foreach (var p in results.Where(r => r.Target is LoadGenerator.PersistTarget or LoadGenerator.PersistGroupTarget))
        {
            s.AppendLine();
            s.Append(ci, $"{p.Target}: saturation {p.SaturationPerSecond:0} msg/s, server CPU {p.SaturationCpuMsPerMessage:0.00} ms/msg");
            if (bare is not null) s.Append(ci, $"; / bare hub: throughput {p.SaturationPerSecond / bare.SaturationPerSecond:P0}");
            if (kefu is not null)
                s.Append(ci, $"; Kefu / it: throughput {kefu.SaturationPerSecond / p.SaturationPerSecond:P0}, " +
                             $"CPU per message {kefu.SaturationCpuMsPerMessage / p.SaturationCpuMsPerMessage:0.0}×");
            s.AppendLine(".");
        }
        return s.ToString();
    }
}
