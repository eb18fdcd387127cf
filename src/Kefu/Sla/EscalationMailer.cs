using System.Globalization;
using System.Text;
using Kefu.Platform;
using Kefu.Platform.Auth;
using Kefu.Platform.Database;
using Kefu.Platform.Events;
using Kefu.Platform.Mail;
using Kefu.Platform.Text;
using Kefu.Platform.Web;
using Kefu.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Kefu.Sla;

/// <summary>
/// Besides the in-app notice, each person an escalation notified gets an e-mail, unless he switched e-mail notices off
/// in his profile or has no address. It is system mail (from the system mailbox, not threaded on the ticket), so a
/// staff member answering it does not post into the customer's conversation. One mail per escalation and person:
/// the dedupe key makes a redelivered event a no-op. Each mail is written in its reader's language, with the due time
/// in his time zone (both from his profile), and links to the ticket with an absolute address (<see cref="PublicUrl"/>).
/// </summary>
public sealed class EscalationMailer(KefuDb db, ISystemMail mail, SlaCache cache, PublicUrl publicUrl, IStringLocalizer<SharedResource> l,
    IOptions<KefuOptions> options, StaffDirectory directory, ILogger<EscalationMailer> log)
    : IEventHandler<EscalationRaised>
{
    public static string DedupeKey(long escalationId, Guid userId) => $"escalation:{escalationId}:{userId:N}";

    public async Task HandleAsync(EscalationRaised e, EventContext context, CancellationToken ct)
    {
        if (e.NotifiedUserIds.Length == 0) return;
        var ids = e.NotifiedUserIds.ToList();
        var people = await db.Users.AsNoTracking()
            .Where(u => ids.Contains(u.Id) && u.IsActive && u.NotifyEmail && u.Email != null && u.Email != "")
            .Select(u => new { u.Id, u.DisplayName, u.Email, u.Language, u.TimeZone }).ToListAsync(ct);
        if (people.Count == 0) return;
        var ticket = await db.Set<Ticket>().AsNoTracking().Where(t => t.Id == e.TicketId)
            .Select(t => new { t.Id, t.Subject, t.Priority, t.TeamId, t.AssigneeId, t.OwnerId }).FirstOrDefaultAsync(ct);
        var escalation = await db.Set<Escalation>().AsNoTracking().Where(x => x.Id == e.EscalationId)
            .Select(x => new { x.Reason, x.DueAt }).FirstOrDefaultAsync(ct);
        if (ticket is null || escalation is null) return;
        var tierName = (await cache.TiersAsync(ct)).FirstOrDefault(t => t.Tier == e.Tier)?.Name;
        var number = ticket.Id + TicketRules.NumberOffset;
        var link = $"{publicUrl.Base()}/tickets/{ticket.Id}";
        foreach (var p in people)
        {
            // The mail carries the subject and the reason: only to someone who may open the ticket (a tier's fallback to
            // everyone with the role can reach other teams), masked for someone who sees PII masked.
            if (await directory.GetAsync(p.Id, ct) is not { } reader || !reader.MayOpenTicket(ticket.TeamId, ticket.AssigneeId, ticket.OwnerId))
            {
                log.LogInformation("Escalation {Escalation} of ticket {Ticket}: no mail to {User}, who may not open the ticket", e.EscalationId, e.TicketId, p.Id);
                continue;
            }
            var ticketSubject = reader.MasksPii ? PiiMasker.Text(ticket.Subject) : ticket.Subject;
            var (subject, body) = InCulture(Culture(p.Language), () =>
            {
                var told = EscalationReason.Text(escalation.Reason, l);
                var reason = reader.MasksPii ? PiiMasker.Text(told) : told;
                var tier = tierName ?? l["Sla.Tier", e.Tier].Value;
                var due = LocalTime(escalation.DueAt, p.TimeZone);
                var text = new StringBuilder()
                    .AppendLine(l["Sla.Mail.Intro", number, tier]).AppendLine(l["Sla.Mail.DueAt", due]).AppendLine()
                    .AppendLine(l["Sla.Mail.Ticket", ticketSubject])
                    .AppendLine(l["Sla.Mail.Reason", reason])
                    .AppendLine(l["Sla.Mail.Trigger", l[$"Sla.Trigger.{e.Trigger}"].Value])
                    .AppendLine(l["Sla.Mail.Priority", l[$"Priority.{ticket.Priority}"].Value])
                    .AppendLine().AppendLine(l["Sla.Mail.Open", link])
                    .ToString();
                return (l["Sla.Mail.Subject", tier, number, ticketSubject].Value, text);
            });
            var queued = await mail.EnqueueAsync(new SystemMail(DedupeKey(e.EscalationId, p.Id), p.Email!, p.DisplayName, subject, body, null), ct);
            if (queued == MailQueued.NoMailbox)
            {
                log.LogWarning("Escalation {Escalation} of ticket {Ticket}: no active mailbox to e-mail the notice from; in-app only", e.EscalationId, e.TicketId);
                return;
            }
        }
    }

    /// <summary>"2026-03-16 17:30 (Asia/Shanghai, UTC+08:00)": the reader's local time, with the zone named so a
    /// reader travelling or reading on another device knows which clock it is.</summary>
    public string LocalTime(DateTime utc, string? zoneId)
    {
        var zone = Zone(zoneId) ?? Zone(options.Value.DefaultTimeZone) ?? TimeZoneInfo.Utc;
        var at = DateTime.SpecifyKind(utc, DateTimeKind.Utc);
        var local = TimeZoneInfo.ConvertTimeFromUtc(at, zone);
        var offset = zone.GetUtcOffset(at);
        var sign = offset < TimeSpan.Zero ? "-" : "+";
        return string.Create(CultureInfo.InvariantCulture, $"{local:yyyy-MM-dd HH:mm} ({zone.Id}, UTC{sign}{offset.Duration():hh\\:mm})");
    }

    private static TimeZoneInfo? Zone(string? id) => id is { Length: > 0 } && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var z) ? z : null;

    private static CultureInfo Culture(string? name)
    {
        try { return CultureInfo.GetCultureInfo(string.IsNullOrEmpty(name) ? "zh-CN" : name); }
        catch (CultureNotFoundException) { return CultureInfo.GetCultureInfo("zh-CN"); }
    }

    /// <summary>Resource lookups follow the current UI culture: set it to the reader's for the text, then put it back.</summary>
    private static T InCulture<T>(CultureInfo culture, Func<T> work)
    {
        var (ui, fmt) = (CultureInfo.CurrentUICulture, CultureInfo.CurrentCulture);
        CultureInfo.CurrentUICulture = CultureInfo.CurrentCulture = culture;
        try { return work(); }
        finally { (CultureInfo.CurrentUICulture, CultureInfo.CurrentCulture) = (ui, fmt); }
    }
}
