// Widget texts, zh-CN and en, chosen by the browser's language.
const zh = {
  open: "打开在线客服", close: "关闭", title: "在线客服", placeholder: "输入消息…", send: "发送", inputLabel: "消息",
  emoji: "表情", upload: "发送图片或文件", human: "转人工", end: "结束对话", sending: "发送中…", failed: "未发送，将自动重试",
  read: "已读", typing: "客服正在输入…", queued: (p: number, w: number) => `正在排队：前面还有 ${p - 1} 位，预计等待约 ${Math.max(1, Math.round(w / 60))} 分钟`,
  offline: "客服暂时不在线，请留言，我们会尽快回复您。", joined: (n: string) => `${n} 为您服务`, transferred: (n: string) => `已转接给 ${n}`,
  ended: "对话已结束", queuedLine: "已为您转接人工客服", offlineLine: "客服不在线，您的留言已记录",
  rate: "请为本次服务评分", comment: "还有什么想说的？（可选）", submit: "提交", thanks: "感谢您的评价！",
  name: "姓名", email: "邮箱", phone: "电话", start: "开始咨询", reconnecting: "连接中断，正在重连…",
  star: (n: number) => `${n} 星`, you: "我", agent: "客服", bot: "智能助手", tooBig: "文件太大", newChat: "新的对话",
  transcript: "发送聊天记录到邮箱", transcriptSend: "发送记录", transcriptSent: (e: string) => `聊天记录已发送至 ${e}`,
  unread: (n: number) => `${n} 条未读消息`,
};
const en: typeof zh = {
  open: "Open chat", close: "Close", title: "Chat with us", placeholder: "Type a message…", send: "Send", inputLabel: "Message",
  emoji: "Emoji", upload: "Send a picture or file", human: "Talk to a person", end: "End chat", sending: "Sending…", failed: "Not sent yet, will retry",
  read: "Read", typing: "Agent is typing…", queued: (p, w) => `You are number ${p} in the queue, about ${Math.max(1, Math.round(w / 60))} min wait`,
  offline: "We are offline. Leave a message and we will get back to you.", joined: (n) => `${n} joined the chat`, transferred: (n) => `Transferred to ${n}`,
  ended: "The chat has ended", queuedLine: "Connecting you to a person", offlineLine: "Nobody is online; your message is recorded",
  rate: "How did we do?", comment: "Anything else to tell us? (optional)", submit: "Submit", thanks: "Thank you for your feedback!",
  name: "Name", email: "Email", phone: "Phone", start: "Start chat", reconnecting: "Connection lost, reconnecting…",
  star: (n) => `${n} star${n > 1 ? "s" : ""}`, you: "You", agent: "Agent", bot: "Assistant", tooBig: "File too large", newChat: "New chat",
  transcript: "Email me this conversation", transcriptSend: "Send transcript", transcriptSent: (e) => `Transcript sent to ${e}`,
  unread: (n) => `${n} unread message${n > 1 ? "s" : ""}`,
};

export type Texts = typeof zh;
export const pickTexts = (lang: string): Texts => (lang.toLowerCase().startsWith("zh") ? zh : en);
