import { HubClient } from "./signalr";
import { pickTexts, Texts } from "./i18n";
import { css } from "./styles";
import { icon } from "./icons";

export interface WidgetUser { id: string; name?: string; email?: string; signature: string }
export interface BootOptions { siteKey?: string; user?: WidgetUser; baseUrl?: string; open?: boolean; language?: string }
interface Attachment { id: number; name: string; type: string; size: number }
interface Msg {
  conversationId: number; seq: number; id: number; clientId?: string | null; sender: "visitor" | "agent" | "bot" | "system";
  authorName?: string | null; body: string; attachments: Attachment[]; createdAt: string;
}
interface Conv {
  id: number; state: "bot" | "queued" | "active" | "offline" | "ended"; lastSeq: number; agentReadSeq: number;
  agentName?: string | null; queuePosition?: number | null; estimatedWaitSeconds?: number | null; rating?: number | null;
}
/** greeting / offlineMessage: the site's default texts; greetings / offlineMessages: per widget language ("zh-CN", "en"),
 *  each preferred over the default when set (the admin writes them in /admin/chat). */
interface Site {
  name: string; color: string; greeting: string; offlineMessage: string; preChatFields: string[]; agentsOnline: boolean; bot?: boolean;
  greetings?: Record<string, string>; offlineMessages?: Record<string, string>;
}
interface Pending { clientId: string; text: string; attachmentIds: number[]; attachments: Attachment[] }
type Listener = (data: any) => void;

/**
 * Payload of the SDK's `Kefu.on('message', fn)`: every stored message of the visitor's conversation, once each, in
 * sequence order — the visitor's own (from any of his tabs), the agents', the answer bot's and Kefu's notices.
 * A message is emitted when the server has stored it (the visitor's own after the server acknowledged it), never
 * while it is only pending in this browser.
 */
export interface MessageEvent {
  conversationId: number;
  /** Position in the conversation (1, 2, 3… with no gaps; the same order agents see). */
  seq: number;
  id: number;
  /** Who sent it: "visitor" = the person using this widget, "agent" = a staff member, "bot" = the answer bot,
   *  "system" = Kefu itself (an agent joined, the chat was transferred or ended…). */
  sender: "visitor" | "agent" | "bot" | "system";
  /** True when sender is "visitor": the message is the widget user's own. */
  mine: boolean;
  /** The agent's or bot's display name; the visitor's name when known; null otherwise. */
  authorName: string | null;
  /** The text as sent (plain text, never HTML); for "system" messages the line the widget shows, in its language. */
  text: string;
  attachments: { id: number; name: string; type: string; size: number }[];
  /** When the server stored it (ISO 8601, UTC). */
  createdAt: string;
  /** True for messages of the conversation loaded when the widget starts (page load, reload), false for new ones. */
  history: boolean;
}

/** Payload of `Kefu.on('error', fn)`: a refusal or failure, with the server's code, for logs and diagnostics
 *  (the customer sees a translated sentence, never the code). */
export interface ErrorEvent { code: string; message: string }

const EMOJI = ["😀", "😂", "😊", "😍", "🤔", "😅", "😭", "😡", "👍", "👎", "🙏", "👏", "🎉", "❤️", "🔥", "✅", "❓", "📦", "💰", "📱", "⏰", "🙂", "😉", "👌"];
const PERMANENT = /^(too_long|invalid|identity_rejected|unknown_site|site_deleted|origin_not_allowed)$/;

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, props: Record<string, any> = {}, ...children: (Node | string | null | false)[]) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (k === "text") e.textContent = v; // customer and agent text: always text, never HTML
    else if (v !== false && v != null) e.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) if (c) e.append(c);
  return e;
};

const newId = () => {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
};

/** A refusal from the hub arrives as "...HubException: code: message"; anything else (a broken connection, a server
 *  fault SignalR does not pass on) has no code of ours and counts as "generic". */
const parseError = (e: unknown): ErrorEvent => {
  const m = String((e as Error)?.message ?? e);
  const i = m.indexOf("HubException: ");
  const text = i >= 0 ? m.slice(i + 14) : m;
  const code = /^([a-z_]+): /.exec(text);
  return code ? { code: code[1], message: text.slice(code[0].length) } : { code: "generic", message: text };
};

export class Widget {
  private t: Texts;
  private hub?: HubClient;
  private token: string | null;
  private site?: Site;
  private conv: Conv | null = null;
  private messages = new Map<number, Msg>();
  private lastSeq = 0;
  private pending: Pending[];
  private flushing = false;
  private isOpen = false;
  private unread = 0;
  private readSent = 0;
  private typingSent = 0;
  private typingIdle?: number;
  private agentTypingUntil = 0;
  private agentTypingName = "";
  private preChat: Record<string, string> | null = null;
  private notice = "";
  /** The error code behind the notice (empty for an informative notice): on the banner as data-code, for diagnostics. */
  private noticeCode = "";
  private reconnecting = false;
  private stopped = false;
  private listeners = new Map<string, Listener[]>();
  private root!: ShadowRoot;
  private host!: HTMLElement;
  private ui: Record<string, HTMLElement> = {};
  private showEmoji = false;
  private rated = false;
  // The rating form's state lives here, not in its elements: a pushed message or state redraws the window.
  private ratingScore = 0;
  private ratingComment = "";
  private live = false;
  private handingOver = false;
  private transcriptEmail: string | null = null;
  /** Ends the reconnect loop's wait early (the browser is back online). */
  private wake?: () => void;
  private readonly onOnline = () => this.wake?.();
  // The network is gone: the open socket is dead even if the browser has not noticed (the keep-alive would take 30 s).
  private readonly onOffline = () => this.hub?.drop();

  constructor(private siteKey: string, private base: string, private user: WidgetUser | undefined, language: string) {
    this.t = pickTexts(language);
    this.token = localStorage.getItem(this.key("token"));
    this.pending = JSON.parse(localStorage.getItem(this.key("pending")) ?? "[]");
    const pre = localStorage.getItem(this.key("prechat"));
    this.preChat = pre ? JSON.parse(pre) : null;
  }

  private key(name: string) { return `kefu:${this.siteKey}:${name}`; }

  on(event: string, fn: Listener) { this.listeners.set(event, [...(this.listeners.get(event) ?? []), fn]); }
  /** Shows a refusal as a translated sentence; the code and the server's own text go to the console and 'error'. */
  private fail(e: unknown) {
    const err = parseError(e);
    this.notice = this.t.errors[err.code] ?? this.t.errors.generic;
    this.noticeCode = err.code;
    console.warn(`[kefu] ${err.code}: ${err.message}`);
    this.emit("error", err);
    return err;
  }

  private inform(text: string) { this.notice = text; this.noticeCode = ""; }

  private emit(event: string, data?: any) { (this.listeners.get(event) ?? []).forEach((f) => { try { f(data); } catch { /* host code */ } }); }

  mount() {
    this.host = el("div", { id: "kefu-widget" });
    this.root = this.host.attachShadow({ mode: "open" });
    document.body.append(this.host);
    this.render();
    this.connect();
    // Another tab of the same visitor sent or received something: its pending list is ours too.
    window.addEventListener("storage", (e) => { if (e.key === this.key("pending")) this.pending = JSON.parse(e.newValue ?? "[]"); });
    window.addEventListener("online", this.onOnline);
    window.addEventListener("offline", this.onOffline);
    document.addEventListener("visibilitychange", () => this.markRead());
  }

  /** Stops this widget but keeps the visitor's token (a re-boot with other options). */
  shutdownKeepStorage() { this.stop(); }

  shutdown() {
    this.stop();
    for (const k of ["token", "pending", "prechat"]) localStorage.removeItem(this.key(k));
  }

  private stop() {
    this.stopped = true;
    window.removeEventListener("online", this.onOnline);
    window.removeEventListener("offline", this.onOffline);
    this.wake?.();
    this.hub?.stop();
    this.host?.remove();
  }

  open() { this.isOpen = true; this.unread = 0; this.render(); this.emit("open"); this.markRead(); (this.ui.input as HTMLTextAreaElement | undefined)?.focus(); }
  close() { this.isOpen = false; this.render(); this.emit("close"); (this.ui.launcher as HTMLButtonElement).focus(); }

  // ------------------------------------------------------------------ connection

  private async connect() {
    let delay = 500;
    while (!this.stopped) {
      try {
        const hub = new HubClient(`${this.base}/hubs/widget`);
        // Set before anything can fail: a connection lost at any time after Start is noticed at once.
        hub.onclose = () => this.lost(hub);
        hub.on("message", (m: Msg) => this.add(m));
        hub.on("state", (c: Conv) => this.setConv(c));
        hub.on("typing", (x: { typing: boolean; name?: string }) => {
          this.agentTypingUntil = x.typing ? Date.now() + 5000 : 0;
          this.agentTypingName = x.name ?? "";
          this.renderTyping();
          if (x.typing) setTimeout(() => this.renderTyping(), 5100);
        });
        hub.on("read", (x: { conversationId: number; seq: number }) => {
          if (this.conv && x.conversationId === this.conv.id) { this.conv.agentReadSeq = Math.max(this.conv.agentReadSeq, x.seq); this.renderLog(); }
        });
        await hub.start();
        const res = await hub.invoke("Start", {
          siteKey: this.siteKey, visitorToken: this.token, user: this.user ?? null,
          pageUrl: location.href, locale: navigator.language, referrer: document.referrer || null,
        });
        this.hub = hub;
        if (this.stopped) { hub.stop(); return; }
        this.token = res.visitorToken;
        localStorage.setItem(this.key("token"), res.visitorToken);
        this.site = res.site;
        this.host.style.setProperty("--kefu-color", res.site.color);
        if (res.conversation) this.setConv(res.conversation);
        if (this.reconnecting) { this.reconnecting = false; this.emit("reconnected"); }
        this.render();
        await this.catchUp();
        this.live = true; // messages from now on are new ones (the SDK's history flag)
        this.flush();
        return;
      } catch (e) {
        const err = parseError(e);
        if (PERMANENT.test(err.code)) { this.fail(e); this.render(); return; }
        // Back off, but try at once when the browser reports it is online again.
        await new Promise<void>((r) => { const t = setTimeout(r, delay); this.wake = () => { clearTimeout(t); r(); }; });
        this.wake = undefined;
        delay = Math.min(delay * 2, 10000);
      }
    }
  }

  /** The connection dropped (closed, silent past the keep-alive, or the browser went offline): the banner shows at
   *  once, pending messages read "not sent", and the widget reconnects (then catches up and resends). */
  private lost(hub: HubClient) {
    if (this.hub !== hub) return; // a connection that never started: connect() retries it
    this.hub = undefined;
    if (this.stopped) return;
    this.reconnecting = true;
    this.emit("reconnecting");
    this.renderBanner();
    this.renderLog();
    this.connect();
  }

  /** Fetches every message after the last one seen (after a reconnect, or when a pushed message skips a number). */
  private async catchUp() {
    if (!this.hub || !this.conv) return;
    try {
      const missed: Msg[] = await this.hub.invoke("Since", this.conv.id, this.lastSeq);
      missed.forEach((m) => this.add(m));
    } catch { /* the next reconnect retries */ }
  }

  private setConv(c: Conv) {
    if (this.conv && c.id < this.conv.id) return; // an older chat's late update
    if (!this.conv || c.id !== this.conv.id) {
      this.messages.clear(); this.lastSeq = 0; this.rated = !!c.rating; this.ratingScore = 0; this.ratingComment = "";
    }
    const before = this.conv?.state;
    this.conv = c;
    if (c.lastSeq > this.lastSeq) this.catchUp();
    if (before !== c.state) this.emit("state", c.state);
    this.render();
  }

  private add(m: Msg) {
    if (this.conv && m.conversationId < this.conv.id) return;
    if (!this.conv || m.conversationId !== this.conv.id) {
      this.setConv({ id: m.conversationId, state: this.site?.bot ? "bot" : "queued", lastSeq: 0, agentReadSeq: 0 });
      this.hub?.invoke("Current").then((c: Conv | null) => c && this.setConv(c)).catch(() => {});
    }
    if (this.messages.has(m.seq)) return;
    this.messages.set(m.seq, m);
    const gap = m.seq > this.lastSeq + 1;
    this.lastSeq = Math.max(this.lastSeq, m.seq);
    if (gap) this.catchUp();
    if (m.clientId && this.pending.some((p) => p.clientId === m.clientId)) this.dropPending(m.clientId);
    if (m.sender !== "visitor") {
      if (m.sender === "agent") this.agentTypingUntil = 0;
      if (!this.isOpen) this.unread++;
    }
    this.emit("message", {
      conversationId: m.conversationId, seq: m.seq, id: m.id, sender: m.sender, mine: m.sender === "visitor",
      authorName: m.authorName ?? null, text: m.sender === "system" ? this.systemText(m) : m.body,
      attachments: m.attachments.map((a) => ({ ...a })), createdAt: m.createdAt, history: !this.live,
    } satisfies MessageEvent);
    this.render();
    this.markRead();
  }

  // ------------------------------------------------------------------ sending

  send(text: string, attachments: Attachment[] = []) {
    text = text.trim();
    if (!text && attachments.length === 0) return;
    this.pending.push({ clientId: newId(), text, attachmentIds: attachments.map((a) => a.id), attachments });
    this.savePending();
    this.inform("");
    this.render();
    this.flush();
    this.hub?.send("Typing", false);
    this.typingSent = 0;
  }

  /** Sends unacknowledged messages one by one, in order; each stays pending until the server acknowledges it. */
  private async flush() {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.hub?.connected && this.pending.length > 0) {
        const p = this.pending[0];
        try {
          const ack = await this.hub.invoke("Send", { clientId: p.clientId, text: p.text, attachmentIds: p.attachmentIds, preChat: this.preChat });
          this.dropPending(p.clientId);
          if (!this.conv || ack.conversationId !== this.conv.id || ack.seq > this.lastSeq) {
            const c: Conv | null = await this.hub.invoke("Current");
            if (c) this.setConv(c);
            await this.catchUp();
          }
        } catch (e) {
          if (!this.hub?.connected) break; // resent after the reconnect
          const err = this.fail(e);
          if (PERMANENT.test(err.code)) this.dropPending(p.clientId);
          else { this.render(); setTimeout(() => this.flush(), 10000); break; } // rate limited: try again later
          this.render();
        }
      }
    } finally { this.flushing = false; }
  }

  private dropPending(clientId: string) {
    this.pending = this.pending.filter((x) => x.clientId !== clientId);
    this.savePending();
    this.render();
  }

  private savePending() { localStorage.setItem(this.key("pending"), JSON.stringify(this.pending)); }

  private async upload(file: File) {
    if (file.size > 10 * 1024 * 1024) { this.fail("upload_too_big: the file is over 10 MB"); this.render(); return; }
    const form = new FormData();
    form.append("file", file);
    try {
      const r = await fetch(`${this.base}/api/v1/widget/uploads`, {
        method: "POST", body: form, headers: { "X-Kefu-Site": this.siteKey, "X-Kefu-Visitor": this.token ?? "" },
      });
      const body = await r.json();
      if (!r.ok) {
        const code = r.status === 413 ? "upload_too_big" : r.status === 400 ? "upload_type" : r.status === 410 ? "site_deleted" : "generic";
        this.fail(`${code}: HTTP ${r.status} ${body.detail ?? body.title ?? ""}`);
        this.render();
        return;
      }
      this.send("", [body as Attachment]);
    } catch (e) { this.fail(e); this.render(); }
  }

  private typing() {
    const now = Date.now();
    if (now - this.typingSent > 2000) { this.hub?.send("Typing", true); this.typingSent = now; }
    clearTimeout(this.typingIdle);
    this.typingIdle = window.setTimeout(() => { this.hub?.send("Typing", false); this.typingSent = 0; }, 3000);
  }

  private markRead() {
    if (!this.isOpen || document.visibilityState !== "visible" || !this.conv || !this.hub) return;
    if (this.lastSeq > this.readSent) { this.readSent = this.lastSeq; this.hub.send("Read", this.conv.id, this.lastSeq); }
  }

  // ------------------------------------------------------------------ rendering

  private render() {
    const t = this.t;
    const color = this.site?.color ?? "#1565c0";
    // A redraw replaces every element: the field the visitor is typing in gets its focus back (its text is kept by
    // its own handler), so a push arriving mid-word does not send the next keystrokes nowhere.
    const focused = this.root.activeElement;
    const refocus = focused instanceof HTMLInputElement || focused instanceof HTMLTextAreaElement
      ? (focused.id ? `#${focused.id}` : focused.name ? `[name="${focused.name}"]` : null) : null;
    this.root.replaceChildren(el("style", { text: css(color) }));
    const launcher = el("button", { class: "launcher", "aria-expanded": String(this.isOpen),
      "aria-label": this.isOpen ? t.close : this.unread > 0 ? `${t.open} (${t.unread(this.unread)})` : t.open,
      onclick: () => (this.isOpen ? this.close() : this.open()) },
      icon(this.isOpen ? "close" : "chat", 28),
      this.unread > 0 && !this.isOpen ? el("span", { class: "badge", text: String(this.unread) }) : null);
    this.ui.launcher = launcher;
    this.root.append(launcher);
    if (!this.isOpen) return;

    const conv = this.conv;
    const live = conv && conv.state !== "ended";
    const win = el("div", { class: "win", role: "dialog", "aria-label": t.title, onkeydown: (e: KeyboardEvent) => { if (e.key === "Escape") this.close(); } },
      el("div", { class: "head" },
        el("h2", { text: this.site?.name ? `${t.title} · ${this.site.name}` : t.title }),
        live && conv.state === "bot" ? el("button", { id: "kefu-human", disabled: this.handingOver, onclick: () => this.talkToPerson() }, t.human) : null,
        live ? el("button", { id: "kefu-end", onclick: () => this.hub?.invoke("End") }, t.end) : null,
        el("button", { class: "icon-button", "aria-label": t.close, title: t.close, onclick: () => this.close() }, icon("close", 16))));
    this.ui.banner = el("div");
    win.append(this.ui.banner);
    this.ui.log = el("div", { class: "log", role: "log", "aria-live": "polite", id: "kefu-log" });
    win.append(this.ui.log);
    this.ui.typing = el("div", { class: "typing", "aria-live": "polite", id: "kefu-typing" });
    win.append(this.ui.typing);

    // Forms scroll inside the window (a phone's screen, or its half left by the keyboard, is shorter than they are).
    if (conv?.state === "ended" && !this.rated) win.append(el("div", { class: "forms", id: "kefu-forms" }, this.ratingForm(), this.transcriptForm()));
    else if (!conv && !this.preChat && (this.site?.preChatFields.length ?? 0) > 0) win.append(el("div", { class: "forms", id: "kefu-forms" }, this.preChatForm()));
    else win.append(...this.composer());
    this.root.append(win);
    this.renderBanner();
    this.renderLog();
    this.renderTyping();
    if (refocus) (this.root.querySelector(refocus) as HTMLElement | null)?.focus();
  }

  /** 转人工: leaves the answer bot for the team's queue (or "leave a message" when nobody is online). */
  private async talkToPerson() {
    if (!this.hub || this.handingOver) return;
    this.handingOver = true;
    this.render();
    try {
      const c: Conv | null = await this.hub.invoke("TalkToPerson");
      if (c) this.setConv(c);
    } catch (e) { this.fail(e); }
    this.handingOver = false;
    this.render();
  }

  private renderBanner() {
    const b = this.ui.banner;
    if (!b) return;
    const t = this.t, c = this.conv;
    let text = "", warn = false;
    if (this.reconnecting) { text = t.reconnecting; warn = true; }
    else if (this.notice) { text = this.notice; warn = !!this.noticeCode; }
    else if (c?.state === "queued" && c.queuePosition) text = t.queued(c.queuePosition, c.estimatedWaitSeconds ?? 60);
    else if (c?.state === "offline" || (!c && this.site && !this.site.agentsOnline)) text = this.siteText("offlineMessage") || t.offline;
    b.className = text ? `banner${warn ? " warn" : ""}` : "";
    if (warn && this.noticeCode && !this.reconnecting) b.dataset.code = this.noticeCode; else delete b.dataset.code;
    b.setAttribute("role", warn ? "alert" : "status");
    b.textContent = text;
  }

  private renderLog() {
    const log = this.ui.log;
    if (!log) return;
    const t = this.t;
    log.replaceChildren();
    const greeting = this.siteText("greeting");
    if (greeting) log.append(el("div", { class: "msg agent greeting" }, el("span", { class: "who", text: this.site!.name }), greeting));
    const sorted = [...this.messages.values()].sort((a, b) => a.seq - b.seq);
    for (const m of sorted) {
      if (m.sender === "system") { log.append(el("div", { class: "sys", text: this.systemText(m) })); continue; }
      const read = m.sender === "visitor" && this.conv && m.seq <= this.conv.agentReadSeq;
      log.append(el("div", { class: `msg ${m.sender}`, "data-seq": m.seq },
        m.sender !== "visitor" ? el("span", { class: "who", text: m.authorName || (m.sender === "bot" ? t.bot : t.agent) }) : null,
        m.body && m.attachments.length === 0 ? m.body : m.attachments.length ? "" : m.body,
        ...m.attachments.map((a) => this.attachment(a)),
        m.sender === "visitor" ? el("span", { class: "meta", text: read ? t.read : new Date(m.createdAt).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) }) : null));
    }
    for (const p of this.pending) {
      log.append(el("div", { class: "msg visitor pending", "data-client-id": p.clientId },
        p.text, ...p.attachments.map((a) => el("span", {}, icon("attach", 14), a.name)),
        el("span", { class: "meta", text: this.hub?.connected ? t.sending : t.failed })));
    }
    log.scrollTop = log.scrollHeight;
  }

  private renderTyping() {
    if (!this.ui.typing) return;
    this.ui.typing.textContent = Date.now() < this.agentTypingUntil ? (this.agentTypingName ? `${this.agentTypingName}: ` : "") + this.t.typing : "";
  }

  /** The site's greeting or offline text in the widget's language, else its default text ("" when neither is set). */
  private siteText(kind: "greeting" | "offlineMessage") {
    const s = this.site;
    if (!s) return "";
    return (kind === "greeting" ? s.greetings : s.offlineMessages)?.[this.t.lang] || s[kind] || "";
  }

  private systemText(m: Msg) {
    const t = this.t, n = m.authorName ?? "";
    switch (m.body) {
      case "joined": return t.joined(n);
      case "transferred": return t.transferred(n);
      case "ended": return t.ended;
      case "queued": return t.queuedLine;
      case "offline": return t.offlineLine;
      default: return m.body;
    }
  }

  private attachment(a: Attachment) {
    const url = `${this.base}/api/v1/widget/attachments/${a.id}?site=${encodeURIComponent(this.siteKey)}&token=${encodeURIComponent(this.token ?? "")}`;
    return a.type.startsWith("image/") ? el("a", { href: url, target: "_blank", rel: "noopener" }, el("img", { src: url, alt: a.name }))
      : el("a", { href: url, download: a.name }, icon("attach", 14), a.name);
  }

  private composer(): HTMLElement[] {
    const t = this.t;
    const input = el("textarea", { id: "kefu-input", "aria-label": t.inputLabel, placeholder: t.placeholder, maxlength: "5000",
      oninput: () => this.typing(),
      onkeydown: (e: KeyboardEvent) => { if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); } } }) as HTMLTextAreaElement;
    const submit = () => { this.send(input.value); input.value = ""; input.focus(); };
    this.ui.input = input;
    // Only the attachment button opens it: hidden from screen readers too, or they would list two "upload" buttons.
    const file = el("input", { type: "file", class: "sr", id: "kefu-file", "aria-label": t.upload, tabindex: "-1", "aria-hidden": "true",
      accept: "image/png,image/jpeg,image/gif,image/webp,.pdf,.txt,.docx,.xlsx,.zip",
      onchange: (e: Event) => { const f = (e.target as HTMLInputElement).files?.[0]; if (f) this.upload(f); } }) as HTMLInputElement;
    const parts: HTMLElement[] = [el("div", { class: "bar" },
      el("button", { class: "icon-button", id: "kefu-emoji", "aria-label": t.emoji, title: t.emoji, "aria-expanded": String(this.showEmoji),
        onclick: () => { this.showEmoji = !this.showEmoji; this.render(); } }, icon("smile")),
      el("button", { class: "icon-button", id: "kefu-attach", "aria-label": t.upload, title: t.upload, onclick: () => file.click() }, icon("attach")), file)];
    if (this.showEmoji)
      parts.push(el("div", { class: "emojis", role: "group", "aria-label": t.emoji },
        ...EMOJI.map((e) => el("button", { "aria-label": e, onclick: () => { input.value += e; input.focus(); } }, e))));
    parts.push(el("div", { class: "compose" }, input, el("button", { class: "send", id: "kefu-send", onclick: submit }, t.send)));
    return parts;
  }

  private preChatForm() {
    const t = this.t;
    const fields = this.site!.preChatFields;
    const form = el("form", { class: "pre", id: "kefu-prechat", onsubmit: (e: Event) => {
      e.preventDefault();
      const data: Record<string, string> = {};
      for (const f of fields) data[f] = ((form.querySelector(`[name=${f}]`) as HTMLInputElement).value ?? "").trim();
      this.preChat = data;
      localStorage.setItem(this.key("prechat"), JSON.stringify(data));
      this.render();
      (this.ui.input as HTMLTextAreaElement | undefined)?.focus();
    } });
    for (const f of fields) {
      const label = f === "email" ? t.email : f === "phone" ? t.phone : t.name;
      form.append(el("label", {}, label, el("input", { name: f, type: f === "email" ? "email" : f === "phone" ? "tel" : "text",
        required: f === "email" && !this.site!.agentsOnline, autocomplete: f === "email" ? "email" : f === "phone" ? "tel" : "name" })));
    }
    form.append(el("button", { class: "primary", type: "submit" }, t.start));
    return form;
  }

  /** "Email me this conversation": the address given before the chat (or by the host's user) is proposed. */
  private transcriptForm() {
    const t = this.t;
    // What the visitor typed survives re-renders (a pushed message or state redraws the window).
    const email = el("input", { type: "email", name: "transcript-email", required: "", autocomplete: "email",
      oninput: () => { this.transcriptEmail = email.value; } }) as HTMLInputElement;
    email.value = this.transcriptEmail ?? (this.preChat?.email || this.user?.email || "");
    const form = el("form", { class: "pre", id: "kefu-transcript", onsubmit: async (e: Event) => {
      e.preventDefault();
      try {
        const ack = await this.hub?.invoke("Transcript", email.value.trim() || null);
        this.inform(ack ? t.transcriptSent(ack.email) : "");
      } catch (err) { this.fail(err); }
      this.renderBanner();
    } });
    form.append(el("label", {}, t.transcript, email), el("button", { class: "primary", type: "submit" }, t.transcriptSend));
    return form;
  }

  private ratingForm() {
    const t = this.t;
    const stars = el("div", { class: "stars", role: "group", "aria-label": t.rate });
    const paint = () => stars.querySelectorAll("button").forEach((b, i) => b.setAttribute("aria-pressed", String(i < this.ratingScore)));
    for (let i = 1; i <= 5; i++)
      stars.append(el("button", { type: "button", "aria-label": t.star(i), "aria-pressed": String(i <= this.ratingScore),
        onclick: () => { this.ratingScore = i; paint(); } }, icon("star", 26)));
    const comment = el("textarea", { "aria-label": t.comment, maxlength: "1000", id: "kefu-rating-comment",
      oninput: () => { this.ratingComment = comment.value; } }) as HTMLTextAreaElement;
    comment.value = this.ratingComment;
    return el("div", { class: "rating", id: "kefu-rating" }, el("label", {}, t.rate), stars, el("label", {}, t.comment, comment),
      el("button", { class: "primary", id: "kefu-rate", onclick: async () => {
        if (!this.ratingScore) return;
        try {
          await this.hub?.invoke("Rate", this.ratingScore, this.ratingComment.trim() || null);
          this.rated = true; this.inform(t.thanks);
        } catch (e) { this.fail(e); }
        this.render();
      } }, t.submit),
      el("button", { class: "primary", onclick: () => { this.rated = true; this.render(); } }, t.newChat));
  }

}
