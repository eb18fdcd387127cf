using Kefu.Platform;
using Kefu.Platform.Database;
using Kefu.Tickets;
using MailKit.Net.Smtp;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Kefu.Email;

/// <summary>
/// Sends the email outbox. Each due row is claimed (lease, so nodes do not send twice), sent over the mailbox's
/// SMTP, and marked sent. Transient failures (network, 4xx) retry with exponential backoff; a permanent refusal
/// (5xx) fails the mail at once and the reason is noted on the ticket, where the agent sees it.
/// </summary>
public sealed class SmtpDispatcher(
    IServiceScopeFactory scopes, SmtpSignal signal, IOptions<EmailOptions> options, TimeProvider time, ILogger<SmtpDispatcher> log)
    : BackgroundService
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Workers) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try { await DispatchDueAsync(stoppingToken); }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e) { log.LogError(e, "Email outbox dispatch failed"); }
            try { await signal.WaitAsync(TimeSpan.FromSeconds(10), stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>Sends every due mail once; returns how many were sent.</summary>
    public async Task<int> DispatchDueAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDb>();
        var connector = scope.ServiceProvider.GetRequiredService<MailConnector>();
        var now = time.UtcNow();
        var due = await db.Set<OutboundEmail>().AsNoTracking()
            .Where(o => o.Status == OutboundStatus.Pending && o.NextAttemptAt <= now && (o.LockedUntil == null || o.LockedUntil < now))
            .OrderBy(o => o.Id).Take(100).ToListAsync(ct);
        var sent = 0;
        foreach (var group in due.GroupBy(o => o.MailboxId))
        {
            var mailbox = await db.Set<Mailbox>().AsNoTracking().FirstOrDefaultAsync(m => m.Id == group.Key, ct);
            SmtpClient? client = null;
            try
            {
                foreach (var mail in group)
                {
                    if (!await ClaimAsync(scope.ServiceProvider, mail.Id, ct)) continue;
                    string? error = null;
                    var permanent = false;
                    try
                    {
                        if (mailbox is null) { error = "The mailbox of this mail was deleted."; permanent = true; }
                        else
                        {
                            client ??= await connector.OpenSmtpAsync(mailbox, ct);
                            var message = await BuildAsync(scope.ServiceProvider, mailbox, mail, ct);
                            await client.SendAsync(message, ct);
                        }
                    }
                    catch (SmtpCommandException e)
                    {
                        error = $"{(int)e.StatusCode} {e.Message}".Trim();
                        permanent = (int)e.StatusCode >= 500;
                        if (e.ErrorCode == SmtpErrorCode.MessageNotAccepted || e.ErrorCode == SmtpErrorCode.SenderNotAccepted) ResetClient(ref client);
                    }
                    catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                    {
                        error = e.Message;
                        ResetClient(ref client);
                    }
                    await RecordAsync(scope.ServiceProvider, mail, error, permanent, ct);
                    if (error is null) sent++;
                }
            }
            finally
            {
                if (client is not null)
                {
                    try { if (client.IsConnected) await client.DisconnectAsync(true, ct); } catch (Exception) { }
                    client.Dispose();
                }
            }
        }
        return sent;
    }

    private static void ResetClient(ref SmtpClient? client)
    {
        client?.Dispose();
        client = null;
    }

    private async Task<bool> ClaimAsync(IServiceProvider sp, long id, CancellationToken ct)
    {
        var db = sp.GetRequiredService<KefuDb>();
        var gate = sp.GetRequiredService<WriteGate>();
        var now = time.UtcNow();
        var until = now + Lease;
        using (await gate.EnterAsync(ct))
            return await db.Set<OutboundEmail>()
                .Where(o => o.Id == id && o.Status == OutboundStatus.Pending && (o.LockedUntil == null || o.LockedUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(o => o.LockedUntil, until), ct) == 1;
    }

    private async Task RecordAsync(IServiceProvider sp, OutboundEmail mail, string? error, bool permanent, CancellationToken ct)
    {
        var uow = sp.GetRequiredService<UnitOfWork>();
        var tickets = sp.GetRequiredService<TicketService>();
        var now = time.UtcNow();
        await uow.RunAsync(async c =>
        {
            var row = await uow.Db.Set<OutboundEmail>().FirstAsync(o => o.Id == mail.Id, c);
            row.Attempts++;
            row.LockedUntil = null;
            if (error is null)
            {
                row.Status = OutboundStatus.Sent;
                row.SentAt = now;
                row.LastError = null;
                // A system mail carries a secret (a password reset link): keep no copy once it left.
                if (row.Kind == OutboundKind.System) { row.BodyText = "(removed after sending)"; row.BodyHtml = null; }
                return;
            }
            row.LastError = error.Length > 900 ? error[..900] : error;
            if (!permanent && row.Attempts < options.Value.MaxSendAttempts)
            {
                var delay = options.Value.RetryBaseSeconds * Math.Pow(2, row.Attempts - 1);
                row.NextAttemptAt = now.AddSeconds(Math.Min(delay, 6 * 3600));
                return;
            }
            row.Status = OutboundStatus.Failed;
            log.LogWarning("Email {Id} to {To} failed permanently: {Error}", row.Id, row.To, row.LastError);
            if (row.TicketId is null) return;
            var ticket = await uow.Db.Set<Ticket>().FirstOrDefaultAsync(t => t.Id == row.TicketId, c);
            if (ticket is { MergedIntoId: null })
                await tickets.AddMessageAsync(ticket, new AddMessageRequest(MessageKind.InternalNote,
                    $"Email to {row.To} could not be delivered ({row.Kind.ToString().ToLowerInvariant()}, {row.Attempts} attempt(s)): {row.LastError}",
                    null, null, null), EmailIngestor.SystemStaff, c);
        }, ct);
    }

    internal static async Task<MimeMessage> BuildAsync(IServiceProvider sp, Mailbox mailbox, OutboundEmail mail, CancellationToken ct)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(mailbox.SenderName ?? mailbox.Name, mailbox.Address));
        message.To.Add(new MailboxAddress(mail.ToName ?? "", mail.To));
        message.Subject = mail.Subject;
        message.MessageId = mail.MessageId;
        message.Date = DateTimeOffset.UtcNow;
        if (mail.InReplyTo is { } irt) message.InReplyTo = irt;
        if (mail.References is { } refs)
            foreach (var r in refs.Split(' ', StringSplitOptions.RemoveEmptyEntries)) message.References.Add(r.Trim('<', '>'));
        if (mail.Kind == OutboundKind.Acknowledgement) message.Headers.Add("Auto-Submitted", "auto-replied");
        if (mail.Kind == OutboundKind.System) message.Headers.Add("Auto-Submitted", "auto-generated");
        if (mail.TicketId is { } ticketId)
            message.Headers.Add("X-Kefu-Ticket", (ticketId + TicketRules.NumberOffset).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var body = new BodyBuilder { TextBody = mail.BodyText, HtmlBody = mail.BodyHtml };
        if (mail.AttachmentIds is { } ids)
        {
            var db = sp.GetRequiredService<KefuDb>();
            var store = sp.GetRequiredService<AttachmentStore>();
            var list = ids.Split(',').Select(long.Parse).ToList();
            foreach (var a in await db.Set<Attachment>().AsNoTracking().Where(a => list.Contains(a.Id)).ToListAsync(ct))
            {
                var path = store.PathOf(a);
                if (File.Exists(path)) body.Attachments.Add(a.FileName, await File.ReadAllBytesAsync(path, ct), ContentType.Parse(a.ContentType));
            }
        }
        message.Body = body.ToMessageBody();
        return message;
    }
}
