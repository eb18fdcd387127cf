using System.Runtime.CompilerServices;
using Microsoft.Playwright;

namespace Kefu.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class SavedViewsTests(BrowserApp app) : IAsyncLifetime
{
    private readonly List<(IPage Page, string Name)> _pages = [];

    private async Task<IPage> Open(string user, [CallerMemberName] string test = "")
    {
        var page = await app.SignIn(user);
        _pages.Add((page, $"{test}-{user}"));
        return page;
    }

    private Task<System.Text.Json.Nodes.JsonNode> Ticket(string tag, string priority = "urgent") => app.Post("/api/v1/tickets", new
    {
        subject = "大客户投诉 " + Guid.NewGuid().ToString("N")[..6], channel = "email", teamId = app.TeamA, priority, tags = new[] { tag },
        customer = new { email = $"{Guid.NewGuid():N}"[..10] + "@example.com", name = "周敏" },
        message = new { body = "第三次催单了" },
    });

    [Fact]
    public async Task An_agent_saves_a_filtered_list_as_a_view_sees_its_live_count_opens_and_deletes_it()
    {
        var tag = "大客户" + Guid.NewGuid().ToString("N")[..4];
        var urgent = (await Ticket(tag))["id"]!.GetValue<long>();
        var low = (await Ticket(tag, "low"))["id"]!.GetValue<long>();
        var page = await Open("agent.a");
        await Assertions.Expect(page.Locator("#saved-views-hint")).ToBeVisibleAsync();

        // Narrow "All" by tag and priority with the filter bar.
        await page.ClickAsync("#view-all");
        await page.ClickAsync("#filter-toggle");
        await page.FillAsync("#filter-tag", tag);
        await page.PressAsync("#filter-tag", "Tab");
        await page.WaitForSelectorAsync($"#row-{low}");
        await page.SelectOptionAsync("#filter-priority", "urgent");
        await Assertions.Expect(page.Locator($"#row-{low}")).ToHaveCountAsync(0);
        await page.WaitForSelectorAsync($"#row-{urgent}");

        await page.FillAsync("#view-name", "紧急大客户");
        await page.ClickAsync("#save-view");
        var saved = page.Locator(".kefu-saved-view", new() { HasText = "紧急大客户" });
        await Assertions.Expect(saved).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("active"));
        await Assertions.Expect(page.Locator("#list-title")).ToHaveTextAsync("紧急大客户");
        await Assertions.Expect(saved.Locator(".kefu-count")).ToHaveTextAsync("1");
        await Assertions.Expect(page.Locator("#filter-toggle")).Not.ToContainTextAsync("("); // the bar's choices went into the view

        // The count is live: a new matching ticket arriving elsewhere bumps it without a reload.
        var another = (await Ticket(tag))["id"]!.GetValue<long>();
        await Assertions.Expect(saved.Locator(".kefu-count")).ToHaveTextAsync("2");

        // Leave and come back: the view opens with just its tickets.
        await page.ClickAsync("#view-unassigned");
        await saved.ClickAsync();
        await page.WaitForSelectorAsync($"#row-{another}");
        await page.WaitForSelectorAsync($"#row-{urgent}");
        await Assertions.Expect(page.Locator(".kefu-row")).ToHaveCountAsync(2);

        await page.ClickAsync("#view-rename");
        await page.FillAsync("#view-rename-input", "VIP 紧急");
        await page.PressAsync("#view-rename-input", "Enter");
        await Assertions.Expect(page.Locator("#list-title")).ToHaveTextAsync("VIP 紧急");
        saved = page.Locator(".kefu-saved-view", new() { HasText = "VIP 紧急" });
        await Assertions.Expect(saved).ToHaveCountAsync(1);

        await page.ClickAsync("#view-delete");
        await page.ClickAsync("#view-delete-confirm");
        await Assertions.Expect(page.Locator(".kefu-saved-view")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#view-actions")).ToHaveCountAsync(0);

        // Stored per person: after a reload the view is still gone.
        await page.ReloadAsync();
        await page.WaitForSelectorAsync("#saved-views-hint");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => BrowserApp.ScreenshotAndCloseAsync(_pages);
}
