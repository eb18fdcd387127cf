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

  return {
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
    notify: (title, body) => {
      if (!('Notification' in window)) return;
      const show = () => { try { new Notification(title, { body }); } catch (_) { } };
      try { new Audio('data:audio/wav;base64,UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAEAfAAABAAgAZGF0YQAAAAA=').play().catch(() => { }); } catch (_) { }
      if (Notification.permission === 'granted') show();
      else if (Notification.permission !== 'denied') Notification.requestPermission().then(p => { if (p === 'granted') show(); });
    },
  };
})();
