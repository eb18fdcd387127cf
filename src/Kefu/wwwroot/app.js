// Kefu workspace helpers: keyboard shortcuts, drafts kept per person and ticket, notifications, focus.
window.kefu = (function () {
  let workspace = null;
  const editable = el => el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
  const keys = new Set(['j', 'k', 'r', 'n', 'a', 's', '/', '?']);

  document.addEventListener('keydown', e => {
    if (!workspace || e.ctrlKey || e.metaKey || e.altKey) return;
    // A list row reached with Tab opens with Enter or Space, as a click would.
    const row = document.activeElement;
    if ((e.key === 'Enter' || e.key === ' ') && row && row.classList.contains('kefu-row')) { e.preventDefault(); row.click(); return; }
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

  // @mention autocomplete in the internal-note editor. Runs in the browser so arrow keys, Enter and Tab can be
  // taken from the textarea without a server round trip; the chosen token is written back through an 'input'
  // event, so Blazor (and the per-ticket draft) see the same text the agent sees.
  const mentions = (() => {
    let people = [], list = null, state = null;
    const close = () => {
      state = null;
      if (list) list.remove();
      list = null;
      const ta = document.getElementById('reply-box');
      if (ta) { ta.removeAttribute('aria-activedescendant'); ta.setAttribute('aria-expanded', 'false'); }
    };
    const inNote = ta => !!ta.closest('.kefu-editor.note');
    // The "@word" just before the caret: '@' at the start or after a space, then no space up to the caret.
    const query = ta => {
      const upto = ta.value.slice(0, ta.selectionStart);
      const at = upto.lastIndexOf('@');
      if (at < 0 || (at > 0 && !/\s/.test(upto[at - 1]))) return null;
      const q = upto.slice(at + 1);
      return /\s/.test(q) || q.length > 30 ? null : { start: at, end: ta.selectionStart, q };
    };
    // Whole-name matches first ("@agent.a" offers agent.a before agent.a2), then prefixes, then the rest.
    const rank = (p, needle) => {
      const n = p.name.toLowerCase(), u = p.userName.toLowerCase();
      return n === needle || u === needle ? 2 : n.startsWith(needle) || u.startsWith(needle) ? 1 : 0;
    };
    const matches = q => {
      const needle = q.toLowerCase();
      return people.filter(p => p.name.toLowerCase().includes(needle) || p.userName.toLowerCase().includes(needle))
        .sort((a, b) => rank(b, needle) - rank(a, needle))
        .slice(0, 8);
    };
    const render = ta => {
      if (!list) {
        list = document.createElement('ul');
        list.id = 'mention-list';
        list.className = 'kefu-mentions';
        list.setAttribute('role', 'listbox');
        document.body.appendChild(list);
      }
      const r = ta.getBoundingClientRect();
      list.style.left = (r.left + 8) + 'px';
      list.style.bottom = (window.innerHeight - r.top + 4) + 'px';
      list.replaceChildren(...state.items.map((p, i) => {
        const li = document.createElement('li');
        li.id = 'mention-' + i;
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', i === state.index ? 'true' : 'false');
        li.className = i === state.index ? 'active' : '';
        li.dataset.userName = p.userName;
        const name = document.createElement('strong'); name.textContent = p.name;
        const user = document.createElement('span'); user.textContent = '@' + p.userName;
        li.append(name, user);
        li.addEventListener('mousedown', e => { e.preventDefault(); choose(ta, i); });
        return li;
      }));
      ta.setAttribute('aria-controls', 'mention-list');
      ta.setAttribute('aria-expanded', 'true');
      ta.setAttribute('aria-activedescendant', 'mention-' + state.index);
    };
    const choose = (ta, i) => {
      const p = state && state.items[i];
      if (!p) return close();
      const insert = '@' + p.token + ' ';
      ta.value = ta.value.slice(0, state.start) + insert + ta.value.slice(state.end);
      const caret = state.start + insert.length;
      ta.setSelectionRange(caret, caret);
      close();
      ta.dispatchEvent(new Event('input', { bubbles: true }));
    };
    const onInput = e => {
      const ta = e.target;
      const found = inNote(ta) ? query(ta) : null;
      const items = found ? matches(found.q) : [];
      if (!found || items.length === 0) return close();
      state = { ...found, items, index: 0 };
      render(ta);
    };
    const onKey = e => {
      if (!state) return;
      const ta = e.target, n = state.items.length;
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        state.index = (state.index + (e.key === 'ArrowDown' ? 1 : n - 1)) % n;
        render(ta);
      } else if (e.key === 'Enter' || e.key === 'Tab') {
        choose(ta, state.index);
      } else if (e.key === 'Escape') {
        close();
      } else return;
      e.preventDefault();
      e.stopPropagation(); // not a workspace shortcut, and Escape must not leave the editor
    };
    return {
      attach: (ta, colleagues) => {
        people = colleagues || [];
        if (ta.dataset.mentions) return;
        ta.dataset.mentions = 'on';
        ta.addEventListener('input', onInput);
        ta.addEventListener('keydown', onKey);
        ta.addEventListener('blur', close);
        ta.addEventListener('click', () => { if (state && !query(ta)) close(); });
      },
    };
  })();

  // The reply editor's text lives in the browser: the server never writes it back while the agent types (a
  // round trip could otherwise overwrite keystrokes made meanwhile), and the draft is kept per ticket on every
  // keystroke, here, so it survives a lost connection or a reload.
  const editor = {
    attach: (id, userId, ticketId, colleagues) => {
      const ta = document.getElementById(id);
      if (!ta) return null;
      mentions.attach(ta, colleagues);
      if (ta.dataset.ticketId !== String(ticketId) || ta.dataset.userId !== String(userId)) {
        ta.dataset.ticketId = String(ticketId);
        ta.dataset.userId = String(userId);
        if (!ta.dataset.drafts) {
          ta.dataset.drafts = 'on';
          ta.addEventListener('input', () => drafts.set(ta.dataset.userId, ta.dataset.ticketId, ta.value));
        }
        ta.value = drafts.get(userId, ticketId) || '';
      }
      return ta.value; // the draft, for the server's copy of the text
    },
    // The text as the agent sees it: input events typed while the connection was down never reached the server.
    value: id => document.getElementById(id)?.value ?? '',
    clear: (id, userId, ticketId) => {
      const ta = document.getElementById(id);
      if (ta) ta.value = '';
      drafts.remove(userId, ticketId);
    },
  };

  // Drafts are kept per person and ticket ("kefu.draft.{userId}.{ticketId}"): on a shared computer the next agent
  // must neither see nor send the previous one's text, and signing out removes the person's drafts altogether.
  const draftKey = (userId, ticketId) => 'kefu.draft.' + userId + '.' + ticketId;
  const drafts = {
    get: (userId, ticketId) => localStorage.getItem(draftKey(userId, ticketId)),
    set: (userId, ticketId, text) => {
      if (text) localStorage.setItem(draftKey(userId, ticketId), text); else localStorage.removeItem(draftKey(userId, ticketId));
    },
    remove: (userId, ticketId) => localStorage.removeItem(draftKey(userId, ticketId)),
    // All drafts of one person; with no user, the drafts of older versions that were kept per ticket only.
    clear: userId => {
      const prefix = userId ? 'kefu.draft.' + userId + '.' : null;
      for (let i = localStorage.length - 1; i >= 0; i--) {
        const key = localStorage.key(i);
        if (key && (prefix ? key.startsWith(prefix) : /^kefu\.draft\.\d+$/.test(key))) localStorage.removeItem(key);
      }
    },
  };
  try { drafts.clear(null); } catch (_) { }

  // Signing out (the layout's form carries the person's id) forgets their drafts before the request leaves.
  document.addEventListener('submit', e => {
    const form = e.target;
    if (form && form.matches && form.matches('form[data-sign-out]')) {
      try { drafts.clear(form.dataset.userId); } catch (_) { }
    }
  }, true);

  return {
    chime,
    editor,
    workspace: {
      attach: ref => { workspace = ref; },
      detach: () => { workspace = null; },
    },
    focus: id => { const el = document.getElementById(id); if (el) { el.focus(); if (el.select && el.tagName === 'INPUT') el.select(); } },
    // A form the browser sends itself (a full page load), e.g. the language change after the profile is saved.
    submit: id => document.getElementById(id)?.submit(),
    scrollIntoView: id => { const el = document.getElementById(id); if (el) el.scrollIntoView({ block: 'nearest' }); },
    drafts,
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
