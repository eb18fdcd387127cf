using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kefu.BrowserTests;

/// <summary>The SLA admin pages as an administrator uses them, and the due indicator an agent then sees on a ticket.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SlaAdminTests(BrowserApp app) : IAsyncLifetime
{
    private readonly List<(IPage Page, string Name)> _pages = [];

    private async Task<IPage> Open(string user, [CallerMemberName] string test = "")
    {
        var page = await app.SignIn(user);
        _pages.Add((page, $"{test}-{user}"));
        return page;
    }

    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..6];

    [Fact]
    public async Task Admin_creates_a_policy_and_a_matching_ticket_shows_its_due_time_and_indicator()
    {
        var page = await Open("boss");
        await page.GotoAsync($"{app.BaseUrl}/admin/sla");
        await page.WaitForSelectorAsync("#policy-table");
        var name = Unique("加急客户 ");
        var tag = Unique("sla");
        await page.FillAsync("#policy-name", name);
        await page.FillAsync("#policy-position", "1");
        await page.FillAsync("#policy-tags", tag);
        await page.FillAsync("#policy-first", "45");
        await page.FillAsync("#policy-resolution", "600");
        await page.UncheckAsync("#policy-business"); // around the clock, so the due time does not depend on today's date
        await page.ClickAsync("#policy-save");
        var row = page.Locator("#policy-table tr", new() { HasText = name });
        await Expect(row).ToBeVisibleAsync();
        await Expect(row).ToContainTextAsync(tag);

        var ticket = await app.Post("/api/v1/tickets", new
        {
            subject = "SLA 演示工单", channel = "web_form", teamId = app.TeamA, tags = new[] { tag },
            customer = new { email = $"{Guid.NewGuid():N}"[..10] + "@example.com", name = "陈静" },
            message = new { body = "请尽快回复" },
        });
        var id = ticket["id"]!.GetValue<long>();
        // The clocks start when the TicketCreated event is delivered: wait for them before opening the ticket.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        JsonNode sla;
        while ((sla = (await app.Api.GetFromJsonAsync<JsonNode>($"/api/v1/tickets/{id}/sla"))!)["clocks"]!.AsArray().Count == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the SLA clocks never started");
            await Task.Delay(100);
        }
        Assert.Equal(name, sla["policyName"]!.GetValue<string>());

        await page.GotoAsync($"{app.BaseUrl}/tickets/{id}");
        var panel = page.Locator("#sla-panel");
        await Expect(panel.Locator("#sla-policy")).ToContainTextAsync(name);
        var first = panel.Locator("[data-metric='FirstResponse'] [data-sla]");
        await Expect(first).ToHaveAttributeAsync("data-sla", "ok");
        await Expect(first).ToHaveTextAsync("正常");
        await Expect(panel.Locator("[data-metric='Resolution']")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Admin_adds_a_keyword_escalation_rule_and_a_matching_message_escalates_the_ticket()
    {
        var page = await Open("boss");
        await page.GotoAsync($"{app.BaseUrl}/admin/escalation");
        await page.WaitForSelectorAsync("#rule-table");
        // The shipped rules are there: media/legal threats to management, repeated contact.
        await Expect(page.Locator("#rule-table input[id^='rule-keywords-']").First).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("媒体.*律师"));
        var name = Unique("黑猫投诉 ");
        var keyword = Unique("黑猫");
        await page.FillAsync("#new-rule-name", name);
        await page.FillAsync("#new-rule-keywords", $"{keyword}, 工信部");
        await page.SelectOptionAsync("#new-rule-tier", "2");
        await page.ClickAsync("#new-rule-save");
        var row = page.Locator($"#rule-table tr[data-rule-name='{name}']");
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row.Locator("select")).ToHaveValueAsync("2");

        var ticket = await app.CreateTicket($"我要去{keyword}投诉你们");
        var id = ticket["id"]!.GetValue<long>();
        await page.GotoAsync($"{app.BaseUrl}/tickets/{id}");
        var escalation = page.Locator("#sla-escalations li[data-tier='2']");
        await Expect(escalation).ToContainTextAsync(keyword);
        await Expect(escalation).ToContainTextAsync("关键词规则");

        // The thread shows it inline with the messages, and an approval too (requested and decided), once loaded again.
        await app.Post($"/api/v1/tickets/{id}/approvals", new { kind = "refund", amount = 88, reason = "商品破损" + keyword });
        await page.ReloadAsync();
        var events = page.Locator(".kefu-event");
        await Expect(events.Filter(new() { HasText = "升级至第 2 级" })).ToContainTextAsync(keyword);
        await Expect(events.Filter(new() { HasText = "已提交退款审批申请：¥88" })).ToContainTextAsync("商品破损" + keyword);
    }

    [Fact]
    public async Task Replying_turns_the_first_response_badge_to_met_without_a_reload()
    {
        // An around-the-clock policy for a unique tag, so the badge is "ok" whatever the time of day.
        var tag = Unique("reply");
        await app.Post("/api/v1/sla/policies", new
        {
            name = Unique("首响 "), position = 0, tags = new[] { tag }, firstResponseMinutes = 60, resolutionMinutes = 600, businessHours = false,
        });
        var id = (await app.Post("/api/v1/tickets", new
        {
            subject = Unique("首响刷新 "), channel = "web_form", teamId = app.TeamA, tags = new[] { tag },
            customer = new { email = $"{Guid.NewGuid():N}"[..10] + "@example.com", name = "陈静" },
            message = new { body = "请问订单什么时候发货？" },
        }))["id"]!.GetValue<long>();
        await app.WaitForApi($"/api/v1/tickets/{id}/sla", s => s["clocks"]!.AsArray().Count == 2, "the SLA clocks start");

        var page = await Open("agent.a");
        await page.GotoAsync($"{app.BaseUrl}/tickets/{id}");
        var first = page.Locator("#sla-panel [data-metric='FirstResponse'] [data-sla]");
        await Expect(first).ToHaveAttributeAsync("data-sla", "ok");

        await page.FillAsync("#reply-box", "您好，订单今天发出。");
        await page.ClickAsync("#send");
        await Expect(page.Locator("#thread .kind-public_reply")).ToContainTextAsync("订单今天发出");
        // The clock is met by the SLA handler after the reply's own events reached the screen: the panel must follow
        // it on its own (the page is not reloaded).
        await Expect(first).ToHaveAttributeAsync("data-sla", "met");
        await Expect(first).ToHaveTextAsync("已达成");
        await Expect(page.Locator("#sla-panel [data-metric='Resolution'] [data-sla]")).ToHaveAttributeAsync("data-sla", "ok");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => BrowserApp.ScreenshotAndCloseAsync(_pages, fullPage: true);
}
