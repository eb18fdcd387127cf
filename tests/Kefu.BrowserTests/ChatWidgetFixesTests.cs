using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kefu.BrowserTests;

/// <summary>What a reviewer found in the widget and the chat admin: a reconnect banner that came late, texts in one
/// language for everyone, post-chat forms cut off on phones, emoji icons that are boxes without an emoji font, and
/// sites that could not be deleted.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ChatWidgetFixesTests(BrowserApp app)
{
    /// <summary>A team nobody is in: its site's chats are "leave a message" (offline), whatever other tests do.</summary>
    private async Task<int> EmptyTeam() =>
        (await app.Post("/api/v1/teams", new { name = "无人组" + Guid.NewGuid().ToString("N")[..6] }))["id"]!.GetValue<int>();

    private async Task<(string Key, int Id, string Name)> Site(int teamId, object? greetings = null, object? offlineMessages = null,
        string greeting = "您好", string offlineMessage = "请留言")
    {
        var name = "修复商店" + Guid.NewGuid().ToString("N")[..6];
        var site = await app.Post("/api/v1/chat/sites", new { name, teamId, allowedOrigins = new[] { "*" }, color = "#0a7cff",
            greeting, offlineMessage, preChatFields = Array.Empty<string>(), greetings, offlineMessages });
        return (site["key"]!.GetValue<string>(), site["id"]!.GetValue<int>(), name);
    }

    private async Task<IPage> Customer(string key, string siteName, string locale = "zh-CN", ViewportSize? viewport = null)
    {
        var context = await app.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            Locale = locale, ViewportSize = viewport ?? new ViewportSize { Width = 1280, Height = 800 },
        });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync($"{app.BaseUrl}/widget/demo.html?key={key}");
        await page.ClickAsync("button.launcher");
        await Expect(page.Locator(".head h2")).ToContainTextAsync(siteName); // connected: the site's settings came
        return page;
    }

    [Fact]
    public async Task The_reconnecting_banner_shows_as_soon_as_the_connection_drops_and_goes_when_it_is_back()
    {
        var (key, _, name) = await Site(await EmptyTeam());
        var page = await Customer(key, name);
        var banner = page.Locator(".banner.warn");
        await Expect(banner).ToHaveCountAsync(0);

        // The network goes: the browser says so at once, long before the 30 s keep-alive would notice the dead socket.
        await page.Context.SetOfflineAsync(true);
        await Expect(banner).ToContainTextAsync("连接中断，正在重连", new() { Timeout = 10_000 });
        // Typed meanwhile: kept as pending and marked as not sent yet.
        await page.FillAsync("#kefu-input", "断网时写的消息");
        await page.PressAsync("#kefu-input", "Enter");
        await Expect(page.Locator("#kefu-log .msg.visitor.pending")).ToContainTextAsync("未发送");

        // Back online: the widget reconnects at once (not after its back-off), the banner goes, the message is sent.
        await page.Context.SetOfflineAsync(false);
        await Expect(banner).ToHaveCountAsync(0, new() { Timeout = 10_000 });
        await Expect(page.Locator("#kefu-log .msg.visitor[data-seq='1']")).ToContainTextAsync("断网时写的消息");
        await Expect(page.Locator("#kefu-log .msg.visitor.pending")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Greeting_and_offline_text_follow_the_browser_language_with_the_default_as_fallback()
    {
        var (key, _, name) = await Site(await EmptyTeam(),
            greetings: new Dictionary<string, string> { ["zh-CN"] = "您好，欢迎光临本店", ["en"] = "Hello, welcome to our shop" },
            offlineMessages: new Dictionary<string, string> { ["en"] = "We are away, leave us a message" },
            greeting: "默认欢迎语 DEFAULT", offlineMessage: "默认留言提示 DEFAULT");

        var english = await Customer(key, name, "en-US");
        await Expect(english.Locator("#kefu-log .greeting")).ToHaveTextAsync($"{name}Hello, welcome to our shop");
        await Expect(english.Locator(".banner")).ToHaveTextAsync("We are away, leave us a message");
        await english.Context.CloseAsync();

        // No zh-CN offline text: the default one.
        var chinese = await Customer(key, name, "zh-CN");
        await Expect(chinese.Locator("#kefu-log .greeting")).ToHaveTextAsync($"{name}您好，欢迎光临本店");
        await Expect(chinese.Locator(".banner")).ToHaveTextAsync("默认留言提示 DEFAULT");
        await chinese.Context.CloseAsync();

        // A language the widget does not speak: English texts (the widget's own language for it).
        var french = await Customer(key, name, "fr-FR");
        await Expect(french.Locator("#kefu-log .greeting")).ToContainTextAsync("Hello, welcome to our shop");
        await french.Context.CloseAsync();

        // A site with the single text of old shows it to everyone.
        var (oldKey, _, oldName) = await Site(await EmptyTeam(), greeting: "老站点欢迎语");
        var old = await Customer(oldKey, oldName, "en-US");
        await Expect(old.Locator("#kefu-log .greeting")).ToContainTextAsync("老站点欢迎语");
        await Expect(old.Locator(".banner")).ToHaveTextAsync("请留言");
        await old.Context.CloseAsync();
    }

    [Fact]
    public async Task The_toolbar_icons_are_svg_with_accessible_names()
    {
        var (key, _, name) = await Site(await EmptyTeam());
        var page = await Customer(key, name);
        foreach (var (id, label) in new[] { ("#kefu-attach", "发送图片或文件"), ("#kefu-emoji", "表情") })
        {
            var button = page.Locator(id);
            await Expect(button).ToHaveAttributeAsync("aria-label", label);
            await Expect(button.Locator("svg[aria-hidden=true]")).ToHaveCountAsync(1);
            await Expect(button).ToHaveTextAsync(""); // no emoji character to fall back to a box
        }
        await Expect(page.Locator("button.launcher svg")).ToHaveCountAsync(1);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "发送图片或文件" })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task On_a_phone_the_post_chat_forms_scroll_inside_the_widget_window()
    {
        var (key, _, name) = await Site(await EmptyTeam());
        var page = await Customer(key, name, viewport: new ViewportSize { Width = 360, Height = 640 });
        await page.FillAsync("#kefu-input", "手机上的咨询");
        await page.PressAsync("#kefu-input", "Enter");
        await Expect(page.Locator("#kefu-log .msg.visitor[data-seq='1']")).ToBeVisibleAsync();
        await page.ClickAsync("#kefu-end");
        var forms = page.Locator("#kefu-forms");
        await Expect(forms.Locator("#kefu-rating")).ToBeVisibleAsync();
        await Expect(forms.Locator("#kefu-transcript")).ToBeVisibleAsync();

        await AssertFormsScrollInsideTheWindow(page);
        // The keyboard opened (Android shrinks the viewport to what is left above it): the forms are taller than the room.
        await page.SetViewportSizeAsync(360, 300);
        var overflowing = await AssertFormsScrollInsideTheWindow(page);
        Assert.True(overflowing, "at 360x300 the forms should be taller than their room (and scroll)");

        // Reachable by scrolling the forms: the last button is then inside the window, and works.
        await page.ClickAsync("#kefu-rating .stars button:nth-child(5)");
        await page.ClickAsync("#kefu-rate");
        await Expect(page.Locator(".banner")).ToContainTextAsync("感谢您的评价");
        await page.Context.CloseAsync();
    }

    /// <summary>The forms never spill out of the window: they end inside it, scroll themselves (the window does not),
    /// and scrolled to their end show their last control inside the window. Returns whether they overflowed.</summary>
    private static async Task<bool> AssertFormsScrollInsideTheWindow(IPage page)
    {
        var m = await page.EvaluateAsync<JsonElement>("""
            () => {
              const root = document.getElementById('kefu-widget').shadowRoot;
              const win = root.querySelector('.win'), forms = root.querySelector('#kefu-forms');
              forms.scrollTop = forms.scrollHeight;
              const last = [...forms.querySelectorAll('button')].pop();
              const w = win.getBoundingClientRect(), f = forms.getBoundingClientRect(), l = last.getBoundingClientRect();
              return { overflowY: getComputedStyle(forms).overflowY, winScroll: win.scrollTop, viewport: innerHeight,
                       winBottom: w.bottom, formsTop: f.top, formsBottom: f.bottom, lastTop: l.top, lastBottom: l.bottom,
                       overflowing: forms.scrollHeight > forms.clientHeight + 1 };
            }
            """);
        string Dump() => m.GetRawText();
        double D(string k) => m.GetProperty(k).GetDouble();
        Assert.Equal("auto", m.GetProperty("overflowY").GetString());
        Assert.True(D("winScroll") == 0, "the window itself must not scroll: " + Dump());
        Assert.True(D("winBottom") <= D("viewport") + 0.5, "the window fits the viewport: " + Dump());
        Assert.True(D("formsBottom") <= D("winBottom") + 0.5, "the forms end inside the window: " + Dump());
        Assert.True(D("lastTop") >= D("formsTop") - 0.5 && D("lastBottom") <= D("formsBottom") + 0.5,
            "scrolled to the end, the last button is inside the forms' box: " + Dump());
        return m.GetProperty("overflowing").GetBoolean();
    }

    [Fact]
    public async Task An_admin_sets_texts_per_language_deletes_a_site_after_confirming_its_widget_says_chat_is_off_and_the_admin_restores_it()
    {
        var (key, id, name) = await Site(await EmptyTeam());
        var page = await app.SignIn("boss");
        await page.GotoAsync(app.BaseUrl + "/admin/chat");
        await page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true }).ClickAsync();
        await Expect(page.Locator("#cs-key")).ToHaveTextAsync(key);

        // Per-language texts, with the preview in the chosen language.
        await page.FillAsync("#cs-greeting-en", "Hi there, how can we help?");
        await page.FillAsync("#cs-offline-zh-CN", "现在没人在线，请留言");
        await page.SelectOptionAsync("#cs-preview-language", "en");
        await Expect(page.Locator("#cs-preview-greeting")).ToHaveTextAsync("Hi there, how can we help?");
        await Expect(page.Locator("#cs-preview-offline")).ToHaveTextAsync("请留言"); // no English one: the default
        await page.ClickAsync("#cs-save");
        await app.WaitForApi("/api/v1/chat/sites", sites => sites.AsArray().Any(s => s!["id"]!.GetValue<int>() == id
            && s["greetings"]?["en"]?.GetValue<string>() == "Hi there, how can we help?"
            && s["offlineMessages"]?["zh-CN"]?.GetValue<string>() == "现在没人在线，请留言"), "per-language texts saved");

        // Deleting asks first and says what happens; cancelling keeps the site.
        await page.ClickAsync("#cs-delete");
        await Expect(page.Locator("#cs-delete-confirm")).ToContainTextAsync("工单");
        await page.ClickAsync("#cs-delete-no");
        await Expect(page.Locator("#cs-delete-confirm")).ToHaveCountAsync(0);
        await page.ClickAsync("#cs-delete");
        await page.ClickAsync("#cs-delete-yes");
        await Expect(page.Locator("#cs-message")).ToContainTextAsync($"站点“{name}”已删除");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true })).ToHaveCountAsync(0);
        await app.WaitForApi("/api/v1/chat/sites", sites => sites.AsArray().All(s => s!["id"]!.GetValue<int>() != id), "site gone from the list");

        // The embed code now tells the visitor clearly, once (no retry loop), in their language.
        var context = await app.Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "zh-CN" });
        var customer = await context.NewPageAsync();
        await customer.GotoAsync($"{app.BaseUrl}/widget/demo.html?key={key}");
        await customer.ClickAsync("button.launcher");
        var banner = customer.Locator(".banner.warn");
        await Expect(banner).ToContainTextAsync("本网站已停用在线客服");
        await Expect(banner).ToHaveAttributeAsync("data-code", "site_deleted");
        await context.CloseAsync();

        // Undelete: the deleted site is listed; restoring asks first, then the site is back with the same key.
        var row = page.Locator($".cs-deleted-site[data-site-id='{id}']");
        await row.Locator(".cs-restore").ClickAsync();
        await Expect(page.Locator("#cs-restore-confirm")).ToContainTextAsync(name);
        await page.ClickAsync("#cs-restore-no");
        await Expect(page.Locator("#cs-restore-confirm")).ToHaveCountAsync(0);
        await row.Locator(".cs-restore").ClickAsync();
        await page.ClickAsync("#cs-restore-yes");
        await Expect(page.Locator("#cs-message")).ToContainTextAsync($"站点“{name}”已恢复");
        await Expect(page.Locator("#cs-key")).ToHaveTextAsync(key);
        await Expect(row).ToHaveCountAsync(0);
        await app.WaitForApi("/api/v1/chat/sites", sites => sites.AsArray().Any(s => s!["id"]!.GetValue<int>() == id), "site back in the list");
        await page.Context.CloseAsync();
    }
}
