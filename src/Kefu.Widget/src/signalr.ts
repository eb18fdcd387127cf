// A minimal SignalR client: JSON hub protocol over a WebSocket, no negotiation. The official client is ~40 KB
// gzipped; the widget needs invoke, server-to-client calls, pings and close detection, which is this.

const RS = "\x1e";

type Handler = (...args: any[]) => void;
interface Pending { resolve: (v: any) => void; reject: (e: Error) => void }

export class HubClient {
  private ws?: WebSocket;
  private nextId = 1;
  private pending = new Map<string, Pending>();
  private handlers = new Map<string, Handler[]>();
  private pingTimer?: number;
  private lastSeen = 0;
  private lastPing = 0;
  private closed = false;
  /** Called once, as soon as the connection is known to be lost (closed, silent too long, or dropped by the caller). */
  onclose?: (error?: Error) => void;

  constructor(private url: string) {}

  on(method: string, handler: Handler) {
    const key = method.toLowerCase();
    this.handlers.set(key, [...(this.handlers.get(key) ?? []), handler]);
  }

  get connected() { return this.ws?.readyState === WebSocket.OPEN; }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url.replace(/^http/, "ws"));
      this.ws = ws;
      let handshaken = false;
      ws.onopen = () => ws.send(JSON.stringify({ protocol: "json", version: 1 }) + RS);
      ws.onmessage = (ev) => {
        this.lastSeen = Date.now();
        if (this.closed) return;
        for (const frame of String(ev.data).split(RS)) {
          if (!frame) continue;
          const msg = JSON.parse(frame);
          if (!handshaken) {
            handshaken = true;
            if (msg.error) { reject(new Error(msg.error)); ws.close(); return; }
            this.keepAlive();
            resolve();
            continue;
          }
          this.dispatch(msg);
        }
      };
      ws.onclose = () => {
        if (!handshaken) { this.closed = true; reject(new Error("connection closed")); } else this.lose();
      };
    });
  }

  stop() { this.ws?.close(); }

  /** Declares the connection dead now (the browser went offline): a dead socket's close event can take long. */
  drop() {
    const ws = this.ws;
    this.lose();
    ws?.close();
  }

  private lose() {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.pingTimer);
    const err = new Error("connection closed");
    this.pending.forEach((p) => p.reject(err));
    this.pending.clear();
    if (this.ws) { this.ws.onmessage = null; this.ws.onclose = null; }
    this.ws = undefined;
    this.onclose?.(err);
  }

  invoke<T = any>(method: string, ...args: any[]): Promise<T> {
    if (!this.connected) return Promise.reject(new Error("not connected"));
    const invocationId = String(this.nextId++);
    return new Promise<T>((resolve, reject) => {
      this.pending.set(invocationId, { resolve, reject });
      this.ws!.send(JSON.stringify({ type: 1, invocationId, target: method, arguments: args }) + RS);
    });
  }

  send(method: string, ...args: any[]) {
    if (this.connected) this.ws!.send(JSON.stringify({ type: 1, target: method, arguments: args }) + RS);
  }

  private dispatch(msg: any) {
    switch (msg.type) {
      case 1: // invocation from the server
        (this.handlers.get(String(msg.target).toLowerCase()) ?? []).forEach((h) => h(...(msg.arguments ?? [])));
        break;
      case 3: { // completion
        const p = this.pending.get(msg.invocationId);
        if (!p) return;
        this.pending.delete(msg.invocationId);
        if (msg.error) p.reject(new Error(msg.error)); else p.resolve(msg.result);
        break;
      }
      case 7: // close: the server ends the connection (stopping, or an error)
        this.drop();
        break;
    }
  }

  private keepAlive() {
    // Ping every 15 s (the server's keep-alive interval); a server silent for 30 s means a dead connection, noticed
    // within 2 s of that (checked often, not only at ping time).
    this.lastPing = Date.now();
    this.pingTimer = window.setInterval(() => {
      const now = Date.now();
      if (now - this.lastSeen > 30000) { this.drop(); return; }
      if (now - this.lastPing >= 15000 && this.connected) { this.lastPing = now; this.ws!.send(JSON.stringify({ type: 6 }) + RS); }
    }, 2000);
  }
}
