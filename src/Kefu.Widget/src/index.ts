// Entry point: <script src=".../widget/kefu-widget.js" data-site-key="KEY" async></script> puts the launcher on the page.
// JS SDK for the company's own site/app: Kefu.boot({ siteKey, user: { id, name, email, signature } }), Kefu.open(),
// Kefu.close(), Kefu.on('message' | 'open' | 'close' | 'state' | 'error', fn), Kefu.shutdown() (on logout).
// 'message' fires once for EVERY stored message of the conversation (the visitor's own too) with a MessageEvent
// (widget.ts; `sender`/`mine` say who sent it); 'error' gets { code, message } for diagnostics. See docs/api.md.
import { BootOptions, Widget } from "./widget";

const script = document.currentScript as HTMLScriptElement | null;
const scriptBase = script?.src ? new URL(script.src).origin : location.origin;
let widget: Widget | null = null;
const queued: [string, (d: any) => void][] = [];
let openAfterBoot = false;

const Kefu = {
  boot(options: BootOptions = {}) {
    const siteKey = options.siteKey ?? script?.dataset.siteKey;
    if (!siteKey) throw new Error("Kefu.boot: siteKey is required");
    widget?.shutdownKeepStorage();
    widget = new Widget(siteKey, (options.baseUrl ?? scriptBase).replace(/\/$/, ""), options.user,
      options.language ?? navigator.language ?? "zh-CN");
    queued.forEach(([e, f]) => widget!.on(e, f));
    const start = () => { widget!.mount(); if (options.open || openAfterBoot) widget!.open(); };
    if (document.body) start(); else document.addEventListener("DOMContentLoaded", start);
  },
  open() { if (widget) widget.open(); else openAfterBoot = true; },
  close() { widget?.close(); },
  on(event: string, fn: (d: any) => void) { queued.push([event, fn]); widget?.on(event, fn); },
  shutdown() { widget?.shutdown(); widget = null; },
};

declare global { interface Window { Kefu: typeof Kefu & { q?: unknown[] } } }
const existing = window.Kefu;
window.Kefu = Kefu;
// Auto-start from the script tag unless the page boots itself (data-manual) to pass its signed user.
if (script?.dataset.siteKey && script.dataset.manual === undefined) Kefu.boot();
// Calls made before the script loaded: window.Kefu = { q: [["boot", {...}], ["open"]] }.
(existing?.q as [keyof typeof Kefu, ...any[]][] | undefined)?.forEach(([m, ...a]) => (Kefu[m] as any)(...a));
