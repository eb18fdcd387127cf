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
        clearInterval(this.pingTimer);
        const err = new Error("connection closed");
        this.pending.forEach((p) => p.reject(err));
        this.pending.clear();
        if (!handshaken) reject(err); else this.onclose?.(err);
      };
    });
  }

  stop() { this.ws?.close(); }

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
      case 7: // close
        this.ws?.close();
        break;
    }
  }

  private keepAlive() {
    // Ping every 15 s (the server's keep-alive interval); a silent server for 30 s means a dead connection.
    this.pingTimer = window.setInterval(() => {
      if (Date.now() - this.lastSeen > 30000) { this.ws?.close(); return; }
      if (this.connected) this.ws!.send(JSON.stringify({ type: 6 }) + RS);
    }, 15000);
  }
}
