namespace Kefu.Bench.Email;

public sealed record BenchOptions(int Messages, int Batch, int[] MailboxCounts, bool Triage, bool KeepTemp, int Warmup, int Passes)
{
    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions(10_000, 100, [1, 4], true, false, 500, 3);
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            o = args[i] switch
            {
                "--messages" => o with { Messages = int.Parse(Next()) },
                "--batch" => o with { Batch = int.Parse(Next()) },
                "--mailboxes" => o with { MailboxCounts = [.. Next().Split(',').Select(int.Parse)] },
                "--triage" => o with { Triage = Next() != "off" },
                "--keep-temp" => o with { KeepTemp = true },
                "--warmup" => o with { Warmup = int.Parse(Next()) },
                "--passes" => o with { Passes = Math.Max(1, int.Parse(Next())) },
                _ => throw new ArgumentException($"unknown argument {args[i]}"),
            };
        }
        return o;
    }
}

public static class Measure
{
    public static async Task<(TimeSpan Elapsed, T Value)> RunAsync<T>(Func<Task<T>> work)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var value = await work();
        return (sw.Elapsed, value);
    }
}
