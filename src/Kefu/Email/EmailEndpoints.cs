using Kefu.Platform;
using Kefu.Platform.Auth;
using Kefu.Platform.Database;
using Kefu.Platform.Http;
using Kefu.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kefu.Email;

public static class EmailEndpoints
{
    // Newest first; ids are given in the order mail is stored or queued (decision 0061).
    private static readonly ListSort<EmailRecord>[] RecordSorts = [ListSort<EmailRecord>.By("id", r => r.Id).WithDescendingDefault()];
    private static readonly ListSort<OutboundEmail>[] OutboxSorts = [ListSort<OutboundEmail>.By("id", o => o.Id).WithDescendingDefault()];

    public static void MapEmailEndpoints(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/v1/mailboxes").WithTags("Email").RequireAuthorization(Permissions.ChannelsManage);

        g.MapGet("", async (KefuDb db, CancellationToken ct) =>
            TypedResults.Ok((await db.Set<Mailbox>().AsNoTracking().OrderBy(m => m.Name).ToListAsync(ct)).Select(MailboxDto.From).ToList()));

        g.MapGet("/{id:int}", async (int id, KefuDb db, HttpContext http, CancellationToken ct) =>
        {
            var m = await db.Set<Mailbox>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw DomainException.NotFound($"Mailbox {id}");
            ETags.Set(http, m.Version);
            return TypedResults.Ok(MailboxDto.From(m));
        });

        g.MapPost("", async (MailboxRequest r, MailboxService service, CancellationToken ct) =>
        {
            var m = await service.CreateAsync(r, ct);
            return TypedResults.Created($"/api/v1/mailboxes/{m.Id}", MailboxDto.From(m));
        }).Idempotent().WithSummary("Add a mailbox (IMAP in, SMTP out). Passwords are stored encrypted and never returned.");

        g.MapPut("/{id:int}", async (int id, MailboxRequest r, MailboxService service, HttpContext http, CancellationToken ct) =>
        {
            var m = await service.UpdateAsync(id, r, v => ETags.Check(http, v), ct);
            ETags.Set(http, m.Version);
            return TypedResults.Ok(MailboxDto.From(m));
        }).WithSummary("Replace a mailbox's settings (a null password keeps the stored one). Honours If-Match.");

        g.MapDelete("/{id:int}", async (int id, MailboxService service, CancellationToken ct) =>
        {
            await service.DeleteAsync(id, ct);
            return TypedResults.NoContent();
        }).WithSummary("Delete a mailbox that has no mail history (otherwise 400: disable it with PUT isActive=false).");

        g.MapPost("/{id:int}/test", async (int id, KefuDb db, MailboxService service, CancellationToken ct) =>
        {
            var m = await db.Set<Mailbox>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw DomainException.NotFound($"Mailbox {id}");
            return TypedResults.Ok(await service.TestAsync(m, ct));
        }).WithSummary("Connect to the IMAP and SMTP servers; on failure says the stage (dns, connect, tls, auth, folder) and the reason.");

        g.MapPost("/{id:int}/fetch", async (int id, MailboxFetcher fetcher, CancellationToken ct) =>
        {
            try { return Results.Ok(await fetcher.PollOnceAsync(id, ct)); }
            catch (MailConnectionException e)
            {
                throw new DomainException(502, "Mailbox unreachable", $"{e.Stage.ToString().ToLowerInvariant()}: {e.Message}");
            }
        }).WithSummary("Fetch new mail now.");

        g.MapGet("/{id:int}/messages", async (int id, string? status, string? cursor, int? limit, KefuDb db, CancellationToken ct) =>
        {
            var q = db.Set<EmailRecord>().AsNoTracking().Where(r => r.MailboxId == id);
            if (status is { Length: > 0 })
            {
                if (!Enum.TryParse<EmailStatus>(status, true, out var s)) throw DomainException.Validation("status", "Unknown status.");
                q = q.Where(r => r.Status == s);
            }
            var (rows, next) = await Keyset.PageAsync(q, RecordSorts, null, cursor, limit, ct);
            return TypedResults.Ok(new Page<EmailRecordDto>([.. rows.Select(ToDto)], next));
        }).WithSummary("Mail received and sent by this mailbox, newest first, a page at a time (limit 1–200, default 50; cursor: "
            + "the previous page's nextCursor); status=failed lists parse failures with their reason.");

        g.MapGet("/messages/{recordId:long}/raw", async (long recordId, KefuDb db, IOptions<KefuOptions> options, CancellationToken ct) =>
        {
            var r = await db.Set<EmailRecord>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == recordId, ct) ?? throw DomainException.NotFound($"Mail {recordId}");
            if (r.RawKey is null) throw DomainException.NotFound($"The raw copy of mail {recordId}");
            return Results.File(Path.Combine(options.Value.DataDir, "email", "raw", r.RawKey), "message/rfc822", $"mail-{recordId}.eml");
        }).WithSummary("Download the raw message kept for a parse failure.");

        g.MapGet("/outbox", async (string? status, int? mailboxId, string? cursor, int? limit, KefuDb db, CancellationToken ct) =>
        {
            var q = db.Set<OutboundEmail>().AsNoTracking();
            if (mailboxId is { } m) q = q.Where(o => o.MailboxId == m);
            if (status is { Length: > 0 })
            {
                if (!Enum.TryParse<OutboundStatus>(status, true, out var s)) throw DomainException.Validation("status", "Unknown status.");
                q = q.Where(o => o.Status == s);
            }
            var (rows, next) = await Keyset.PageAsync(q, OutboxSorts, null, cursor, limit, ct);
            return TypedResults.Ok(new Page<OutboundDto>([.. rows.Select(o => new OutboundDto(o.Id, o.MailboxId, o.TicketId, o.TicketId + TicketRules.NumberOffset,
                Snake(o.Kind.ToString()), o.To, o.Subject, o.MessageId, Snake(o.Status.ToString()), o.Attempts, o.NextAttemptAt, o.LastError,
                o.CreatedAt, o.SentAt))], next));
        }).WithSummary("Outgoing mail and its delivery state (pending, sent, failed with the server's reason), newest first, a page "
            + "at a time (limit 1–200, default 50; cursor: the previous page's nextCursor); mailboxId for one mailbox's.");
    }

    internal static EmailRecordDto ToDto(EmailRecord r) => new(r.Id, r.MailboxId, Snake(r.Direction.ToString()), Snake(r.Status.ToString()),
        r.Classification, r.MessageId, r.Uid, r.TicketId, r.TicketId + TicketRules.NumberOffset, r.FromAddress, r.Subject, r.Reason,
        r.RawKey is not null, r.CreatedAt);

    private static string Snake(string s) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(s);
}
