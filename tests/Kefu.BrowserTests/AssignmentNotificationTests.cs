using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using Microsoft.Playwright;

namespace Kefu.BrowserTests;

/// <summary>
/// A ticket newly assigned to the agent whose workspace is open: a browser notification naming the ticket and the chime,
/// as her profile asks (both on by default), and neither when she turned them off. Headless Chromium has no desktop
/// notifications or speakers, so the page's <c>Notification</c> is a stand-in that grants permission and records what
/// it was asked to show, and <c>AudioContext</c> is the real one, counted (the chime builds one per play).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AssignmentNotificationTests(BrowserApp app) : IAsyncLifetime
{
    private const string Recorder = """
        window.__notes = [];
        window.__chimes = 0;
        window.Notification = class {
          constructor(title, options) { window.__notes.push({ title: String(title), body: String(options && options.body) }); }
          static get permission() { return 'granted'; }
          static requestPermission() { return Promise.resolve('granted'); }
        };
        const RealAudio = window.AudioContext || window.webkitAudioContext;
        if (RealAudio) {
          window.AudioContext = class extends RealAudio { constructor(...a) { super(...a); window.__chimes++; } };
          window.webkitAudioContext = window.AudioContext;
        }
        """;

    private readonly List<(IPage Page, string Name)> _pages = [];

    [Fact]
    public async Task A_new_assignment_shows_a_notification_naming_the_ticket_and_plays_the_chime()
    {
        var (page, userId) = await Agent("通知开");
        var ticket = await app.CreateTicket("新分配提醒 " + Guid.NewGuid().ToString("N")[..6], app.TeamB);
        var number = "#" + ticket["number"]!.GetValue<long>();

        await Assign(ticket, userId);

        // The stand-ins record synchronously as kefu.notify runs; wait for them, not for a time.
        await page.WaitForFunctionAsync("n => window.__notes.some(x => x.title.includes(n)) && window.__chimes > 0", number);
        var note = Assert.Single(await Notes(page));
        Assert.Equal($"{number} 已分配给你", note!["title"]!.GetValue<string>());
        Assert.Equal(number, note["body"]!.GetValue<string>());
    }

    [Fact]
    public async Task With_both_preferences_off_a_new_assignment_neither_notifies_nor_chimes()
    {
        var (page, userId) = await Agent("通知关");
        await page.ClickAsync("#nav-profile");
        await page.WaitForSelectorAsync("#profile-notify-browser");
        await page.UncheckAsync("#profile-notify-browser");
        await page.UncheckAsync("#profile-notify-sound");
        await page.ClickAsync("#profile-save");
        // Saved in the same language: the page stays and says so (the workspace reads the stored preferences).
        await Assertions.Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("设置已保存");

        await page.GotoAsync(app.BaseUrl + "/");
        await page.WaitForSelectorAsync(BrowserApp.Interactive);
        await page.ClickAsync("#view-all");
        await Assertions.Expect(page.Locator("#view-all")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("active"));
        var ticket = await app.CreateTicket("不要提醒 " + Guid.NewGuid().ToString("N")[..6], app.TeamB);
        var id = ticket["id"]!.GetValue<long>();
        // The live list has the new ticket, unassigned, before it is assigned: the list reload its arrival caused is
        // over, so only the assignment's own handling can show it as hers.
        var row = page.Locator($"#row-{id}");
        await Assertions.Expect(row).ToContainTextAsync("未分配");

        await Assign(ticket, userId);

        // The workspace handles an assignment in order: the notification (when wanted) is sent to the browser before
        // the list reloads. So once the live list shows the ticket as hers, a notification would have been recorded.
        await Assertions.Expect(row).ToContainTextAsync("通知关");
        Assert.Empty(await Notes(page));
        Assert.Equal(0, await page.EvaluateAsync<int>("window.__chimes"));
    }

    private static async Task<System.Text.Json.Nodes.JsonArray> Notes(IPage page) =>
        System.Text.Json.Nodes.JsonNode.Parse(await page.EvaluateAsync<string>("JSON.stringify(window.__notes)"))!.AsArray();

    /// <summary>A fresh agent of team B (her preferences are her own) with the workspace open and the stand-ins installed.</summary>
    private async Task<(IPage Page, string UserId)> Agent(string name, [CallerMemberName] string test = "")
    {
        var userName = "notify." + Guid.NewGuid().ToString("N")[..8];
        var user = await app.CreateStaff(userName, name, ["agent"], [app.TeamB]);
        var page = await app.SignIn(userName, initScript: Recorder);
        _pages.Add((page, test));
        return (page, user["id"]!.GetValue<string>());
    }

    /// <summary>Assigned by someone else (the API's admin), as a supervisor or the router would.</summary>
    private async Task Assign(System.Text.Json.Nodes.JsonNode ticket, string userId)
    {
        var response = await app.Api.PatchAsJsonAsync($"/api/v1/tickets/{ticket["id"]}", new { assigneeId = userId });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => BrowserApp.ScreenshotAndCloseAsync(_pages);
}
