using System.Runtime.CompilerServices;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kefu.BrowserTests;

/// <summary>The workspace search lists customers above the tickets: found by a phone number written another way or a
/// part of a Chinese name, opened to their tickets; outsourced staff see their identities masked.</summary>
[Collection(BrowserCollection.Name)]
public sealed class WorkspaceSearchTests(BrowserApp app) : IAsyncLifetime
{
    private readonly List<(IPage Page, string Name)> _pages = [];

    private async Task<IPage> Open(string user, [CallerMemberName] string test = "")
    {
        var page = await app.SignIn(user);
        _pages.Add((page, $"{test}-{user}"));
        return page;
    }

    private static async Task Search(IPage page, string q)
    {
        await page.WaitForSelectorAsync(BrowserApp.Interactive); // "/" is wired by the live page, not the prerendered one
        await page.Keyboard.PressAsync("/");
        await Expect(page.Locator("#search")).ToBeFocusedAsync();
        await page.FillAsync("#search", q);
        await page.PressAsync("#search", "Enter");
        await Expect(page.Locator("#list-title")).ToContainTextAsync(q);
    }

    [Fact]
    public async Task A_customer_found_by_phone_or_name_opens_to_their_tickets()
    {
        var name = "客户" + string.Concat(Enumerable.Range(0, 4).Select(_ => (char)Random.Shared.Next(0x4E00, 0x9FA5)));
        var phone = "139" + Random.Shared.Next(10_000_000, 99_999_999);
        var subject = "找客户 " + Guid.NewGuid().ToString("N")[..6];
        var ticket = await app.Post("/api/v1/tickets", new
        {
            subject, channel = "web_form", teamId = app.TeamA,
            customer = new { email = $"{Guid.NewGuid():N}"[..10] + "@example.com", phone, name }, message = new { body = "你好" },
        });
        var id = ticket["id"]!.GetValue<long>();
        var customerId = ticket["customer"]!["id"]!.GetValue<long>();
        var hit = $"#customer-hit-{customerId}";

        var page = await Open("agent.a");
        // The phone number as the customer said it on the phone.
        await Search(page, $"+86 {phone[..3]}-{phone[3..7]}-{phone[7..]}");
        await Expect(page.Locator("#customer-results")).ToContainTextAsync("客户");
        await Expect(page.Locator(hit)).ToContainTextAsync(name);
        await Expect(page.Locator(hit)).ToContainTextAsync(phone);
        await Expect(page.Locator(hit)).ToContainTextAsync("1 个工单");

        // Two characters from the middle of the name.
        await Search(page, name[3..5]);
        await page.ClickAsync(hit);
        await Expect(page.Locator("#list-title")).ToHaveTextAsync($"{name} 的工单");
        await Expect(page.Locator("#customer-results")).ToHaveCountAsync(0);
        await Expect(page.Locator("#ticket-list .kefu-row")).ToHaveCountAsync(1);
        await page.ClickAsync($"#row-{id}");
        await Expect(page.Locator("#ticket-title")).ToContainTextAsync(subject);
        await Expect(page.Locator("#customer-panel #customer-name")).ToHaveTextAsync(name);

        // Back to the search: its customers again.
        await page.ClickAsync("#customer-back");
        await Expect(page.Locator(hit)).ToContainTextAsync(name);

        // Outsourced staff of the same team find the customer by name too, but not their number.
        var outsourced = await Open("out.a");
        await Search(outsourced, name[2..]);
        await Expect(outsourced.Locator(hit)).ToContainTextAsync(name);
        await Expect(outsourced.Locator(hit)).ToContainTextAsync($"{phone[..3]}****{phone[7..]}");
        await Expect(outsourced.Locator(hit)).Not.ToContainTextAsync(phone);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => BrowserApp.ScreenshotAndCloseAsync(_pages);
}
