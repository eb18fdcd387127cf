// Styles live in the widget's shadow root, so the host page's CSS and ours never meet. On phones the window fills the
// visible viewport (dvh: without the browser's bars) and fields use 16px text, below which iOS zooms the page on focus.
export const css = (color: string) => `
:host{all:initial}
*{box-sizing:border-box;font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif}
.launcher{position:fixed;right:20px;bottom:20px;width:56px;height:56px;border-radius:50%;border:0;background:${color};color:#fff;
  box-shadow:0 4px 14px rgba(0,0,0,.25);cursor:pointer;z-index:2147483000;display:flex;align-items:center;justify-content:center}
.launcher:focus-visible,button:focus-visible,textarea:focus-visible,input:focus-visible{outline:3px solid #ffb300;outline-offset:2px}
.badge{position:absolute;top:-2px;right:-2px;background:#e53935;color:#fff;border-radius:10px;font-size:12px;padding:1px 6px}
.win{position:fixed;right:20px;bottom:88px;width:370px;height:560px;max-height:calc(100vh - 110px);background:#fff;border-radius:12px;
  box-shadow:0 8px 30px rgba(0,0,0,.25);display:flex;flex-direction:column;overflow:hidden;z-index:2147483000;font-size:14px;color:#222}
@media (max-width:480px){.win{right:0;bottom:0;width:100vw;height:100vh;height:100dvh;max-height:none;border-radius:0}
  textarea,input{font-size:16px!important}}
.head{background:${color};color:#fff;padding:12px 14px;display:flex;align-items:center;gap:8px}
.head h2{font-size:16px;margin:0;flex:1;font-weight:600}
.icon{display:block;flex:none}
.head button{display:inline-flex;align-items:center;background:transparent;border:1px solid rgba(255,255,255,.6);color:#fff;border-radius:6px;padding:4px 8px;cursor:pointer;font-size:12px}
.banner{background:#fff8e1;color:#5d4037;padding:8px 12px;font-size:13px;border-bottom:1px solid #ffe082}
.banner.warn{background:#ffebee;color:#b71c1c;border-color:#ffcdd2}
.log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px;background:#f7f8fa}
.msg{max-width:80%;padding:8px 10px;border-radius:10px;white-space:pre-wrap;word-break:break-word;line-height:1.45}
.msg.visitor{align-self:flex-end;background:${color};color:#fff;border-bottom-right-radius:2px}
.msg.agent,.msg.bot{align-self:flex-start;background:#fff;border:1px solid #e3e6ea;border-bottom-left-radius:2px}
.msg .who{display:block;font-size:11px;opacity:.7;margin-bottom:2px}
.msg .meta{display:block;font-size:11px;opacity:.75;margin-top:3px;text-align:right}
.msg img{max-width:100%;border-radius:6px;display:block;margin-top:4px}
.msg a{color:inherit}
.msg .icon{display:inline-block;vertical-align:-2px;margin-right:3px}
.sys{align-self:center;font-size:12px;color:#666;background:#eceff1;border-radius:10px;padding:3px 10px}
.typing{font-size:12px;color:#666;padding:0 14px 4px;min-height:18px;background:#f7f8fa}
.bar{display:flex;gap:6px;padding:6px 10px;border-top:1px solid #e3e6ea;flex-wrap:wrap;align-items:center}
.bar button{display:inline-flex;align-items:center;background:#f1f3f5;color:#455a64;border:0;border-radius:6px;padding:5px 8px;cursor:pointer;font-size:13px}
.compose{display:flex;gap:8px;padding:8px 10px 10px}
textarea{flex:1;resize:none;height:42px;border:1px solid #cfd4da;border-radius:8px;padding:8px;font-size:14px}
.send{background:${color};color:#fff;border:0;border-radius:8px;padding:0 14px;cursor:pointer}
.emojis{display:grid;grid-template-columns:repeat(8,1fr);gap:2px;padding:6px 10px;border-top:1px solid #e3e6ea}
.emojis button{background:none;border:0;font-size:20px;cursor:pointer;padding:2px}
.forms{flex:0 1 auto;min-height:0;max-height:70%;overflow-y:auto;overscroll-behavior:contain;border-top:1px solid #e3e6ea}
.forms>*+*{border-top:1px solid #e3e6ea}
form.pre,.rating{padding:14px;display:flex;flex-direction:column;gap:8px}
form.pre label,.rating label{font-size:13px;display:flex;flex-direction:column;gap:3px}
form.pre input,.rating textarea{border:1px solid #cfd4da;border-radius:6px;padding:7px;font-size:14px;height:auto}
.stars{display:flex;gap:4px}.stars button{background:none;border:0;cursor:pointer;color:#bbb;padding:2px}
.stars button[aria-pressed=true]{color:#ffb300}
.primary{background:${color};color:#fff;border:0;border-radius:8px;padding:8px;cursor:pointer;font-size:14px}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
`;
