using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kefu.BrowserTests;

/// <summary>What tripped a new admin setting up the channels: raw enum names and field keys instead of words, a port that
/// ignored the security choice, a secret rotated by one stray click, and an embed snippet with no copy button.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ChannelAdminUsabilityTests(BrowserApp app)
{
    [Fact]
    public async Task Mailbox_form_names_the_security_choices_and_moves_the_port_with_them()
    {
        var page = await app.SignIn("boss");
        await page.GotoAsync(app.BaseUrl + "/admin/mailboxes");
        await page.WaitForSelectorAsync("#mailbox-form");

        await Expect(page.Locator("#mb-imap-sec option[value=Tls]")).ToHaveTextAsync("SSL/TLS");
        await Expect(page.Locator("#mb-imap-sec option[value=None]")).ToHaveTextAsync("不加密（明文）");
        await Expect(page.Locator("#mb-smtp-sec option[value=StartTls]")).ToHaveTextAsync("STARTTLS");

        await Expect(page.Locator("#mb-imap-port")).ToHaveValueAsync("993");
        await page.SelectOptionAsync("#mb-imap-sec", "None");
        await Expect(page.Locator("#mb-imap-port")).ToHaveValueAsync("143");
        await page.SelectOptionAsync("#mb-smtp-sec", "Tls");
        await Expect(page.Locator("#mb-smtp-port")).ToHaveValueAsync("465");
        await page.SelectOptionAsync("#mb-smtp-sec", "None");
        await Expect(page.Locator("#mb-smtp-port")).ToHaveValueAsync("25");

        // A port the admin typed is theirs: changing the security leaves it alone.
        await page.FillAsync("#mb-smtp-port", "2525");
        await page.Locator("#mb-smtp-port").BlurAsync();
        await page.SelectOptionAsync("#mb-smtp-sec", "StartTls");
        await Expect(page.Locator("#mb-smtp-port")).ToHaveValueAsync("2525");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Chat_admin_names_the_pre_chat_fields_asks_before_rotating_the_secret_and_copies_the_snippet()
    {
        var name = "QA站点" + Guid.NewGuid().ToString("N")[..6];
        var site = await app.Post("/api/v1/chat/sites", new { name, teamId = app.TeamA, allowedOrigins = new[] { "*" },
            color = "#0a7cff", greeting = "您好", offlineMessage = "请留言", preChatFields = new[] { "name", "phone" } });
        var secret = site["secret"]!.GetValue<string>();

        var page = await app.SignIn("boss");
        await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = app.BaseUrl });
        await page.GotoAsync(app.BaseUrl + "/admin/chat");
        await page.GetByRole(AriaRole.Button, new() { Name = name }).ClickAsync();
        await Expect(page.Locator("#cs-secret")).ToHaveTextAsync(secret);

        await Expect(page.Locator("label", new() { Has = page.Locator("#cs-field-name") })).ToHaveTextAsync("姓名");
        await Expect(page.Locator("label", new() { Has = page.Locator("#cs-field-email") })).ToHaveTextAsync("邮箱");
        await Expect(page.Locator("label", new() { Has = page.Locator("#cs-field-phone") })).ToHaveTextAsync("电话");
        await Expect(page.Locator("#cs-preview .cs-preview-field")).ToHaveTextAsync(["姓名", "电话"]);

        // One click only asks; cancelling keeps the secret; confirming rotates it.
        await page.ClickAsync("#cs-rotate");
        await Expect(page.Locator("#cs-rotate-confirm")).ToContainTextAsync("身份验证");
        await page.ClickAsync("#cs-rotate-no");
        await Expect(page.Locator("#cs-rotate-confirm")).ToHaveCountAsync(0);
        await Expect(page.Locator("#cs-secret")).ToHaveTextAsync(secret);
        await page.ClickAsync("#cs-rotate");
        await page.ClickAsync("#cs-rotate-yes");
        await Expect(page.Locator("#cs-secret")).Not.ToHaveTextAsync(secret);

        await page.ClickAsync("#cs-copy");
        await Expect(page.Locator("#cs-copied")).ToHaveTextAsync("已复制到剪贴板");
        var copied = await page.EvaluateAsync<string>("() => navigator.clipboard.readText()");
        Assert.Contains($"data-site-key=\"{site["key"]!.GetValue<string>()}\"", copied);
        Assert.Contains("/widget/kefu-widget.js", copied);
        await page.Context.CloseAsync();
    }
}
