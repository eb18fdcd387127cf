namespace Kefu.BrowserTests;

/// <summary>
/// The app runs from its build output, whose static-asset manifest would serve every asset "no-cache" (hot reload of
/// wwwroot) unless ReloadStaticAssetsAtRuntime is off: then each page load re-validated every script and stylesheet
/// and re-sent MudBlazor's 613 KiB CSS. The workspace's load time depends on these being cached for good.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class StaticAssetsTests(BrowserApp app)
{
    [Fact]
    public async Task The_pages_fingerprinted_scripts_and_stylesheets_are_cached_as_immutable()
    {
        var html = await app.Api.GetStringAsync("/login");
        var urls = System.Text.RegularExpressions.Regex.Matches(html, "(?:href|src)=\"([^\"]+\\.[a-z0-9]{10}\\.(?:css|js))\"")
            .Select(m => m.Groups[1].Value).ToList();
        Assert.Contains(urls, u => u.Contains("MudBlazor.min.", StringComparison.Ordinal) && u.EndsWith(".css", StringComparison.Ordinal));
        Assert.Contains(urls, u => u.Contains("blazor.web.", StringComparison.Ordinal));
        foreach (var url in urls)
        {
            using var response = await app.Api.GetAsync(url.StartsWith('/') ? url : "/" + url);
            response.EnsureSuccessStatusCode();
            var cacheControl = response.Headers.CacheControl;
            Assert.True(cacheControl?.MaxAge >= TimeSpan.FromDays(365), $"{url}: Cache-Control {cacheControl}");
            Assert.Contains("immutable", cacheControl!.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Every_stylesheet_and_script_the_pages_load_is_served_compressed()
    {
        // MudBlazor's package declares its files without the SDK's fingerprint pattern, so the gzip alternative the
        // build made for its stylesheet answered only the plain route, not the fingerprinted one the pages use: a cold
        // load transferred 627 KB of CSS instead of 67 KB (decision 0039). Both the sign-in page and the workspace.
        var signIn = await app.Api.GetStringAsync("/login");
        var page = await app.SignIn("agent.a");
        var workspace = await page.ContentAsync();
        await page.Context.CloseAsync();
        var urls = new[] { signIn, workspace }
            .SelectMany(html => System.Text.RegularExpressions.Regex.Matches(html,
                "<(?:link|script)\\b[^>]*?(?:href|src)=\"([^\"]+\\.(?:css|js))\"").Select(m => m.Groups[1].Value))
            .Where(u => !u.StartsWith("http", StringComparison.Ordinal))
            .Distinct().ToList();
        Assert.Contains(urls, u => u.Contains("MudBlazor.min.", StringComparison.Ordinal) && u.EndsWith(".css", StringComparison.Ordinal));
        Assert.Contains(urls, u => u.Contains("MudBlazor.min.", StringComparison.Ordinal) && u.EndsWith(".js", StringComparison.Ordinal));
        Assert.Contains(urls, u => u.Contains("blazor.web.", StringComparison.Ordinal));
        using var client = new HttpClient { BaseAddress = new Uri(app.BaseUrl) }; // no automatic decompression
        var failures = new List<string>();
        foreach (var url in urls)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url.StartsWith('/') ? url : "/" + url);
            request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip, deflate, br, zstd");
            using var response = await client.SendAsync(request);
            response.EnsureSuccessStatusCode();
            var encoding = response.Content.Headers.ContentEncoding.SingleOrDefault();
            if (encoding is not ("gzip" or "br")) failures.Add($"{url}: Content-Encoding '{encoding}', {response.Content.Headers.ContentLength} bytes");
        }
        Assert.True(failures.Count == 0, "served uncompressed: " + string.Join("; ", failures));
    }

    [Fact]
    public async Task The_circuit_has_no_js_initializers_to_fetch()
    {
        // circuit.js passes an empty initializer list to Blazor.start instead of letting blazor.web.js fetch
        // /_blazor/initializers on every page load (decision 0033). If a package ever brings a *.lib.module.js
        // initializer, it would be skipped silently: this fails first, and circuit.js must list it (or fetch again).
        var list = await app.Api.GetStringAsync("/_blazor/initializers");
        Assert.Equal("[]", list.Trim());
    }

    [Fact]
    public async Task A_page_load_starts_the_circuit_without_asking_for_initializers()
    {
        var page = await app.SignIn("agent.a");
        var asked = false;
        page.Request += (_, r) => { if (r.Url.Contains("/_blazor/initializers", StringComparison.Ordinal)) asked = true; };
        await page.GotoAsync(app.BaseUrl + "/", new() { Timeout = 60_000 });
        await page.WaitForSelectorAsync(BrowserApp.Interactive, new() { Timeout = 60_000 });
        Assert.False(asked);
        await page.Context.CloseAsync();
    }
}
