using System.Net;
using System.Net.Http.Headers;

namespace Kefu.Bench.Tickets;

/// <summary>HTTP side: one pooled SocketsHttpHandler (keep-alive, no proxy, loopback only) shared by all workers.</summary>
public sealed class ApiLoad : IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };
    private readonly HttpClient _http;

    public ApiLoad(string baseUrl, string token)
    {
        if (!new Uri(baseUrl).IsLoopback) throw new ArgumentException("The benchmark only talks to 127.0.0.1.");
        _http = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            MaxConnectionsPerServer = 256,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.None,
        })
        {
            BaseAddress = new Uri(baseUrl),
            Timeout = TimeSpan.FromSeconds(60),
        };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>POST /api/v1/tickets; success is 201 Created.</summary>
    public Operation Create() => async (seq, ct) =>
    {
        using var content = new ByteArrayContent(Workload.CreateBody(seq));
        content.Headers.ContentType = Json;
        using var r = await _http.PostAsync("/api/v1/tickets", content, ct);
        var body = await r.Content.ReadAsByteArrayAsync(ct);
        return r.StatusCode == HttpStatusCode.Created ? null : $"{(int)r.StatusCode}: {Truncate(body)}";
    };

    /// <summary>GET /api/v1/tickets?teamId=…&amp;status=open&amp;limit=50, rotating over the teams; checks a full page came back.</summary>
    public Operation List(int[] teamIds, int limit) => async (seq, ct) =>
    {
        var team = teamIds[seq % teamIds.Length];
        using var r = await _http.GetAsync($"/api/v1/tickets?teamId={team}&status=open&limit={limit}", ct);
        var body = await r.Content.ReadAsByteArrayAsync(ct);
        if (r.StatusCode != HttpStatusCode.OK) return $"{(int)r.StatusCode}: {Truncate(body)}";
        // A cheap sanity check without parsing: a full page carries a next cursor.
        return body.AsSpan().IndexOf("\"nextCursor\":\"\""u8) >= 0 || body.AsSpan().IndexOf("\"nextCursor\":\""u8) < 0
            ? "page without nextCursor (fewer rows than expected)"
            : null;
    };

    /// <summary>GET /health/live: the middleware pipeline with no database work — the HTTP floor of this machine.</summary>
    public Operation Live() => async (_, ct) =>
    {
        using var r = await _http.GetAsync("/health/live", ct);
        await r.Content.ReadAsByteArrayAsync(ct);
        return r.StatusCode == HttpStatusCode.OK ? null : $"{(int)r.StatusCode}";
    };

    public async Task<string> GetStringAsync(string path, CancellationToken ct) => await _http.GetStringAsync(path, ct);

    private static string Truncate(byte[] body)
    {
        var s = System.Text.Encoding.UTF8.GetString(body);
        return s.Length > 300 ? s[..300] + "…" : s;
    }

    public void Dispose() => _http.Dispose();
}
