using System.Net.Http.Headers;
using System.Text;
using Kefu.Tickets;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace Kefu.Tests.Platform;

/// <summary>
/// Graceful shutdown for real: Kefu as a child process gets SIGTERM with events committed but not yet delivered and an
/// upload still sending its body. The upload completes (201, stored), the outbox is drained before the process exits
/// (no undelivered row left), and the process exits cleanly.
/// </summary>
public abstract class ShutdownTests(ITestOutputHelper output)
{
    protected abstract string Provider { get; }

    [Fact]
    public async Task Sigterm_finishes_the_request_in_flight_and_drains_the_outbox()
    {
        await using var kefu = await KefuProcess.CreateAsync(Provider, new Dictionary<string, string>
        {
            // "Request starting …" tells the test the server has begun the upload (no guessing with sleeps).
            ["Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information",
        });
        try
        {
            await kefu.StartAsync();
            var team = (await KefuApp.PostOk(kefu.Admin, "/api/v1/teams", new { name = "Shutdown" }))["id"]!.GetValue<int>();

            // A burst of creates right before the signal: their events are committed, most not yet delivered.
            var creates = Enumerable.Range(0, 40).Select(i => KefuApp.PostOk(kefu.Admin, "/api/v1/tickets", new
            {
                subject = $"关机前的工单 {i}", teamId = team, customer = new { email = $"shutdown{i}@example.com" }, message = new { body = "请尽快处理" },
            }));
            await Task.WhenAll(creates);

            // An upload whose body is held back until after the signal.
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var form = new MultipartFormDataContent();
            var file = new StreamContent(new GatedStream(Encoding.UTF8.GetBytes(new string('x', 64 * 1024)), gate.Task));
            file.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
            form.Add(file, "file", "in-flight.txt");
            var upload = kefu.Admin.PostAsync("/api/v1/attachments", form);
            await kefu.EventuallyAsync<object>(() => Task.FromResult<object?>(
                kefu.Log.Split('\n').Any(l => l.Contains("Request starting") && l.Contains("/api/v1/attachments")) ? true : null),
                "the server to begin the upload", TimeSpan.FromSeconds(60));

            var pending = await kefu.DbAsync(db => db.Outbox.CountAsync(m => m.DispatchedAt == null));
            output.WriteLine($"undelivered events at SIGTERM: {pending}");
            var stopping = kefu.StopAsync(); // sends SIGTERM before its first await
            gate.SetResult();

            var response = await upload;
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            var id = (await KefuApp.Json(response))["id"]!.GetValue<long>();
            await stopping;
            Assert.Equal(0, kefu.ExitCode);

            Assert.Equal(0, await kefu.DbAsync(db => db.Outbox.CountAsync(m => m.DispatchedAt == null)));
            Assert.Equal(40, await kefu.DbAsync(db => db.Set<Ticket>().CountAsync()));
            Assert.Equal(64 * 1024, await kefu.DbAsync(db => db.Set<Attachment>().Where(a => a.Id == id).Select(a => a.Size).SingleAsync()));
            Assert.DoesNotContain("Shutdown reached before the outbox was drained", kefu.Log);
        }
        catch
        {
            kefu.WriteLogTo(output);
            throw;
        }
    }

    /// <summary>Gives its first 8 KiB at once, the rest once <paramref name="gate"/> completes.</summary>
    private sealed class GatedStream(byte[] data, Task gate) : Stream
    {
        private int _position;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => data.Length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();
        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct)
        {
            if (_position >= 8192) await gate.WaitAsync(ct);
            var n = Math.Min(Math.Min(count, data.Length - _position), _position < 8192 ? 8192 - _position : int.MaxValue);
            Array.Copy(data, _position, buffer, offset, n);
            _position += n;
            return n;
        }
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            var array = new byte[buffer.Length];
            return new ValueTask<int>(ReadAsync(array, 0, array.Length, ct).ContinueWith(t => { array.AsSpan(0, t.Result).CopyTo(buffer.Span); return t.Result; },
                TaskContinuationOptions.ExecuteSynchronously));
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

[Collection(CrashCollection.Name)]
public sealed class SqliteShutdownTests(ITestOutputHelper output) : ShutdownTests(output)
{
    protected override string Provider => "Sqlite";
}

[Collection(CrashCollection.Name)]
public sealed class PostgresShutdownTests(ITestOutputHelper output) : ShutdownTests(output)
{
    protected override string Provider => "Postgres";
}
