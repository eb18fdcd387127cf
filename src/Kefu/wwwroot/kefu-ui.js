// Helpers for the admin console and the profile page, loaded as a module (import) by the components that use them.

/** POSTs JSON with the page's cookies (so a response can re-issue the sign-in cookie); returns status and body text. */
export async function postJson(url, body) {
  const response = await fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.text() };
}

/** Copies text to the clipboard; falls back to selecting the element's text when the clipboard is not available. */
export async function copy(text, elementId) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch (_) {
    const el = elementId && document.getElementById(elementId);
    if (el) {
      const range = document.createRange();
      range.selectNodeContents(el);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
    }
    return false;
  }
}

export function notificationPermission() {
  return 'Notification' in window ? Notification.permission : 'unsupported';
}

export async function requestNotificationPermission() {
  if (!('Notification' in window)) return 'unsupported';
  if (Notification.permission !== 'default') return Notification.permission;
  try { return await Notification.requestPermission(); } catch (_) { return Notification.permission; }
}

let dragEnabled = false;
/** Firefox starts an HTML5 drag only when it carries data; the taxonomy tree's rows are marked data-drag. */
export function enableDrag() {
  if (dragEnabled) return;
  dragEnabled = true;
  document.addEventListener('dragstart', e => {
    const row = e.target instanceof Element ? e.target.closest('[data-drag]') : null;
    if (row && e.dataTransfer) {
      e.dataTransfer.effectAllowed = 'move';
      try { e.dataTransfer.setData('text/plain', row.getAttribute('data-drag')); } catch (_) { }
    }
  });
}
