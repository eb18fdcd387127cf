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
}
