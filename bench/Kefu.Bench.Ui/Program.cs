using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;

// Measures how fast the agent workspace becomes usable, in a real browser against a running Kefu (bench/ui/run.sh
// starts one with demo data). Each load is a fresh tab of a signed-in context (HTTP cache warm, as for an agent
// who opens Kefu every morning). In-page times come from a MutationObserver installed before the page's own
// scripts, relative to navigation start; the baseline is the static sign-in page (no circuit) in the same run.
var baseUrl = args.Length > 0 ? args[0].TrimEnd('/') : "http://127.0.0.1:5080";
var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 15;
// --live: propagation of a change from one open workspace to another (LiveBench), instead of the load measurements.
if (args.Contains("--live"))
{
    await Kefu.Bench.Ui.LiveBench.RunAsync(baseUrl, runs);
    return;
}
var trace = args.Contains("--timeline"); // print each load's navigation and resource timings (where the time goes)
// --trace=<file>: a Chromium performance trace of one warm workspace load (navigation → probe click answered), for
// chrome://tracing or a script that sums the renderer main thread's work by kind (bench/ui/trace-summary.py).
var traceFile = args.FirstOrDefault(a => a.StartsWith("--trace=", StringComparison.Ordinal))?["--trace=".Length..];
const string Marks = """
    (() => {
      const marks = window.__marks = {};
      const check = () => {
        const t = performance.now();
        // First paint of the views (prerendered or not), and the workspace rendered by the circuit: a prerendered
        // copy carries data-prerendered (and is inert), so "interactive" is only the circuit's own render, whose
        // event handlers are wired. To prove it, one click is sent at that moment (the filter toggle) and its answer
        // (the filter bar shown) is "first click answered".
        if (!marks.shell && document.querySelector('#view-unassigned')) marks.shell = t;
        if (!marks.interactive && document.querySelector('#workspace:not([data-prerendered]) #view-unassigned')) {
          marks.interactive = t;
          document.getElementById('filter-toggle').click();
        }
        if (marks.interactive && !marks.acted && document.querySelector('#filters')) marks.acted = t;
        if (!marks.rows && document.querySelector('.kefu-row')) marks.rows = t;
        const all = document.querySelector('#count-all');
        if (!marks.counts && all && all.textContent.trim() !== '…') marks.counts = t;
      };
      new MutationObserver(check).observe(document, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ['data-prerendered'] });
      document.addEventListener('DOMContentLoaded', () => {
        marks.dcl = performance.now();
        // The page's HTML: first byte (the server's prerender, or the streamed shell) and last byte. The time origin is
        // the navigation's start (the request goes out a few ms later), so everything here includes the server.
        const n = performance.getEntriesByType('navigation')[0];
        marks.ttfb = n.responseStart; marks.html = n.responseEnd;
        check();
      });
      // Where the time after DOMContentLoaded goes: the circuit's WebSocket opened (after blazor.web.js started,
      // fetched its initializers and negotiated), then the first render batch arrived.
      const Ws = window.WebSocket;
      window.WebSocket = class extends Ws {
        constructor(...a) { super(...a); this.addEventListener('open', () => { marks.ws ??= performance.now(); }); }
      };
    })();
    """;

using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
{
    ExecutablePath = "/usr/bin/chromium", Headless = true,
    Args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update"],
});
// What the browser runs with (Playwright adds its automation defaults to the flags above): printed so a reader can check
// that nothing in it makes page loads cheaper than in an agent's browser.
{
    var cdp0 = await browser.NewBrowserCDPSessionAsync();
    var procs = await cdp0.SendAsync("SystemInfo.getProcessInfo"); // the browser process's id, for its /proc command line
    var browserPid = procs!.Value.GetProperty("processInfo").EnumerateArray().First(x => x.GetProperty("type").GetString() == "browser").GetProperty("id").GetInt32();
    var cmd = File.ReadAllText($"/proc/{browserPid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
    Console.WriteLine($"browser: Chromium {browser.Version}; command line: " + string.Join(' ', cmd
        .Where(a => !a.StartsWith("--user-data-dir", StringComparison.Ordinal) && !a.StartsWith("--remote-debugging", StringComparison.Ordinal))));
    await cdp0.DetachAsync();
}
var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new() { Width = 1440, Height = 900 }, Locale = "zh-CN" });
context.SetDefaultTimeout(120_000); // a shared, saturated machine (load 80+) once took over 30 s to sign in
await context.AddInitScriptAsync(Marks);

// Baseline: the static sign-in page, signed out.
var anonymous = await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "zh-CN" });
await anonymous.AddInitScriptAsync(Marks);
var login = new List<double>();
for (var i = 0; i < runs + 2; i++)
{
    var p = await anonymous.NewPageAsync();
    await p.GotoAsync(baseUrl + "/login", new() { WaitUntil = WaitUntilState.DOMContentLoaded });
    await p.WaitForFunctionAsync("() => window.__marks.dcl");
    if (i >= 2) login.Add(await p.EvaluateAsync<double>("() => window.__marks.dcl"));
    if (trace && i >= runs) { Console.WriteLine("sign-in page:"); await PrintTimelineAsync(p); }
    await p.CloseAsync();
}

var page = await context.NewPageAsync();
if (trace) page.Console += (_, m) => Console.WriteLine($"console {m.Type}: {m.Text}");
await page.GotoAsync(baseUrl + "/");
// The signed-in user's first view (Unassigned) must list tickets. An agent's Unassigned view is his teams' queue,
// which routing may have emptied by assigning it (on a fresh demo database agent1's was empty in session 7), so the
// bench signs in as the supervisor, whose Unassigned view spans every team. KEFU_BENCH_USER overrides it.
var user = Environment.GetEnvironmentVariable("KEFU_BENCH_USER") is { Length: > 0 } u ? u : "supervisor";
await page.FillAsync("#username", user);
await page.FillAsync("#password", "Kefu@2026");
await page.ClickAsync("#sign-in");
try { await page.WaitForSelectorAsync(".kefu-row"); }
catch (TimeoutException) when (trace)
{
    var htmlNow = await page.ContentAsync();
    var at = Math.Max(0, htmlNow.IndexOf("kefu-main", StringComparison.Ordinal)); Console.WriteLine($"no rows after sign-in at {page.Url}: {htmlNow.Substring(at, Math.Min(4000, htmlNow.Length - at)).ReplaceLineEndings(" ")}");
    throw;
}
// Cold loads need the session cookie without the cache: the signed-in state is copied into a fresh context per load.
var signedIn = await context.StorageStateAsync();
await page.CloseAsync();

if (traceFile is not null)
{
    var t = await context.NewPageAsync();
    await t.GotoAsync(baseUrl + "/"); // warm-up load: the cache and the code cache as for the measured loads
    await t.WaitForFunctionAsync("() => window.__marks.acted");
    await t.CloseAsync();
    var tp = await context.NewPageAsync();
    var tracing = await browser.NewBrowserCDPSessionAsync();
    var events = new List<System.Text.Json.JsonElement>();
    var done = new TaskCompletionSource();
    tracing.Event("Tracing.dataCollected").OnEvent += (_, e) => { lock (events) events.AddRange(e!.Value.GetProperty("value").EnumerateArray().Select(x => x.Clone())); };
    tracing.Event("Tracing.tracingComplete").OnEvent += (_, _) => done.TrySetResult();
    await tracing.SendAsync("Tracing.start", new() { ["traceConfig"] = new Dictionary<string, object> {
        ["includedCategories"] = new[] { "devtools.timeline", "disabled-by-default-devtools.timeline", "v8.execute", "blink", "loading", "toplevel", "__metadata" } } });
    await tp.GotoAsync(baseUrl + "/");
    await tp.WaitForFunctionAsync("() => window.__marks.acted");
    await tracing.SendAsync("Tracing.end");
    await done.Task;
    await File.WriteAllTextAsync(traceFile, System.Text.Json.JsonSerializer.Serialize(new { traceEvents = events }));
    var tm = await tp.EvaluateAsync<Dictionary<string, double>>("() => window.__marks");
    Console.WriteLine("traced load, marks: " + string.Join(", ", tm.Select(kv => $"{kv.Key} {kv.Value:F0}")));
    Console.WriteLine($"trace written to {traceFile}");
    return;
}

var fcp = new List<double>(); var ttfb = new List<double>(); var html = new List<double>();
var dcl = new List<double>(); var ws = new List<double>(); var shell = new List<double>(); var rows = new List<double>(); var counts = new List<double>();
var interactive = new List<double>(); var acted = new List<double>();
var open = new List<double>(); var openThread = new List<double>();
List<double>? navProfile = null, navBack = null;
// CPU per load, which survives a loaded machine better than wall time: every Chromium process (browser, renderer,
// GPU, network; CDP SystemInfo.getProcessInfo) and, when KEFU_BENCH_SERVER_PID names it, the server process
// (utime + stime from /proc, 10 ms ticks), from the navigation until the probe click was answered.
var browserCpu = new List<double>(); var serverCpu = new List<double>();
var browserCdp = await browser.NewBrowserCDPSessionAsync();
async Task<double> BrowserCpuMsAsync()
{
    var info = await browserCdp.SendAsync("SystemInfo.getProcessInfo");
    return info!.Value.GetProperty("processInfo").EnumerateArray().Sum(x => x.GetProperty("cpuTime").GetDouble()) * 1000;
}
var serverPid = Environment.GetEnvironmentVariable("KEFU_BENCH_SERVER_PID");
double ServerCpuMs()
{
    if (string.IsNullOrEmpty(serverPid)) return double.NaN;
    var stat = File.ReadAllText($"/proc/{serverPid}/stat");
    var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // fields from the 3rd on: utime is the 14th, stime the 15th
    return (double.Parse(f[11], CultureInfo.InvariantCulture) + double.Parse(f[12], CultureInfo.InvariantCulture)) * 10;
}
for (var i = 0; i < runs + 2; i++)
{
    var p = await context.NewPageAsync();
    var (browserCpu0, serverCpu0) = (await BrowserCpuMsAsync(), ServerCpuMs());
    await p.GotoAsync(baseUrl + "/");
    await p.WaitForFunctionAsync("() => window.__marks.rows && window.__marks.counts && window.__marks.acted");
    var (browserCpu1, serverCpu1) = (await BrowserCpuMsAsync(), ServerCpuMs());
    if (trace)
    {
        await PrintTimelineAsync(p);
        // The renderer's own work for this tab so far (CDP Performance domain): where the CPU time went.
        var cdp = await context.NewCDPSessionAsync(p);
        await cdp.SendAsync("Performance.enable");
        var metrics = await cdp.SendAsync("Performance.getMetrics");
        var wanted = new[] { "TaskDuration", "ScriptDuration", "RecalcStyleDuration", "LayoutDuration", "V8CompileDuration", "Nodes", "LayoutCount", "RecalcStyleCount" };
        Console.WriteLine("  renderer: " + string.Join(", ", metrics!.Value.GetProperty("metrics").EnumerateArray()
            .Where(x => wanted.Contains(x.GetProperty("name").GetString()))
            .Select(x => $"{x.GetProperty("name").GetString()} {x.GetProperty("value").GetDouble() * (x.GetProperty("name").GetString()!.EndsWith("Duration") ? 1000 : 1):F0}")));
    }
    await p.ClickAsync("#filter-toggle"); // close the filter bar the probe opened
    await p.WaitForSelectorAsync("#filters", new() { State = WaitForSelectorState.Detached });
    var m = await p.EvaluateAsync<Dictionary<string, double>>("() => window.__marks");
    var pageFcp = await p.EvaluateAsync<double>("() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN");
    // Open the first ticket of the list: click to its thread shown (measured in the page, from the click).
    var id = await p.Locator(".kefu-row").First.GetAttributeAsync("data-ticket-id");
    var sw = Stopwatch.StartNew();
    var inPage = await p.EvaluateAsync<double[]>("""
        id => new Promise(resolve => {
          const t0 = performance.now(); let pane = 0;
          const check = () => {
            const el = document.querySelector(`#ticket-pane[data-ticket-id='${id}']`);
            if (el && !pane) pane = performance.now() - t0;
            if (el && el.querySelector('#thread article')) { obs.disconnect(); resolve([pane, performance.now() - t0]); }
          };
          const obs = new MutationObserver(check);
          obs.observe(document, { childList: true, subtree: true });
          document.getElementById('row-' + id).click();
        })
        """, id);
    sw.Stop();
    if (i >= 2)
    {
        browserCpu.Add(browserCpu1 - browserCpu0); serverCpu.Add(serverCpu1 - serverCpu0);
        fcp.Add(pageFcp); ttfb.Add(m["ttfb"]); html.Add(m["html"]); dcl.Add(m["dcl"]); ws.Add(m.GetValueOrDefault("ws", double.NaN)); shell.Add(m["shell"]);
        interactive.Add(m["interactive"]); acted.Add(m["acted"]); rows.Add(m["rows"]); counts.Add(m["counts"]);
        open.Add(inPage[0]); openThread.Add(inPage[1]);
    }
    if (i >= 2)
    {
        // In-app navigation on the same circuit (the router, no page load): workspace → profile → workspace.
        (navProfile, navBack) = (navProfile ?? [], navBack ?? []);
        navProfile.Add(await ClickAndWaitAsync(p, "#nav-profile", "#profile-display-name"));
        navBack.Add(await ClickAndWaitAsync(p, ".mud-appbar a[href='/']", "#workspace:not([data-prerendered]) .kefu-row"));
    }
    await p.CloseAsync();
}

// Raw baseline: what this browser on this machine takes for a static page of the same size, in the same run and the
// same (warm) context. The workspace's own prerendered HTML as a plain file, served by a tiny HTTP server on another
// port of 127.0.0.1 (same site, so the HTTP cache is shared; its <base> points at Kefu for the assets), in two forms:
// "HTML only" (stylesheets and scripts removed) and "HTML + the same CSS/JS" (every stylesheet and script of the page,
// blazor.web.js included, only circuit.js removed, so Blazor never starts). Measured: DOMContentLoaded, first
// contentful paint, and browser CPU from the navigation to the load event plus two animation frames (painted).
var rawPlain = new List<double>(); var rawPlainFcp = new List<double>(); var rawPlainCpu = new List<double>();
var rawAssets = new List<double>(); var rawAssetsFcp = new List<double>(); var rawAssetsCpu = new List<double>();
var workspaceHtml = await (await context.APIRequest.GetAsync(baseUrl + "/")).TextAsync();
var noBlazor = System.Text.RegularExpressions.Regex.Replace(
    System.Text.RegularExpressions.Regex.Replace(workspaceHtml, "<!--Blazor[^>]*-->", ""),
    "<base href=\"/\"\\s*/?>", $"<base href=\"{baseUrl}/\">");
if (!noBlazor.Contains($"<base href=\"{baseUrl}/\">", StringComparison.Ordinal)) throw new InvalidOperationException("raw baseline: no <base href=\"/\"> to point at Kefu");
var rawPages = new Dictionary<string, string>
{
    ["/raw-assets"] = System.Text.RegularExpressions.Regex.Replace(noBlazor, "<script src=\"[^\"]*circuit[^\"]*\"></script>", ""),
    ["/raw-plain"] = System.Text.RegularExpressions.Regex.Replace(
        System.Text.RegularExpressions.Regex.Replace(noBlazor, "<script[^>]*>[\\s\\S]*?</script>", ""), "<link [^>]*rel=\"stylesheet\"[^>]*>", ""),
};
var rawListener = new System.Net.HttpListener();
var rawPort = FreePort();
rawListener.Prefixes.Add($"http://127.0.0.1:{rawPort}/");
rawListener.Start();
_ = Task.Run(async () =>
{
    while (rawListener.IsListening)
    {
        System.Net.HttpListenerContext c;
        try { c = await rawListener.GetContextAsync(); } catch { break; }
        var body = System.Text.Encoding.UTF8.GetBytes(rawPages.GetValueOrDefault(c.Request.Url!.AbsolutePath, ""));
        c.Response.StatusCode = body.Length > 0 ? 200 : 404;
        c.Response.ContentType = "text/html; charset=utf-8";
        c.Response.Headers["Cache-Control"] = "no-store"; // like the workspace's own HTML: fetched on every load
        c.Response.ContentLength64 = body.Length;
        await c.Response.OutputStream.WriteAsync(body);
        c.Response.Close();
    }
});
foreach (var (path, dclList, fcpList, cpuList) in new[] { ("/raw-plain", rawPlain, rawPlainFcp, rawPlainCpu), ("/raw-assets", rawAssets, rawAssetsFcp, rawAssetsCpu) })
{
    for (var i = 0; i < runs + 2; i++)
    {
        var p = await context.NewPageAsync();
        var cpu0 = await BrowserCpuMsAsync();
        await p.GotoAsync($"http://127.0.0.1:{rawPort}{path}", new() { WaitUntil = WaitUntilState.Load });
        var m = await p.EvaluateAsync<double[]>("""
            () => new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(() => {
              const fcp = performance.getEntriesByName('first-contentful-paint')[0];
              resolve([window.__marks.dcl, fcp ? fcp.startTime : NaN]);
            })))
            """);
        var cpu1 = await BrowserCpuMsAsync();
        if (i >= 2) { dclList.Add(m[0]); fcpList.Add(m[1]); cpuList.Add(cpu1 - cpu0); }
        if (i == 0 && path == "/raw-assets" && await p.EvaluateAsync<int>("() => document.styleSheets.length") < 3)
            throw new InvalidOperationException("raw baseline: the page's stylesheets did not load");
        if (trace && i == runs + 1) { Console.WriteLine($"raw page {path}:"); await PrintTimelineAsync(p); }
        await p.CloseAsync();
    }
}
rawListener.Stop();
static int FreePort()
{
    var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
    l.Start();
    var port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
    l.Stop();
    return port;
}

// Cold loads: a new browser context per load (empty HTTP cache, no compiled-code cache, a new renderer), signed in
// through the copied cookies: the first visit of the day on a new machine, or after an upgrade changed every asset.
var coldDcl = new List<double>(); var coldWs = new List<double>(); var coldShell = new List<double>(); var coldInteractive = new List<double>();
var coldBytes = new List<double>();
for (var i = 0; i < Math.Max(3, runs / 2); i++)
{
    await using var cold = await browser.NewContextAsync(new BrowserNewContextOptions
    {
        ViewportSize = new() { Width = 1440, Height = 900 }, Locale = "zh-CN", StorageState = signedIn,
    });
    cold.SetDefaultTimeout(120_000);
    await cold.AddInitScriptAsync(Marks);
    var p = await cold.NewPageAsync();
    await p.GotoAsync(baseUrl + "/");
    await p.WaitForFunctionAsync("() => window.__marks.rows && window.__marks.interactive");
    var m = await p.EvaluateAsync<Dictionary<string, double>>("() => window.__marks");
    coldDcl.Add(m["dcl"]); coldWs.Add(m.GetValueOrDefault("ws", double.NaN)); coldShell.Add(m["shell"]); coldInteractive.Add(m["interactive"]);
    coldBytes.Add(await p.EvaluateAsync<double>("() => performance.getEntriesByType('resource').reduce((a, r) => a + r.transferSize, 0) + performance.getEntriesByType('navigation')[0].transferSize"));
    await p.CloseAsync();
}

static async Task<double> ClickAndWaitAsync(IPage p, string click, string until) => await p.EvaluateAsync<double>("""
    ([click, until]) => new Promise(resolve => {
      const t0 = performance.now();
      const check = () => { if (document.querySelector(until)) { obs.disconnect(); resolve(performance.now() - t0); } };
      const obs = new MutationObserver(check);
      obs.observe(document, { childList: true, subtree: true, attributes: true });
      document.querySelector(click).click();
    })
    """, new[] { click, until });

static string Row(string name, List<double> v)
{
    var s = v.Order().ToList();
    double P(double q) => s[Math.Min(s.Count - 1, (int)Math.Ceiling(q * s.Count) - 1)];
    return $"| {name} | {P(0.5):F0} | {P(0.9):F0} | {s[^1]:F0} |";
}
Console.WriteLine($"runs: {runs} (after 2 warm-up loads), {baseUrl}, signed in as {user}");
Console.WriteLine("| measure (ms) | p50 | p90 | max |");
Console.WriteLine("|---|---:|---:|---:|");
Console.WriteLine(Row("baseline: sign-in page (static) DOMContentLoaded", login));
Console.WriteLine(Row("workspace HTML first byte", ttfb));
Console.WriteLine(Row("workspace HTML complete", html));
Console.WriteLine(Row("workspace DOMContentLoaded", dcl));
Console.WriteLine(Row("workspace circuit WebSocket open", ws));
Console.WriteLine(Row("  WebSocket open − DOMContentLoaded (per load: Blazor's start before the circuit exists)", ws.Zip(dcl, (a, b) => a - b).ToList()));
Console.WriteLine(Row("workspace views first painted (prerendered or by the circuit)", shell));
Console.WriteLine(Row("workspace first contentful paint (the browser's paint timing)", fcp));
Console.WriteLine(Row("workspace interactive (views rendered by the circuit, handlers wired)", interactive));
Console.WriteLine(Row("  interactive − WebSocket open (per load: circuit start, first batch applied)", interactive.Zip(ws, (a, b) => a - b).ToList()));
Console.WriteLine(Row("first click answered (sent at interactive; filter bar shown)", acted));
Console.WriteLine(Row("first ticket rows shown", rows));
Console.WriteLine(Row("view counts shown", counts));
Console.WriteLine(Row("open a ticket: click → pane", open));
Console.WriteLine(Row("open a ticket: click → thread shown", openThread));
Console.WriteLine(Row("workspace load CPU ms, all browser processes (navigation → click answered)", browserCpu));
if (!string.IsNullOrEmpty(serverPid)) Console.WriteLine(Row("workspace load CPU ms, server process", serverCpu));
Console.WriteLine(Row("in-app: workspace → profile (click → profile shown)", navProfile!));
Console.WriteLine(Row("in-app: profile → workspace (click → rows shown, circuit's render)", navBack!));
Console.WriteLine(Row("raw baseline: HTML only (the workspace's HTML as a static page): DOMContentLoaded", rawPlain));
Console.WriteLine(Row("raw baseline: HTML only: first contentful paint", rawPlainFcp));
Console.WriteLine(Row("raw baseline: HTML only: CPU ms, all browser processes (navigation → load, painted)", rawPlainCpu));
Console.WriteLine(Row("raw baseline: HTML + CSS/JS (the same files, Blazor not started): DOMContentLoaded", rawAssets));
Console.WriteLine(Row("raw baseline: HTML + CSS/JS: first contentful paint", rawAssetsFcp));
Console.WriteLine(Row("raw baseline: HTML + CSS/JS: CPU ms, all browser processes (navigation → load, painted)", rawAssetsCpu));
Console.WriteLine(Row("cold cache: workspace DOMContentLoaded", coldDcl));
Console.WriteLine(Row("cold cache: circuit WebSocket open", coldWs));
Console.WriteLine(Row("cold cache: views first painted", coldShell));
Console.WriteLine(Row("cold cache: interactive (circuit's render)", coldInteractive));
Console.WriteLine(Row("cold cache: bytes transferred (HTML + assets)", coldBytes));

static async Task PrintTimelineAsync(IPage p)
{
    // Navigation Timing and Resource Timing of this load, relative to navigation start (performance.now() == 0).
    var lines = await p.EvaluateAsync<string[]>("""
        () => {
          const n = performance.getEntriesByType('navigation')[0];
          const f = x => x.toFixed(0).padStart(5);
          const out = [`nav: fetchStart ${f(n.fetchStart)} requestStart ${f(n.requestStart)} responseStart ${f(n.responseStart)} responseEnd ${f(n.responseEnd)} domInteractive ${f(n.domInteractive)} dcl ${f(n.domContentLoadedEventStart)}-${f(n.domContentLoadedEventEnd)} bytes ${n.transferSize}/${n.encodedBodySize}/${n.decodedBodySize}`];
          for (const r of performance.getEntriesByType('resource'))
            out.push(`  ${f(r.startTime)} → ${f(r.responseEnd)} (req ${f(r.requestStart)} ttfb ${f(r.responseStart)}) ${r.transferSize}B ${r.initiatorType} ${r.name.replace(location.origin, '').slice(0, 70)}`);
          const m = window.__marks;
          out.push('  marks: ' + Object.entries(m).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', '));
          return out;
        }
        """);
    foreach (var l in lines) Console.WriteLine(l);
}
