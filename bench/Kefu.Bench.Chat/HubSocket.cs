using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Kefu.Bench.Chat;

/// <summary>
/// A widget-like SignalR client: a raw socket bound to a chosen loopback source address, the WebSocket upgrade written
/// by hand, then the JSON hub protocol (handshake, invocations, completions, pings) — no negotiation, as the widget
/// does. Cheap enough to hold 10,000 in the load generator (one 4 KB receive buffer each).
/// </summary>
public sealed class HubSocket : IAsyncDisposable
{
    private const byte RS = 0x1e;
    private static readonly byte[] Ping = Encoding.UTF8.GetBytes("{\"type\":6}\u001e");
    private readonly WebSocket _ws;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ConcurrentDictionary<long, TaskCompletionSource<JsonElement>> _pending = new();
    private long _nextId;
    private long _lastSend = Environment.TickCount64;

    /// <summary>Called with each pushed invocation's target and first argument (on the receive loop).</summary>
    public Action<string, JsonElement>? OnPush { get; set; }

    private HubSocket(WebSocket ws) => _ws = ws;

    public static async Task<HubSocket> ConnectAsync(IPEndPoint server, IPAddress source, string path, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Bind(new IPEndPoint(source, 0));
            await socket.ConnectAsync(server, ct);
            var stream = new NetworkStream(socket, ownsSocket: true);
            var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            await stream.WriteAsync(Encoding.ASCII.GetBytes(
                $"GET {path} HTTP/1.1\r\nHost: {server}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"), ct);
            // The server sends nothing after the 101 until our SignalR handshake, so reading up to the blank line is exact.
            var head = new List<byte>(256);
            var one = new byte[1];
            while (head.Count < 4 || !(head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
            {
                if (await stream.ReadAsync(one, ct) == 0) throw new IOException("Connection closed during the upgrade.");
                head.Add(one[0]);
                if (head.Count > 8192) throw new IOException("Upgrade response too long.");
            }
            var status = Encoding.ASCII.GetString(head.ToArray());
            if (!status.StartsWith("HTTP/1.1 101", StringComparison.Ordinal)) throw new IOException("Upgrade refused: " + status.Split('\r')[0]);
            var ws = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = Timeout.InfiniteTimeSpan });
            var client = new HubSocket(ws);
            await client.SendRawAsync(Encoding.UTF8.GetBytes("{\"protocol\":\"json\",\"version\":1}\u001e"), ct);
            var buffer = new byte[4096];
            var r = await ws.ReceiveAsync(buffer, ct);
            var reply = Encoding.UTF8.GetString(buffer, 0, r.Count).TrimEnd('\u001e');
            if (reply != "{}") throw new IOException("Handshake refused: " + reply);
            _ = client.ReceiveLoopAsync(buffer);
            return client;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Invokes a hub method; completes with the result when the server's completion arrives.</summary>
    public async Task<JsonElement> InvokeAsync(string target, params object?[] args)
    {
        var id = Interlocked.Increment(ref _nextId);
        var tcs = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = tcs;
        var json = JsonSerializer.SerializeToUtf8Bytes(new { type = 1, invocationId = id.ToString(), target, arguments = args }, Json.Options);
        var frame = new byte[json.Length + 1];
        json.CopyTo(frame, 0);
        frame[^1] = RS;
        await SendRawAsync(frame, CancellationToken.None);
        return await tcs.Task;
    }

    /// <summary>The client side of keep-alive: the server drops a connection silent for 30 s.</summary>
    public Task PingIfIdleAsync(TimeSpan idle) =>
        Environment.TickCount64 - Interlocked.Read(ref _lastSend) >= idle.TotalMilliseconds ? SendRawAsync(Ping, CancellationToken.None) : Task.CompletedTask;

    public bool Open => _ws.State == WebSocketState.Open;

    private async Task SendRawAsync(byte[] frame, CancellationToken ct)
    {
        await _sendLock.WaitAsync(ct);
        try
        {
            await _ws.SendAsync(frame, WebSocketMessageType.Text, true, ct);
            Interlocked.Exchange(ref _lastSend, Environment.TickCount64);
        }
        finally { _sendLock.Release(); }
    }

    private async Task ReceiveLoopAsync(byte[] buffer)
    {
        byte[]? big = null;
        var length = 0;
        try
        {
            while (_ws.State == WebSocketState.Open)
            {
                var r = await _ws.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
                if (r.MessageType == WebSocketMessageType.Close) break;
                if (r.EndOfMessage && length == 0)
                {
                    Dispatch(buffer.AsSpan(0, r.Count));
                    continue;
                }
                big ??= ArrayPool<byte>.Shared.Rent(64 * 1024);
                buffer.AsSpan(0, r.Count).CopyTo(big.AsSpan(length));
                length += r.Count;
                if (!r.EndOfMessage) continue;
                Dispatch(big.AsSpan(0, length));
                length = 0;
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException) { }
        finally
        {
            if (big is not null) ArrayPool<byte>.Shared.Return(big);
            foreach (var (_, tcs) in _pending) tcs.TrySetException(new IOException("Connection closed."));
        }
    }

    private void Dispatch(ReadOnlySpan<byte> data)
    {
        while (data.Length > 0)
        {
            var end = data.IndexOf(RS);
            if (end < 0) return;
            var frame = data[..end];
            data = data[(end + 1)..];
            var reader = new Utf8JsonReader(frame);
            using var doc = JsonDocument.ParseValue(ref reader);
            var root = doc.RootElement;
            switch (root.GetProperty("type").GetInt32())
            {
                case 1 when OnPush is { } push && root.TryGetProperty("arguments", out var args) && args.GetArrayLength() > 0:
                    push(root.GetProperty("target").GetString()!, args[0].Clone());
                    break;
                case 3 when root.TryGetProperty("invocationId", out var idProp) && _pending.TryRemove(long.Parse(idProp.GetString()!), out var tcs):
                    if (root.TryGetProperty("error", out var error)) tcs.TrySetException(new HubError(error.GetString() ?? "error"));
                    else tcs.TrySetResult(root.TryGetProperty("result", out var result) ? result.Clone() : default);
                    break;
                case 7:
                    return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            if (_ws.State == WebSocketState.Open) await _ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException) { }
        _ws.Dispose();
    }
}

public sealed class HubError(string message) : Exception(message);

internal static class Json
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
