using System.Text.Json.Nodes;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kefu.BrowserTests;

/// <summary>Chat behaviour that was built but untested in a browser (audit, session 9): the pre-chat form, customer
/// HTML shown as text on both sides, read receipts both ways, and the visitor's context in the agent's chat panel
/// (locale, previous chats).</summary>
[Collection(BrowserCollection.Name)]
public sealed class ChatAuditBrowserTests(BrowserApp app)
{
    private const string Html = "<img src=x onerror=\"window.__kefuXss=1\">看这里";

    [Fact]
    public async Task Pre_chat_form_html_as_text_read_receipts_and_the_agents_context()
    {
        var unique = Guid.NewGuid().ToString("N")[..6];
        var name = "预聊访客" + unique;
        var email = $"prechat-{unique}@customer.test";
        var site = await app.Post("/api/v1/chat/sites", new { name = "审计商店" + unique, teamId = app.TeamA, allowedOrigins = new[] { "*" },
            color = "#0a7cff", greeting = "您好", offlineMessage = "请留言", preChatFields = new[] { "name", "email" } });
        var key = site["key"]!.GetValue<string>();

        var context = await app.Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "zh-CN" });
        context.SetDefaultTimeout(15_000);
        var customer = await context.NewPageAsync();
        await customer.GotoAsync($"{app.BaseUrl}/widget/demo.html?key={key}");
        await customer.ClickAsync("button.launcher");

        // 1. The pre-chat form the site asks for comes first; the chat starts once it is filled.
        await Expect(customer.Locator("#kefu-prechat")).ToBeVisibleAsync();
        await Expect(customer.Locator("#kefu-input")).ToHaveCountAsync(0);
        await customer.FillAsync("#kefu-prechat input[name=name]", name);
        await customer.FillAsync("#kefu-prechat input[name=email]", email);
        await customer.ClickAsync("#kefu-prechat button[type=submit]");

        // 2. The visitor writes HTML: it is shown as text, no element is made of it, no script runs.
        await customer.FillAsync("#kefu-input", Html);
        await customer.PressAsync("#kefu-input", "Enter");
        var first = customer.Locator("#kefu-log .msg.visitor[data-seq='1']");
        await Expect(first).ToContainTextAsync(Html);
        await Expect(customer.Locator("#kefu-log img")).ToHaveCountAsync(0);
        Assert.Null(await customer.EvaluateAsync<int?>("() => window.__kefuXss ?? null"));
        await Expect(first.Locator(".meta")).Not.ToHaveTextAsync("已读"); // nobody has read it yet

        var queue = JsonNode.Parse(await app.Api.GetStringAsync("/api/v1/chat/queue"))!.AsArray();
        var item = queue.Single(q => q!["visitorName"]?.GetValue<string>() == name)!;
        var ticketId = item["ticketId"]!.GetValue<long>();

        // 3. The agent opens the chat: the name and e-mail from the form, the visitor's language; the HTML as text.
        var agent = await app.SignIn("agent.a");
        await agent.GotoAsync($"{app.BaseUrl}/tickets/{ticketId}");
        await agent.WaitForSelectorAsync("#chat-panel");
        await Expect(agent.Locator("#chat-locale")).ToHaveTextAsync("zh-CN");
        await Expect(agent.Locator("#chat-panel .kefu-chat-facts")).ToContainTextAsync(email);
        await Expect(agent.Locator("#thread")).ToContainTextAsync(Html);
        await Expect(agent.Locator("body")).ToContainTextAsync(name);
        await Expect(agent.Locator("img[src='x']")).ToHaveCountAsync(0);
        Assert.Null(await agent.EvaluateAsync<int?>("() => window.__kefuXss ?? null"));
        // The customer is linked by that e-mail.
        await app.WaitForApi($"/api/v1/tickets/{ticketId}", t => t["customer"]?["email"]?.GetValue<string>() == email, "the ticket's customer by e-mail");

        // 4. Read receipts: the agent's opening the chat shows 已读 under the visitor's message…
        await Expect(first.Locator(".meta")).ToHaveTextAsync("已读");
        // …and the visitor, whose widget is open, reads the agent's answer: the agent's side records it.
        await agent.ClickAsync("#chat-accept");
        await agent.FillAsync("#chat-input", "您好，我看到了");
        await agent.PressAsync("#chat-input", "Enter");
        var answer = customer.Locator("#kefu-log .msg.agent", new() { HasText = "您好，我看到了" });
        await Expect(answer).ToHaveCountAsync(1);
        var answerSeq = long.Parse((await answer.GetAttributeAsync("data-seq"))!);
        await app.WaitForApi($"/api/v1/chat/tickets/{ticketId}", c => c["visitorReadSeq"]!.GetValue<long>() >= answerSeq, "the visitor's read position");

        // 5. The chat ends and the visitor, after rating it, writes again: a new chat whose panel links to the first.
        await agent.ClickAsync("#chat-end");
        await Expect(customer.Locator("#kefu-rating")).ToBeVisibleAsync();
        await customer.Locator("#kefu-rating .stars button").Nth(4).ClickAsync();
        await customer.ClickAsync("#kefu-rate");
        await customer.FillAsync("#kefu-input", "还有一个问题");
        await customer.PressAsync("#kefu-input", "Enter");
        var second = await app.WaitForApi("/api/v1/chat/queue",
            q => q.AsArray().Any(x => x!["visitorName"]?.GetValue<string>() == name && x["ticketId"]!.GetValue<long>() != ticketId), "the second chat");
        var secondTicket = second.AsArray().First(x => x!["visitorName"]?.GetValue<string>() == name && x["ticketId"]!.GetValue<long>() != ticketId)!["ticketId"]!.GetValue<long>();
        await agent.GotoAsync($"{app.BaseUrl}/tickets/{secondTicket}");
        await agent.WaitForSelectorAsync("#chat-panel");
        var previous = agent.Locator($".kefu-chat-previous a[href='/tickets/{ticketId}']");
        await Expect(previous).ToHaveTextAsync($"#{ticketId + 100000}");
        await Expect(agent.Locator("#chat-locale")).ToHaveTextAsync("zh-CN");

        await BrowserApp.ScreenshotAndCloseAsync([(customer, "chat-audit-customer"), (agent, "chat-audit-agent")]);
    }
}
