using System.Runtime.CompilerServices;
using Microsoft.Playwright;

namespace Kefu.BrowserTests;

/// <summary>Losing the circuit's connection: a banner instead of Blazor's blocking modal, automatic reconnection,
/// and the reply draft kept.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ReconnectTests(BrowserApp app) : IAsyncLifetime
{
    private readonly List<(IPage Page, string Name)> _pages = [];

    // Records the page's WebSockets (Blazor's circuit is one) and lets the test refuse new ones, so a disconnect
    // and a failing reconnection can be made to happen exactly when the test wants. A refused socket goes to a path
    // of the same server that accepts none (404), not to another host: the staff pages' CSP (connect-src 'self')
    // would block that in the browser itself, which a real lost connection never meets.
    private const string SocketControl = """
        (() => {
          const Native = window.WebSocket;
          window.__sockets = [];
          window.__refuseSockets = false;
          window.WebSocket = function (url, protocols) {
            if (window.__refuseSockets) url = url.replace('/_blazor', '/_refused_blazor');
            const socket = new Native(url, protocols);
            window.__sockets.push(socket);
            return socket;
          };
          window.WebSocket.prototype = Native.prototype;
          Object.assign(window.WebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
        })();
        """;

    private async Task<IPage> Open(string user, string culture = "zh-CN", [CallerMemberName] string test = "")
    {
        var page = await app.SignIn(user);
        _pages.Add((page, $"{test}-{user}"));
        await page.Context.AddInitScriptAsync(SocketControl);
        await BrowserApp.SwitchLanguage(page, culture);
        await page.WaitForSelectorAsync(BrowserApp.Interactive);
        return page;
    }

    [Fact]
    public async Task A_lost_connection_shows_a_banner_reconnects_by_itself_and_keeps_the_draft()
    {
        var id = (await app.CreateTicket("断线重连 " + Guid.NewGuid().ToString("N")[..6]))["id"]!.GetValue<long>();
        var page = await Open("agent.a");
        await page.GotoAsync($"{app.BaseUrl}/tickets/{id}");
        await page.WaitForSelectorAsync($"#ticket-pane[data-ticket-id='{id}']");
        await page.Locator("#reply-box").PressSequentiallyAsync("您好，这边帮您查一下");

        var banner = page.Locator("#components-reconnect-modal");
        await Assertions.Expect(banner).ToBeHiddenAsync();
        // The circuit connects over WebSockets only, without negotiation (circuit.js, decision 0027), so refusing
        // WebSockets blocks it; negotiation is failed too, so a long-polling fallback, if one came back, could not
        // reconnect before the test sees the "reconnecting" state.
        await page.RouteAsync("**/_blazor/negotiate**", route => route.AbortAsync());
        await page.EvaluateAsync("() => { window.__refuseSockets = true; window.__sockets.forEach(s => s.close()); }");
        await Assertions.Expect(banner).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#reconnect-retrying")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#reconnect-retrying")).ToHaveTextAsync("连接已断开，正在重新连接…");
        Assert.Equal(0, await page.Locator(".components-reconnect-first-attempt-visible, #components-reconnect-modal dialog").CountAsync());
        // Not blocking: the page stays usable for reading and typing meanwhile.
        await page.Locator("#reply-box").PressSequentiallyAsync("，请稍等");

        await page.UnrouteAsync("**/_blazor/negotiate**");
        await page.EvaluateAsync("() => { window.__refuseSockets = false; }");
        await Assertions.Expect(page.Locator("#reconnect-done")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#reconnect-done")).ToHaveTextAsync("已重新连接");
        await Assertions.Expect(banner).ToBeHiddenAsync();

        // The same circuit carries on: the draft is there and sending works.
        await Assertions.Expect(page.Locator("#reply-box")).ToHaveValueAsync("您好，这边帮您查一下，请稍等");
        await page.ClickAsync("#send");
        await Assertions.Expect(page.Locator("#thread .kind-public_reply")).ToContainTextAsync("请稍等");
    }

    [Fact]
    public async Task When_the_circuit_is_gone_the_banner_offers_reload_and_the_draft_survives_it()
    {
        var id = (await app.CreateTicket("会话失效 " + Guid.NewGuid().ToString("N")[..6]))["id"]!.GetValue<long>();
        var page = await Open("agent.a", "en");
        try { await GoneThenReload(page, id); }
        finally { await BrowserApp.SwitchLanguage(page, "zh-CN"); } // the language is a profile setting
    }

    private async Task GoneThenReload(IPage page, long id)
    {
        await page.GotoAsync($"{app.BaseUrl}/tickets/{id}");
        await page.WaitForSelectorAsync($"#ticket-pane[data-ticket-id='{id}']");
        await page.Locator("#reply-box").PressSequentiallyAsync("Checking with the warehouse");

        // What Blazor reports when the server no longer knows the circuit (e.g. after a server restart).
        await page.EvaluateAsync("""
            () => document.getElementById('components-reconnect-modal').dispatchEvent(
                new CustomEvent('components-reconnect-state-changed', { detail: { state: 'rejected' } }))
            """);
        await Assertions.Expect(page.Locator("#reconnect-gone")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#reconnect-gone")).ToContainTextAsync("this page's session has ended");
        await page.ClickAsync("#reconnect-reload");
        await page.WaitForSelectorAsync($"#ticket-pane[data-ticket-id='{id}']");
        await Assertions.Expect(page.Locator("#reply-box")).ToHaveValueAsync("Checking with the warehouse");
        await Assertions.Expect(page.Locator("#components-reconnect-modal")).ToBeHiddenAsync();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => BrowserApp.ScreenshotAndCloseAsync(_pages);
}
