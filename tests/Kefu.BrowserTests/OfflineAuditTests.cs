using System.Text;
using Kefu.Chat;
using Kefu.Email;
using Kefu.Platform.Database;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using static Microsoft.Playwright.Assertions;

namespace Kefu.BrowserTests;

/// <summary>Decision 0041's admin pages: flagged chat visitors to review and clear; a mailbox's parse failures with the
/// reason and the raw mail to download.</summary>
[Collection(BrowserCollection.Name)]
public sealed class OfflineAuditTests(BrowserApp app) : IAsyncLifetime
{
    private readonly List<(Microsoft.Playwright.IPage Page, string Name)> _pages = [];

    private static string Env(string name) => Environment.GetEnvironmentVariable(name)
        ?? throw new InvalidOperationException($"{name} is not set: run the tests with ./test.sh, which starts dovecot and the SMTP sink.");

    [Fact]
    public async Task A_supervisor_sees_a_flagged_visitor_with_the_reason_and_clears_the_flag()
    {
        var site = await app.Post("/api/v1/chat/sites", new
        {
            name = "刷屏站点", teamId = app.TeamA, allowedOrigins = new[] { "*" }, color = "#0a7cff", greeting = "您好", offlineMessage = "请留言",
            preChatFields = new[] { "name" },
        });
        var visitorId = Guid.NewGuid();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<KefuDb>();
            // Flagged as the rate limiter flags (ChatService.FlagAsync, tested in FlaggedVisitorTests).
            db.Add(new ChatVisitor { Id = visitorId, SiteId = site["id"]!.GetValue<int>(), Name = "刷屏的人", RemoteAddress = "198.51.100.7",
                CreatedAt = DateTime.UtcNow, LastSeenAt = DateTime.UtcNow, FlaggedAt = DateTime.UtcNow, FlagReason = "More than 60 messages in a minute" });
            await db.SaveChangesAsync();
        }
        await app.CreateStaff("super.flags", "主管赵", ["supervisor"], []);
        var page = await app.SignIn("super.flags");
        _pages.Add((page, nameof(A_supervisor_sees_a_flagged_visitor_with_the_reason_and_clears_the_flag)));
        await page.GotoAsync(app.BaseUrl + "/admin/chat-flags");
        var row = page.Locator($"tr.chat-flag[data-visitor-id='{visitorId}']");
        await Expect(row).ToContainTextAsync("刷屏的人");
        await Expect(row).ToContainTextAsync("198.51.100.7");
        await Expect(row.Locator(".chat-flag-reason")).ToContainTextAsync("messages in a minute");
        await page.ClickAsync($"#chat-flag-clear-{visitorId}");
        await Expect(page.Locator("#chat-flags-status")).ToContainTextAsync("已解除标记");
        await Expect(row).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task An_admin_sees_a_mailboxs_parse_failures_with_the_reason_and_downloads_the_raw_mail()
    {
        var user = "pf" + Guid.NewGuid().ToString("N")[..10];
        var mailbox = await app.Post("/api/v1/mailboxes", new
        {
            name = "解析失败测试 " + user, address = $"{user}@support.test",
            imapHost = "127.0.0.1", imapPort = int.Parse(Env("KEFU_TEST_IMAP_PORT")), imapSecurity = "none", imapUser = user, imapPassword = "secret",
            smtpHost = "127.0.0.1", smtpPort = int.Parse(Env("KEFU_TEST_SMTP_PORT")), smtpSecurity = "none", smtpUser = "kefu", smtpPassword = "secret",
            isActive = false,
        });
        var id = mailbox["id"]!.GetValue<int>();
        // A mail with no sender cannot become a ticket: it is kept raw as a parse failure with the reason.
        var raw = Encoding.UTF8.GetBytes("Subject: =?UTF-8?B?5rKh5pyJ5Y+R5Lu25Lq6?=\r\nMessage-ID: <" + user + "@nowhere.test>\r\n"
            + "Date: Tue, 24 Nov 2026 09:00:00 +0800\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nno From header here\r\n");
        using (var imap = new ImapClient())
        {
            await imap.ConnectAsync("127.0.0.1", int.Parse(Env("KEFU_TEST_IMAP_PORT")), SecureSocketOptions.None);
            await imap.AuthenticateAsync(user, "secret");
            using var stream = new MemoryStream(raw);
            await imap.Inbox.AppendAsync(new AppendRequest(MimeMessage.Load(stream), MessageFlags.None));
            await imap.DisconnectAsync(true);
        }
        await app.Services.GetRequiredService<MailboxFetcher>().PollOnceAsync(id, CancellationToken.None);
        var failed = await app.WaitForApi($"/api/v1/mailboxes/{id}/messages?status=failed", n => n["items"]!.AsArray().Count == 1, "the parse failure");
        var recordId = failed["items"]![0]!["id"]!.GetValue<long>();

        var page = await app.SignIn("boss");
        _pages.Add((page, nameof(An_admin_sees_a_mailboxs_parse_failures_with_the_reason_and_downloads_the_raw_mail)));
        await page.GotoAsync(app.BaseUrl + "/admin/mailboxes");
        await page.ClickAsync($"#mailbox-failures-{id}");
        var row = page.Locator($"#mailbox-failures-list-{id} tr.mailbox-failure[data-record-id='{recordId}']");
        await Expect(row.Locator(".failure-reason")).ToContainTextAsync("No usable sender address");
        await Expect(row.Locator(".failure-subject")).ToContainTextAsync("没有发件人");
        var link = page.Locator($"#mailbox-failure-raw-{recordId}");
        var href = await link.GetAttributeAsync("href");
        Assert.Equal($"/api/v1/mailboxes/messages/{recordId}/raw", href);
        // The link downloads the kept mail with the signed-in admin's cookie.
        var download = await page.APIRequest.GetAsync(app.BaseUrl + href);
        Assert.Equal(200, download.Status);
        Assert.Contains("no From header here", await download.TextAsync());
        // Closing the list hides it again.
        await page.ClickAsync($"#mailbox-failures-{id}");
        await Expect(page.Locator($"#mailbox-failures-list-{id}")).ToHaveCountAsync(0);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await BrowserApp.ScreenshotAndCloseAsync(_pages);
}
