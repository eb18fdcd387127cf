// Starts Blazor (blazor.web.js has autostart="false", see App.razor). The circuit connects over WebSockets straight
// away: without SignalR's negotiate request it opens one round trip sooner on every page load and every reconnect.
// The price: no fallback to long polling for a network that blocks WebSockets (decision 0027).
// transport 1 = signalR.HttpTransportType.WebSockets.
// The circuit's JS initializers are given here instead of fetched: blazor.web.js otherwise asks
// `/_blazor/initializers` (a no-cache request, one more round trip after DOMContentLoaded) on every page load, and
// Kefu's answer is always the empty list (no library ships a *.lib.module.js initializer). StaticAssetsTests checks
// that the list is still empty, so a library that brings one breaks a test instead of being skipped (decision 0033).
Blazor.start({
  circuit: {
    initializers: { beforeStart: [], afterStarted: [] },
    configureSignalR: builder => builder.withUrl('_blazor', { skipNegotiation: true, transport: 1 }),
  },
});
