using System.Text.Json.Nodes;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kefu.BrowserTests;

/// <summary>The agent's side of a chat as a new agent uses it: Enter sends and empties the box (the browser's newline
/// used to put the sent text back), and the transfer button works while the note is being typed (it stayed disabled
/// until the note field lost focus, so the first click was lost).</summary>
[Collection(BrowserCollection.Name)]
public sealed class ChatPanelInputTests(BrowserApp app)
{
    [Fact]
    public async Task Enter_sends_and_empties_the_chat_input_and_a_typed_transfer_note_enables_transfer()
    {
        var site = await app.Post("/api/v1/chat/sites", new { name = "输入测试店", teamId = app.TeamA, allowedOrigins = new[] { "*" },
            color = "#0a7cff", greeting = "", offlineMessage = "", preChatFields = Array.Empty<string>() });
        var key = site["key"]!.GetValue<string>();
        var marker = "QA" + Guid.NewGuid().ToString("N")[..8];

        var customerContext = await app.Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "zh-CN" });
        customerContext.SetDefaultTimeout(15_000);
        var customer = await customerContext.NewPageAsync();
        await customer.GotoAsync($"{app.BaseUrl}/widget/demo.html?key={key}");
        await customer.ClickAsync("button.launcher");
        await customer.FillAsync("#kefu-input", "想换个颜色 " + marker);
        await customer.PressAsync("#kefu-input", "Enter");
        await Expect(customer.Locator("#kefu-log .msg.visitor[data-seq='1']")).ToContainTextAsync(marker);

        var queue = JsonNode.Parse(await app.Api.GetStringAsync("/api/v1/chat/queue"))!.AsArray();
        var conversations = queue.Where(q => q!["conversationId"] is not null).Select(q => q!["ticketId"]!.GetValue<long>()).ToList();
        long ticketId = 0;
        foreach (var id in conversations)
        {
            var messages = await app.Api.GetStringAsync($"/api/v1/tickets/{id}/messages");
            if (messages.Contains(marker)) { ticketId = id; break; }
        }
        Assert.NotEqual(0, ticketId);

        var agent = await app.SignIn("agent.a");
        await agent.GotoAsync($"{app.BaseUrl}/tickets/{ticketId}");
        await agent.WaitForSelectorAsync("#chat-accept");
        await agent.ClickAsync("#chat-accept");
        await Expect(customer.Locator("#kefu-log .sys")).ToContainTextAsync("王芳 为您服务");

        await agent.FillAsync("#chat-input", "好的，我来帮您换");
        await agent.PressAsync("#chat-input", "Enter");
        await Expect(customer.Locator("#kefu-log .msg.agent").Last).ToContainTextAsync("好的，我来帮您换");
        await Expect(agent.Locator("#thread")).ToContainTextAsync("好的，我来帮您换");
        await Expect(agent.Locator("#chat-input")).ToHaveValueAsync("");

        // Transfer: choose a colleague, type the note, click — once.
        await agent.SelectOptionAsync("#chat-transfer-to", new SelectOptionValue { Label = "李娜" });
        await agent.Locator("#chat-transfer-note").PressSequentiallyAsync("客户要换货，请跟进");
        await agent.ClickAsync("#chat-transfer"); // waits for the button to be enabled: it never was while the note kept focus
        await Expect(customer.Locator("#kefu-log .sys").Last).ToContainTextAsync("已转接给 李娜");
        await Expect(agent.Locator("#thread")).ToContainTextAsync("客户要换货，请跟进");

        await customerContext.CloseAsync();
        await agent.Context.CloseAsync();
    }
}
