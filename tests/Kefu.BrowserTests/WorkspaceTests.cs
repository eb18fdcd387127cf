using System.Runtime.CompilerServices;
using System.Net.Http.Json;
using Microsoft.Playwright;

namespace Kefu.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class WorkspaceTests(BrowserApp app) : IAsyncLifetime
{
    private readonly List<(IPage Page, string Name)> _pages = [];

    private async Task<IPage> Open(string user, string? culture = null, [CallerMemberName] string test = "")
    {
        var page = await app.SignIn(user, culture);
        _pages.Add((page, $"{test}-{user}"));
        return page;
    }

    [Fact]
    public async Task An_agent_handles_a_ticket_from_arrival_to_solved()
    {
        var subject = "退款还没到账 " + Guid.NewGuid().ToString("N")[..6];
        // The same customer wrote before: the customer panel lists that ticket too.
        var email = $"{Guid.NewGuid():N}"[..10] + "@example.com";
        var earlierSubject = "上个月的订单 " + Guid.NewGuid().ToString("N")[..6];
        var earlier = await app.CreateTicket(earlierSubject, email: email);
        var ticket = await app.CreateTicket(subject, email: email);
        var id = ticket["id"]!.GetValue<long>();
        var page = await Open("agent.a");

        await page.ClickAsync("#view-unassigned");
        await page.ClickAsync($"#row-{id}");
        await page.WaitForSelectorAsync($"#ticket-pane[data-ticket-id='{id}']");
        await Assertions.Expect(page.Locator("#ticket-title")).ToContainTextAsync(subject);

        await page.ClickAsync("#take");
        await Assertions.Expect(page.Locator("#prop-assignee")).ToHaveValueAsync(await UserId("agent.a"));

        await page.FillAsync("#reply-box", "您好，退款已提交，预计1-3个工作日到账。");
        await page.ClickAsync("#send");
        await Assertions.Expect(page.Locator("#thread .kind-public_reply")).ToContainTextAsync("预计1-3个工作日到账");
        await Assertions.Expect(page.Locator("#prop-owner")).ToHaveTextAsync("王芳");

        await page.ClickAsync("#mode-note");
        await page.FillAsync("#reply-box", "已和财务确认");
        await page.ClickAsync("#send");
        await Assertions.Expect(page.Locator("#thread .kind-internal_note")).ToContainTextAsync("已和财务确认");

        await page.SelectOptionAsync("#prop-status", "solved");
        await Assertions.Expect(page.Locator("#ticket-status")).ToHaveTextAsync("已解决");

        // What the UI shows is the circuit's view; the stored state is read until it has the change (under load the
        // commit may land a little after the screen updates).
        await app.WaitForApi($"/api/v1/tickets/{id}", t => t["status"]?.GetValue<string>() == "solved", "the ticket is stored as solved");

        await page.FillAsync("#customer-note", "老客户，偏好电话联系");
        await page.ClickAsync("#save-customer-note");
        await Assertions.Expect(page.Locator("#save-customer-note")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#customer-note")).ToHaveValueAsync("老客户，偏好电话联系");
        await app.WaitForApi($"/api/v1/customers/{ticket["customer"]!["id"]}", c => c["note"]?.GetValue<string>() == "老客户，偏好电话联系",
            "the customer note is stored");

        // The customer's other ticket, one click away.
        var other = page.Locator($"#customer-panel a[href='/tickets/{earlier["id"]}']");
        await Assertions.Expect(other).ToContainTextAsync($"#{earlier["number"]} {earlierSubject}");
        await Assertions.Expect(page.Locator($"#customer-panel a[href='/tickets/{id}']")).ToHaveCountAsync(0);

        // The category from the properties panel.
        await page.SelectOptionAsync("#prop-category", new SelectOptionValue { Label = "订单服务/下单问题/无法支付" });
        await app.WaitForApi($"/api/v1/tickets/{id}", t => t["category"]?["path"]?.GetValue<string>() == "订单服务/下单问题/无法支付",
            "the category is stored");
        await Assertions.Expect(page.Locator("#prop-category option:checked")).ToHaveTextAsync("订单服务/下单问题/无法支付");

        await other.ClickAsync();
        await page.WaitForSelectorAsync($"#ticket-pane[data-ticket-id='{earlier["id"]}']");
        await Assertions.Expect(page.Locator("#ticket-title")).ToContainTextAsync(earlierSubject);

        // Moving a ticket to another team takes a supervisor (tickets.assign_any, which agents lack): refused in her
        // language, and the picker shows the ticket's team again.
        await page.GotoAsync($"{app.BaseUrl}/tickets/{id}");
        await page.WaitForSelectorAsync($"#ticket-pane[data-ticket-id='{id}']");
        await page.SelectOptionAsync("#prop-team", app.TeamB.ToString());
        await Assertions.Expect(page.Locator("#prop-error")).ToHaveTextAsync("你没有执行此操作的权限。");
        await Assertions.Expect(page.Locator("#prop-team")).ToHaveValueAsync(app.TeamA.ToString());
        var supervisorName = "sup." + Guid.NewGuid().ToString("N")[..8];
        await app.CreateStaff(supervisorName, "组长", ["supervisor"], [app.TeamA, app.TeamB]);
        var supervisor = await Open(supervisorName);
        await supervisor.GotoAsync($"{app.BaseUrl}/tickets/{id}");
        await supervisor.WaitForSelectorAsync($"#ticket-pane[data-ticket-id='{id}']");
        await supervisor.SelectOptionAsync("#prop-team", app.TeamB.ToString());
        await app.WaitForApi($"/api/v1/tickets/{id}", t => t["team"]?["id"]?.GetValue<int>() == app.TeamB, "the team is stored");
        await Assertions.Expect(supervisor.Locator("#prop-team option:checked")).ToHaveTextAsync("技术组");
        await Assertions.Expect(supervisor.Locator("#prop-error")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task An_image_attachment_is_previewed_and_a_too_large_one_is_refused_in_the_users_language()
    {
        var id = (await app.CreateTicket("附件预览 " + Guid.NewGuid().ToString("N")[..6]))["id"]!.GetValue<long>();
        var page = await Open(await NewAgent("预览")); // switches her language
        await page.GotoAsync($"{app.BaseUrl}/tickets/{id}");
        await page.WaitForSelectorAsync($"#reply-box[data-ticket-id='{id}']");

        // A 2×1 PNG, sent as a reply attachment: the thread shows the image itself, loaded.
        await page.SetInputFilesAsync("#attach", new FilePayload { Name = "截图.png", MimeType = "image/png", Buffer = Png2x1 });
        await Assertions.Expect(page.Locator("#editor .kefu-chip")).ToContainTextAsync("截图.png");
        await page.Locator("#reply-box").FillAsync("请看截图");
        await page.ClickAsync("#send");
        var img = page.Locator("#thread .kind-public_reply .kefu-attachment img");
        await Assertions.Expect(img).ToHaveCountAsync(1);
        await img.ScrollIntoViewIfNeededAsync(); // loading="lazy"
        await page.WaitForFunctionAsync("() => { const i = document.querySelector('#thread .kind-public_reply .kefu-attachment img'); return i && i.complete && i.naturalWidth === 2; }");

        // Over the limit (1 MB in these tests): a message in her language, not the browser stream's English.
        var big = new FilePayload { Name = "录像.zip", MimeType = "application/zip", Buffer = new byte[1024 * 1024 + 1] };
        await page.SetInputFilesAsync("#attach", big);
        await Assertions.Expect(page.Locator("#editor-error")).ToHaveTextAsync("附件“录像.zip”过大：单个附件不能超过 1 MB。");
        // More files in one pick than the editor takes: refused in her language, and the circuit lives on (before, the
        // picker's own exception ended it): the next click is answered.
        var many = Enumerable.Range(1, 11).Select(i => new FilePayload { Name = $"f{i}.txt", MimeType = "text/plain", Buffer = [1] });
        await page.SetInputFilesAsync("#attach", many);
        await Assertions.Expect(page.Locator("#editor-error")).ToHaveTextAsync("选择了 11 个文件：每次最多附加 10 个。");
        await page.ClickAsync("#mode-note");
        await Assertions.Expect(page.Locator("#mode-note")).ToHaveClassAsync("active");
        await page.ClickAsync("#mode-reply");
        await Assertions.Expect(page.Locator("#editor .kefu-chip")).ToHaveCountAsync(0);
        await BrowserApp.SwitchLanguage(page, "en");
        await page.WaitForSelectorAsync($"#reply-box[data-ticket-id='{id}']");
        await page.SetInputFilesAsync("#attach", big);
        await Assertions.Expect(page.Locator("#editor-error")).ToHaveTextAsync("The attachment 录像.zip is too large: attachments are limited to 1 MB each.");
        await Assertions.Expect(page.Locator("#editor .kefu-chip")).ToHaveCountAsync(0);
    }

    private static readonly byte[] Png2x1 = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAADUlEQVR4nGP4zwAE/wEHAAH/4iOeWQAAAABJRU5ErkJggg==");

    [Fact]
    public async Task A_live_update_keeps_the_customer_note_being_typed()
    {
        var ticket = await app.CreateTicket("备注不丢 " + Guid.NewGuid().ToString("N")[..6]);
        var id = ticket["id"]!.GetValue<long>();
        var page = await Open("agent.a");
        await page.GotoAsync($"{app.BaseUrl}/tickets/{id}");
        await page.WaitForSelectorAsync($"#ticket-pane[data-ticket-id='{id}']");
        await page.FillAsync("#customer-note", "VIP，只接受电话回访");

        // A colleague (here through the API) changes the ticket: the pane reloads live…
        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/tickets/{id}")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { priority = "high" }),
        };
        Assert.True((await app.Api.SendAsync(patch)).IsSuccessStatusCode);
        await Assertions.Expect(page.Locator("#prop-priority")).ToHaveValueAsync("high");

        // …and what the agent was typing is still there, still unsaved, and saves.
        await Assertions.Expect(page.Locator("#customer-note")).ToHaveValueAsync("VIP，只接受电话回访");
        await page.ClickAsync("#save-customer-note");
        await app.WaitForApi($"/api/v1/customers/{ticket["customer"]!["id"]}", c => c["note"]?.GetValue<string>() == "VIP，只接受电话回访",
            "the customer note is stored");
    }

    [Fact]
    public async Task The_collision_banner_keeps_the_thread_and_properties_in_place()
    {
        var id = (await app.CreateTicket("布局检查 " + Guid.NewGuid().ToString("N")[..6]))["id"]!.GetValue<long>();
        var colleague = await Open("agent.a2");
        await colleague.GotoAsync($"{app.BaseUrl}/tickets/{id}");
        await colleague.WaitForSelectorAsync($"#ticket-pane[data-ticket-id='{id}']");
        var page = await Open("agent.a");
        await page.GotoAsync($"{app.BaseUrl}/tickets/{id}");
        await Assertions.Expect(page.Locator("#collision")).ToContainTextAsync("李娜");

        // The banner is a row of its own: the thread and the side panel start below it, side by side, and the
        // editor stays at the bottom of the pane (the banner used to push them into the wrong grid rows).
        var banner = (await page.Locator("#collision").BoundingBoxAsync())!;
        var thread = (await page.Locator("#thread").BoundingBoxAsync())!;
        var side = (await page.Locator(".kefu-side").BoundingBoxAsync())!;
        var editor = (await page.Locator("#editor").BoundingBoxAsync())!;
        var pane = (await page.Locator("#ticket-pane").BoundingBoxAsync())!;
        Assert.True(thread.Y >= banner.Y + banner.Height - 1, $"thread at {thread.Y}, banner ends at {banner.Y + banner.Height}");
        Assert.True(Math.Abs(side.Y - thread.Y) < 2, $"side panel at {side.Y}, thread at {thread.Y}");
        Assert.True(side.X >= thread.X + thread.Width - 1, "the side panel is right of the thread");
        Assert.True(Math.Abs(editor.Y + editor.Height - (pane.Y + pane.Height)) < 2, $"editor ends at {editor.Y + editor.Height}, pane at {pane.Y + pane.Height}");
    }

    [Fact]
    public async Task My_own_second_tab_is_not_a_colleague_also_viewing()
    {
        var id = (await app.CreateTicket("两个标签页 " + Guid.NewGuid().ToString("N")[..6]))["id"]!.GetValue<long>();
        var colleague = await Open("agent.a2");
        await colleague.GotoAsync($"{app.BaseUrl}/tickets/{id}");
        await colleague.WaitForSelectorAsync($"#ticket-pane[data-ticket-id='{id}']");
        var first = await Open("agent.a");
        await first.GotoAsync($"{app.BaseUrl}/tickets/{id}");
        await Assertions.Expect(first.Locator("#collision")).ToContainTextAsync("李娜");
        var second = await Open("agent.a", test: nameof(My_own_second_tab_is_not_a_colleague_also_viewing) + "-2");
        await second.GotoAsync($"{app.BaseUrl}/tickets/{id}");
        await Assertions.Expect(second.Locator("#collision")).ToContainTextAsync("李娜"); // the second tab has joined

        await Assertions.Expect(first.Locator("#collision")).Not.ToContainTextAsync("王芳");
        await Assertions.Expect(first.Locator("#collision span")).ToHaveCountAsync(1);
        // The colleague sees 王芳 once, however many tabs she has open.
        await Assertions.Expect(colleague.Locator("#collision")).ToContainTextAsync("王芳");
        await Assertions.Expect(colleague.Locator("#collision span")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task Changes_in_the_thread_read_in_the_users_language()
    {
        var id = (await app.CreateTicket("事件翻译 " + Guid.NewGuid().ToString("N")[..6]))["id"]!.GetValue<long>();
        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/tickets/{id}")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { priority = "urgent", status = "pending_customer" }),
        };
        Assert.True((await app.Api.SendAsync(patch)).IsSuccessStatusCode);
        // Its own agent: switching the language is saved on the user, and the shared agents must stay in Chinese.
        var page = await Open(await NewAgent("事件"));
        await page.GotoAsync($"{app.BaseUrl}/tickets/{id}");
        var change = page.Locator("#thread .kefu-event", new() { HasText = "优先级" });
        await Assertions.Expect(change).ToContainTextAsync("优先级: 普通 → 紧急");
        await Assertions.Expect(change).ToContainTextAsync("状态: 新建 → 等待客户");
        await Assertions.Expect(change).Not.ToContainTextAsync("pending_customer");

        await BrowserApp.SwitchLanguage(page, "en");
        await Assertions.Expect(page.Locator("#thread .kefu-event", new() { HasText = "Priority" })).ToContainTextAsync("Priority: Normal → Urgent");
    }

    [Fact]
    public async Task Channel_icons_and_the_attach_button_need_no_emoji_font_and_speak_the_users_language()
    {
        var id = (await app.CreateTicket("附件按钮 " + Guid.NewGuid().ToString("N")[..6]))["id"]!.GetValue<long>();
        var page = await Open(await NewAgent("附件"));
        await page.ClickAsync("#view-unassigned");
        await Assertions.Expect(page.Locator($"#row-{id} .kefu-channel svg")).ToHaveCountAsync(1);
        await page.ClickAsync($"#row-{id}");
        await Assertions.Expect(page.Locator("#ticket-channel svg")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#ticket-channel")).ToHaveTextAsync("网页表单");

        // Our own attach button (the browser's says "Choose Files" whatever the user's language); it still uploads.
        await Assertions.Expect(page.Locator("#attach-label")).ToHaveTextAsync("添加附件");
        await Assertions.Expect(page.Locator("#attach")).Not.ToBeInViewportAsync();
        await page.SetInputFilesAsync("#attach", new FilePayload { Name = "订单截图.txt", MimeType = "text/plain", Buffer = "hello"u8.ToArray() });
        await Assertions.Expect(page.Locator("#editor .kefu-chip")).ToContainTextAsync("订单截图.txt");

        await BrowserApp.SwitchLanguage(page, "en");
        await Assertions.Expect(page.Locator("#attach-label")).ToHaveTextAsync("Attach files");
        // English buttons in sentence case, not MudBlazor's capitals.
        Assert.Equal("none", await page.Locator("#sign-out").EvaluateAsync<string>("e => getComputedStyle(e).textTransform"));
        Assert.Equal("Sign out", await page.Locator("#sign-out").InnerTextAsync());
    }

    [Fact]
    public async Task A_colleague_sees_changes_live_without_reloading()
    {
        var subject = "APP 闪退 " + Guid.NewGuid().ToString("N")[..6];
        var id = (await app.CreateTicket(subject))["id"]!.GetValue<long>();
        var watcher = await Open("agent.a2");
        await watcher.GotoAsync($"{app.BaseUrl}/tickets/{id}");
        await watcher.WaitForSelectorAsync($"#ticket-pane[data-ticket-id='{id}']");
        var unassignedBefore = int.Parse(await watcher.Locator("#count-unassigned").InnerTextAsync());

        var actor = await Open("agent.a");
        await actor.GotoAsync($"{app.BaseUrl}/tickets/{id}");
        await actor.WaitForSelectorAsync($"#ticket-pane[data-ticket-id='{id}']");
        await Assertions.Expect(watcher.Locator("#collision")).ToContainTextAsync("王芳");

        await actor.ClickAsync("#take");
        await actor.WaitForSelectorAsync($"#reply-box[data-ticket-id='{id}']");
        await actor.Locator("#reply-box").PressSequentiallyAsync("正在为您排查");
        // While she types (the flag lasts 3 s after the last keystroke), the colleague is told so.
        await Assertions.Expect(watcher.Locator("#collision")).ToContainTextAsync("王芳 正在输入回复");
        await actor.ClickAsync("#send");

        // No reload on the watcher's side: the thread, properties and counts follow.
        await Assertions.Expect(watcher.Locator("#thread .kind-public_reply")).ToContainTextAsync("正在为您排查");
        await Assertions.Expect(watcher.Locator("#prop-owner")).ToHaveTextAsync("王芳");
        await Assertions.Expect(watcher.Locator("#count-unassigned")).ToHaveTextAsync((unassignedBefore - 1).ToString());
    }

    [Fact]
    public async Task A_mention_in_a_note_notifies_the_colleague()
    {
        var id = (await app.CreateTicket("需要同事协助 " + Guid.NewGuid().ToString("N")[..6]))["id"]!.GetValue<long>();
        var mentioned = await Open("agent.a");
        var author = await Open("agent.a2");
        await author.GotoAsync($"{app.BaseUrl}/tickets/{id}");
        await author.ClickAsync("#mode-note");
        await author.FillAsync("#reply-box", "@王芳 请帮忙看一下这个退款");
        await author.ClickAsync("#send");
        await Assertions.Expect(mentioned.Locator(".mud-snackbar")).ToContainTextAsync($"#{id + 100000}");
    }

    [Fact]
    public async Task Typing_at_in_a_note_suggests_colleagues_by_name_or_user_name()
    {
        var id = (await app.CreateTicket("提醒同事 " + Guid.NewGuid().ToString("N")[..6]))["id"]!.GetValue<long>();
        var mentioned = await Open("agent.a");
        var author = await Open("agent.a2");
        await author.GotoAsync($"{app.BaseUrl}/tickets/{id}");
        var box = author.Locator("#reply-box");
        var list = author.Locator("#mention-list");

        // Not in a public reply: mentions are for colleagues, in notes.
        await box.ClickAsync();
        await author.Keyboard.TypeAsync("@");
        await Assertions.Expect(list).ToHaveCountAsync(0);
        await box.FillAsync("");

        await author.ClickAsync("#mode-note");
        await box.ClickAsync();
        await author.Keyboard.TypeAsync("请@");
        await Assertions.Expect(list).ToHaveCountAsync(0); // "@" inside a word (an e-mail address) is not a mention
        await author.Keyboard.TypeAsync(" @");
        await Assertions.Expect(list).ToBeVisibleAsync();
        await Assertions.Expect(list).Not.ToContainTextAsync("李娜"); // not oneself
        await author.Keyboard.TypeAsync("王");
        await Assertions.Expect(list.Locator("li")).ToHaveCountAsync(1);
        await Assertions.Expect(list.Locator("li.active")).ToContainTextAsync("王芳");
        await author.Keyboard.PressAsync("Enter");
        await Assertions.Expect(list).ToHaveCountAsync(0);
        await Assertions.Expect(box).ToHaveValueAsync("请@ @王芳 ");

        // By user name, moving with the arrow keys, chosen with Tab.
        await author.Keyboard.TypeAsync("和 @agent");
        await Assertions.Expect(list.Locator("li")).ToHaveCountAsync(2);
        await Assertions.Expect(list.Locator("li.active")).ToHaveAttributeAsync("data-user-name", "agent.b"); // 张伟 sorts before 王芳
        await author.Keyboard.PressAsync("ArrowDown");
        await Assertions.Expect(list.Locator("li.active")).ToHaveAttributeAsync("data-user-name", "agent.a");
        await author.Keyboard.PressAsync("ArrowDown");
        await Assertions.Expect(list.Locator("li.active")).ToHaveAttributeAsync("data-user-name", "agent.b"); // wraps around
        await author.Keyboard.PressAsync("ArrowUp");
        await Assertions.Expect(list.Locator("li.active")).ToHaveAttributeAsync("data-user-name", "agent.a");
        await author.Keyboard.PressAsync("ArrowUp");
        await Assertions.Expect(list.Locator("li.active")).ToHaveAttributeAsync("data-user-name", "agent.b");
        await author.Keyboard.PressAsync("Tab");
        await Assertions.Expect(box).ToHaveValueAsync("请@ @王芳 和 @张伟 ");
        await Assertions.Expect(box).ToBeFocusedAsync();

        // Escape closes the list and stays in the editor; a click chooses too.
        await author.Keyboard.TypeAsync("@管");
        await Assertions.Expect(list).ToBeVisibleAsync();
        await author.Keyboard.PressAsync("Escape");
        await Assertions.Expect(list).ToHaveCountAsync(0);
        await Assertions.Expect(box).ToBeFocusedAsync();
        await author.Keyboard.PressAsync("Backspace");
        await author.Keyboard.TypeAsync("管");
        await list.Locator("li", new() { HasText = "管理员" }).ClickAsync();
        await Assertions.Expect(box).ToHaveValueAsync("请@ @王芳 和 @张伟 @管理员 ");

        await author.Keyboard.TypeAsync("请看一下");
        await author.ClickAsync("#send");
        await Assertions.Expect(author.Locator("#thread .kind-internal_note")).ToContainTextAsync("@管理员 请看一下");
        await Assertions.Expect(mentioned.Locator(".mud-snackbar")).ToContainTextAsync($"#{id + 100000}");
    }

    [Fact]
    public async Task Ticket_rows_are_reached_with_tab_and_opened_with_enter()
    {
        var id = (await app.CreateTicket("键盘打开 " + Guid.NewGuid().ToString("N")[..6]))["id"]!.GetValue<long>();
        var page = await Open("agent.a");
        await page.ClickAsync("#view-unassigned");
        await page.WaitForSelectorAsync($"#row-{id}");
        await page.FocusAsync("#search");

        // Tab alone goes from the search box to the first row of the list.
        string? focused = null;
        for (var i = 0; i < 60 && focused is null; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            focused = await page.EvaluateAsync<string?>("() => document.activeElement?.classList.contains('kefu-row') ? document.activeElement.dataset.ticketId : null");
        }
        Assert.NotNull(focused);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForSelectorAsync($"#ticket-pane[data-ticket-id='{focused}']");
    }

    [Fact]
    public async Task Keyboard_shortcuts_move_reply_and_show_help()
    {
        var a = (await app.CreateTicket("快捷键一 " + Guid.NewGuid().ToString("N")[..6]))["id"]!.GetValue<long>();
        var b = (await app.CreateTicket("快捷键二 " + Guid.NewGuid().ToString("N")[..6]))["id"]!.GetValue<long>();
        var page = await Open("agent.a");
        await page.ClickAsync("#view-unassigned");
        await page.WaitForSelectorAsync($"#row-{b}");

        await page.Keyboard.PressAsync("j");
        await page.WaitForSelectorAsync($"#ticket-pane[data-ticket-id='{b}']"); // newest first
        await page.Keyboard.PressAsync("j");
        await page.WaitForSelectorAsync($"#ticket-pane[data-ticket-id='{a}']");
        await page.Keyboard.PressAsync("k");
        await page.WaitForSelectorAsync($"#ticket-pane[data-ticket-id='{b}']");

        await page.Keyboard.PressAsync("?");
        await Assertions.Expect(page.Locator("#shortcut-help")).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(page.Locator("#shortcut-help")).ToBeHiddenAsync();

        await page.Keyboard.PressAsync("n");
        await Assertions.Expect(page.Locator("#reply-box")).ToBeFocusedAsync();
        await Assertions.Expect(page.Locator("#editor")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("note"));
        await page.Keyboard.PressAsync("Escape");
        await page.Keyboard.PressAsync("/");
        await Assertions.Expect(page.Locator("#search")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Escape");

        // r: the reply box, as a public reply (after n chose a note).
        await page.Keyboard.PressAsync("r");
        await Assertions.Expect(page.Locator("#reply-box")).ToBeFocusedAsync();
        await Assertions.Expect(page.Locator("#editor")).Not.ToHaveClassAsync(new System.Text.RegularExpressions.Regex("note"));
        await Assertions.Expect(page.Locator("#mode-reply")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("active"));
        await page.Keyboard.PressAsync("Escape");

        // a: assigned to me; s: solved.
        await page.Keyboard.PressAsync("a");
        await Assertions.Expect(page.Locator("#prop-assignee")).ToHaveValueAsync(await UserId("agent.a"));
        await page.Keyboard.PressAsync("s");
        await Assertions.Expect(page.Locator("#prop-status")).ToHaveValueAsync("solved");
        await Assertions.Expect(page.Locator("#ticket-status")).ToHaveTextAsync("已解决");
        await app.WaitForApi($"/api/v1/tickets/{b}", t => t["status"]?.GetValue<string>() == "solved"
            && t["assignee"]?["name"]?.GetValue<string>() == "王芳", "the ticket is stored as solved by agent.a");
    }

    [Fact]
    public async Task Drafts_are_kept_per_ticket_and_person_and_forgotten_on_sign_out()
    {
        var a = (await app.CreateTicket("草稿一 " + Guid.NewGuid().ToString("N")[..6]))["id"]!.GetValue<long>();
        var b = (await app.CreateTicket("草稿二 " + Guid.NewGuid().ToString("N")[..6]))["id"]!.GetValue<long>();
        var page = await Open("agent.a");
        await page.ClickAsync("#view-unassigned");
        await page.WaitForSelectorAsync($"#row-{b}");
        var box = page.Locator("#reply-box");

        await page.Keyboard.PressAsync("j");
        await page.WaitForSelectorAsync($"#reply-box[data-ticket-id='{b}']"); // newest first; the draft store attached
        await box.PressSequentiallyAsync("草稿B：请提供订单号");
        await page.Keyboard.PressAsync("Escape");
        await page.Keyboard.PressAsync("j");
        await page.WaitForSelectorAsync($"#reply-box[data-ticket-id='{a}']");
        await Assertions.Expect(box).ToHaveValueAsync("");
        await box.PressSequentiallyAsync("草稿A：已登记");
        await page.Keyboard.PressAsync("Escape");
        await page.Keyboard.PressAsync("k");
        await page.WaitForSelectorAsync($"#ticket-pane[data-ticket-id='{b}']");
        await Assertions.Expect(box).ToHaveValueAsync("草稿B：请提供订单号");
        await page.Keyboard.PressAsync("j");
        await page.WaitForSelectorAsync($"#ticket-pane[data-ticket-id='{a}']");
        await Assertions.Expect(box).ToHaveValueAsync("草稿A：已登记");

        // A shared computer: signing out forgets the drafts, and the next agent (who may open the same ticket) starts
        // with an empty reply box.
        await page.ClickAsync("#sign-out");
        await page.WaitForSelectorAsync("#username");
        Assert.Equal(0, await page.EvaluateAsync<int>("() => Object.keys(localStorage).filter(k => k.startsWith('kefu.draft.')).length"));
        await page.FillAsync("#username", "agent.a2");
        await page.FillAsync("#password", BrowserApp.Password);
        await page.ClickAsync("#sign-in", new() { Timeout = 60_000 });
        await page.WaitForSelectorAsync(BrowserApp.Interactive, new() { Timeout = 60_000 });
        await page.GotoAsync($"{app.BaseUrl}/tickets/{a}");
        await page.WaitForSelectorAsync($"#ticket-pane[data-ticket-id='{a}']");
        await Assertions.Expect(page.Locator("#current-user")).ToHaveTextAsync("agent.a2");
        await Assertions.Expect(box).ToHaveValueAsync("");
    }

    /// <summary>A draft left by someone who closed the browser without signing out is still theirs alone.</summary>
    [Fact]
    public async Task A_draft_left_without_signing_out_is_not_shown_to_the_next_agent()
    {
        var id = (await app.CreateTicket("共用电脑 " + Guid.NewGuid().ToString("N")[..6]))["id"]!.GetValue<long>();
        var page = await Open("agent.a");
        await page.GotoAsync($"{app.BaseUrl}/tickets/{id}");
        await page.WaitForSelectorAsync($"#reply-box[data-ticket-id='{id}']"); // the draft store attached
        await page.Locator("#reply-box").PressSequentiallyAsync("王芳的草稿");
        await Assertions.Expect(page.Locator("#reply-box")).ToHaveValueAsync("王芳的草稿");

        // Same browser profile, the session cookie gone (the browser was closed), someone else signs in.
        await page.Context.ClearCookiesAsync();
        await page.GotoAsync($"{app.BaseUrl}/login");
        await page.FillAsync("#username", "agent.a2");
        await page.FillAsync("#password", BrowserApp.Password);
        await page.ClickAsync("#sign-in", new() { Timeout = 60_000 });
        await page.WaitForSelectorAsync(BrowserApp.Interactive, new() { Timeout = 60_000 });
        await page.GotoAsync($"{app.BaseUrl}/tickets/{id}");
        await page.WaitForSelectorAsync($"#ticket-pane[data-ticket-id='{id}']");
        await Assertions.Expect(page.Locator("#current-user")).ToHaveTextAsync("agent.a2");
        await Assertions.Expect(page.Locator("#reply-box")).ToHaveValueAsync("");
    }

    [Fact]
    public async Task Search_finds_chinese_substrings()
    {
        var marker = "兑换码失效" + Guid.NewGuid().ToString("N")[..4];
        var id = (await app.CreateTicket($"活动{marker}问题"))["id"]!.GetValue<long>();
        var page = await Open("agent.a");
        await page.FillAsync("#search", marker[..5]);
        await page.PressAsync("#search", "Enter");
        await page.WaitForSelectorAsync($"#row-{id}");
    }

    [Fact]
    public async Task Language_switches_to_english_and_back_from_the_user_menu()
    {
        var user = await NewAgent("切换语言"); // the language is saved on the profile: not one of the shared agents
        var page = await Open(user);
        await Assertions.Expect(page.Locator("#view-unassigned")).ToContainTextAsync("待分配");
        await BrowserApp.SwitchLanguage(page, "en");
        await Assertions.Expect(page.Locator("#view-unassigned")).ToContainTextAsync("Unassigned");
        await Assertions.Expect(page.Locator("#sign-out")).ToContainTextAsync("Sign out");
        await Assertions.Expect(page.Locator("#language-menu")).ToContainTextAsync("English");
        await BrowserApp.SwitchLanguage(page, "zh-CN");
        await Assertions.Expect(page.Locator("#view-unassigned")).ToContainTextAsync("待分配");
        await Assertions.Expect(page.Locator("#sign-out")).ToContainTextAsync("退出");

        // Each change is a profile change in the audit log, from this browser.
        var userId = await UserId(user);
        var audit = await app.WaitForApi($"/api/v1/audit?entityType=user&entityId={userId}",
            a => a["items"]!.AsArray().Count(e => e!["action"]!.GetValue<string>() == "profile_updated") == 2, "both language changes audited");
        var changes = audit["items"]!.AsArray().Where(e => e!["action"]!.GetValue<string>() == "profile_updated")
            .Select(e => e!["changes"]!["language"]!.ToJsonString()).ToList();
        Assert.Contains("[\"zh-CN\",\"en\"]", changes);
        Assert.Contains("[\"en\",\"zh-CN\"]", changes);
    }

    /// <summary>The language is changed by a POST carrying the antiforgery token: a link or a form on another site (which
    /// has no token) changes nothing.</summary>
    [Fact]
    public async Task The_language_cannot_be_changed_by_a_link_or_a_foreign_form()
    {
        var user = await NewAgent("跨站");
        var page = await Open(user);
        var get = await page.Context.APIRequest.GetAsync($"{app.BaseUrl}/account/culture?culture=en&returnUrl=/", new() { MaxRedirects = 0 });
        Assert.Equal(405, get.Status);
        // A foreign page's form: the browser sends the session cookie along, but the form has no antiforgery token.
        var form = page.Context.APIRequest.CreateFormData();
        form.Set("culture", "en");
        form.Set("returnUrl", "/");
        var post = await page.Context.APIRequest.PostAsync($"{app.BaseUrl}/account/culture", new() { Form = form, MaxRedirects = 0 });
        Assert.Equal(400, post.Status);
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#view-unassigned")).ToContainTextAsync("待分配");
        var me = System.Text.Json.Nodes.JsonNode.Parse(await app.Api.GetStringAsync($"/api/v1/users/{await UserId(user)}"))!;
        Assert.Equal("zh-CN", me["language"]!.GetValue<string>());
        // Nor can another site sign the user out.
        var logout = await page.Context.APIRequest.PostAsync($"{app.BaseUrl}/account/logout", new() { MaxRedirects = 0 });
        Assert.Equal(400, logout.Status);
        Assert.Equal(200, (await page.Context.APIRequest.GetAsync($"{app.BaseUrl}/api/v1/me")).Status);
    }

    [Fact]
    public async Task Outsourced_agents_see_masked_contact_details()
    {
        var phone = "1391234" + Random.Shared.Next(1000, 9999);
        var email = $"zhangsan{Random.Shared.Next(1000, 9999)}@example.com";
        var id = (await app.CreateTicket("修改收货地址", email: email, phone: phone))["id"]!.GetValue<long>();
        var page = await Open("out.a");
        await page.GotoAsync($"{app.BaseUrl}/tickets/{id}");
        await page.WaitForSelectorAsync("#customer-panel");
        var panel = await page.Locator("#customer-panel").InnerTextAsync();
        Assert.Contains(phone[..3] + "****" + phone[^4..], panel);
        Assert.Contains("zh***@example.com", panel);
        Assert.DoesNotContain(phone, panel);
        Assert.DoesNotContain(email, panel);
    }

    [Fact]
    public async Task A_ticket_opened_by_its_address_shows_on_a_prerendered_workspace()
    {
        var subject = "直接打开 " + Guid.NewGuid().ToString("N")[..6];
        var id = (await app.CreateTicket(subject))["id"]!.GetValue<long>();
        var page = await Open("agent.a");

        // The server's first paint already holds the list (prerendered, inert until the circuit takes over); the ticket
        // pane is the circuit's own.
        var html = await (await page.Context.APIRequest.GetAsync($"{app.BaseUrl}/tickets/{id}")).TextAsync();
        Assert.Contains("data-prerendered", html);
        Assert.Contains($"id=\"row-{id}\"", html);
        Assert.Contains(" inert", html);
        Assert.DoesNotContain("id=\"ticket-pane\"", html);

        await page.GotoAsync($"{app.BaseUrl}/tickets/{id}");
        await Assertions.Expect(page.Locator($"#ticket-pane[data-ticket-id='{id}']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#ticket-title")).ToContainTextAsync(subject);
        await Assertions.Expect(page.Locator($"#row-{id}")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("selected"));
        await Assertions.Expect(page.Locator(BrowserApp.Interactive)).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator(".mud-layout[inert]")).ToHaveCountAsync(0);

        // Handlers answer on the circuit's render: a view switch right away works, and a live change still arrives.
        await page.ClickAsync("#view-all");
        await Assertions.Expect(page.Locator("#view-all")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("active"));
        (await app.Api.PatchAsJsonAsync($"/api/v1/tickets/{id}", new { priority = "urgent" })).EnsureSuccessStatusCode();
        await Assertions.Expect(page.Locator("#ticket-pane #prop-priority")).ToHaveValueAsync("urgent");
    }

    [Fact]
    public async Task A_ticket_outside_the_loaded_list_opens_by_its_address()
    {
        var subject = "列表之外 " + Guid.NewGuid().ToString("N")[..6];
        var id = (await app.CreateTicket(subject))["id"]!.GetValue<long>();
        // Assigned to a colleague: not in agent.a's default (unassigned) view, but hers to open (same team).
        var patch = await app.Api.PatchAsJsonAsync($"/api/v1/tickets/{id}", new { assigneeId = await UserId("agent.a2") });
        Assert.True(patch.IsSuccessStatusCode, await patch.Content.ReadAsStringAsync());
        var page = await Open("agent.a");
        await page.GotoAsync($"{app.BaseUrl}/tickets/{id}");
        await Assertions.Expect(page.Locator("#ticket-title")).ToContainTextAsync(subject);
        Assert.Equal(0, await page.Locator($"#row-{id}").CountAsync());
    }

    [Fact]
    public async Task An_agent_of_another_team_cannot_open_the_ticket_by_url()
    {
        var id = (await app.CreateTicket("别的团队的工单"))["id"]!.GetValue<long>();
        var page = await Open("agent.b");
        await page.GotoAsync($"{app.BaseUrl}/tickets/{id}");
        await Assertions.Expect(page.Locator("#forbidden")).ToContainTextAsync("403");
        Assert.Equal(0, await page.Locator("#ticket-pane").CountAsync());
    }

    [Fact]
    public async Task Signing_in_with_a_wrong_password_says_so()
    {
        var context = await app.Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "zh-CN" });
        var page = await context.NewPageAsync();
        _pages.Add((page, nameof(Signing_in_with_a_wrong_password_says_so)));
        await page.GotoAsync(app.BaseUrl + "/");
        await page.FillAsync("#username", "agent.b");
        await page.FillAsync("#password", "not-the-password");
        await page.ClickAsync("#sign-in");
        await Assertions.Expect(page.Locator("#login-error")).ToContainTextAsync("用户名或密码错误");
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_and_sign_ins_on_the_page_are_audited()
    {
        var locked = await NewAgent("锁定");
        var lockedId = await UserId(locked);
        var context = await app.Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "zh-CN" });
        var page = await context.NewPageAsync();
        _pages.Add((page, nameof(Five_wrong_passwords_lock_the_account_and_sign_ins_on_the_page_are_audited)));
        await page.GotoAsync(app.BaseUrl + "/login");
        for (var i = 1; i <= 5; i++)
        {
            await page.FillAsync("#username", locked);
            await page.FillAsync("#password", "wrong-password-" + i);
            await page.ClickAsync("#sign-in");
            await Assertions.Expect(page.Locator("#login-error")).ToContainTextAsync(i < 5 ? "用户名或密码错误" : "登录失败次数过多，账号已锁定 15 分钟");
        }
        // Locked: even the right password is refused.
        await page.FillAsync("#username", locked);
        await page.FillAsync("#password", BrowserApp.Password);
        await page.ClickAsync("#sign-in");
        await Assertions.Expect(page.Locator("#login-error")).ToContainTextAsync("账号已锁定");

        // Each attempt through the page is in the audit log, as through the API.
        var failed = await app.WaitForApi($"/api/v1/audit?entityType=user&entityId={lockedId}",
            a => a["items"]!.AsArray().Count(e => e!["action"]!.GetValue<string>() == "sign_in_failed") == 4, "four failed sign-ins audited");
        Assert.DoesNotContain(failed["items"]!.AsArray(), e => e!["action"]!.GetValue<string>() == "signed_in");

        var agent = await NewAgent("审计");
        var agentId = await UserId(agent);
        _pages.Add((await app.SignIn(agent), nameof(Five_wrong_passwords_lock_the_account_and_sign_ins_on_the_page_are_audited) + "-ok"));
        var signedIn = await app.WaitForApi($"/api/v1/audit?entityType=user&entityId={agentId}",
            a => a["items"]!.AsArray().Any(e => e!["action"]!.GetValue<string>() == "signed_in"), "the page's sign-in audited");
        var row = signedIn["items"]!.AsArray().First(e => e!["action"]!.GetValue<string>() == "signed_in")!;
        Assert.Equal("127.0.0.1", row["remoteAddress"]?.GetValue<string>());
    }

    /// <summary>A fresh agent of team A, for a test that changes the user's own settings (such as the language).</summary>
    private async Task<string> NewAgent(string name)
    {
        var userName = "ws." + Guid.NewGuid().ToString("N")[..8];
        await app.CreateStaff(userName, name, ["agent"], [app.TeamA]);
        return userName;
    }

    private async Task<string> UserId(string userName)
    {
        var users = System.Text.Json.Nodes.JsonNode.Parse(await app.Api.GetStringAsync($"/api/v1/users?q={Uri.EscapeDataString(userName)}&limit=200"))!["items"]!.AsArray();
        return users.First(u => u!["userName"]!.GetValue<string>() == userName)!["id"]!.GetValue<string>();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => BrowserApp.ScreenshotAndCloseAsync(_pages);
}
