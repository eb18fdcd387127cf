// Kefu workspace helpers: keyboard shortcuts, drafts kept per ticket, notifications, focus.
window.kefu = (function () {
  let workspace = null;
  const editable = el => el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
  const keys = new Set(['j', 'k', 'r', 'n', 'a', 's', '/', '?']);

  document.addEventListener('keydown', e => {
    if (!workspace || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === 'Escape') { workspace.invokeMethodAsync('OnShortcut', 'Escape'); if (editable(document.activeElement)) document.activeElement.blur(); return; }
    if (editable(document.activeElement) || !keys.has(e.key)) return;
    e.preventDefault();
    workspace.invokeMethodAsync('OnShortcut', e.key);
  });

  // A short two-tone chime made with Web Audio (no sound file to ship).
  const chime = () => {
    try {
      const ctx = new (window.AudioContext || window.webkitAudioContext)();
      [880, 1320].forEach((freq, i) => {
        const osc = ctx.createOscillator(), gain = ctx.createGain();
        osc.frequency.value = freq;
        gain.gain.setValueAtTime(0.0001, ctx.currentTime + i * 0.15);
        gain.gain.exponentialRampToValueAtTime(0.2, ctx.currentTime + i * 0.15 + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + i * 0.15 + 0.3);
        osc.connect(gain).connect(ctx.destination);
        osc.start(ctx.currentTime + i * 0.15);
        osc.stop(ctx.currentTime + i * 0.15 + 0.32);
      });
    } catch (_) { }
  };

  return {
    chime,
    workspace: {
      attach: ref => { workspace = ref; },
      detach: () => { workspace = null; },
    },
    focus: id => { const el = document.getElementById(id); if (el) { el.focus(); if (el.select && el.tagName === 'INPUT') el.select(); } },
    scrollIntoView: id => { const el = document.getElementById(id); if (el) el.scrollIntoView({ block: 'nearest' }); },
    drafts: {
      get: id => localStorage.getItem('kefu.draft.' + id),
      set: (id, text) => { if (text) localStorage.setItem('kefu.draft.' + id, text); else localStorage.removeItem('kefu.draft.' + id); },
      remove: id => localStorage.removeItem('kefu.draft.' + id),
    },
    // browser and sound: the person's profile preferences for new assignments.
    notify: (title, body, browser = true, sound = true) => {
      if (sound) chime();
      if (!browser || !('Notification' in window)) return;
      const show = () => { try { new Notification(title, { body }); } catch (_) { } };
      if (Notification.permission === 'granted') show();
      else if (Notification.permission !== 'denied') Notification.requestPermission().then(p => { if (p === 'granted') show(); });
    },
  };
})();
