using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using MimeKit;
using static Microsoft.Playwright.Assertions;

namespace Kefu.BrowserTests;

/// <summary>
/// The mailbox admin page and "forgot password" by e-mail, against the real dovecot and SMTP sink that ./test.sh
/// starts (KEFU_TEST_IMAP_PORT, KEFU_TEST_SMTP_PORT, KEFU_TEST_SMTP_DIR).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class EmailAdminTests(BrowserApp app) : IAsyncLifetime
{
    private readonly List<(IPage Page, string Name)> _pages = [];

    private static string Env(string name) => Environment.GetEnvironmentVariable(name)
        ?? throw new InvalidOperationException($"{name} is not set: run the tests with ./test.sh, which starts dovecot and the SMTP sink.");

    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task Admin_adds_a_mailbox_with_its_team_tests_it_sees_an_auth_error_edits_and_disables_it()
    {
        var page = await app.SignIn("boss");
        _pages.Add((page, nameof(Admin_adds_a_mailbox_with_its_team_tests_it_sees_an_auth_error_edits_and_disables_it)));
        await page.GotoAsync(app.BaseUrl + "/admin/mailboxes");
        await page.WaitForSelectorAsync("#mailbox-form");

        var imapUser = Unique("ui");
        var address = $"{imapUser}@support.test";
        await FillMailboxFormAsync(page, "售后邮箱 " + imapUser, address, imapUser, sender: "售后客服");

        var row = page.Locator("#mailbox-table tr[data-mailbox-id]", new() { HasText = address });
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row.Locator(".mailbox-team")).ToHaveTextAsync("售后组");
        var id = await row.GetAttributeAsync("data-mailbox-id");

        // The connection test against the real servers passes…
        await page.ClickAsync($"#mailbox-test-{id}");
        // Connection tests talk to real servers (dovecot delays a refused login): allow them time on a loaded machine.
        var slow = new LocatorAssertionsToContainTextOptions { Timeout = 30_000 };
        await Expect(page.Locator($"#mailbox-test-result-{id}")).ToContainTextAsync("连接测试通过", slow);

        // …and with a wrong IMAP password it says the sign-in was refused.
        await page.ClickAsync($"#mailbox-edit-{id}");
        await Expect(page.Locator("#mb-name")).ToHaveValueAsync("售后邮箱 " + imapUser);
        await Expect(page.Locator("#mb-team")).ToHaveValueAsync(app.TeamA.ToString());
        await page.FillAsync("#mb-imap-pass", "wrong-password");
        await page.SelectOptionAsync("#mb-team", app.TeamB.ToString());
        await page.ClickAsync("#mailbox-create");
        await Expect(row.Locator(".mailbox-team")).ToHaveTextAsync("技术组");
        await page.ClickAsync($"#mailbox-test-{id}");
        var result = page.Locator($"#mailbox-test-result-{id}");
        await Expect(result).ToContainTextAsync("IMAP: 登录被拒绝", slow);
        await Expect(result).Not.ToContainTextAsync("连接测试通过");

        // Disabled: the row says so, and the setting survives a reload.
        await page.ClickAsync($"#mailbox-toggle-{id}");
        await Expect(row).ToContainTextAsync("已停用");
        await page.ReloadAsync();
        await Expect(page.Locator("#mailbox-table tr[data-mailbox-id]", new() { HasText = address })).ToContainTextAsync("已停用");
    }

    /// <summary>The issue's "tried as a new user": a mailbox added in the admin page is watched at once; a mail with a
    /// Chinese subject and a PDF becomes a ticket with the file; the reply typed in the workspace reaches the customer
    /// threaded, with the ticket number.</summary>
    [Fact]
    public async Task A_mailbox_added_in_the_admin_page_turns_a_chinese_mail_with_a_pdf_into_a_ticket_whose_reply_reaches_the_customer()
    {
        var page = await app.SignIn("boss");
        _pages.Add((page, nameof(A_mailbox_added_in_the_admin_page_turns_a_chinese_mail_with_a_pdf_into_a_ticket_whose_reply_reaches_the_customer)));
        await page.GotoAsync(app.BaseUrl + "/admin/mailboxes");
        await page.WaitForSelectorAsync("#mailbox-form");
        var imapUser = Unique("nu");
        var address = $"{imapUser}@support.test";
        await FillMailboxFormAsync(page, "客服邮箱 " + imapUser, address, imapUser, sender: null);
        await Expect(page.Locator("#mailbox-table tr[data-mailbox-id]", new() { HasText = address })).ToHaveCountAsync(1);

        // The customer writes: Chinese subject (RFC 2047) and a PDF with a Chinese file name (RFC 2231).
        var customer = $"{Unique("kh")}@customer.test";
        var subject = "发票抬头需要修改 " + Unique("");
        var body = new BodyBuilder { TextBody = "您好，附件是我的订单发票，抬头写错了，请帮忙重开。" };
        body.Attachments.Add("订单发票.pdf", "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"u8.ToArray(), new ContentType("application", "pdf"));
        var mail = new MimeMessage { Subject = subject, Body = body.ToMessageBody() };
        mail.From.Add(new MailboxAddress("李雷", customer));
        mail.To.Add(MailboxAddress.Parse(address));
        using (var imap = new ImapClient())
        {
            await imap.ConnectAsync("127.0.0.1", int.Parse(Env("KEFU_TEST_IMAP_PORT")), SecureSocketOptions.None);
            await imap.AuthenticateAsync(imapUser, "secret");
            await imap.Inbox.AppendAsync(new AppendRequest(mail, MessageFlags.None));
            await imap.DisconnectAsync(true);
        }
        var found = await app.WaitForApi($"/api/v1/tickets?q={Uri.EscapeDataString(subject)}", n => n["items"]!.AsArray().Count == 1,
            "the mail's ticket");
        var ticket = found["items"]![0]!;
        var id = ticket["id"]!.GetValue<long>();

        await page.GotoAsync(app.BaseUrl + $"/tickets/{id}");
        await page.WaitForSelectorAsync($"#ticket-pane[data-ticket-id='{id}']");
        await Expect(page.Locator("#ticket-title")).ToContainTextAsync(subject);
        await Expect(page.Locator("#thread")).ToContainTextAsync("抬头写错了");
        await Expect(page.Locator("#thread .kefu-attachment")).ToContainTextAsync("订单发票.pdf");
        await page.FillAsync("#reply-box", "李先生您好，发票已重开，新的发票会在今天内发到您的邮箱。");
        await page.ClickAsync("#send");
        await Expect(page.Locator("#thread .kind-public_reply")).ToContainTextAsync("发票已重开");

        var reply = await MailSentToAsync(customer, m => m.TextBody?.Contains("发票已重开") == true, "reply");
        Assert.Contains($"[#{ticket["number"]!.GetValue<long>()}]", reply.Subject);
        Assert.Contains(subject, reply.Subject);
        Assert.Equal(mail.MessageId, reply.InReplyTo);
        Assert.Equal(address, reply.From.Mailboxes.Single().Address);
    }

    [Fact]
    public async Task A_user_who_forgot_the_password_gets_a_link_by_mail_and_sets_a_new_one()
    {
        var userName = Unique("forgot.");
        var email = $"{userName}@staff.test";
        await app.CreateStaff(userName, "忘记密码的人", ["agent"], [app.TeamA]);
        var imapUser = Unique("sys");
        await CreateSystemMailboxAsync(imapUser);

        var context = await app.Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "zh-CN" });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        _pages.Add((page, nameof(A_user_who_forgot_the_password_gets_a_link_by_mail_and_sets_a_new_one)));
        await page.GotoAsync(app.BaseUrl + "/login");
        await page.ClickAsync("#forgot-password");
        await page.FillAsync("#email", "not an address");
        await page.ClickAsync("#send-link");
        await Expect(page.Locator("#email-error")).ToBeVisibleAsync();
        await page.FillAsync("#email", email);
        await page.ClickAsync("#send-link");
        await Expect(page.Locator("#forgot-sent")).ToBeVisibleAsync();

        var link = await ResetLinkSentToAsync(email);
        Assert.StartsWith(app.BaseUrl + "/login/reset?", link);
        await page.GotoAsync(link);
        await Expect(page.Locator("#password-rules")).ToContainTextAsync("8");

        // Clear messages next to the fields: too short, then two different passwords.
        await page.FillAsync("#new-password", "abc1");
        await page.FillAsync("#confirm-password", "abc1");
        await page.ClickAsync("#reset-submit");
        await Expect(page.Locator(".password-error")).ToContainTextAsync("8");
        await page.FillAsync("#new-password", "newpass2026");
        await page.FillAsync("#confirm-password", "newpass2027");
        await page.ClickAsync("#reset-submit");
        await Expect(page.Locator("#confirm-error")).ToBeVisibleAsync();

        await page.FillAsync("#new-password", "newpass2026");
        await page.FillAsync("#confirm-password", "newpass2026");
        await page.ClickAsync("#reset-submit");
        await Expect(page.Locator("#login-reset-done")).ToBeVisibleAsync();
        await page.FillAsync("#username", userName);
        await page.FillAsync("#password", "newpass2026");
        await page.ClickAsync("#sign-in");
        await page.WaitForSelectorAsync(BrowserApp.Interactive);

        // The link worked once.
        var again = await context.NewPageAsync();
        await again.GotoAsync(link);
        await again.FillAsync("#new-password", "other2026pass");
        await again.FillAsync("#confirm-password", "other2026pass");
        await again.ClickAsync("#reset-submit");
        await Expect(again.Locator("#reset-error")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Admin_invites_a_colleague_by_email_who_chooses_a_password_and_signs_in()
    {
        var imapUser = Unique("inv");
        await CreateSystemMailboxAsync(imapUser);
        var page = await app.SignIn("boss");
        _pages.Add((page, nameof(Admin_invites_a_colleague_by_email_who_chooses_a_password_and_signs_in)));
        await page.GotoAsync(app.BaseUrl + "/admin/staff");
        await page.WaitForSelectorAsync("#staff-table");
        await page.ClickAsync("#staff-new");
        var userName = Unique("invited.");
        await page.FillAsync("#staff-username", userName);
        await page.FillAsync("#staff-displayname", "新同事");
        await page.CheckAsync("#staff-invite");
        await Expect(page.Locator("#staff-password")).ToHaveCountAsync(0); // no password to type: the colleague chooses it
        await page.ClickAsync("#staff-save");
        await Expect(page.Locator("#staff-email-error")).ToBeVisibleAsync(); // an invitation needs the address
        await page.FillAsync("#staff-email", $"{userName}@staff.test");
        await page.ClickAsync("#staff-save");
        await Expect(page.Locator($"tr[data-username='{userName}']")).ToContainTextAsync("新同事");

        var link = new Uri(await ResetLinkSentToAsync($"{userName}@staff.test"));
        var invited = await (await app.Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "zh-CN" })).NewPageAsync();
        _pages.Add((invited, nameof(Admin_invites_a_colleague_by_email_who_chooses_a_password_and_signs_in) + "-invited"));
        await invited.GotoAsync(app.BaseUrl + link.PathAndQuery);
        await invited.FillAsync("#new-password", "welcome2026");
        await invited.FillAsync("#confirm-password", "welcome2026");
        await invited.ClickAsync("#reset-submit");
        await Expect(invited.Locator("#login-reset-done")).ToBeVisibleAsync();
        await invited.FillAsync("#username", userName);
        await invited.FillAsync("#password", "welcome2026");
        await invited.ClickAsync("#sign-in");
        await invited.WaitForSelectorAsync(BrowserApp.Interactive);
    }

    /// <summary>Fills the mailbox form of /admin/mailboxes for the test servers (Team A, plain IMAP and SMTP) and saves it.</summary>
    private async Task FillMailboxFormAsync(IPage page, string name, string address, string imapUser, string? sender)
    {
        await page.FillAsync("#mb-name", name);
        await page.FillAsync("#mb-address", address);
        if (sender is not null) await page.FillAsync("#mb-sender", sender);
        await page.SelectOptionAsync("#mb-team", app.TeamA.ToString());
        await page.FillAsync("#mb-imap-host", "127.0.0.1");
        await page.FillAsync("#mb-imap-port", Env("KEFU_TEST_IMAP_PORT"));
        await page.SelectOptionAsync("#mb-imap-sec", "None");
        await page.FillAsync("#mb-imap-user", imapUser);
        await page.FillAsync("#mb-imap-pass", "secret");
        await page.FillAsync("#mb-smtp-host", "127.0.0.1");
        await page.FillAsync("#mb-smtp-port", Env("KEFU_TEST_SMTP_PORT"));
        await page.SelectOptionAsync("#mb-smtp-sec", "None");
        await page.FillAsync("#mb-smtp-user", "kefu");
        await page.FillAsync("#mb-smtp-pass", "secret");
        await page.ClickAsync("#mailbox-create");
    }

    /// <summary>An active mailbox on the test servers chosen for system mail (reset links, invitations), through the API.</summary>
    private Task CreateSystemMailboxAsync(string imapUser) => app.Post("/api/v1/mailboxes", new
    {
        name = "系统邮件 " + imapUser, address = $"{imapUser}@support.test",
        imapHost = "127.0.0.1", imapPort = int.Parse(Env("KEFU_TEST_IMAP_PORT")), imapSecurity = "none", imapUser, imapPassword = "secret",
        smtpHost = "127.0.0.1", smtpPort = int.Parse(Env("KEFU_TEST_SMTP_PORT")), smtpSecurity = "none", smtpUser = "kefu", smtpPassword = "secret",
        isActive = true, sendsSystemMail = true,
    });

    /// <summary>Waits for the SMTP sink to hold the reset mail for the address (the dispatcher sends in the background).</summary>
    private static async Task<string> ResetLinkSentToAsync(string address) =>
        LinkPattern().Match((await MailSentToAsync(address, m => LinkPattern().IsMatch(m.TextBody ?? ""), "reset mail")).TextBody!).Value;

    /// <summary>Waits for the SMTP sink to hold a mail to the address that matches.</summary>
    private static async Task<MimeMessage> MailSentToAsync(string address, Func<MimeMessage, bool> match, string what)
    {
        var dir = Path.Combine(Env("KEFU_TEST_SMTP_DIR"), "new");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (Directory.Exists(dir))
                foreach (var file in Directory.GetFiles(dir))
                {
                    MimeMessage m;
                    try { m = await MimeMessage.LoadAsync(file); }
                    catch (IOException) { continue; } // still being written
                    if (m.Headers["X-Sink-Rcpt-To"]?.Contains(address, StringComparison.OrdinalIgnoreCase) == true && match(m)) return m;
                }
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException($"No {what} reached the SMTP sink for {address}");
            await Task.Delay(100); // polling the sink's folder: the loop ends on the file, not on the time
        }
    }

    [GeneratedRegex(@"https?://\S+/login/reset\?user=[0-9a-f-]{36}&token=\S+")]
    private static partial Regex LinkPattern();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await BrowserApp.ScreenshotAndCloseAsync(_pages);
}
