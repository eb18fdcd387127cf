using System.Text;
using System.Text.Json.Nodes;
using Kefu.Platform;
using Kefu.Platform.Audit;
using Kefu.Platform.Auth;
using Kefu.Platform.Database;
using Kefu.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kefu.Tickets;

public static class TicketsEndpoints
{
    public static void MapTicketsEndpoints(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/v1/tickets").WithTags("Tickets").RequireAuthorization(Permissions.TicketsRead);

        g.MapGet("", async ([AsParameters] TicketFilter filter, CurrentUser user, TicketQueries queries, CancellationToken ct) =>
            TypedResults.Ok(await queries.ListAsync(filter, await user.GetAsync(ct), ct)))
            .WithSummary("List tickets the caller may see, filtered, sorted, keyset-paginated.");

        g.MapPost("", async Task<Results<Created<TicketDto>, Ok<TicketDto>>> (
                CreateTicketRequest request, CurrentUser user, UnitOfWork uow, TicketService tickets, TicketQueries queries,
                HttpContext http, CancellationToken ct) =>
            {
                var staff = await user.RequireAsync(Permissions.TicketsWrite, ct);
                var (ticket, created) = await uow.RunAsync(c => tickets.CreateAsync(request, staff, c), ct);
                // A retry answers with the ticket it created, but an external id can also be one another integration or
                // team used: the caller learns nothing about a ticket it may not open.
                if (!created && !await queries.Visible(staff).AnyAsync(t => t.Id == ticket.Id, ct))
                    throw TicketService.ExternalIdTaken("A ticket you cannot open");
                var dto = created ? await queries.ToCreatedDtoAsync(ticket, staff, ct) : await queries.ToDtoAsync(ticket, staff, ct);
                ETags.Set(http, ticket.Version);
                return created ? TypedResults.Created($"/api/v1/tickets/{ticket.Id}", dto) : TypedResults.Ok(dto);
            })
            .Idempotent()
            .RequireAuthorization(Permissions.TicketsWrite)
            .WithSummary("Create a ticket with its first customer message; the customer is found or created by identity.");

        g.MapGet("/{id:long}", async (long id, CurrentUser user, TicketQueries queries, HttpContext http, CancellationToken ct) =>
        {
            var staff = await user.GetAsync(ct);
            var ticket = await queries.LoadAsync(id, staff, track: false, ct);
            ETags.Set(http, ticket.Version);
            return TypedResults.Ok(await queries.ToDtoAsync(ticket, staff, ct));
        });

        g.MapPatch("/{id:long}", async (long id, JsonObject body, CurrentUser user, UnitOfWork uow, TicketService tickets,
            TicketQueries queries, IOptions<JsonOptions> json, HttpContext http, CancellationToken ct) =>
        {
            var staff = await user.RequireAsync(Permissions.TicketsWrite, ct);
            var ticket = await uow.RunAsync(async c =>
            {
                var t = await queries.LoadAsync(id, staff, track: true, c);
                ETags.Check(http, t.Version);
                return await tickets.UpdateAsync(t, body, json.Value.SerializerOptions, staff, c);
            }, ct);
            ETags.Set(http, ticket.Version);
            return TypedResults.Ok(await queries.ToDtoAsync(ticket, staff, ct));
        })
            .Accepts<UpdateTicketRequest>("application/merge-patch+json", "application/json")
            .RequireAuthorization(Permissions.TicketsWrite)
            .WithSummary("Change fields; send If-Match with the ETag you read. Only fields present change; null clears.");

        g.MapGet("/{id:long}/messages", async (long id, CurrentUser user, TicketQueries queries, CancellationToken ct) =>
        {
            var staff = await user.GetAsync(ct);
            await queries.LoadAsync(id, staff, track: false, ct);
            return TypedResults.Ok(await queries.MessagesAsync(id, staff, ct));
        });

        g.MapPost("/{id:long}/messages", async Task<Results<Created<MessageDto>, Ok<MessageDto>>> (
                long id, AddMessageRequest request, CurrentUser user, UnitOfWork uow, TicketService tickets, TicketQueries queries,
                CancellationToken ct) =>
            {
                var staff = await user.RequireAsync(Permissions.TicketsWrite, ct);
                var (message, created) = await uow.RunAsync(async c =>
                    await tickets.AddMessageAsync(await queries.LoadAsync(id, staff, track: true, c), request, staff, c), ct);
                var dto = (await queries.ToDtosAsync([message], staff, ct))[0];
                return created ? TypedResults.Created($"/api/v1/tickets/{id}/messages/{message.Id}", dto) : TypedResults.Ok(dto);
            })
            .Idempotent()
            .RequireAuthorization(Permissions.TicketsWrite)
            .WithSummary("Add a customer message, public reply or internal note. The first agent to reply becomes owner.");

        g.MapPost("/{id:long}/merge", async (long id, MergeTicketRequest request, CurrentUser user, UnitOfWork uow,
            TicketService tickets, TicketQueries queries, HttpContext http, CancellationToken ct) =>
        {
            var staff = await user.RequireAsync(Permissions.TicketsMerge, ct);
            var target = await uow.RunAsync(async c =>
            {
                var source = await queries.LoadAsync(id, staff, track: true, c);
                // The merge changes (closes) the ticket of the URL: an If-Match read from it is honoured as on a PATCH.
                ETags.Check(http, source.Version);
                Ticket into;
                try { into = await queries.LoadAsync(request.TargetTicketId, staff, track: true, c); }
                catch (DomainException e) when (e.Status is 403 or 404) // the body's field, not the URL's ticket, is wrong
                {
                    throw new DomainException(e.Status, e.Title, e.Message, new Dictionary<string, string[]> { ["targetTicketId"] = [e.Message] });
                }
                await tickets.MergeAsync(source, into, staff, c);
                return into;
            }, ct);
            return TypedResults.Ok(await queries.ToDtoAsync(target, staff, ct));
        }).Idempotent() // a retried merge (lost response) answers as the first did, not 409
          .RequireAuthorization(Permissions.TicketsMerge).WithSummary("Merge this ticket into another; returns the target. Idempotency-Key honoured; If-Match (this ticket's ETag) honoured.");

        g.MapPost("/bulk", async (BulkTicketRequest request, CurrentUser user, TicketBulk bulk, IOptions<JsonOptions> json, HttpContext http,
            CancellationToken ct) =>
        {
            var staff = await user.RequireAsync(Permissions.TicketsWrite, ct);
            return TypedResults.Ok(await bulk.RunAsync(request, json.Value.SerializerOptions, staff, ct, ETags.ListFromIfMatch(http)));
        })
            // A retried bulk (lost response) replays the first result instead of changing the tickets twice.
            .Idempotent()
            .RequireAuthorization(Permissions.TicketsWrite)
            .WithSummary("One change for many tickets (status, priority, team, assignee, tags, or a merge); each ticket is changed, " +
                "checked and audited on its own, and those that cannot take the change are reported as skipped. If-Match: one ETag " +
                "per entry of ticketIds (same order); a stale one is 412 and nothing changes. Idempotency-Key honoured.");

        g.MapGet("/{id:long}/audit", async (long id, CurrentUser user, TicketQueries queries, KefuDb db, CancellationToken ct) =>
        {
            var staff = await user.GetAsync(ct);
            await queries.LoadAsync(id, staff, track: false, ct);
            var key = id.ToString();
            return TypedResults.Ok((await db.Audit.AsNoTracking().Where(a => a.EntityType == "ticket" && a.EntityId == key)
                .OrderBy(a => a.Id).ToListAsync(ct)).Select(a => AuditDto.From(a, staff.MasksPii)).ToList());
        }).WithSummary("The ticket's full history: who changed what, when, from where.");

        g.MapGet("/export", async ([AsParameters] TicketFilter filter, CurrentUser user, TicketQueries queries, UnitOfWork uow, AuditLog audit,
            HttpContext http, CancellationToken ct) =>
        {
            var staff = await user.RequireAsync(Permissions.TicketsExport, ct);
            if (staff.IsOutsourced) throw DomainException.Forbidden("Outsourced accounts may not export data.");
            // A bad filter is a 400 before anything is written or recorded.
            await queries.ValidateAsync(filter, staff, ct);
            // Who took which data out, recorded before the data leaves (a cut-off download has still left in part).
            await uow.RunAsync(async c =>
            {
                await audit.RecordAsync("export", "tickets", "exported", new { filter = filter with { Cursor = null, Limit = null } }, c);
                return 0;
            }, ct);
            http.Response.ContentType = "text/csv; charset=utf-8";
            http.Response.Headers.ContentDisposition = "attachment; filename=tickets.csv";
            await http.Response.WriteAsync("\uFEFFnumber,subject,status,priority,category,team,assignee,customer,created_at\n", ct);
            var exportFilter = filter with { Limit = 200 };
            do
            {
                var page = await queries.ListAsync(exportFilter, staff, ct);
                var sb = new StringBuilder();
                foreach (var t in page.Items)
                    sb.AppendJoin(',', t.Number, Csv(t.Subject), t.Status, t.Priority, Csv(t.Category?.Path), Csv(t.Team?.Name),
                        Csv(t.Assignee?.Name), Csv(t.Customer.Name), t.CreatedAt.ToString("O")).Append('\n');
                await http.Response.WriteAsync(sb.ToString(), ct);
                exportFilter = exportFilter with { Cursor = page.NextCursor };
            } while (exportFilter.Cursor is not null);
            return Results.Empty;
        }).RequireAuthorization(Permissions.TicketsExport).WithSummary("CSV export of the filtered list (not for outsourced staff); audited with its filter. Cells a spreadsheet would run "
            + "as a formula (starting with = + - @ tab or CR) are prefixed with '.");
    }

    /// <summary>One CSV cell: quoted when it holds a comma, quote or line break; and prefixed with ' when it starts with
    /// = + - @ tab or CR, which a spreadsheet would run as a formula (a customer chooses the subject and his name).</summary>
    internal static string Csv(string? s)
    {
        if (string.IsNullOrEmpty(s)) return "";
        if (s[0] is '=' or '+' or '-' or '@' or '\t' or '\r') s = "'" + s;
        return s.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
    }
}
