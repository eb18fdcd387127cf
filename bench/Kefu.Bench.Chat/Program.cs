using System.Globalization;

namespace Kefu.Bench.Chat;

// A named entry point: the referenced Kefu assembly already has a top-level Program (used by WebApplicationFactory).
public static class BenchMain
{
    /// <summary>`serve` is the measured server process (started by the load generator); anything else runs the benchmark.</summary>
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "serve")
            return await BenchServer.RunAsync(Arg(args, "--data") ?? throw new ArgumentException("--data"),
                int.Parse(Arg(args, "--agents") ?? "20", CultureInfo.InvariantCulture));
        return await LoadGenerator.RunAsync(LoadOptions.Parse(args));
    }

    private static string? Arg(string[] args, string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
