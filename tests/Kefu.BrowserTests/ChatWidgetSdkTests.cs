using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace Kefu.BrowserTests;

/// <summary>The widget as a customer and a host site's code meet it: the SDK's message events, friendly errors,
/// the rating form surviving re-renders, and 转人工 in a chat an answer bot serves.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ChatWidgetSdkTests(BrowserApp app)
{
    /// <summary>Records the SDK's events before the widget script runs (the documented pre-load queue).</summary>
    private const string RecordEvents = """
        window.__kefu = { messages: [], errors: [] };
        window.Kefu = { q: [["on", "message", e => window.__kefu.messages.push(e)], ["on", "error", e => window.__kefu.errors.push(e)]] };
        """;

    private async Task<(string Key, int Id)> Site(int teamId)
    {
        var site = await app.Post("/api/v1/chat/sites", new { name = "SDK 商店", teamId, allowedOrigins = new[] { "*" },
            color = "#0a7cff", greeting = "您好", offlineMessage = "请留言", preChatFields = Array.Empty<string>() });
        return (site["key"]!.GetValue<string>(), site["id"]!.GetValue<int>());
    }

    private async Task<IPage> Customer(string key, string locale = "zh-CN")
    {
        var context = await app.Browser.NewContextAsync(new BrowserNewContextOptions { Locale = locale });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        await page.AddInitScriptAsync(RecordEvents);
        await page.GotoAsync($"{app.BaseUrl}/widget/demo.html?key={key}");
        await page.ClickAsync("button.launcher");
        await Assertions.Expect(page.Locator(".head h2")).ToContainTextAsync("SDK 商店"); // connected: the site's settings came
        return page;
    }

    private static Task WaitFor(IPage page, string condition) =>
        page.WaitForFunctionAsync(condition, null, new PageWaitForFunctionOptions { Timeout = 15_000 });

    private async Task<HttpClient> OnlineAgent(string userName, int teamId)
    {
        var agent = await app.StaffClient(userName, "客服" + userName[^4..], ["agent"], [teamId]);
        var r = await agent.PutAsJsonAsync("/api/v1/chat/status", new { status = "online" });
        Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
        return agent;
    }

    private async Task<int> NewTeam() =>
        (await app.Post("/api/v1/teams", new { name = "SDK组" + Guid.NewGuid().ToString("N")[..6] }))["id"]!.GetValue<int>();

    [Fact]
    public async Task The_sdk_message_event_fires_for_every_message_and_says_who_sent_it()
    {
        var team = await NewTeam();
        var agent = await OnlineAgent("sdk.a" + Guid.NewGuid().ToString("N")[..4], team);
        var (key, _) = await Site(team);
        var customer = await Customer(key);

        await customer.FillAsync("#kefu-input", "你好，我自己发的");
        await customer.PressAsync("#kefu-input", "Enter");
        await WaitFor(customer, "window.__kefu.messages.some(e => e.text === '你好，我自己发的')");
        var mine = (await customer.EvaluateAsync<JsonElement>("window.__kefu.messages.find(e => e.text === '你好，我自己发的')"));
        Assert.Equal("visitor", mine.GetProperty("sender").GetString());
        Assert.True(mine.GetProperty("mine").GetBoolean());
        Assert.False(mine.GetProperty("history").GetBoolean());
        Assert.Equal(1, mine.GetProperty("seq").GetInt64());
        var conversationId = mine.GetProperty("conversationId").GetInt64();

        Assert.True((await agent.PostAsync($"/api/v1/chat/conversations/{conversationId}/accept", null)).IsSuccessStatusCode);
        var reply = await agent.PostAsJsonAsync($"/api/v1/chat/conversations/{conversationId}/messages",
            new { clientId = Guid.NewGuid().ToString("N"), text = "您好，客服回复" });
        Assert.True(reply.IsSuccessStatusCode);
        await WaitFor(customer, "window.__kefu.messages.some(e => e.text === '您好，客服回复')");
        var theirs = await customer.EvaluateAsync<JsonElement>("window.__kefu.messages.find(e => e.text === '您好，客服回复')");
        Assert.Equal("agent", theirs.GetProperty("sender").GetString());
        Assert.False(theirs.GetProperty("mine").GetBoolean());
        Assert.False(string.IsNullOrEmpty(theirs.GetProperty("authorName").GetString()));
        // The agent's joining is a message of the conversation too, from Kefu itself, in the widget's words.
        Assert.True(await customer.EvaluateAsync<bool>("window.__kefu.messages.some(e => e.sender === 'system' && !e.mine && e.text.includes('为您服务'))"));
        // Each message once, in sequence order.
        var seqs = await customer.EvaluateAsync<long[]>("window.__kefu.messages.map(e => e.seq)");
        Assert.Equal(seqs.Order().Distinct(), seqs);

        // After a reload the conversation's messages come again, marked as history.
        await customer.ReloadAsync();
        await WaitFor(customer, "window.__kefu.messages.length >= 3");
        Assert.True(await customer.EvaluateAsync<bool>("window.__kefu.messages.every(e => e.history)"));
        Assert.True(await customer.EvaluateAsync<bool>("window.__kefu.messages.some(e => e.mine && e.text === '你好，我自己发的')"));
        await customer.Context.CloseAsync();
    }

    [Fact]
    public async Task Server_errors_reach_the_customer_as_translated_sentences_and_the_code_only_as_diagnostics()
    {
        var (key, _) = await Site(app.TeamA);
        foreach (var (locale, expected) in new[] { ("zh-CN", "无法确认您的登录身份"), ("en-US", "We could not confirm that you are signed in") })
        {
            var customer = await Customer(key, locale);
            // The host page passes a user whose signature is wrong: the server refuses with identity_rejected.
            await customer.EvaluateAsync($$"""() => { Kefu.shutdown(); Kefu.boot({ siteKey: "{{key}}", open: true, user: { id: "u-1", signature: "00" } }); }""");
            var banner = customer.Locator(".banner.warn");
            await Assertions.Expect(banner).ToContainTextAsync(expected);
            await Assertions.Expect(banner).Not.ToContainTextAsync("identity_rejected");
            await Assertions.Expect(banner).ToHaveAttributeAsync("data-code", "identity_rejected");
            Assert.True(await customer.EvaluateAsync<bool>("window.__kefu.errors.some(e => e.code === 'identity_rejected')"));
            await customer.Context.CloseAsync();
        }

        // An upload of a type the server refuses (HTTP 400): a sentence, not the status or the server's detail.
        var page = await Customer(key);
        await page.SetInputFilesAsync("#kefu-file", new FilePayload { Name = "setup.exe", MimeType = "application/octet-stream", Buffer = [0x4d, 0x5a, 0, 0] });
        await Assertions.Expect(page.Locator(".banner.warn")).ToContainTextAsync("不支持发送此类型的文件");
        await Assertions.Expect(page.Locator(".banner.warn")).Not.ToContainTextAsync("400");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_rating_form_keeps_what_the_customer_typed_when_the_widget_redraws()
    {
        var team = await NewTeam();
        var agent = await OnlineAgent("rate.a" + Guid.NewGuid().ToString("N")[..4], team);
        var (key, _) = await Site(team);
        var customer = await Customer(key);
        await customer.FillAsync("#kefu-input", "帮我看看发票");
        await customer.PressAsync("#kefu-input", "Enter");
        await WaitFor(customer, "window.__kefu.messages.some(e => e.mine)");
        var conversationId = await customer.EvaluateAsync<long>("window.__kefu.messages.find(e => e.mine).conversationId");
        var ticketId = JsonNode.Parse(await agent.GetStringAsync("/api/v1/chat/queue"))!.AsArray()
            .Single(q => q!["conversationId"]!.GetValue<long>() == conversationId)!["ticketId"]!.GetValue<long>();
        Assert.True((await agent.PostAsync($"/api/v1/chat/conversations/{conversationId}/end", null)).IsSuccessStatusCode);
        await Assertions.Expect(customer.Locator("#kefu-rating")).ToBeVisibleAsync();

        await customer.ClickAsync("#kefu-rating .stars button:nth-child(4)");
        await customer.FillAsync("#kefu-rating-comment", "回复很快，谢谢");
        // Redraws: the customer closes and reopens the window, and a message pushed by the server arrives.
        await customer.ClickAsync("button.launcher");
        await customer.ClickAsync("button.launcher");
        var count = await customer.EvaluateAsync<int>("window.__kefu.messages.length");
        Assert.True((await agent.PostAsJsonAsync($"/api/v1/chat/conversations/{conversationId}/messages",
            new { clientId = Guid.NewGuid().ToString("N"), text = "感谢您的咨询" })).IsSuccessStatusCode);
        await WaitFor(customer, $"window.__kefu.messages.length > {count}");
        await Assertions.Expect(customer.Locator("#kefu-rating-comment")).ToHaveValueAsync("回复很快，谢谢");
        await Assertions.Expect(customer.Locator("#kefu-rating .stars button:nth-child(4)")).ToHaveAttributeAsync("aria-pressed", "true");
        await Assertions.Expect(customer.Locator("#kefu-rating .stars button:nth-child(5)")).ToHaveAttributeAsync("aria-pressed", "false");

        await customer.ClickAsync("#kefu-rate");
        await Assertions.Expect(customer.Locator(".banner")).ToContainTextAsync("感谢您的评价");
        var info = JsonNode.Parse(await agent.GetStringAsync($"/api/v1/chat/tickets/{ticketId}"))!;
        Assert.Equal(4, info["rating"]!.GetValue<int>());
        Assert.Equal("回复很快，谢谢", info["ratingComment"]!.GetValue<string>());
        await customer.Context.CloseAsync();
    }

    [Fact]
    public async Task In_a_chat_with_the_bot_talk_to_a_person_is_shown_and_hands_the_chat_to_the_queue()
    {
        var team = await NewTeam();
        var agent = await OnlineAgent("bot.a" + Guid.NewGuid().ToString("N")[..4], team);
        var (key, siteId) = await Site(team);
        app.ChatBot.Sites[siteId] = true;
        var customer = await Customer(key);

        await customer.FillAsync("#kefu-input", "我的订单到哪了");
        await customer.PressAsync("#kefu-input", "Enter");
        await Assertions.Expect(customer.Locator("#kefu-log .msg.bot")).ToContainTextAsync("机器人收到：我的订单到哪了");
        var human = customer.Locator("#kefu-human");
        await Assertions.Expect(human).ToBeVisibleAsync();
        await Assertions.Expect(human).ToHaveTextAsync("转人工");
        var conversationId = await customer.EvaluateAsync<long>("window.__kefu.messages.find(e => e.mine).conversationId");
        // Nobody is offered a chat the bot is handling.
        Assert.DoesNotContain(JsonNode.Parse(await agent.GetStringAsync("/api/v1/chat/queue"))!.AsArray(),
            q => q!["conversationId"]!.GetValue<long>() == conversationId);

        await human.ClickAsync();
        await Assertions.Expect(customer.Locator("#kefu-log .sys")).ToContainTextAsync("已为您转接人工客服");
        await Assertions.Expect(customer.Locator(".banner")).ToContainTextAsync("正在排队");
        await Assertions.Expect(human).ToHaveCountAsync(0); // with a person now, the button goes
        var queue = JsonNode.Parse(await agent.GetStringAsync("/api/v1/chat/queue"))!.AsArray();
        Assert.Contains(queue, q => q!["conversationId"]!.GetValue<long>() == conversationId && q["state"]!.GetValue<string>() == "queued");

        // The bot no longer answers: the next message waits for the agent.
        await customer.FillAsync("#kefu-input", "还在吗");
        await customer.PressAsync("#kefu-input", "Enter");
        await WaitFor(customer, "window.__kefu.messages.some(e => e.mine && e.text === '还在吗')");
        await Assertions.Expect(customer.Locator("#kefu-log .msg.visitor.pending")).ToHaveCountAsync(0); // acknowledged (a bot answer comes before)
        Assert.Equal(1, await customer.Locator("#kefu-log .msg.bot").CountAsync());
        Assert.True((await agent.PostAsync($"/api/v1/chat/conversations/{conversationId}/end", null)).IsSuccessStatusCode); // leave no queue behind
        await customer.Context.CloseAsync();
    }
}
