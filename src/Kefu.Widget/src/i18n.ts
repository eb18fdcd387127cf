// Widget texts, zh-CN and en, chosen by the browser's language.
const zh = {
  /** The language key of the site's per-language texts (greeting, offline message). */
  lang: "zh-CN",
  open: "打开在线客服", close: "关闭", title: "在线客服", placeholder: "输入消息…", send: "发送", inputLabel: "消息",
  emoji: "表情", upload: "发送图片或文件", human: "转人工", end: "结束对话", sending: "发送中…", failed: "未发送，将自动重试",
  read: "已读", typing: "客服正在输入…", queued: (p: number, w: number) => `正在排队：前面还有 ${p - 1} 位，预计等待约 ${Math.max(1, Math.round(w / 60))} 分钟`,
  offline: "客服暂时不在线，请留言，我们会尽快回复您。", joined: (n: string) => `${n} 为您服务`, transferred: (n: string) => `已转接给 ${n}`,
  ended: "对话已结束", queuedLine: "已为您转接人工客服", offlineLine: "客服不在线，您的留言已记录",
  rate: "请为本次服务评分", comment: "还有什么想说的？（可选）", submit: "提交", thanks: "感谢您的评价！",
  name: "姓名", email: "邮箱", phone: "电话", start: "开始咨询", reconnecting: "连接中断，正在重连…",
  star: (n: number) => `${n} 星`, you: "我", agent: "客服", bot: "智能助手", newChat: "新的对话",
  transcript: "发送聊天记录到邮箱", transcriptSend: "发送记录", transcriptSent: (e: string) => `聊天记录已发送至 ${e}`,
  unread: (n: number) => `${n} 条未读消息`,
  // What a customer reads when the server refuses something; the code itself only goes to the console and the
  // SDK's 'error' event (diagnostics). Keys are the server's error codes (ChatException, WidgetHub).
  errors: {
    rate_limited: "您发送得太快了，请稍等片刻再试。",
    too_long: "消息太长了，请分成几条发送。",
    invalid: "这条消息无法发送，请检查内容后重试。",
    identity_rejected: "无法确认您的登录身份，请刷新页面或重新登录后再试。",
    unknown_site: "在线客服暂不可用，请稍后再试。",
    site_deleted: "本网站已停用在线客服，请通过其他方式联系我们。",
    origin_not_allowed: "本网站暂不支持在线客服，请通过其他方式联系我们。",
    not_found: "没有找到这段对话，请刷新页面后再试。",
    not_started: "正在连接客服，请稍候再试。",
    no_mailbox: "暂时无法发送邮件，请稍后再试。",
    email_required: "请填写您的邮箱地址。",
    invalid_email: "邮箱地址格式不正确，请检查后重试。",
    conflict: "操作未完成，请刷新后再试。",
    upload_too_big: "文件太大，无法发送。",
    upload_type: "不支持发送此类型的文件。",
    generic: "出了点问题，请稍后再试。",
  } as Record<string, string>,
};
const en: typeof zh = {
  lang: "en",
  open: "Open chat", close: "Close", title: "Chat with us", placeholder: "Type a message…", send: "Send", inputLabel: "Message",
  emoji: "Emoji", upload: "Send a picture or file", human: "Talk to a person", end: "End chat", sending: "Sending…", failed: "Not sent yet, will retry",
  read: "Read", typing: "Agent is typing…", queued: (p, w) => `You are number ${p} in the queue, about ${Math.max(1, Math.round(w / 60))} min wait`,
  offline: "We are offline. Leave a message and we will get back to you.", joined: (n) => `${n} joined the chat`, transferred: (n) => `Transferred to ${n}`,
  ended: "The chat has ended", queuedLine: "Connecting you to a person", offlineLine: "Nobody is online; your message is recorded",
  rate: "How did we do?", comment: "Anything else to tell us? (optional)", submit: "Submit", thanks: "Thank you for your feedback!",
  name: "Name", email: "Email", phone: "Phone", start: "Start chat", reconnecting: "Connection lost, reconnecting…",
  star: (n) => `${n} star${n > 1 ? "s" : ""}`, you: "You", agent: "Agent", bot: "Assistant", newChat: "New chat",
  transcript: "Email me this conversation", transcriptSend: "Send transcript", transcriptSent: (e) => `Transcript sent to ${e}`,
  unread: (n) => `${n} unread message${n > 1 ? "s" : ""}`,
  errors: {
    rate_limited: "You are sending messages too quickly. Please wait a moment and try again.",
    too_long: "This message is too long. Please split it into several messages.",
    invalid: "This message could not be sent. Please check it and try again.",
    identity_rejected: "We could not confirm that you are signed in. Please reload the page or sign in again.",
    unknown_site: "Chat is not available right now. Please try again later.",
    site_deleted: "Chat has been turned off on this website. Please contact us another way.",
    origin_not_allowed: "Chat is not available on this website. Please contact us another way.",
    not_found: "This conversation could not be found. Please reload the page.",
    not_started: "Still connecting. Please try again in a moment.",
    no_mailbox: "We cannot send emails right now. Please try again later.",
    email_required: "Please enter your email address.",
    invalid_email: "This email address does not look right. Please check it.",
    conflict: "That did not go through. Please reload and try again.",
    upload_too_big: "This file is too large to send.",
    upload_type: "This type of file cannot be sent.",
    generic: "Something went wrong. Please try again later.",
  },
};

export type Texts = typeof zh;
export const pickTexts = (lang: string): Texts => (lang.toLowerCase().startsWith("zh") ? zh : en);
