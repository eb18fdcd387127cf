using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace Kefu.BrowserTests;

/// <summary>What a new user does first (issue: "copy the snippet into a plain HTML file, open it, chat with the demo
/// agent"): the one script tag in a file opened from disk, so the page's origin is <c>null</c> and not Kefu's.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ChatSnippetTests(BrowserApp app)
{
    [Fact]
    public async Task The_snippet_in_a_plain_html_file_opened_from_disk_chats_with_an_agent()
    {
        var site = await app.Post("/api/v1/chat/sites", new { name = "本地文件", teamId = app.TeamA, allowedOrigins = new[] { "*" },
            greeting = "您好，这里是本地页面", offlineMessage = "请留言", preChatFields = Array.Empty<string>() });
        var key = site["key"]!.GetValue<string>();

        var dir = Directory.CreateTempSubdirectory("kefu-snippet-");
        try
        {
            var file = Path.Combine(dir.FullName, "shop.html");
            await File.WriteAllTextAsync(file, $"""
                <!doctype html>
                <html><head><meta charset="utf-8"><title>我的小店</title></head>
                <body><h1>我的小店</h1>
                <script src="{app.BaseUrl}/widget/kefu-widget.js" data-site-key="{key}" async></script>
                </body></html>
                """);

            var context = await app.Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "zh-CN" });
            context.SetDefaultTimeout(15_000);
            var customer = await context.NewPageAsync();
            await customer.GotoAsync(new Uri(file).AbsoluteUri);
            await customer.ClickAsync("button.launcher");
            await Assertions.Expect(customer.Locator("#kefu-log")).ToContainTextAsync("您好，这里是本地页面");
            await customer.FillAsync("#kefu-input", "从本地文件发来的消息");
            await customer.PressAsync("#kefu-input", "Enter");
            await Assertions.Expect(customer.Locator("#kefu-log .msg.visitor[data-seq='1']")).ToContainTextAsync("从本地文件发来的消息");

            // The message is a chat ticket, and the agent answers it from the workspace.
            var found = JsonNode.Parse(await app.Api.GetStringAsync($"/api/v1/tickets?q={Uri.EscapeDataString("从本地文件发来的消息")}"))!;
            var ticket = found["items"]!.AsArray().Single()!;
            Assert.Equal("chat", ticket["channel"]!.GetValue<string>());
            var ticketId = ticket["id"]!.GetValue<long>();
            var agent = await app.SignIn("agent.a");
            await agent.GotoAsync($"{app.BaseUrl}/tickets/{ticketId}");
            await Assertions.Expect(agent.Locator("#thread")).ToContainTextAsync("从本地文件发来的消息");
            await agent.ClickAsync("#chat-accept");
            await agent.FillAsync("#chat-input", "您好，已收到");
            await agent.PressAsync("#chat-input", "Enter");
            await Assertions.Expect(customer.Locator("#kefu-log .msg.agent").Last).ToContainTextAsync("您好，已收到");
            await context.CloseAsync();
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
