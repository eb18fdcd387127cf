using Kefu.Platform;
using Kefu.Platform.Auth;
using Kefu.Platform.Database;
using Kefu.Platform.Http;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Tickets;

/// <summary>Uploads are stored under KEFU_DATA_DIR/attachments, then referenced by id from a message.</summary>
public static class AttachmentsEndpoints
{
    public static void MapAttachmentsEndpoints(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/v1/attachments").WithTags("Attachments").RequireAuthorization(Permissions.TicketsRead);

        g.MapPost("", async (IFormFile file, CurrentUser user, AttachmentStore store, CancellationToken ct) =>
        {
            var staff = await user.RequireAsync(Permissions.TicketsWrite, ct);
            await using var content = file.OpenReadStream();
            var a = await store.SaveAsync(content, file.FileName, file.ContentType, file.Length, staff, ct);
            return TypedResults.Created($"/api/v1/attachments/{a.Id}", new AttachmentDto(a.Id, a.FileName, a.ContentType, a.Size, $"/api/v1/attachments/{a.Id}"));
        }).DisableAntiforgery().Idempotent().RequireAuthorization(Permissions.TicketsWrite)
          .WithSummary("Upload a file (multipart field 'file'); reference its id in a message's attachmentIds (an upload no message references is deleted after 24 h).");

        g.MapGet("/{id:long}", async (long id, CurrentUser user, KefuDb db, TicketQueries queries, AttachmentStore store, CancellationToken ct) =>
        {
            var staff = await user.GetAsync(ct);
            var a = await db.Set<Attachment>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw DomainException.NotFound($"Attachment {id}");
            if (a.MessageId is { } mid)
            {
                var ticketId = await db.Set<Message>().Where(m => m.Id == mid).Select(m => m.TicketId).FirstAsync(ct);
                await queries.LoadAsync(ticketId, staff, track: false, ct);
            }
            else if (a.UploadedBy != staff.UserId) throw DomainException.Forbidden("This upload belongs to someone else.");
            var path = store.PathOf(a);
            // Served as a download with the stored type; never rendered inline, so uploaded HTML cannot run here.
            return Results.File(path, a.ContentType, a.FileName, enableRangeProcessing: true);
        });
    }
}
