using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Kefu.Bench.Tickets;

/// <summary>
/// The real Kefu server as a child process (`dotnet Kefu.dll --urls http://127.0.0.1:port`) on its own data
/// directory. Started quiet (Warning logs), stopped with SIGTERM so it shuts down as in production.
/// </summary>
public sealed partial class KefuServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    public string Url { get; }
    public string DataDir { get; }
    public string DatabasePath => Path.Combine(DataDir, "kefu.db");
    public int Pid => _process.Id;
    public TimeSpan TimeToReady { get; private set; }

    private KefuServer(Process process, StreamWriter log, string url, string dataDir)
    {
        _process = process;
        _log = log;
        Url = url;
        DataDir = dataDir;
    }

    /// <summary>Starts Kefu, or <paramref name="dll"/> (the framework baseline) with the same environment and arguments,
    /// plus <paramref name="env"/>.</summary>
    public static async Task<KefuServer> StartAsync(BenchOptions o, string dataDir, string logFile, CancellationToken ct, string? dll = null,
        IReadOnlyDictionary<string, string>? env = null)
    {
        dll ??= o.KefuDll;
        Directory.CreateDirectory(dataDir);
        var port = FreePort();
        var url = $"http://127.0.0.1:{port}";
        var psi = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        psi.ArgumentList.Add(dll);
        psi.ArgumentList.Add("--urls");
        psi.ArgumentList.Add(url);
        psi.Environment["KEFU_DATA_DIR"] = dataDir;
        psi.Environment["KEFU_DEMO"] = "false";
        psi.Environment["KEFU_BOOTSTRAP_API_TOKEN"] = o.Token;
        // A fixed first-admin password: the generated one does not always pass the Identity password policy.
        psi.Environment["KEFU_ADMIN_PASSWORD"] = "Bench-admin-2026";
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        // Nothing else is inherited that could point the server at another database.
        psi.Environment.Remove("KEFU_DB_PROVIDER");
        psi.Environment.Remove("KEFU_DB_CONNECTION");
        psi.Environment.Remove("ASPNETCORE_URLS");
        foreach (var (k, v) in o.ServerEnv) psi.Environment[k] = v;
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;

        var log = new StreamWriter(logFile, append: true) { AutoFlush = true };
        var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start dotnet.");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new KefuServer(process, log, url, dataDir);
        try
        {
            await server.WaitReadyAsync(o.ReadyTimeout, logFile, ct);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    private async Task WaitReadyAsync(TimeSpan timeout, string logFile, CancellationToken ct)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < timeout)
        {
            ct.ThrowIfCancellationRequested();
            if (_process.HasExited)
                throw new InvalidOperationException($"{Path.GetFileNameWithoutExtension(_process.StartInfo.ArgumentList[0])} exited with code {_process.ExitCode} before it was ready; see {logFile}.");
            try
            {
                using var r = await http.GetAsync(Url + "/health/ready", ct);
                if (r.StatusCode == HttpStatusCode.OK)
                {
                    TimeToReady = sw.Elapsed;
                    return;
                }
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested) { }
            await Task.Delay(100, ct);
        }
        throw new TimeoutException($"{Path.GetFileNameWithoutExtension(_process.StartInfo.ArgumentList[0])} was not ready within {timeout.TotalSeconds:0} s; see {logFile}.");
    }

    /// <summary>Resident set size of the server process in MiB (VmRSS of /proc/pid/status).</summary>
    public double RssMiB()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (!line.StartsWith("VmRSS:", StringComparison.Ordinal)) continue;
            var kb = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0]);
            return kb / 1024.0;
        }
        throw new InvalidOperationException("VmRSS not found.");
    }

    /// <summary>The resident set split as /proc/pid/status gives it (MiB): anonymous (GC heap, native heaps), file pages
    /// (assemblies, native libraries, ICU), shared memory (the runtime's double-mapped JIT code and loader heaps).</summary>
    public (double Anon, double File, double Shmem) RssSplitMiB()
    {
        double anon = 0, file = 0, shmem = 0;
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            static double Kb(string l) => long.Parse(l[(l.IndexOf(':') + 1)..].Trim().Split(' ')[0]) / 1024.0;
            if (line.StartsWith("RssAnon:", StringComparison.Ordinal)) anon = Kb(line);
            else if (line.StartsWith("RssFile:", StringComparison.Ordinal)) file = Kb(line);
            else if (line.StartsWith("RssShmem:", StringComparison.Ordinal)) shmem = Kb(line);
        }
        return (anon, file, shmem);
    }

    /// <summary>CPU time (user + system) the server process has used so far, from /proc/pid/stat (100 ticks/s).</summary>
    public TimeSpan CpuTime()
    {
        var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
        // Fields after the parenthesised command name; utime and stime are fields 14 and 15 of the whole line.
        var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return TimeSpan.FromSeconds((long.Parse(f[11]) + long.Parse(f[12])) / 100.0);
    }

    /// <summary>SIGTERM, wait for a graceful exit (the outbox drains on shutdown), kill after the timeout.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited) return;
        _ = Kill(_process.Id, 15);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try { await StopAsync(TimeSpan.FromSeconds(45)); }
        catch (InvalidOperationException) { }
        _process.Dispose();
        lock (_log) _log.Dispose();
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
