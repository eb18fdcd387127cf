using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace Kefu.BrowserTests;

/// <summary>A customer on a web page with the embedded widget chats with an agent in the workspace (two browser
/// contexts); each sees the other's messages and typing.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ChatWidgetTests(BrowserApp app)
{
    [Fact]
    public async Task A_customer_and_an_agent_chat_and_see_each_other_typing()
    {
        var site = await app.Post("/api/v1/chat/sites", new { name = "示例商店", teamId = app.TeamA, allowedOrigins = new[] { "*" },
            color = "#0a7cff", greeting = "您好！有什么可以帮您？", offlineMessage = "请留言", preChatFields = Array.Empty<string>() });
        var key = site["key"]!.GetValue<string>();

        // The customer: a plain page with the one script tag.
        var customerContext = await app.Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "zh-CN" });
        customerContext.SetDefaultTimeout(15_000);
        var customer = await customerContext.NewPageAsync();
        await customer.GotoAsync($"{app.BaseUrl}/widget/demo.html?key={key}");
        await customer.ClickAsync("button.launcher");
        await Assertions.Expect(customer.Locator("#kefu-log")).ToContainTextAsync("您好！有什么可以帮您？");
        await customer.FillAsync("#kefu-input", "你好，我的快递三天没动了");
        await customer.PressAsync("#kefu-input", "Enter");
        await Assertions.Expect(customer.Locator("#kefu-log .msg.visitor[data-seq='1']")).ToContainTextAsync("快递三天没动了");

        var queue = JsonNode.Parse(await app.Api.GetStringAsync("/api/v1/chat/queue"))!.AsArray();
        var ticketId = queue.Single(q => q!["visitorName"] is not null && q["conversationId"] is not null)!["ticketId"]!.GetValue<long>();

        // The agent opens the chat ticket, accepts, and answers from the chat panel.
        var agent = await app.SignIn("agent.a");
        await agent.GotoAsync($"{app.BaseUrl}/tickets/{ticketId}");
        await agent.WaitForSelectorAsync("#chat-panel");
        await Assertions.Expect(agent.Locator("#chat-page")).ToContainTextAsync("/widget/demo.html");
        await Assertions.Expect(agent.Locator("#chat-browser")).ToContainTextAsync("Chrome");
        await agent.ClickAsync("#chat-accept");
        await Assertions.Expect(customer.Locator("#kefu-log .sys")).ToContainTextAsync("王芳 为您服务");

        await agent.FillAsync("#chat-input", "您好，我帮您查");
        await Assertions.Expect(customer.Locator("#kefu-typing")).ToContainTextAsync("正在输入");
        await agent.PressAsync("#chat-input", "Enter");
        await Assertions.Expect(customer.Locator("#kefu-log .msg.agent").Last).ToContainTextAsync("您好，我帮您查");

        await customer.FillAsync("#kefu-input", "单号 SF1234567");
        await Assertions.Expect(agent.Locator("#chat-visitor-typing")).ToBeVisibleAsync();
        await customer.PressAsync("#kefu-input", "Enter");
        await Assertions.Expect(agent.Locator("#thread")).ToContainTextAsync("单号 SF1234567");

        // The conversation survives a reload: same visitor, whole history, in order.
        await customer.ReloadAsync();
        await customer.ClickAsync("button.launcher");
        // The widget shows nothing until its hub's Start answers; a first connection attempt that fails on a loaded
        // CI machine is retried after 0.5, 1, 2, 4, 8 s, beyond the 15 s default (seen once: no .msg after 15 s).
        await Assertions.Expect(customer.Locator("#kefu-log .msg")).ToHaveCountAsync(4, new() { Timeout = 60_000 }); // greeting + 3 messages
        await Assertions.Expect(customer.Locator("#kefu-log .msg.visitor").Last).ToContainTextAsync("SF1234567");

        await agent.ClickAsync("#chat-end");
        await Assertions.Expect(customer.Locator("#kefu-rating")).ToBeVisibleAsync();

        // The transcript by e-mail: refused clearly while no mailbox can send it, queued once one can. (The browser
        // tests share one server, and the mailbox tests may already have left an active mailbox.)
        await customer.FillAsync("#kefu-transcript input[type=email]", "zhang.san@customer.test");
        var mailboxes = JsonNode.Parse(await app.Api.GetStringAsync("/api/v1/mailboxes"))!.AsArray();
        if (!mailboxes.Any(m => m!["isActive"]!.GetValue<bool>()))
        {
            await customer.ClickAsync("#kefu-transcript button[type=submit]");
            await Assertions.Expect(customer.Locator(".banner.warn")).ToContainTextAsync("暂时无法发送邮件");
            await Assertions.Expect(customer.Locator(".banner.warn")).Not.ToContainTextAsync("no_mailbox");
            await Assertions.Expect(customer.Locator(".banner.warn")).ToHaveAttributeAsync("data-code", "no_mailbox");
            await app.Post("/api/v1/mailboxes", new
            {
                name = "客服邮箱", address = "support@shop.test", teamId = app.TeamA, imapHost = "127.0.0.1", imapPort = 1, imapSecurity = "none",
                imapUser = "support", imapPassword = "x", smtpHost = "127.0.0.1", smtpPort = 1, smtpSecurity = "none", pollSeconds = 3600, isActive = true,
            });
        }
        await Assertions.Expect(customer.Locator("#kefu-transcript input[type=email]")).ToHaveValueAsync("zhang.san@customer.test");
        await customer.ClickAsync("#kefu-transcript button[type=submit]");
        // The request queues the mail in a write transaction: on a loaded 2-core CI machine that can wait a while.
        await Assertions.Expect(customer.Locator(".banner")).ToContainTextAsync("聊天记录已发送至 zhang.san@customer.test",
            new() { Timeout = 60_000 });
        await customerContext.CloseAsync();
        await agent.Context.CloseAsync();
    }
}
