using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Kefu.Chat;
using Microsoft.Playwright;

namespace Kefu.BrowserTests;

/// <summary>
/// Kefu on a real Kestrel socket with a fresh SQLite database, Debian's Chromium driven by Playwright, and a small
/// cast: two teams, agents in each, an outsourced agent, an admin. Tests create their own tickets through the API.
/// </summary>
public sealed class BrowserApp : IAsyncLifetime
{
    public const string Password = "Secret#2026";
    /// <summary>The workspace rendered by the circuit (its handlers respond), not the prerendered first paint.</summary>
    public const string Interactive = "#workspace:not([data-prerendered])";
    private const string Token = "kfp_browser_tests_bootstrap_0123456789abcdef";
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "kefu-browser-" + Guid.NewGuid().ToString("N"));
    private WebApplicationFactory<Program> _factory = null!;
    private IPlaywright _playwright = null!;

    public IBrowser Browser { get; private set; } = null!;
    public string BaseUrl { get; private set; } = "";
    public HttpClient Api { get; private set; } = null!;
    /// <summary>The server's services (a test that sets up state no API creates, e.g. a flagged chat visitor).</summary>
    public IServiceProvider Services => _factory.Services;
    public int TeamA { get; private set; }
    public int TeamB { get; private set; }
    /// <summary>Where page screenshots go: KEFU_SCREENSHOTS (test.sh sets it to artifacts/screenshots of the checkout),
    /// else a "screenshots" folder in the current directory.</summary>
    public static string ArtifactsDir => Environment.GetEnvironmentVariable("KEFU_SCREENSHOTS") is { Length: > 0 } dir
        ? dir : Path.Combine(Environment.CurrentDirectory, "screenshots");
    public TestChatBot ChatBot { get; } = new();

    public async Task InitializeAsync()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Testing");
            b.UseSetting("Kefu:DataDir", _dataDir);
            b.UseSetting("Kefu:Demo", "false");
            b.UseSetting("Kefu:Triage:Enabled", "false");
            b.UseSetting("Kefu:BootstrapApiToken", Token);
            // Small, so a test can upload a file over the limit without moving 20 MB through the browser.
            b.UseSetting("Kefu:Attachments:MaxBytes", (1024 * 1024).ToString());
            // A free port, not appsettings' 5080: a developer's server (or another checkout's tests) may hold that.
            b.UseSetting("Urls", "http://127.0.0.1:0");
            // An answer bot for the chat tests, serving only the sites a test hands it (others go straight to agents).
            b.ConfigureServices(s => s.AddSingleton<IChatBot>(ChatBot));
        });
        _factory.UseKestrel(0);
        _factory.StartServer();
        var addresses = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseUrl = addresses.First().Replace("[::]", "127.0.0.1").Replace("localhost", "127.0.0.1").TrimEnd('/');
        Api = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);

        TeamA = (await Post("/api/v1/teams", new { name = "售后组" }))["id"]!.GetValue<int>();
        TeamB = (await Post("/api/v1/teams", new { name = "技术组" }))["id"]!.GetValue<int>();
        await CreateStaff("agent.a", "王芳", ["agent"], [TeamA]);
        await CreateStaff("agent.a2", "李娜", ["agent"], [TeamA]);
        await CreateStaff("agent.b", "张伟", ["agent"], [TeamB]);
        await CreateStaff("out.a", "外包小刘", ["agent"], [TeamA], outsourced: true);
        await CreateStaff("boss", "管理员", ["admin"], []);

        // Expectations wait as long as actions (15 s, see SignIn): the first chat message on a cold server on a shared
        // 2-core machine took longer than Playwright's default 5 s.
        Assertions.SetDefaultExpectTimeout(15_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
        });
    }

    public async Task<JsonNode> Post(string url, object body)
    {
        var response = await Api.PostAsJsonAsync(url, body);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST {url} → {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    /// <summary>
    /// Reads <paramref name="url"/> until <paramref name="done"/> holds (or fails after 15 s). The UI shows a change
    /// when the circuit has it, which may be before the server's transaction commits (a busy button disappears at the
    /// start of a save): a test that then checks what was stored must wait for the stored state, not assume it.
    /// </summary>
    public async Task<JsonNode> WaitForApi(string url, Func<JsonNode, bool> done, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var node = JsonNode.Parse(await Api.GetStringAsync(url))!;
            if (done(node)) return node;
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException($"{what}: never true within 15 s; last {url}: {node.ToJsonString()}");
            await Task.Delay(50); // polling interval, not a synchronisation guess: the loop ends on the condition
        }
    }

    /// <summary>An API client acting as a new staff member (personal access token).</summary>
    public async Task<HttpClient> StaffClient(string userName, string name, string[] roles, int[] teams)
    {
        var user = await CreateStaff(userName, name, roles, teams);
        var token = await Post($"/api/v1/users/{user["id"]}/tokens", new { name = "browser tests" });
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token["value"]!.GetValue<string>());
        return client;
    }

    public Task<JsonNode> CreateStaff(string userName, string name, string[] roles, int[] teams, bool outsourced = false) =>
        Post("/api/v1/users", new { userName, displayName = name, email = $"{userName}@staff.test", password = Password, roles, teamIds = teams, isOutsourced = outsourced });

    /// <summary>A ticket in team A from a customer with a phone number and e-mail.</summary>
    public async Task<JsonNode> CreateTicket(string subject, int? teamId = null, string? email = null, string? phone = null) =>
        await Post("/api/v1/tickets", new
        {
            subject, channel = "web_form", teamId = teamId ?? TeamA,
            customer = new { email = email ?? $"{Guid.NewGuid():N}"[..10] + "@example.com", phone, name = "陈静" },
            message = new { body = $"{subject}，麻烦尽快处理。" },
        });

    /// <summary>A signed-in page in its own browser context (own cookies), as a person would have. <paramref name="initScript"/>
    /// runs in every page of the context before the page's own scripts (a test's stand-ins for browser APIs).</summary>
    public async Task<IPage> SignIn(string userName, string? culture = null, string? initScript = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1440, Height = 900 },
            Locale = culture ?? "zh-CN",
        });
        context.SetDefaultTimeout(15_000);
        if (initScript is not null) await context.AddInitScriptAsync(initScript);
        var page = await context.NewPageAsync();
        // The sign-in page's load event waits for MudBlazor's stylesheet and four scripts; at load 70–87 on 2 cores it
        // once took over 15 s (session 7), so the navigation gets the sign-in's own 60 s.
        await page.GotoAsync(BaseUrl + "/", new() { Timeout = 60_000 });
        await page.FillAsync("#username", userName);
        await page.FillAsync("#password", Password);
        // The landing page is the prerendered workspace: its HTML waits for the list and counts, and on a saturated
        // machine (load 150 on 2 cores) that took longer than the 15 s of an ordinary action.
        await page.ClickAsync("#sign-in", new() { Timeout = 60_000 });
        await page.WaitForSelectorAsync(BrowserApp.Interactive, new() { Timeout = 60_000 });
        return page;
    }

    /// <summary>Changes the language as a person does: the user menu, then the language (a form POST that reloads the
    /// page). Returns once the reloaded page is in that language; callers wait for what they need on it.</summary>
    public static async Task SwitchLanguage(IPage page, string culture)
    {
        // The new document lacks the mark: waiting for it without the mark cannot be satisfied by the page being left.
        await page.EvaluateAsync("() => document.documentElement.dataset.languageSwitch = '1'");
        await page.ClickAsync(".mud-layout:not([inert]) #language-menu button"); // the circuit's (a prerendered page is inert)
        await page.ClickAsync(culture == "en" ? "#lang-en" : "#lang-zh");
        await page.WaitForSelectorAsync($"html[lang='{culture}']:not([data-language-switch])", new() { State = WaitForSelectorState.Attached });
    }

    /// <summary>Saves a screenshot of every page a test used (named after the test, see <see cref="ArtifactsDir"/>), then
    /// closes each page's browser context. xUnit 2 does not tell a fixture whether the test passed, so every test saves
    /// them; test.sh then deletes those of the tests that passed and prints where the failed tests' screenshots are.</summary>
    public static async Task ScreenshotAndCloseAsync(IEnumerable<(IPage Page, string Name)> pages, bool fullPage = false)
    {
        Directory.CreateDirectory(ArtifactsDir);
        foreach (var (page, name) in pages)
        {
            try { await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ArtifactsDir, $"{name}.png"), FullPage = fullPage }); }
            catch (PlaywrightException) { }
            await page.Context.CloseAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        Api?.Dispose();
        await _factory.DisposeAsync();
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { }
    }
}

/// <summary>The answer-bot hook with a scripted bot: it greets and answers every message of the sites in
/// <see cref="Sites"/>, never handing over by itself (so only the visitor's 转人工 button can).</summary>
public sealed class TestChatBot : IChatBot
{
    public System.Collections.Concurrent.ConcurrentDictionary<int, bool> Sites { get; } = new();

    public bool Serves(int siteId) => Sites.ContainsKey(siteId);

    public Task<BotReply?> ReplyAsync(BotTurn turn, CancellationToken ct) =>
        Task.FromResult<BotReply?>(new BotReply($"机器人收到：{turn.Text}", HandOver: false));
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserApp> { public const string Name = "browser"; }
