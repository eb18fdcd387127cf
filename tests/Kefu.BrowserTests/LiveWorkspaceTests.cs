using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Kefu.Platform.Database;
using Kefu.Tickets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Kefu.BrowserTests;

/// <summary>The workspace as several people see it at once: changes and customer messages arriving live, times in each
/// person's own time zone, merges told in each reader's language.</summary>
[Collection(BrowserCollection.Name)]
public sealed class LiveWorkspaceTests(BrowserApp app) : IAsyncLifetime
{
    private readonly List<(IPage Page, string Name)> _pages = [];

    private async Task<IPage> Open(string user, [CallerMemberName] string test = "")
    {
        var page = await app.SignIn(user);
        _pages.Add((page, $"{test}-{user}"));
        return page;
    }

    /// <summary>Marks the page's document: <see cref="AssertNotReloaded"/> then tells whether it is still the same one
    /// (a reload or a navigation that loads the page again would drop the mark).</summary>
    private static Task MarkDocument(IPage page) => page.EvaluateAsync("() => { window.__kefuSameDocument = true; }");

    private static async Task AssertNotReloaded(IPage page) =>
        Assert.True(await page.EvaluateAsync<bool>("() => window.__kefuSameDocument === true"), "the page was reloaded");

    private static string Unique(string prefix) => prefix + " " + Guid.NewGuid().ToString("N")[..6];

    [Fact]
    public async Task Status_tag_and_assignee_changes_reach_a_colleagues_counts_row_and_thread()
    {
        var id = (await app.CreateTicket(Unique("实时同步")))["id"]!.GetValue<long>();
        var watcher = await Open("agent.a2");
        await watcher.GotoAsync($"{app.BaseUrl}/tickets/{id}");
        await watcher.WaitForSelectorAsync($"#ticket-pane[data-ticket-id='{id}']");
        await Assertions.Expect(watcher.Locator($"#row-{id} .kefu-status")).ToHaveTextAsync("新建");
        await Assertions.Expect(watcher.Locator("#count-unassigned")).Not.ToHaveTextAsync("…");
        var unassigned = int.Parse(await watcher.Locator("#count-unassigned").InnerTextAsync());
        await MarkDocument(watcher);

        var actor = await Open("agent.a");
        await actor.GotoAsync($"{app.BaseUrl}/tickets/{id}");
        await actor.WaitForSelectorAsync($"#ticket-pane[data-ticket-id='{id}']");

        // Status: the open thread (header and inline event) and the list row follow.
        await actor.SelectOptionAsync("#prop-status", "pending_customer");
        await Assertions.Expect(watcher.Locator("#ticket-status")).ToHaveTextAsync("等待客户");
        await Assertions.Expect(watcher.Locator("#thread .kefu-event", new() { HasText = "状态" })).ToContainTextAsync("状态: 新建 → 等待客户");
        await Assertions.Expect(watcher.Locator($"#row-{id} .kefu-status")).ToHaveTextAsync("等待客户");

        // A tag: the properties and the thread.
        var tag = "同步" + Guid.NewGuid().ToString("N")[..4];
        await actor.FillAsync("#tag-input", tag);
        await actor.PressAsync("#tag-input", "Enter");
        await Assertions.Expect(watcher.Locator("#prop-tags")).ToContainTextAsync(tag);
        await Assertions.Expect(watcher.Locator("#thread .kefu-event", new() { HasText = tag })).ToContainTextAsync("标签");

        // Assignee: the unassigned count drops, the row leaves the unassigned list, the pane shows who has it.
        await actor.ClickAsync("#take");
        await Assertions.Expect(watcher.Locator("#count-unassigned")).ToHaveTextAsync((unassigned - 1).ToString());
        await Assertions.Expect(watcher.Locator($"#row-{id}")).ToHaveCountAsync(0);
        await Assertions.Expect(watcher.Locator("#prop-assignee option:checked")).ToHaveTextAsync("王芳");
        await Assertions.Expect(watcher.Locator("#thread .kefu-event", new() { HasText = "处理人" })).ToContainTextAsync("处理人: — → 王芳");
        await AssertNotReloaded(watcher);
    }

    [Fact]
    public async Task A_customer_message_appears_in_the_open_thread_and_the_list_row()
    {
        var subject = Unique("客户追问");
        var id = (await app.CreateTicket(subject))["id"]!.GetValue<long>();
        (await app.Api.PatchAsJsonAsync($"/api/v1/tickets/{id}", new { status = "pending_customer" })).EnsureSuccessStatusCode();
        var page = await Open("agent.a");
        await page.GotoAsync($"{app.BaseUrl}/tickets/{id}");
        await page.WaitForSelectorAsync($"#ticket-pane[data-ticket-id='{id}']");
        await Assertions.Expect(page.Locator($"#row-{id} .kefu-status")).ToHaveTextAsync("等待客户");
        await Assertions.Expect(page.Locator("#thread .kind-customer")).ToHaveCountAsync(1);
        await MarkDocument(page);

        // The customer writes again, through the API an app or web form integration uses.
        var text = "订单号是 " + Random.Shared.Next(100000, 999999) + "，请帮忙查一下";
        await app.Post($"/api/v1/tickets/{id}/messages", new { kind = "customer", body = text });

        await Assertions.Expect(page.Locator("#thread .kind-customer")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#thread .kind-customer").Last).ToContainTextAsync(text);
        // The customer answered: the ticket is open again, in the pane and in the row.
        await Assertions.Expect(page.Locator("#ticket-status")).ToHaveTextAsync("处理中");
        await Assertions.Expect(page.Locator($"#row-{id} .kefu-status")).ToHaveTextAsync("处理中");
        await Assertions.Expect(page.Locator("#ticket-list .kefu-row").First).ToHaveAttributeAsync("data-ticket-id", id.ToString()); // newest activity first
        // What the message changed by itself is told inline like any other change.
        await Assertions.Expect(page.Locator("#thread .kefu-event", new() { HasText = "等待客户 → 处理中" })).ToHaveCountAsync(1);
        await AssertNotReloaded(page);

        // The first public reply makes its writer the owner (首问负责), told inline too.
        await page.Locator("#reply-box").FillAsync("收到，马上查");
        await page.ClickAsync("#send");
        await Assertions.Expect(page.Locator("#thread .kefu-event", new() { HasText = "首问负责人" })).ToContainTextAsync("首问负责人: — → 王芳");
    }

    [Fact]
    public async Task Thread_and_list_times_are_shown_in_the_profiles_time_zone()
    {
        var ticket = await app.CreateTicket(Unique("时区"));
        var id = ticket["id"]!.GetValue<long>();
        var messages = JsonNode.Parse(await app.Api.GetStringAsync($"/api/v1/tickets/{id}/messages"))!.AsArray();
        var sent = messages[0]!["createdAt"]!.GetValue<DateTime>().ToUniversalTime();
        var updated = JsonNode.Parse(await app.Api.GetStringAsync($"/api/v1/tickets/{id}"))!["updatedAt"]!.GetValue<DateTime>().ToUniversalTime();

        foreach (var zone in new[] { "America/New_York", "Asia/Shanghai" })
        {
            var userName = "tz." + Guid.NewGuid().ToString("N")[..8];
            var user = await app.CreateStaff(userName, "时区" + zone[..4], ["agent"], [app.TeamA]);
            (await app.Api.PatchAsJsonAsync($"/api/v1/users/{user["id"]}", new { timeZone = zone })).EnsureSuccessStatusCode();
            var tz = TimeZoneInfo.FindSystemTimeZoneById(zone);
            string Local(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(utc, tz).ToString("yyyy-MM-dd HH:mm");

            var page = await Open(userName);
            await page.GotoAsync($"{app.BaseUrl}/tickets/{id}");
            await Assertions.Expect(page.Locator("#thread .kind-customer .kefu-time")).ToHaveTextAsync(Local(sent));
            await Assertions.Expect(page.Locator($"#row-{id} .kefu-time")).ToHaveAttributeAsync("title", Local(updated));
        }
    }

    [Fact]
    public async Task A_merge_shows_in_both_threads_as_an_event_in_the_readers_language()
    {
        var source = await app.CreateTicket(Unique("合并来源"));
        var target = await app.CreateTicket(Unique("合并目标"));
        var (sourceId, targetId) = (source["id"]!.GetValue<long>(), target["id"]!.GetValue<long>());
        var (sourceNumber, targetNumber) = (source["number"]!.GetValue<long>(), target["number"]!.GetValue<long>());
        var lead = await app.StaffClient("lead." + Guid.NewGuid().ToString("N")[..6], "组长小赵", ["supervisor"], [app.TeamA]);
        (await lead.PostAsJsonAsync($"/api/v1/tickets/{sourceId}/merge", new { targetTicketId = targetId })).EnsureSuccessStatusCode();

        var userName = "merge." + Guid.NewGuid().ToString("N")[..8];
        await app.CreateStaff(userName, "合并读者", ["agent"], [app.TeamA]);
        var page = await Open(userName);
        await page.GotoAsync($"{app.BaseUrl}/tickets/{targetId}");
        var merged = page.Locator("#thread .kefu-event", new() { HasText = "合并" });
        await Assertions.Expect(merged).ToContainTextAsync($"组长小赵 · #{sourceNumber} 已合并到本工单");
        await Assertions.Expect(page.Locator("#thread .kind-internal_note")).ToHaveCountAsync(0); // no note in one language
        await page.GotoAsync($"{app.BaseUrl}/tickets/{sourceId}");
        await Assertions.Expect(page.Locator("#thread .kefu-event", new() { HasText = "合并" })).ToContainTextAsync($"已合并到 #{targetNumber}");

        await BrowserApp.SwitchLanguage(page, "en");
        await Assertions.Expect(page.Locator("#thread .kefu-event", new() { HasText = "Merged" })).ToContainTextAsync($"Merged into #{targetNumber}");
        await page.GotoAsync($"{app.BaseUrl}/tickets/{targetId}");
        await Assertions.Expect(page.Locator("#thread .kefu-event", new() { HasText = "merged" }))
            .ToContainTextAsync($"#{sourceNumber} was merged into this ticket");
    }

    /// <summary>Merges made before the event existed wrote an English note into both threads; such a thread reads as a
    /// new one (the event, in the reader's language), not as the note plus the event.</summary>
    [Fact]
    public async Task A_merge_note_written_by_an_older_version_reads_as_the_event()
    {
        var source = await app.CreateTicket(Unique("旧合并来源"));
        var target = await app.CreateTicket(Unique("旧合并目标"));
        var (sourceId, targetId) = (source["id"]!.GetValue<long>(), target["id"]!.GetValue<long>());
        var (sourceNumber, targetNumber) = (source["number"]!.GetValue<long>(), target["number"]!.GetValue<long>());
        (await app.Api.PostAsJsonAsync($"/api/v1/tickets/{sourceId}/merge", new { targetTicketId = targetId })).EnsureSuccessStatusCode();
        using (var scope = app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<KefuDb>();
            db.Add(new Message
            {
                TicketId = targetId, Kind = MessageKind.InternalNote, Channel = Channel.WebForm,
                Body = $"Ticket #{sourceNumber} merged into #{targetNumber} by 管理员.", CreatedAt = DateTime.UtcNow,
            });
            await db.SaveChangesAsync();
        }

        var page = await Open("agent.a");
        await page.GotoAsync($"{app.BaseUrl}/tickets/{targetId}");
        await Assertions.Expect(page.Locator("#thread .kefu-event", new() { HasText = "合并" })).ToContainTextAsync($"#{sourceNumber} 已合并到本工单");
        await Assertions.Expect(page.Locator("#thread")).Not.ToContainTextAsync("merged into");
        // The stored message is untouched: the API still returns it as it was written.
        var messages = JsonNode.Parse(await app.Api.GetStringAsync($"/api/v1/tickets/{targetId}/messages"))!.AsArray();
        Assert.Contains(messages, m => m!["body"]!.GetValue<string>().StartsWith($"Ticket #{sourceNumber} merged into"));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => BrowserApp.ScreenshotAndCloseAsync(_pages);
}
