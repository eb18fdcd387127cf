using Kefu.Platform.Events;
using Kefu.Tickets;

namespace Kefu.Email;

/// <summary>An agent's public reply on an email ticket is queued as a mail to the customer (durable, idempotent).</summary>
public sealed class EmailReplyHandler(EmailComposer composer) : IEventHandler<MessageAdded>, IEventFilter<MessageAdded>
{
    public static bool Accepts(MessageAdded e) => e.Kind == MessageKind.PublicReply;

    public async Task HandleAsync(MessageAdded e, EventContext context, CancellationToken ct)
    {
        if (e.Kind != MessageKind.PublicReply) return;
        await composer.EnqueueReplyAsync(e.TicketId, e.MessageId, ct);
    }
}
