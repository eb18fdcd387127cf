using Kefu.Platform.Database;
using Kefu.Platform.Events;
using Kefu.Platform.Mail;
using Kefu.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Chat;

/// <summary>
/// A chat the visitor left (decision 0041) continues by email: an agent's public reply on a chat ticket whose
/// conversation was left as a message (offline), or had ended before the reply was written, is queued as an email
/// reply through the durable mail outbox (threading headers and ticket number as on email tickets), to the address the
/// customer last wrote from, else the one typed in the widget, else the customer's email identity. The reply still
/// reaches the widget too (<see cref="ChatReplyHandler"/>), for a visitor who comes back.
/// A live chat (bot, queued, active) is not mailed even when the visitor's connection dropped: connections are known
/// per node only, and the widget catches up on reconnect.
/// When the reply cannot be mailed (no active mailbox, no address) an internal note on the ticket says why: nothing is
/// dropped silently. Idempotent: the outbox dedupes by "reply:{messageId}", the note by its external id.
/// </summary>
public sealed class ChatEmailReplyHandler(UnitOfWork uow, IMailOutbox mail, TicketService tickets,
    ILogger<ChatEmailReplyHandler> log) : IEventHandler<MessageAdded>, IEventFilter<MessageAdded>
{
    public static bool Accepts(MessageAdded e) => e.Kind == MessageKind.PublicReply;

    public async Task HandleAsync(MessageAdded e, EventContext context, CancellationToken ct)
    {
        var db = uow.Db;
        var chat = await db.Set<ChatConversation>().AsNoTracking().Where(c => c.TicketId == e.TicketId).OrderByDescending(c => c.Id)
            .Join(db.Set<ChatVisitor>(), c => c.VisitorId, v => v.Id, (c, v) => new { c.State, c.EndedAt, v.Email, v.Name })
            .FirstOrDefaultAsync(ct);
        if (chat is null) return;
        var written = await db.Set<Message>().AsNoTracking().Where(m => m.Id == e.MessageId).Select(m => (DateTime?)m.CreatedAt).FirstOrDefaultAsync(ct);
        if (written is null || !ByEmail(chat.State, chat.EndedAt, written.Value)) return;

        var queued = await mail.EnqueueReplyAsync(new TicketReplyMail(e.TicketId, e.MessageId, chat.Email, chat.Name), ct);
        if (queued is not (MailQueued.NoMailbox or MailQueued.NoRecipient)) return;

        var why = queued == MailQueued.NoMailbox
            ? "没有可用的发信邮箱 / no active mailbox to send it from (set one up under Admin › Mailboxes)"
            : "客户没有留下邮箱地址 / the customer left no email address";
        log.LogWarning("Reply {Message} on chat ticket {Ticket} was not emailed: {Outcome}", e.MessageId, e.TicketId, queued);
        var ticket = await db.Set<Ticket>().FirstOrDefaultAsync(t => t.Id == e.TicketId, ct);
        if (ticket is null || ticket.MergedIntoId is not null) return;
        await tickets.AddMessageAsync(ticket, new AddMessageRequest(MessageKind.InternalNote,
            $"此回复未通过邮件发送：{why}。访客已离开聊天，只有其返回网页时才能看到。\n" +
            $"This reply was not emailed: {why}. The visitor has left the chat and sees it only on coming back to the site.",
            null, null, $"chat-unmailed:{e.MessageId}"), ChatService.System, ct);
    }

    /// <summary>The visitor was told "we will reply by email" (left a message), or had left before the reply was
    /// written (the chat ended). A chat ended by this very reply (solved with it) is not mailed.</summary>
    internal static bool ByEmail(ConversationState state, DateTime? endedAt, DateTime replyWrittenAt) =>
        state == ConversationState.Offline || (state == ConversationState.Ended && endedAt is { } ended && ended <= replyWrittenAt);
}
