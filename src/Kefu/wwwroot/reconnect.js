// Drives the reconnect banner (Components/ReconnectBanner.razor) from Blazor's reconnection events.
// States: show/retrying/paused → "reconnecting"; hide → "reconnected" for a moment; failed (retries used up) →
// keep trying when the browser comes back online or the tab is shown again; rejected/resume-failed (the server
// no longer has this circuit) → offer Reload. Reply drafts live in localStorage, so a reload loses nothing.
(function () {
  const banner = document.getElementById('components-reconnect-modal');
  if (!banner) return;
  let doneTimer = null;
  const set = state => {
    clearTimeout(doneTimer);
    banner.dataset.state = state;
    if (state === 'reconnected') doneTimer = setTimeout(() => { banner.dataset.state = 'hidden'; }, 2500);
  };
  const retry = async () => {
    if (banner.dataset.state !== 'failed') return;
    set('retrying');
    try {
      const ok = await (window.Blazor && Blazor.reconnect ? Blazor.reconnect() : Promise.resolve(false));
      if (!ok) set('gone'); // reached the server, which no longer knows this circuit
    } catch (_) { set('failed'); setTimeout(retry, 5000); }
  };
  banner.addEventListener('components-reconnect-state-changed', e => {
    switch (e.detail && e.detail.state) {
      case 'show': case 'retrying': case 'paused': set('retrying'); break;
      case 'hide': if (banner.dataset.state !== 'hidden') set('reconnected'); break;
      case 'failed': set('failed'); setTimeout(retry, 5000); break;
      case 'rejected': case 'resume-failed': set('gone'); break;
    }
  });
  window.addEventListener('online', retry);
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') retry(); });
  document.getElementById('reconnect-reload').addEventListener('click', () => location.reload());
})();
