using System.Runtime.CompilerServices;
using Kefu.Platform.Database;
using Kefu.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Kefu.Chat;

/// <summary>The open conversation of a visitor with its visitor row and, when read together, its ticket (all tracked).</summary>
internal sealed record OpenChat(ChatConversation Conversation, ChatVisitor Visitor, Ticket? Ticket = null);

/// <summary>
/// Compiled queries of the widget send path, which runs them once per message. A LINQ query is otherwise rebuilt,
/// funcletized and looked up in EF's query cache on every call (about a tenth of the server's CPU per message in the
/// chat bench). EF binds a compiled query to one model, and a test process runs SQLite and PostgreSQL apps side by
/// side, so there is one set per model.
/// </summary>
internal sealed class ChatQueries
{
    private static readonly ConditionalWeakTable<IModel, ChatQueries> ByModel = new();

    public static ChatQueries For(KefuDb db) => ByModel.GetValue(db.Model, static _ => new ChatQueries());

    /// <summary>The visitor's latest conversation that has not ended, with the visitor.</summary>
    public readonly Func<KefuDb, Guid, CancellationToken, Task<OpenChat?>> OpenConversation = EF.CompileAsyncQuery(
        (KefuDb db, Guid visitorId, CancellationToken ct) => (
            from x in db.Set<ChatConversation>()
            join v in db.Set<ChatVisitor>() on x.VisitorId equals v.Id
            where x.VisitorId == visitorId && x.State != ConversationState.Ended
            orderby x.Id descending
            select new OpenChat(x, v)).FirstOrDefault());

    /// <summary>The same with the conversation's ticket: one statement fewer per send where a single writer holds the
    /// database (SQLite), so nothing can change the ticket between this read and the sequence number's update.</summary>
    public readonly Func<KefuDb, Guid, CancellationToken, Task<OpenChat?>> OpenConversationWithTicket = EF.CompileAsyncQuery(
        (KefuDb db, Guid visitorId, CancellationToken ct) => (
            from x in db.Set<ChatConversation>()
            join v in db.Set<ChatVisitor>() on x.VisitorId equals v.Id
            join t in db.Set<Ticket>() on x.TicketId equals t.Id
            where x.VisitorId == visitorId && x.State != ConversationState.Ended
            orderby x.Id descending
            select new OpenChat(x, v, t)).FirstOrDefault());

    public readonly Func<KefuDb, Guid, CancellationToken, Task<ChatVisitor?>> Visitor = EF.CompileAsyncQuery(
        (KefuDb db, Guid visitorId, CancellationToken ct) => db.Set<ChatVisitor>().FirstOrDefault(v => v.Id == visitorId));

    /// <summary>A ticket, tracked (the message is added to it).</summary>
    public readonly Func<KefuDb, long, CancellationToken, Task<Ticket?>> Ticket = EF.CompileAsyncQuery(
        (KefuDb db, long id, CancellationToken ct) => db.Set<Ticket>().FirstOrDefault(t => t.Id == id));

    /// <summary>A visitor's message by its client id: from the visitor's conversations to their messages, both steps
    /// through an index ((visitor, id), then (conversation, client id)).</summary>
    public readonly Func<KefuDb, Guid, string, CancellationToken, Task<ChatMessage?>> ByClientId = EF.CompileAsyncQuery(
        (KefuDb db, Guid visitorId, string clientId, CancellationToken ct) => (
            from c in db.Set<ChatConversation>().AsNoTracking()
            where c.VisitorId == visitorId
            join m in db.Set<ChatMessage>().AsNoTracking() on c.Id equals m.ConversationId
            where m.ClientId == clientId
            select m).FirstOrDefault());
}
