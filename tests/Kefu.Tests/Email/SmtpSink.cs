using System.Diagnostics;
using System.Net.Sockets;
using MimeKit;

namespace Kefu.Tests.Email;

/// <summary>A private SMTP sink (scripts/smtp-sink.py, as ./test.sh starts it) on a port of the test's choosing, for
/// tests where the SMTP server is down first and comes up later.</summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dir;

    private SmtpSink(Process process, string dir) { _process = process; _dir = dir; }

    /// <summary>A port nothing listens on (right now).</summary>
    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public static async Task<SmtpSink> StartAsync(int port)
    {
        var script = Script();
        var dir = Path.Combine(Path.GetTempPath(), "kefu-sink-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var psi = new ProcessStartInfo("/usr/bin/python3") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { script, "--port", port.ToString(), "--dir", dir }) psi.ArgumentList.Add(a);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start python3.");
        var sink = new SmtpSink(process, dir);
        try
        {
            // Up when it accepts a connection (polled; no fixed wait).
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                if (process.HasExited) throw new InvalidOperationException($"smtp-sink.py exited: {await process.StandardError.ReadToEndAsync()}");
                try
                {
                    using var tcp = new TcpClient();
                    await tcp.ConnectAsync(IPAddress.Loopback, port);
                    return sink;
                }
                catch (SocketException) when (DateTime.UtcNow < deadline) { await Task.Delay(50); }
            }
        }
        catch
        {
            await sink.DisposeAsync();
            throw;
        }
    }

    private static string Script()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            var candidate = Path.Combine(d.FullName, "scripts", "smtp-sink.py");
            if (File.Exists(candidate)) return candidate;
        }
        throw new InvalidOperationException("scripts/smtp-sink.py not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Messages this sink accepted for the address.</summary>
    public List<MimeMessage> SentTo(string address) => MailServers.SentTo(address, Path.Combine(_dir, "new"));

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
