using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kefu.BrowserTests;

/// <summary>The admin console and the profile page, driven as an administrator and as agents would.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AdminTests(BrowserApp app) : IAsyncLifetime
{
    private readonly List<(IPage Page, string Name)> _pages = [];

    private async Task<IPage> Open(string user, string? culture = null, [CallerMemberName] string test = "")
    {
        var page = await app.SignIn(user, culture);
        _pages.Add((page, $"{test}-{user}"));
        return page;
    }

    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..6];

    [Fact]
    public async Task Admin_creates_a_staff_account_that_then_signs_in()
    {
        var page = await Open("boss");
        await page.ClickAsync("#nav-admin");
        await page.WaitForSelectorAsync("#staff-table");
        await page.ClickAsync("#staff-new");

        var userName = Unique("zhao.min.");
        await page.FillAsync("#staff-username", userName);
        await page.FillAsync("#staff-displayname", "赵敏");
        await page.FillAsync("#staff-email", $"{userName}@staff.test");
        await page.FillAsync("#staff-password", BrowserApp.Password);
        await Expect(page.Locator("#staff-role-agent")).ToBeCheckedAsync(); // the usual role is preselected
        await page.CheckAsync($"#staff-team-{app.TeamA}");
        await page.CheckAsync("#staff-outsourced");
        await page.ClickAsync("#staff-save");

        var row = page.Locator($"tr[data-username='{userName}']");
        await Expect(row).ToContainTextAsync("赵敏");
        await Expect(row).ToContainTextAsync("售后组");
        await Expect(row).ToContainTextAsync("客服");
        await Expect(row).ToContainTextAsync("外包");

        // The filters find the new account by team and role, and hide it for another team.
        await page.SelectOptionAsync("#staff-filter-team", app.TeamA.ToString());
        await page.SelectOptionAsync("#staff-filter-role", "agent");
        await Expect(row).ToBeVisibleAsync();
        await page.SelectOptionAsync("#staff-filter-team", app.TeamB.ToString());
        await Expect(row).ToHaveCountAsync(0);

        // A fresh browser, as the new colleague would have.
        var colleague = await app.SignIn(userName);
        _pages.Add((colleague, $"{nameof(Admin_creates_a_staff_account_that_then_signs_in)}-{userName}"));
        await Expect(colleague.Locator("#current-user")).ToContainTextAsync(userName);

        var audit = await Json($"/api/v1/audit?entityType=user&limit=200");
        Assert.Contains(audit["items"]!.AsArray(), a => a!["action"]!.GetValue<string>() == "created"
            && a["actorName"]?.GetValue<string>() == "管理员" && a["changes"]!["userName"]!.GetValue<string>() == userName);
    }

    [Fact]
    public async Task A_deactivated_account_can_no_longer_sign_in()
    {
        var userName = Unique("leaver.");
        await app.CreateStaff(userName, "离职员工", ["agent"], [app.TeamA]);
        var page = await Open("boss");
        await page.GotoAsync($"{app.BaseUrl}/admin/staff");
        await page.ClickAsync($"tr[data-username='{userName}']");
        await Expect(page.Locator("#staff-editor-title")).ToContainTextAsync("离职员工");

        await page.ClickAsync("#staff-deactivate");
        await Expect(page.Locator("#staff-deactivate-confirmation")).ToContainTextAsync("离职员工");
        await page.ClickAsync("#staff-deactivate-confirm");
        await Expect(page.Locator($"tr[data-username='{userName}'] .staff-status")).ToHaveTextAsync("已停用");
        await Expect(page.Locator("#staff-reactivate")).ToBeVisibleAsync();

        var context = await app.Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "zh-CN" });
        var login = await context.NewPageAsync();
        _pages.Add((login, $"{nameof(A_deactivated_account_can_no_longer_sign_in)}-{userName}"));
        await login.GotoAsync(app.BaseUrl + "/");
        await login.FillAsync("#username", userName);
        await login.FillAsync("#password", BrowserApp.Password);
        await login.ClickAsync("#sign-in");
        await Expect(login.Locator("#login-error")).ToContainTextAsync("用户名或密码错误");
        Assert.Equal(0, await login.Locator("#workspace").CountAsync());
    }

    [Fact]
    public async Task The_taxonomy_editor_adds_a_leaf_sets_its_defaults_and_reorders()
    {
        var page = await Open("boss");
        await page.GotoAsync($"{app.BaseUrl}/admin/taxonomy");
        await page.ClickAsync("#tax-tree [data-path='订单服务/下单问题'] .kefu-tax-name");
        await Expect(page.Locator("#tax-editor")).ToHaveAttributeAsync("data-path", "订单服务/下单问题");

        var leaf = Unique("优惠券无法使用");
        await page.FillAsync("#tax-child-name", leaf);
        await page.ClickAsync("#tax-add-child");
        var node = page.Locator($"#tax-tree [data-path='订单服务/下单问题/{leaf}']");
        await Expect(node).ToBeVisibleAsync();
        var id = int.Parse((await node.GetAttributeAsync("data-drag"))!);

        // Defaults on the leaf.
        await node.Locator(".kefu-tax-name").ClickAsync();
        await page.SelectOptionAsync("#tax-default-team", app.TeamB.ToString());
        await page.SelectOptionAsync("#tax-default-priority", "Urgent");
        await page.ClickAsync("#tax-save");
        await Expect(node).ToContainTextAsync("技术组");
        await Expect(node).ToContainTextAsync("紧急");
        var stored = Find(await app.WaitForApi("/api/v1/taxonomy", t => Find(t, id)?["defaultTeamId"]?.GetValue<int>() == app.TeamB,
            "the leaf's defaults are stored"), id)!;
        Assert.Equal(app.TeamB, stored["defaultTeamId"]!.GetValue<int>());
        Assert.Equal("urgent", stored["defaultPriority"]!.GetValue<string>());

        // Reorder with the keyboard alternative (the new leaf is last), then by dragging it onto the first sibling.
        var before = Siblings(await Json("/api/v1/taxonomy"), "订单服务/下单问题");
        Assert.Equal(id, before[^1]);
        // The buttons are disabled while a move is saved, so they are no proof of the stored order: wait for that.
        await page.ClickAsync($"#tax-up-{id}");
        await Expect(page.Locator($"#tax-down-{id}")).ToBeEnabledAsync();
        await app.WaitForApi("/api/v1/taxonomy", t => Siblings(t, "订单服务/下单问题")[^2] == id, "moved up one place");

        await node.DragToAsync(page.Locator($"#tax-node-{before[0]}"));
        await Expect(page.Locator($"#tax-up-{id}")).ToBeDisabledAsync(); // it is first now
        await app.WaitForApi("/api/v1/taxonomy", t => Siblings(t, "订单服务/下单问题")[0] == id, "dragged to the top");
        await Expect(page.Locator($"#tax-down-{id}")).ToBeEnabledAsync();

        // Retire: stays in the tree, marked, and can come back.
        await page.ClickAsync("#tax-retire");
        await Expect(node).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("retired"));
        await app.WaitForApi("/api/v1/taxonomy", t => Find(t, id)!["isActive"]!.GetValue<bool>() == false, "retired");
    }

    [Fact]
    public async Task The_language_chosen_on_the_profile_follows_the_user_to_the_next_sign_in()
    {
        var userName = Unique("lang.");
        await app.CreateStaff(userName, "语言测试", ["agent"], [app.TeamA]);
        var page = await Open(userName);
        await page.ClickAsync("#nav-profile");
        await page.WaitForSelectorAsync("#profile-language");
        await page.SelectOptionAsync("#profile-language", "en");
        await page.SelectOptionAsync("#profile-timezone", "Europe/Berlin");
        await page.ClickAsync("#profile-save");

        // Saving a new language reloads the page in it.
        await Expect(page.Locator("#profile-saved")).ToContainTextAsync("Your settings are saved.");
        await Expect(page.Locator("#nav-profile")).ToContainTextAsync("Profile");
        await Expect(page.Locator("#profile-timezone")).ToHaveValueAsync("Europe/Berlin");

        await page.ClickAsync("#sign-out");
        await page.WaitForSelectorAsync("#username");

        // Another browser that prefers Chinese: the profile's language wins after sign-in.
        var again = await app.SignIn(userName, "zh-CN");
        _pages.Add((again, $"{nameof(The_language_chosen_on_the_profile_follows_the_user_to_the_next_sign_in)}-again"));
        await Expect(again.Locator("#view-unassigned")).ToContainTextAsync("Unassigned");
        await Expect(again.Locator("#sign-out")).ToContainTextAsync("Sign out");
    }

    [Fact]
    public async Task Validation_messages_appear_next_to_the_field_in_the_users_language()
    {
        var page = await Open("boss");
        await page.GotoAsync($"{app.BaseUrl}/admin/staff");
        await page.ClickAsync("#staff-new");
        await page.FillAsync("#staff-username", "agent.a"); // taken
        await page.FillAsync("#staff-displayname", "重名的人");
        await page.FillAsync("#staff-password", "abc1");
        await page.ClickAsync("#staff-save");
        await Expect(page.Locator("#staff-password-error")).ToHaveTextAsync("密码至少需要 8 个字符。");
        await Expect(page.Locator("#staff-password")).ToHaveAttributeAsync("aria-invalid", "true");

        await page.FillAsync("#staff-password", BrowserApp.Password);
        await page.ClickAsync("#staff-save");
        await Expect(page.Locator("#staff-username-error")).ToHaveTextAsync("该用户名已被占用。"); // the server's answer, translated
        await Expect(page.Locator("#staff-password-error")).ToHaveCountAsync(0);

        // The same in English, for a team name that exists (a conflict the service reports without a field).
        await page.GotoAsync($"{app.BaseUrl}/admin/teams");
        await BrowserApp.SwitchLanguage(page, "en");
        await page.FillAsync("#team-new-name", "售后组");
        await page.ClickAsync("#team-create");
        await Expect(page.Locator("#team-new-name-error")).ToHaveTextAsync("This name is already used.");
        await BrowserApp.SwitchLanguage(page, "zh-CN");
        await page.ClickAsync("#team-create");
        await Expect(page.Locator("#team-new-name-error")).ToHaveTextAsync("此项必填。");
    }

    [Fact]
    public async Task A_non_admin_gets_the_403_view_at_admin()
    {
        var page = await Open("agent.a");
        await Expect(page.Locator("#nav-admin")).ToHaveCountAsync(0);
        await page.GotoAsync($"{app.BaseUrl}/admin");
        await Expect(page.Locator("#forbidden")).ToContainTextAsync("403");
        await page.GotoAsync($"{app.BaseUrl}/admin/taxonomy");
        await Expect(page.Locator("#forbidden")).ToContainTextAsync("403");
        Assert.Equal(0, await page.Locator("#admin").CountAsync());
        Assert.Equal(0, await page.Locator("#tax-tree").CountAsync());
    }

    [Fact]
    public async Task A_team_lead_opens_the_routing_page_but_not_the_sla_or_staff_pages()
    {
        var userName = Unique("lead.");
        await app.CreateStaff(userName, "组长", ["team_lead"], [app.TeamA]);
        var page = await Open(userName);

        // The console opens on the first page the lead may use; the navigation lists only those.
        await page.ClickAsync("#nav-admin");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/admin/tags$"));
        await page.WaitForSelectorAsync("#tag-new-name");
        var nav = page.Locator(".kefu-admin-nav");
        await Expect(nav.Locator("#admin-nav-Routing")).ToBeVisibleAsync();
        await Expect(nav.Locator("#admin-nav-Audit")).ToBeVisibleAsync();
        await Expect(nav.Locator("#admin-nav-Staff")).ToHaveCountAsync(0);
        await Expect(nav.Locator("#admin-nav-Sla")).ToHaveCountAsync(0);

        await page.ClickAsync("#admin-nav-Routing");
        await page.WaitForSelectorAsync("#routing-teams");
        await Expect(page.Locator("#forbidden")).ToHaveCountAsync(0);

        await page.GotoAsync($"{app.BaseUrl}/admin/sla");
        await Expect(page.Locator("#forbidden")).ToContainTextAsync("403");
        await Expect(page.Locator("#policy-table")).ToHaveCountAsync(0);
        await page.GotoAsync($"{app.BaseUrl}/admin/staff");
        await Expect(page.Locator("#forbidden")).ToContainTextAsync("403");
        await Expect(page.Locator("#staff-table")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_supervisor_opens_the_sla_pages_but_not_teams()
    {
        var userName = Unique("super.");
        await app.CreateStaff(userName, "主管", ["supervisor"], [app.TeamA]);
        var page = await Open(userName);

        await page.GotoAsync($"{app.BaseUrl}/admin/sla");
        await page.WaitForSelectorAsync("#policy-table");
        await Expect(page.Locator(".kefu-admin-nav #admin-nav-Calendars")).ToBeVisibleAsync();
        await Expect(page.Locator(".kefu-admin-nav #admin-nav-Teams")).ToHaveCountAsync(0);

        await page.GotoAsync($"{app.BaseUrl}/admin/teams");
        await Expect(page.Locator("#forbidden")).ToContainTextAsync("403");
        await Expect(page.Locator("#team-table")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Page_headings_have_no_focus_box_and_the_audit_log_reads_cleanly()
    {
        var page = await Open("boss");
        // Blazor focuses the page heading after navigation (for screen readers); it must not draw a box around it.
        await page.ClickAsync("#nav-profile");
        var heading = page.Locator("h1").First;
        await Expect(heading).ToBeVisibleAsync();
        Assert.Equal("none", await heading.EvaluateAsync<string>("e => getComputedStyle(e).outlineStyle"));

        // The tab has an icon (no 404 for /favicon.ico on every page load).
        var icon = await page.Locator("link[rel=icon]").GetAttributeAsync("href");
        Assert.True((await app.Api.GetAsync(icon!.StartsWith('/') ? icon : "/" + icon)).IsSuccessStatusCode, $"icon {icon}");

        // The "via" column (网页 / 系统 / API 令牌) stays on one line.
        await app.CreateTicket("审计 " + Unique("t"));
        await page.GotoAsync($"{app.BaseUrl}/admin/audit");
        var via = page.Locator("#audit-table tbody tr").First.Locator("td").Nth(2);
        await Expect(via).Not.ToBeEmptyAsync();
        Assert.Equal("nowrap", await via.EvaluateAsync<string>("e => getComputedStyle(e).whiteSpace"));
    }

    [Fact]
    public async Task The_audit_log_narrows_to_one_actor_and_to_one_action()
    {
        // An actor of her own, so her rows are exactly what this test had her do: create a ticket and change it.
        var name = Unique("审计人");
        var client = await app.StaffClient(Unique("auditor."), name, ["agent"], [app.TeamA]);
        var me = JsonNode.Parse(await client.GetStringAsync("/api/v1/me"))!;
        var actorId = me["id"]!.GetValue<string>();
        var created = await client.PostAsJsonAsync("/api/v1/tickets", new
        {
            subject = "审计筛选 " + Unique("t"), channel = "web_form", teamId = app.TeamA,
            customer = new { email = Unique("audit") + "@example.com", name = "陈静" }, message = new { body = "请核对" },
        });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var ticketId = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<long>();
        (await client.PatchAsJsonAsync($"/api/v1/tickets/{ticketId}", new { priority = "high" })).EnsureSuccessStatusCode();
        // Someone else changes the same ticket: the same action by another actor.
        (await app.Api.PatchAsJsonAsync($"/api/v1/tickets/{ticketId}", new { priority = "urgent" })).EnsureSuccessStatusCode();

        var trail = (await app.WaitForApi($"/api/v1/audit?entityType=ticket&entityId={ticketId}",
            a => a["items"]!.AsArray().Count(e => e!["action"]!.GetValue<string>() == "updated") == 2, "both updates audited"))["items"]!.AsArray();
        long Row(string action, bool hers) => trail.First(e => e!["action"]!.GetValue<string>() == action
            && (e["actorId"]?.GetValue<string>() == actorId) == hers)!["id"]!.GetValue<long>();
        var (herCreate, herUpdate, otherUpdate) = (Row("created", true), Row("updated", true), Row("updated", false));
        var hers = JsonNode.Parse(await app.Api.GetStringAsync($"/api/v1/audit?actorId={actorId}&limit=200"))!["items"]!.AsArray()
            .Select(e => e!["id"]!.GetValue<long>().ToString()).Order().ToArray();
        Assert.Contains(herCreate.ToString(), hers);
        Assert.Contains(herUpdate.ToString(), hers);
        // The API takes the same filters.
        var herChanges = JsonNode.Parse(await app.Api.GetStringAsync($"/api/v1/audit?actorId={actorId}&action=updated"))!["items"]!.AsArray();
        Assert.Equal(herUpdate, Assert.Single(herChanges)!["id"]!.GetValue<long>());

        var page = await Open("boss");
        await page.GotoAsync($"{app.BaseUrl}/admin/audit");
        var rows = page.Locator("#audit-table tbody tr");
        await Expect(page.Locator($"#audit-table tr[data-audit-id='{otherUpdate}']")).ToHaveCountAsync(1);
        // The actions are offered by their labels, as the rows show them.
        await Expect(page.Locator("#audit-action option[value='updated']")).ToHaveTextAsync("修改");
        await Expect(page.Locator("#audit-action option[value='created']")).ToHaveTextAsync("创建");

        // The actor filter: her rows, all of them, and no one else's.
        await page.SelectOptionAsync("#audit-actor", actorId);
        await page.ClickAsync("#audit-apply");
        await Expect(page.Locator($"#audit-table tr[data-audit-id='{otherUpdate}']")).ToHaveCountAsync(0);
        await Expect(rows).ToHaveCountAsync(hers.Length);
        Assert.Equal(hers, (await rows.EvaluateAllAsync<string[]>("rs => rs.map(r => r.dataset.auditId)")).Order().ToArray());
        foreach (var cell in await rows.Locator("td:nth-child(2)").AllAsync()) await Expect(cell).ToContainTextAsync(name);

        // The action filter alone: changes by anyone (hers and the other one), nothing else.
        await page.SelectOptionAsync("#audit-actor", "");
        await page.SelectOptionAsync("#audit-action", "updated");
        await page.ClickAsync("#audit-apply");
        await Expect(page.Locator($"#audit-table tr[data-audit-id='{otherUpdate}']")).ToHaveCountAsync(1);
        await Expect(page.Locator($"#audit-table tr[data-audit-id='{herUpdate}']")).ToHaveCountAsync(1);
        await Expect(page.Locator($"#audit-table tr[data-audit-id='{herCreate}']")).ToHaveCountAsync(0);
        await Expect(page.Locator("#audit-table tbody tr:not([data-action='updated'])")).ToHaveCountAsync(0);
        foreach (var badge in await rows.Locator("td:nth-child(5)").AllAsync()) await Expect(badge).ToHaveTextAsync("修改");

        // Both together: her one change.
        await page.SelectOptionAsync("#audit-actor", actorId);
        await page.ClickAsync("#audit-apply");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(page.Locator($"#audit-table tr[data-audit-id='{herUpdate}']")).ToHaveCountAsync(1);

        // Reset shows everything again.
        await page.ClickAsync("#audit-reset");
        await Expect(page.Locator($"#audit-table tr[data-audit-id='{herCreate}']")).ToHaveCountAsync(1);
        await Expect(page.Locator("#audit-action")).ToHaveValueAsync("");
    }

    [Fact]
    public async Task An_agent_changes_their_password_on_the_profile()
    {
        var userName = Unique("pw.");
        await app.CreateStaff(userName, "改密码", ["agent"], [app.TeamA]);
        var page = await Open(userName);
        await page.GotoAsync($"{app.BaseUrl}/profile");

        await page.FillAsync("#profile-current-password", "Wrong#2026x");
        await page.FillAsync("#profile-new-password", "Better#2027");
        await page.FillAsync("#profile-confirm-password", "Better#2027");
        await page.ClickAsync("#profile-change-password");
        await Expect(page.Locator("#profile-current-password-error")).ToHaveTextAsync("当前密码不正确。");

        await page.FillAsync("#profile-current-password", BrowserApp.Password);
        await page.ClickAsync("#profile-change-password");
        await Expect(page.Locator("#profile-password-changed")).ToBeVisibleAsync();
        Directory.CreateDirectory(BrowserApp.ArtifactsDir);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserApp.ArtifactsDir, $"{nameof(An_agent_changes_their_password_on_the_profile)}-profile.png"), FullPage = true });

        // This browser stays signed in; the new password works elsewhere.
        await page.GotoAsync(app.BaseUrl + "/");
        await page.WaitForSelectorAsync(BrowserApp.Interactive);
        var context = await app.Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "zh-CN" });
        var other = await context.NewPageAsync();
        _pages.Add((other, $"{nameof(An_agent_changes_their_password_on_the_profile)}-other"));
        await other.GotoAsync(app.BaseUrl + "/");
        await other.FillAsync("#username", userName);
        await other.FillAsync("#password", "Better#2027");
        await other.ClickAsync("#sign-in");
        await other.WaitForSelectorAsync(BrowserApp.Interactive);
    }

    [Fact]
    public async Task Admin_creates_a_token_that_works_once_shown_and_revokes_it()
    {
        var page = await Open("boss");
        await page.GotoAsync($"{app.BaseUrl}/admin/tokens");
        var name = Unique("CRM 同步 ");
        await page.SelectOptionAsync("#token-user", await UserId("agent.b"));
        await page.FillAsync("#token-name", name);
        await page.ClickAsync("#token-create");
        var value = await page.Locator("#token-value").InnerTextAsync();
        Assert.StartsWith("kfp_", value);

        using var client = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", value);
        Assert.Contains("\"userName\":\"agent.b\"", await client.GetStringAsync("/api/v1/me"));

        var row = page.Locator("#token-table tr", new() { HasText = name });
        var id = await row.GetAttributeAsync("data-token-id");
        await page.ClickAsync($"#token-revoke-{id}");
        await page.ClickAsync($"#token-revoke-confirm-{id}");
        await Expect(row.Locator(".token-status")).ToHaveTextAsync("已吊销");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/me")).StatusCode);

        // Both show in the audit log, filtered to tokens.
        await page.GotoAsync($"{app.BaseUrl}/admin/audit");
        await page.SelectOptionAsync("#audit-entity", "token");
        await page.ClickAsync("#audit-apply");
        await Expect(page.Locator($"#audit-table tr[data-entity-type='token'][data-action='revoked']").First).ToContainTextAsync(name);
        await Expect(page.Locator("#audit-table tr[data-entity-type='user']")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Admin_manages_teams_and_tags()
    {
        var page = await Open("boss");
        await page.GotoAsync($"{app.BaseUrl}/admin/teams");
        var team = Unique("投诉组");
        await page.FillAsync("#team-new-name", team);
        await page.ClickAsync("#team-create");
        var teamRow = page.Locator("#team-table tr", new() { HasText = team });
        await Expect(teamRow).ToBeVisibleAsync();
        var teamId = await teamRow.GetAttributeAsync("data-team-id");
        await page.ClickAsync($"#team-rename-{teamId}");
        await page.FillAsync("#team-edit-name", team + "二");
        await page.ClickAsync("#team-edit-save");
        await Expect(page.Locator($"tr[data-team-id='{teamId}'] .team-name")).ToHaveTextAsync(team + "二");

        var tag = Unique("加急");
        var ticket = await app.CreateTicket("标签统计 " + tag);
        await page.GotoAsync($"{app.BaseUrl}/admin/tags");
        await page.FillAsync("#tag-new-name", tag);
        await page.ClickAsync("#tag-create");
        var tagRow = page.Locator($"tr[data-tag='{tag}']");
        await Expect(tagRow.Locator(".tag-usage")).ToHaveTextAsync("0");
        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/tickets/{ticket["id"]}") { Content = JsonContent(new { tags = new[] { tag } }) };
        Assert.True((await app.Api.SendAsync(patch)).IsSuccessStatusCode);
        await page.ReloadAsync();
        await Expect(tagRow.Locator(".tag-usage")).ToHaveTextAsync("1");
        var tagId = await tagRow.GetAttributeAsync("data-tag-id");
        await page.ClickAsync($"#tag-delete-{tagId}");
        await page.ClickAsync($"#tag-delete-confirm-{tagId}");
        await Expect(tagRow).ToHaveCountAsync(0);
    }

    private static HttpContent JsonContent(object body) => System.Net.Http.Json.JsonContent.Create(body);

    private async Task<JsonNode> Json(string url) => JsonNode.Parse(await app.Api.GetStringAsync(url))!;

    private async Task<string> UserId(string userName) =>
        (await Json($"/api/v1/users?q={Uri.EscapeDataString(userName)}&limit=200"))["items"]!.AsArray().First(u => u!["userName"]!.GetValue<string>() == userName)!["id"]!.GetValue<string>();

    private static JsonNode? Find(JsonNode tree, int id)
    {
        foreach (var n in tree.AsArray())
        {
            if (n!["id"]!.GetValue<int>() == id) return n;
            if (Find(n["children"]!, id) is { } found) return found;
        }
        return null;
    }

    private static int[] Siblings(JsonNode tree, string parentPath)
    {
        foreach (var n in tree.AsArray())
        {
            if (n!["path"]!.GetValue<string>() == parentPath) return [.. n["children"]!.AsArray().Select(c => c!["id"]!.GetValue<int>())];
            if (Siblings(n["children"]!, parentPath) is { Length: > 0 } found) return found;
        }
        return [];
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => BrowserApp.ScreenshotAndCloseAsync(_pages, fullPage: true);
}
