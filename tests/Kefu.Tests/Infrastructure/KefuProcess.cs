using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Kefu.Platform.Database;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Xunit.Abstractions;

namespace Kefu.Tests.Infrastructure;

/// <summary>
/// The real Kefu server as a child process (<c>dotnet Kefu.dll</c>) on a data folder and database of its own, for
/// crash tests: <see cref="KillAsync"/> is SIGKILL (nothing runs on the way down), <see cref="StartAsync"/> starts it
/// again on the same data. Its stdout/stderr are kept across restarts (<see cref="WriteLogTo"/> on failure).
/// </summary>
public sealed class KefuProcess : IAsyncDisposable
{
    private readonly Dictionary<string, string> _env;
    private readonly StringBuilder _log = new();
    private readonly string? _pgDatabase;
    private Process? _process;
    private int _incarnation;

    public string Provider { get; }
    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), "kefu-proc-" + Guid.NewGuid().ToString("N"));
    /// <summary>The PostgreSQL connection string (null on SQLite: the file under the data folder).</summary>
    public string? ConnectionString { get; }
    public string Url { get; private set; } = "";
    /// <summary>Bootstrap-token client for the current incarnation (replaced on each start).</summary>
    public HttpClient Admin { get; private set; } = new();

    private KefuProcess(string provider, string? connectionString, string? pgDatabase, IDictionary<string, string>? env)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _pgDatabase = pgDatabase;
        _env = new(env ?? new Dictionary<string, string>());
    }

    /// <summary>A server on a fresh database ("Sqlite", or "Postgres" on the KEFU_TEST_PG server), not started yet.</summary>
    public static async Task<KefuProcess> CreateAsync(string provider, IDictionary<string, string>? env = null)
    {
        if (provider == "Sqlite") return new KefuProcess(provider, null, null, env);
        var database = "kefu_p_" + Guid.NewGuid().ToString("N")[..12];
        await using (var conn = new NpgsqlConnection(PostgresApp.ServerConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {database}", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        var cs = new NpgsqlConnectionStringBuilder(PostgresApp.ServerConnectionString) { Database = database }.ToString();
        return new KefuProcess(provider, cs, database, env);
    }

    /// <summary>Kefu.dll of the build under test, with its runtimeconfig (next to the tests when the SDK copied it
    /// there, else the Kefu project's own output for the same configuration).</summary>
    public static string KefuDll { get; } = LocateKefuDll();

    private static string LocateKefuDll()
    {
        if (Environment.GetEnvironmentVariable("KEFU_TEST_KEFU_DLL") is { Length: > 0 } set) return set;
        var here = typeof(Program).Assembly.Location;
        if (File.Exists(Path.ChangeExtension(here, ".runtimeconfig.json"))) return here;
        // tests/Kefu.Tests/bin/<Configuration>/<tfm>/ → src/Kefu/bin/<Configuration>/<tfm>/Kefu.dll
        var tfmDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var config = tfmDir.Parent!.Name;
        for (var d = tfmDir; d is not null; d = d.Parent)
        {
            var candidate = Path.Combine(d.FullName, "src", "Kefu", "bin", config, tfmDir.Name, "Kefu.dll");
            if (File.Exists(candidate)) return candidate;
        }
        throw new InvalidOperationException($"Kefu.dll with its runtimeconfig not found (looked next to {here} and under src/Kefu/bin/{config}); set KEFU_TEST_KEFU_DLL.");
    }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The exit code of the last run once it has exited, else null.</summary>
    public int? ExitCode => _process is { HasExited: true } p ? p.ExitCode : null;

    /// <summary>Starts the server (again) on the same data and waits until /health/ready answers 200.</summary>
    public async Task StartAsync(TimeSpan? timeout = null)
    {
        if (IsRunning) throw new InvalidOperationException("Already running.");
        Directory.CreateDirectory(DataDir);
        var port = FreePort();
        Url = $"http://127.0.0.1:{port}";
        var psi = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(KefuDll)!,
        };
        psi.ArgumentList.Add(KefuDll);
        psi.ArgumentList.Add("--urls");
        psi.ArgumentList.Add(Url);
        // Nothing inherited may point the server elsewhere or change its runtime settings.
        foreach (var k in psi.Environment.Keys.Where(k => k.StartsWith("KEFU_", StringComparison.Ordinal) || k.StartsWith("Kefu__", StringComparison.Ordinal)
                     || k.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || k.StartsWith("DOTNET_GC", StringComparison.Ordinal)).ToList())
            psi.Environment.Remove(k);
        psi.Environment["KEFU_DATA_DIR"] = DataDir;
        psi.Environment["KEFU_DEMO"] = "false";
        // With the trailing newline a secret mounted from a file has: the server trims it, and every real-process test
        // then authenticates with the bare value.
        psi.Environment["KEFU_BOOTSTRAP_API_TOKEN"] = KefuApp.BootstrapToken + "\n";
        psi.Environment["KEFU_ADMIN_PASSWORD"] = "Crash-admin-2026";
        psi.Environment["KEFU_DB_PROVIDER"] = Provider;
        if (ConnectionString is not null) psi.Environment["KEFU_DB_CONNECTION"] = ConnectionString;
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        psi.Environment["Kefu__Triage__Enabled"] = "false";
        foreach (var (k, v) in _env) psi.Environment[k] = v;

        var n = ++_incarnation;
        Append($"=== start #{n}: {Url} (pid pending) ===");
        var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start dotnet.");
        _process = process;
        Append($"=== pid {process.Id} ===");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) Append($"[{n}] {e.Data}"); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Append($"[{n}!] {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        Admin.Dispose();
        Admin = Client(KefuApp.BootstrapToken);
        await WaitReadyAsync(timeout ?? TimeSpan.FromMinutes(3));
    }

    private async Task WaitReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process!.HasExited) throw new InvalidOperationException($"Kefu exited with code {_process.ExitCode} before it was ready.\n{Log}");
            try
            {
                using var r = await http.GetAsync(Url + "/health/ready");
                if (r.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Kefu was not ready within {timeout.TotalSeconds:0} s.\n{Log}");
            await Task.Delay(100);
        }
    }

    /// <summary>True when /health/ready answers 200 now.</summary>
    public async Task<bool> IsReadyAsync()
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };
        using var r = await http.GetAsync(Url + "/health/ready");
        return r.StatusCode == HttpStatusCode.OK;
    }

    /// <summary>SIGKILL (Process.Kill on Linux): no shutdown code runs, in-flight transactions are cut off.</summary>
    public async Task KillAsync()
    {
        if (_process is null || _process.HasExited) throw new InvalidOperationException("The server is not running (it exited by itself?).\n" + Log);
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        Append($"=== killed (SIGKILL) ===");
    }

    /// <summary>SIGTERM and wait: a graceful stop.</summary>
    public async Task StopAsync()
    {
        if (_process is null || _process.HasExited) return;
        _ = Kill(_process.Id, 15);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try { await _process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); await _process.WaitForExitAsync(); }
    }

    public HttpClient Client(string? token)
    {
        var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A context on the server's database, for the test's checks (the caller disposes it).</summary>
    public KefuDb Db()
    {
        if (Provider == "Sqlite")
        {
            var o = new DbContextOptionsBuilder<SqliteKefuDb>();
            DatabaseSetup.ConfigureSqlite(o, DatabaseSetup.SqliteConnectionString(DataDir), autoCheckpoint: false);
            return new SqliteKefuDb(o.Options);
        }
        var p = new DbContextOptionsBuilder<PostgresKefuDb>();
        DatabaseSetup.ConfigurePostgres(p, ConnectionString!);
        return new PostgresKefuDb(p.Options);
    }

    public async Task<T> DbAsync<T>(Func<KefuDb, Task<T>> query)
    {
        await using var db = Db();
        return await query(db);
    }

    /// <summary>Waits for a condition the server reaches on its own; fails after the deadline (never a fixed sleep).</summary>
    public async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, string what, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await probe() is { } value) return value;
            if (_process is { HasExited: true }) throw new Xunit.Sdk.XunitException($"The server exited while waiting for {what}.");
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException($"Timed out after {timeout.TotalSeconds:0} s waiting for {what}");
            await Task.Delay(50);
        }
    }

    public string Log { get { lock (_log) return _log.ToString(); } }

    private void Append(string line) { lock (_log) _log.AppendLine(line); }

    /// <summary>The server's output so far into the test output (call on failure).</summary>
    public void WriteLogTo(ITestOutputHelper output)
    {
        var log = Log;
        if (log.Length > 200_000) log = "…" + log[^200_000..];
        try { output.WriteLine("Kefu server output ({0}, {1}):\n{2}", Provider, DataDir, log); } catch (InvalidOperationException) { }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_process is { HasExited: false })
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException) { }
        _process?.Dispose();
        Admin.Dispose();
        SqliteConnection.ClearAllPools();
        if (_pgDatabase is not null)
        {
            try
            {
                NpgsqlConnection.ClearAllPools();
                await using var conn = new NpgsqlConnection(PostgresApp.ServerConnectionString);
                await conn.OpenAsync();
                await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_pgDatabase} WITH (FORCE)", conn);
                await cmd.ExecuteNonQueryAsync();
            }
            catch (NpgsqlException) { }
        }
        try { Directory.Delete(DataDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}

/// <summary>The child-process crash tests run one at a time (each is a server under load of its own on 2 cores).</summary>
[CollectionDefinition(Name)]
public sealed class CrashCollection { public const string Name = "crash"; }
