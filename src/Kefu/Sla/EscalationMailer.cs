using System.Globalization;
using System.Text;
using Kefu.Platform;
using Kefu.Platform.Database;
using Kefu.Platform.Events;
using Kefu.Platform.Mail;
using Kefu.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kefu.Sla;

/// <summary>
/// Besides the in-app notice, each person an escalation notified gets an e-mail, unless he switched e-mail notices off
/// in his profile or has no address. It is system mail (from the system mailbox, not threaded on the ticket), so a
/// staff member answering it does not post into the customer's conversation. One mail per escalation and person:
/// the dedupe key makes a redelivered event a no-op.
/// </summary>
public sealed class EscalationMailer(KefuDb db, ISystemMail mail, SlaCache cache, IOptions<KefuOptions> options, ILogger<EscalationMailer> log)
    : IEventHandler<EscalationRaised>
{
    public static string DedupeKey(long escalationId, Guid userId) => $"escalation:{escalationId}:{userId:N}";

    public async Task HandleAsync(EscalationRaised e, EventContext context, CancellationToken ct)
    {
        if (e.NotifiedUserIds.Length == 0) return;
        var ids = e.NotifiedUserIds.ToList();
        var people = await db.Users.AsNoTracking()
            .Where(u => ids.Contains(u.Id) && u.IsActive && u.NotifyEmail && u.Email != null && u.Email != "")
            .Select(u => new { u.Id, u.DisplayName, u.Email }).ToListAsync(ct);
        if (people.Count == 0) return;
        var ticket = await db.Set<Ticket>().AsNoTracking().Where(t => t.Id == e.TicketId)
            .Select(t => new { t.Id, t.Subject, t.Priority }).FirstOrDefaultAsync(ct);
        var escalation = await db.Set<Escalation>().AsNoTracking().Where(x => x.Id == e.EscalationId)
            .Select(x => new { x.Reason, x.DueAt }).FirstOrDefaultAsync(ct);
        if (ticket is null || escalation is null) return;
        var tier = (await cache.TiersAsync(ct)).FirstOrDefault(t => t.Tier == e.Tier)?.Name ?? $"Tier {e.Tier}";
        var number = ticket.Id + TicketRules.NumberOffset;
        var subject = $"[升级 Escalation · {tier}] #{number} {ticket.Subject}";
        var body = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"工单 #{number} 已升级到{tier}，请在 {escalation.DueAt:yyyy-MM-dd HH:mm} UTC 前处理。\n")
            .Append(CultureInfo.InvariantCulture, $"Ticket #{number} was escalated to {tier}; please handle it by {escalation.DueAt:yyyy-MM-dd HH:mm} UTC.\n\n")
            .Append("主题 / Subject: ").Append(ticket.Subject).Append('\n')
            .Append("原因 / Reason: ").Append(escalation.Reason).Append('\n')
            .Append("触发 / Trigger: ").Append(e.Trigger).Append('\n')
            .Append("优先级 / Priority: ").Append(ticket.Priority).Append('\n')
            .Append(CultureInfo.InvariantCulture, $"\n{options.Value.PublicUrl?.TrimEnd('/')}/tickets/{ticket.Id}\n")
            .ToString();
        foreach (var p in people)
        {
            var queued = await mail.EnqueueAsync(new SystemMail(DedupeKey(e.EscalationId, p.Id), p.Email!, p.DisplayName, subject, body, null), ct);
            if (queued == MailQueued.NoMailbox)
            {
                log.LogWarning("Escalation {Escalation} of ticket {Ticket}: no active mailbox to e-mail the notice from; in-app only", e.EscalationId, e.TicketId);
                return;
            }
        }
    }
}
