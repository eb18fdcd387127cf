using System.Diagnostics;
using System.Net;

namespace Kefu.Bench.Chat;

/// <summary>This program in `serve` mode as a child process: the measured server, stopped by closing its stdin.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private TaskCompletionSource<string>? _timings;

    public IPEndPoint EndPoint { get; }

    private ServerProcess(Process process, StreamWriter log, IPEndPoint endPoint)
    {
        _process = process;
        _log = log;
        EndPoint = endPoint;
    }

    public static async Task<ServerProcess> StartAsync(string dataDir, int agents, string logFile, IEnumerable<string> env)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var a in new[] { typeof(ServerProcess).Assembly.Location, "serve", "--data", dataDir, "--agents", agents.ToString() })
            psi.ArgumentList.Add(a);
        foreach (var k in new[] { "KEFU_DB_PROVIDER", "KEFU_DB_CONNECTION", "ASPNETCORE_URLS", "KEFU_DATA_DIR" }) psi.Environment.Remove(k);
        // The load generator runs with GC settings of its own (bench/chat/run.sh); the measured server must not inherit
        // them: it runs with Kefu's (the runtimeconfig, workstation non-concurrent) plus --server-env only.
        foreach (var k in psi.Environment.Keys.Where(IsGcSetting).ToList()) psi.Environment.Remove(k);
        foreach (var kv in env) psi.Environment[kv[..kv.IndexOf('=')]] = kv[(kv.IndexOf('=') + 1)..];
        var log = new StreamWriter(logFile, append: true) { AutoFlush = true };
        ServerProcess? server = null;
        var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start the server.");
        var ready = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) { ready.TrySetException(new InvalidOperationException($"The server exited; see {logFile}.")); return; }
            if (e.Data.StartsWith("LISTENING ", StringComparison.Ordinal)) ready.TrySetResult(e.Data["LISTENING ".Length..]);
            if (e.Data.StartsWith("TIMINGS ", StringComparison.Ordinal)) server?._timings?.TrySetResult(e.Data["TIMINGS ".Length..]);
            lock (log) log.WriteLine(e.Data);
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var url = await ready.Task.WaitAsync(TimeSpan.FromMinutes(10)); // minutes on a saturated machine
        var uri = new Uri(url);
        return server = new ServerProcess(process, log, new IPEndPoint(IPAddress.Parse(uri.Host), uri.Port));
    }

    internal static bool IsGcSetting(string name) =>
        name.StartsWith("DOTNET_GC", StringComparison.OrdinalIgnoreCase) || name.StartsWith("COMPlus_GC", StringComparison.OrdinalIgnoreCase);

    /// <summary>The chat writer's batch timings since the previous call (see BenchServer).</summary>
    public async Task<string> WriterTimingsAsync()
    {
        var tcs = _timings = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await _process.StandardInput.WriteLineAsync("timings");
        await _process.StandardInput.FlushAsync();
        try { return await tcs.Task.WaitAsync(TimeSpan.FromSeconds(30)); }
        catch (TimeoutException) { return "no answer"; }
    }

    public int Pid => _process.Id;

    /// <summary>CPU time the server used so far (user + system), in milliseconds.</summary>
    public double CpuMs()
    {
        // /proc/<pid>/stat: fields 14 and 15 (utime, stime) in clock ticks, counted after the ")" closing the name.
        var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
        var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(f[11]) + long.Parse(f[12])) * 1000.0 / TicksPerSecond;
    }

    /// <summary>USER_HZ: 100 on Linux for every architecture .NET runs on.</summary>
    private const double TicksPerSecond = 100;

    /// <summary>Resident set size in MiB (VmRSS).</summary>
    public double RssMiB()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0]) / 1024.0;
        return double.NaN;
    }

    public async ValueTask DisposeAsync()
    {
        try { _process.StandardInput.Close(); } catch (IOException) { }
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try { await _process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); await _process.WaitForExitAsync(); }
        _process.Dispose();
        lock (_log) _log.Dispose();
    }
}
