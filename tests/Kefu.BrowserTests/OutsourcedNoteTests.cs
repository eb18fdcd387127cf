using System.Net.Http.Json;
using Microsoft.Playwright;

namespace Kefu.BrowserTests;

/// <summary>An outsourced agent sees the customer note masked, so he must not be able to save it: saving what he sees
/// would write the masked text over the note for everyone.</summary>
[Collection(BrowserCollection.Name)]
public sealed class OutsourcedNoteTests(BrowserApp app) : IAsyncLifetime
{
    private readonly List<(IPage Page, string Name)> _pages = [];

    [Fact]
    public async Task An_outsourced_agent_reads_the_customer_note_masked_and_cannot_edit_it()
    {
        var ticket = await app.CreateTicket("备用电话 " + Guid.NewGuid().ToString("N")[..6]);
        var id = ticket["id"]!.GetValue<long>();
        var note = "备用电话 13812345678，晚上打";
        var patch = await app.Api.SendAsync(new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/customers/{ticket["customer"]!["id"]}")
        {
            Content = JsonContent.Create(new { note }),
        });
        Assert.True(patch.IsSuccessStatusCode);

        var outsourced = await app.SignIn("out.a");
        _pages.Add((outsourced, "note-outsourced"));
        await outsourced.GotoAsync($"{app.BaseUrl}/tickets/{id}");
        await Assertions.Expect(outsourced.Locator("#customer-note-text")).ToHaveTextAsync("备用电话 138****5678，晚上打");
        await Assertions.Expect(outsourced.Locator("#customer-note")).ToHaveCountAsync(0);
        await Assertions.Expect(outsourced.Locator("#save-customer-note")).ToHaveCountAsync(0);

        // An in-house agent of the same team edits it as before.
        var agent = await app.SignIn("agent.a");
        _pages.Add((agent, "note-agent"));
        await agent.GotoAsync($"{app.BaseUrl}/tickets/{id}");
        await Assertions.Expect(agent.Locator("#customer-note")).ToHaveValueAsync(note);
        await Assertions.Expect(agent.Locator("#customer-note-text")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task The_triage_page_still_lists_corrections_for_an_admin()
    {
        // The corrections are now for taxonomy managers only (admins), who use this page.
        var page = await app.SignIn("boss");
        _pages.Add((page, "triage-admin"));
        await page.GotoAsync($"{app.BaseUrl}/admin/triage");
        await Assertions.Expect(page.Locator("#triage-models-status")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("section[aria-labelledby='triage-corrections-title'] .kefu-table-empty")).ToBeVisibleAsync();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => BrowserApp.ScreenshotAndCloseAsync(_pages);
}
