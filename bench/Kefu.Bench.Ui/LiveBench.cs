using System.Globalization;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace Kefu.Bench.Ui;

/// <summary>
/// Live propagation between two open workspaces (`--live`): agent A changes the open ticket's priority in her browser,
/// and the time until agent B's browser (another context, same ticket open, no reload) shows it is measured twice: in
/// the open thread (the change as an inline event) and in the list row. Both ends read the same clock (Date.now() in
/// two pages of one browser on one machine). Raw baseline, interleaved run by run: the same two contexts exchange a
/// message through a bare WebSocket broadcast server in this process — the floor for any server push from one browser
/// to another on this machine.
/// </summary>
public static class LiveBench
{
    private const string Observer = """
        id => {
          const live = window.__live = { events: 0, eventAt: 0, row: null, rowAt: 0 };
          const look = () => {
            const n = document.querySelectorAll('#thread .kefu-event').length;
            if (n !== live.events) { live.events = n; live.eventAt = Date.now(); }
            const r = document.querySelector('#row-' + id + ' .kefu-priority')?.textContent ?? null;
            if (r !== live.row) { live.row = r; live.rowAt = Date.now(); }
          };
          look();
          new MutationObserver(look).observe(document, { childList: true, subtree: true, characterData: true });
        }
        """;

    public static async Task RunAsync(string baseUrl, int runs)
    {
        await using var echo = await EchoServer.StartAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium", Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update"],
        });
        // Two people: the supervisor (who may open every team's tickets) changes, a team lead watches a ticket of his own
        // unassigned queue (so it is in his list). KEFU_BENCH_USER / KEFU_BENCH_WATCHER override them.
        var actorUser = Environment.GetEnvironmentVariable("KEFU_BENCH_USER") is { Length: > 0 } u ? u : "supervisor";
        var watcherUser = Environment.GetEnvironmentVariable("KEFU_BENCH_WATCHER") is { Length: > 0 } w ? w : "lead2";
        var actor = await SignInAsync(browser, baseUrl, actorUser);
        var watcher = await SignInAsync(browser, baseUrl, watcherUser);
        var id = await watcher.Locator(".kefu-row").First.GetAttributeAsync("data-ticket-id")
            ?? throw new InvalidOperationException("no ticket in the watcher's list");
        foreach (var p in new[] { actor, watcher })
        {
            await p.GotoAsync($"{baseUrl}/tickets/{id}");
            await p.WaitForSelectorAsync($"#workspace:not([data-prerendered]) #ticket-pane[data-ticket-id='{id}'] #prop-priority");
        }
        if (await watcher.Locator($"#row-{id}").CountAsync() == 0)
            throw new InvalidOperationException($"ticket {id} is not in {watcherUser}'s list; set KEFU_BENCH_WATCHER");
        await watcher.EvaluateAsync(Observer, id);

        // The baseline's pages: the same two contexts, on the echo server's origin (Kefu's CSP allows no other socket).
        var baseA = await actor.Context.NewPageAsync();
        var baseB = await watcher.Context.NewPageAsync();
        foreach (var p in new[] { baseA, baseB })
        {
            await p.GotoAsync(echo.Url);
            await p.WaitForFunctionAsync("() => window.__ready === true");
        }

        var priorities = new[] { "high", "low" };
        var labels = new Dictionary<string, string>();
        foreach (var pr in priorities)
            labels[pr] = await watcher.Locator($"#prop-priority option[value='{pr}']").InnerTextAsync();
        List<double> thread = [], row = [], raw = [];
        Console.WriteLine($"live propagation: ticket {id}, {actorUser} changes the priority, {watcherUser} watches; {runs} runs after 3 warm-up, interleaved with the raw baseline");
        for (var i = 0; i < runs + 3; i++)
        {
            // Kefu: A's change event → B's thread event and list row.
            var pr = priorities[i % 2];
            var before = await watcher.EvaluateAsync<int>("() => window.__live.events");
            var t0 = await actor.EvaluateAsync<double>("""
                v => { const s = document.querySelector('#prop-priority'); s.value = v; const t = Date.now();
                       s.dispatchEvent(new Event('change', { bubbles: true })); return t; }
                """, pr);
            await watcher.WaitForFunctionAsync("([n, label]) => window.__live.events > n && window.__live.row === label",
                new object[] { before, labels[pr] }, new() { Timeout = 60_000 });
            var at = await watcher.EvaluateAsync<double[]>("() => [window.__live.eventAt, window.__live.rowAt]");

            // Baseline: A's page sends, B's page receives.
            var seq = i.ToString(CultureInfo.InvariantCulture);
            var s0 = await baseA.EvaluateAsync<double>("seq => { const t = Date.now(); window.__ws.send(seq); return t; }", seq);
            await baseB.WaitForFunctionAsync("seq => window.__got[seq] !== undefined", seq, new() { Timeout = 60_000 });
            var s1 = await baseB.EvaluateAsync<double>("seq => window.__got[seq]", seq);
            if (i < 3) continue; // warm-up
            thread.Add(at[0] - t0);
            row.Add(at[1] - t0);
            raw.Add(s1 - s0);
        }

        Console.WriteLine($"{"ms (A's change → visible in B)",-44} {"median",8} {"p90",8} {"max",8} {"min",8}");
        Print("raw baseline: WebSocket broadcast A → B", raw);
        Print("Kefu: B's open thread shows the change", thread);
        Print("Kefu: B's list row shows the change", row);
        Console.WriteLine($"Kefu thread median − raw median: {Median(thread) - Median(raw):F0} ms; row: {Median(row) - Median(raw):F0} ms");
        Console.WriteLine($"load average at the end: {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
    }

    private static async Task<IPage> SignInAsync(IBrowser browser, string baseUrl, string user)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new() { Width = 1440, Height = 900 }, Locale = "zh-CN" });
        context.SetDefaultTimeout(120_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync(baseUrl + "/login");
        await page.FillAsync("#username", user);
        await page.FillAsync("#password", "Kefu@2026");
        await page.ClickAsync("#sign-in");
        await page.WaitForSelectorAsync("#workspace:not([data-prerendered]) .kefu-row");
        return page;
    }

    private static void Print(string name, List<double> ms)
    {
        var sorted = ms.Order().ToList();
        Console.WriteLine($"{name,-44} {Median(ms),8:F0} {sorted[(int)Math.Ceiling(0.9 * sorted.Count) - 1],8:F0} {sorted[^1],8:F0} {sorted[0],8:F0}");
    }

    private static double Median(List<double> ms)
    {
        var s = ms.Order().ToList();
        return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
    }

    /// <summary>A page and a WebSocket endpoint that sends every message it receives to every socket (the sender too).</summary>
    private sealed class EchoServer : IAsyncDisposable
    {
        private const string Page = """
            <!doctype html><meta charset="utf-8"><title>echo</title><script>
            window.__got = {};
            const ws = window.__ws = new WebSocket(location.origin.replace('http', 'ws') + '/ws');
            ws.onmessage = e => { window.__got[e.data] = Date.now(); };
            ws.onopen = () => { window.__ready = true; };
            </script>
            """;

        private readonly WebApplication _app;
        private readonly List<WebSocket> _sockets = [];

        private EchoServer(WebApplication app) => _app = app;

        public string Url { get; private set; } = "";

        public static async Task<EchoServer> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var server = new EchoServer(app);
            app.UseWebSockets();
            app.MapGet("/", () => Results.Content(Page, "text/html; charset=utf-8"));
            app.Map("/ws", async (HttpContext http) =>
            {
                if (!http.WebSockets.IsWebSocketRequest) { http.Response.StatusCode = 400; return; }
                using var socket = await http.WebSockets.AcceptWebSocketAsync();
                lock (server._sockets) server._sockets.Add(socket);
                var buffer = new byte[1024];
                while (socket.State == WebSocketState.Open)
                {
                    var r = await socket.ReceiveAsync(buffer, CancellationToken.None);
                    if (r.MessageType == WebSocketMessageType.Close) break;
                    WebSocket[] all;
                    lock (server._sockets) all = [.. server._sockets];
                    foreach (var s in all)
                        if (s.State == WebSocketState.Open) await s.SendAsync(buffer.AsMemory(0, r.Count), WebSocketMessageType.Text, true, CancellationToken.None);
                }
                lock (server._sockets) server._sockets.Remove(socket);
            });
            await app.StartAsync();
            server.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/";
            return server;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
