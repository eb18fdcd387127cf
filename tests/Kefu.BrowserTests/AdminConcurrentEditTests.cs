using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kefu.BrowserTests;

/// <summary>Two admins editing the same settings: the admin console remembers the version it read and refuses a save
/// over a change made meanwhile (here through the API) instead of overwriting it silently.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AdminConcurrentEditTests(BrowserApp app)
{
    private async Task Put(string url, object body)
    {
        var response = await app.Api.PutAsJsonAsync(url, body);
        Assert.True(response.IsSuccessStatusCode, $"PUT {url} → {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    private async Task<JsonNode> Get(string url) => JsonNode.Parse(await app.Api.GetStringAsync(url))!;

    [Fact]
    public async Task Chat_site_saved_over_a_change_made_meanwhile_is_refused_keeps_the_edits_and_reloads_on_demand()
    {
        var name = "并发站点" + Guid.NewGuid().ToString("N")[..6];
        var site = await app.Post("/api/v1/chat/sites", new { name, teamId = app.TeamA, allowedOrigins = new[] { "*" },
            color = "#0a7cff", greeting = "您好", offlineMessage = "请留言", preChatFields = new[] { "name" } });
        var url = $"/api/v1/chat/sites/{site["id"]}";

        var page = await app.SignIn("boss");
        await page.GotoAsync(app.BaseUrl + "/admin/chat");
        await page.GetByRole(AriaRole.Button, new() { Name = name }).ClickAsync();
        await Expect(page.Locator("#cs-greeting")).ToHaveValueAsync("您好");
        await page.FillAsync("#cs-greeting", "页面上的问候");

        // Another admin saves the site meanwhile.
        await Put(url, new { name, teamId = app.TeamA, allowedOrigins = new[] { "https://shop.example.com" }, color = "#0a7cff",
            greeting = "另一位管理员的问候", offlineMessage = "请留言", preChatFields = new[] { "name" } });

        await page.ClickAsync("#cs-save");
        await Expect(page.Locator("#cs-stale")).ToContainTextAsync("其他人在您打开后修改了这些设置");
        await Expect(page.Locator("#cs-greeting")).ToHaveValueAsync("页面上的问候"); // the edits are still there
        var stored = await Get(url);
        Assert.Equal("另一位管理员的问候", stored["greeting"]!.GetValue<string>());
        Assert.Equal(["https://shop.example.com"], stored["allowedOrigins"]!.AsArray().Select(o => o!.GetValue<string>()));

        // Saving again is still refused: the page has not seen the other change.
        await page.ClickAsync("#cs-save");
        await Expect(page.Locator("#cs-stale")).ToBeVisibleAsync();
        Assert.Equal("另一位管理员的问候", (await Get(url))["greeting"]!.GetValue<string>());

        // Reload shows what is stored; a save from there goes through.
        await page.ClickAsync("#cs-reload");
        await Expect(page.Locator("#cs-stale")).ToHaveCountAsync(0);
        await Expect(page.Locator("#cs-greeting")).ToHaveValueAsync("另一位管理员的问候");
        await Expect(page.Locator("#cs-origins")).ToHaveValueAsync("https://shop.example.com");
        await page.FillAsync("#cs-greeting", "合并后的问候");
        await page.ClickAsync("#cs-save");
        await Expect(page.Locator("#cs-message")).ToHaveTextAsync("已保存");
        await app.WaitForApi(url, s => s["greeting"]!.GetValue<string>() == "合并后的问候", "the save after the reload stored");
        Assert.Equal(["https://shop.example.com"], (await Get(url))["allowedOrigins"]!.AsArray().Select(o => o!.GetValue<string>()));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Routing_agent_and_team_mode_saved_over_a_change_made_meanwhile_are_refused_and_show_the_stored_values()
    {
        var unique = Guid.NewGuid().ToString("N")[..6];
        var agent = await app.CreateStaff("agent.cc" + unique, "并发" + unique, ["agent"], [app.TeamA]);
        var agentUrl = $"/api/v1/routing/agents/{agent["id"]}";
        await Put(agentUrl, new { chatCapacity = 3, ticketCapacity = 50 });
        var team = (await app.Post("/api/v1/teams", new { name = "并发组" + unique }))["id"]!.GetValue<int>();
        var teamUrl = $"/api/v1/routing/teams/{team}";

        var page = await app.SignIn("boss");
        await page.GotoAsync(app.BaseUrl + "/admin/routing");
        var row = page.Locator($"tr[data-agent=\"{agent["id"]}\"]");
        var chat = row.Locator("input[type=number]").First;
        await Expect(chat).ToHaveValueAsync("3");
        await Expect(page.Locator($"#routing-mode-{team}")).ToHaveValueAsync("Manual");

        // The agent's own status change is not a conflict: the page does not set the status.
        await Put(agentUrl, new { status = "away" });
        await chat.FillAsync("4");
        await row.Locator("button").ClickAsync();
        await page.Locator(".mud-snackbar", new() { HasText = "已保存" }).First.WaitForAsync();
        await app.WaitForApi(agentUrl, p => p["chatCapacity"]!.GetValue<int>() == 4, "the page's save stored");

        // Another admin changes the profile meanwhile: the page's save is refused and shows what is stored.
        await Expect(chat).ToHaveValueAsync("4");
        await Put(agentUrl, new { ticketCapacity = 80 });
        await chat.FillAsync("6");
        await row.Locator("button").ClickAsync();
        await page.Locator(".mud-snackbar", new() { HasText = "其他人刚刚修改了此项" }).First.WaitForAsync();
        await Expect(row.Locator("input[type=number]").Nth(1)).ToHaveValueAsync("80");
        await Expect(chat).ToHaveValueAsync("4");
        var profile = await Get(agentUrl);
        Assert.Equal(4, profile["chatCapacity"]!.GetValue<int>());
        Assert.Equal(80, profile["ticketCapacity"]!.GetValue<int>());

        // The same for a team's assignment mode.
        await Put(teamUrl, new { mode = "least_load" });
        await page.SelectOptionAsync($"#routing-mode-{team}", "RoundRobin");
        // Refused: the page shows the stored mode (a save would have left "RoundRobin" selected and stored).
        await Expect(page.Locator($"#routing-mode-{team}")).ToHaveValueAsync("LeastLoad");
        Assert.Equal("least_load", (await Get(teamUrl))["mode"]!.GetValue<string>());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Triage_rule_toggled_over_a_change_made_meanwhile_is_refused_and_keeps_the_other_change()
    {
        var name = "并发规则" + Guid.NewGuid().ToString("N")[..6];
        var rule = await app.Post("/api/v1/triage/rules", new { name, pattern = "退款", isRegex = false, priority = "high", isEnabled = true });
        var url = $"/api/v1/triage/rules/{rule["id"]}";

        var page = await app.SignIn("boss");
        await page.GotoAsync(app.BaseUrl + "/admin/triage");
        var toggle = page.Locator($"#triage-rule-enabled-{rule["id"]}");
        await Expect(toggle).ToBeCheckedAsync();

        await Put(url, new { name, pattern = "退款|退货", isRegex = true, priority = "high", isEnabled = true });
        // One click, not UncheckAsync: the refusal redraws the row as a new element, and Playwright's uncheck, finding its box
        // detached when it reads the state back, clicks again on the new box, a second toggle that is (rightly) stored.
        await toggle.ClickAsync();
        await page.Locator(".mud-snackbar", new() { HasText = "其他人刚刚修改了此项" }).First.WaitForAsync();
        await Expect(toggle).ToBeCheckedAsync();
        var stored = await Get(url);
        Assert.Equal("退款|退货", stored["pattern"]!.GetValue<string>());
        Assert.True(stored["isEnabled"]!.GetValue<bool>());
        await page.Context.CloseAsync();
    }
}
