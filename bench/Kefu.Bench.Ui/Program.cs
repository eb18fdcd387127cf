using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;

// Measures how fast the agent workspace becomes usable, in a real browser against a running Kefu (bench/ui/run.sh
// starts one with demo data). Each load is a fresh tab of a signed-in context (HTTP cache warm, as for an agent
// who opens Kefu every morning). In-page times come from a MutationObserver installed before the page's own
// scripts, relative to navigation start; the baseline is the static sign-in page (no circuit) in the same run.
var baseUrl = args.Length > 0 ? args[0].TrimEnd('/') : "http://127.0.0.1:5080";
var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 15;
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
      document.addEventListener('DOMContentLoaded', () => { marks.dcl = performance.now(); check(); });
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
var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new() { Width = 1440, Height = 900 }, Locale = "zh-CN" });
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
    await p.CloseAsync();
}

var page = await context.NewPageAsync();
await page.GotoAsync(baseUrl + "/");
await page.FillAsync("#username", "agent1");
await page.FillAsync("#password", "Kefu@2026");
await page.ClickAsync("#sign-in");
await page.WaitForSelectorAsync(".kefu-row");
await page.CloseAsync();

var dcl = new List<double>(); var ws = new List<double>(); var shell = new List<double>(); var rows = new List<double>(); var counts = new List<double>();
var interactive = new List<double>(); var acted = new List<double>();
var open = new List<double>(); var openThread = new List<double>();
for (var i = 0; i < runs + 2; i++)
{
    var p = await context.NewPageAsync();
    await p.GotoAsync(baseUrl + "/");
    await p.WaitForFunctionAsync("() => window.__marks.rows && window.__marks.counts && window.__marks.acted");
    await p.ClickAsync("#filter-toggle"); // close the filter bar the probe opened
    await p.WaitForSelectorAsync("#filters", new() { State = WaitForSelectorState.Detached });
    var m = await p.EvaluateAsync<Dictionary<string, double>>("() => window.__marks");
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
        dcl.Add(m["dcl"]); ws.Add(m.GetValueOrDefault("ws", double.NaN)); shell.Add(m["shell"]);
        interactive.Add(m["interactive"]); acted.Add(m["acted"]); rows.Add(m["rows"]); counts.Add(m["counts"]);
        open.Add(inPage[0]); openThread.Add(inPage[1]);
    }
    await p.CloseAsync();
}

static string Row(string name, List<double> v)
{
    var s = v.Order().ToList();
    double P(double q) => s[Math.Min(s.Count - 1, (int)Math.Ceiling(q * s.Count) - 1)];
    return $"| {name} | {P(0.5):F0} | {P(0.9):F0} | {s[^1]:F0} |";
}
Console.WriteLine($"runs: {runs} (after 2 warm-up loads), {baseUrl}");
Console.WriteLine("| measure (ms) | p50 | p90 | max |");
Console.WriteLine("|---|---:|---:|---:|");
Console.WriteLine(Row("baseline: sign-in page (static) DOMContentLoaded", login));
Console.WriteLine(Row("workspace DOMContentLoaded", dcl));
Console.WriteLine(Row("workspace circuit WebSocket open", ws));
Console.WriteLine(Row("workspace views first painted (prerendered or by the circuit)", shell));
Console.WriteLine(Row("workspace interactive (views rendered by the circuit, handlers wired)", interactive));
Console.WriteLine(Row("first click answered (sent at interactive; filter bar shown)", acted));
Console.WriteLine(Row("first ticket rows shown", rows));
Console.WriteLine(Row("view counts shown", counts));
Console.WriteLine(Row("open a ticket: click → pane", open));
Console.WriteLine(Row("open a ticket: click → thread shown", openThread));
