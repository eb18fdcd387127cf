// Starts Blazor (blazor.web.js has autostart="false", see App.razor). The circuit connects over WebSockets straight
// away: without SignalR's negotiate request it opens one round trip sooner on every page load and every reconnect.
// The price: no fallback to long polling for a network that blocks WebSockets (decision 0027).
// transport 1 = signalR.HttpTransportType.WebSockets.
Blazor.start({
  circuit: {
    configureSignalR: builder => builder.withUrl('_blazor', { skipNegotiation: true, transport: 1 }),
  },
});
