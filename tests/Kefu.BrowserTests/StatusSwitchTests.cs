using Microsoft.Playwright;

namespace Kefu.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class StatusSwitchTests(BrowserApp app) : IAsyncLifetime
{
    private readonly List<(IPage Page, string Name)> _pages = [];

    [Fact]
    public async Task An_agent_sets_his_status_in_the_app_bar_and_it_is_the_routing_status()
    {
        var userName = "status." + Guid.NewGuid().ToString("N")[..6];
        var user = await app.CreateStaff(userName, "赵六", ["agent"], [app.TeamA]);
        var page = await app.SignIn(userName);
        _pages.Add((page, "status-switch"));

        var menu = page.Locator("#status-menu");
        await Assertions.Expect(menu).ToContainTextAsync("离线");
        await menu.Locator("button").First.ClickAsync();
        await page.ClickAsync("#status-online");
        await Assertions.Expect(menu).ToContainTextAsync("在线");

        var profile = await app.Api.GetStringAsync($"/api/v1/routing/agents/{user["id"]}");
        Assert.Contains("\"status\":\"online\"", profile);

        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#status-menu")).ToContainTextAsync("在线");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => BrowserApp.ScreenshotAndCloseAsync(_pages);
}
