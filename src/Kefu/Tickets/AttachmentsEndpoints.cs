using System.Security.Cryptography;
using Kefu.Platform;
using Kefu.Platform.Auth;
using Kefu.Platform.Database;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kefu.Tickets;

/// <summary>Uploads are stored under KEFU_DATA_DIR/attachments, then referenced by id from a message.</summary>
public static class AttachmentsEndpoints
{
    public static void MapAttachmentsEndpoints(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/v1/attachments").WithTags("Attachments").RequireAuthorization(Permissions.TicketsRead);

        g.MapPost("", async (IFormFile file, CurrentUser user, UnitOfWork uow, IOptions<KefuOptions> options, TimeProvider time, CancellationToken ct) =>
        {
            var staff = await user.RequireAsync(Permissions.TicketsWrite, ct);
            var max = options.Value.Attachments.MaxBytes;
            if (file.Length == 0) throw DomainException.Validation("file", "The file is empty.");
            if (file.Length > max) throw new DomainException(413, "Attachment too large", $"Attachments are limited to {max / 1024 / 1024} MB.");
            var name = Path.GetFileName(file.FileName);
            if (string.IsNullOrWhiteSpace(name) || name.Length > 255) throw DomainException.Validation("file", "The file name is missing or longer than 255 characters.");

            var now = time.UtcNow();
            var key = $"{now:yyyy}/{now:MM}/{Guid.NewGuid():N}";
            var root = Path.Combine(options.Value.DataDir, "attachments");
            var path = Path.Combine(root, key);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            string sha;
            await using (var target = File.Create(path))
            {
                await using var source = file.OpenReadStream();
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var buffer = new byte[81920];
                int read;
                while ((read = await source.ReadAsync(buffer, ct)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await target.WriteAsync(buffer.AsMemory(0, read), ct);
                }
                await target.FlushAsync(ct);
                sha = Convert.ToHexStringLower(hash.GetHashAndReset());
            }
            try
            {
                var a = await uow.RunAsync(c =>
                {
                    var row = new Attachment
                    {
                        UploadedBy = staff.UserId, FileName = name, ContentType = string.IsNullOrEmpty(file.ContentType) ? "application/octet-stream" : file.ContentType,
                        Size = file.Length, Sha256 = sha, StorageKey = key, CreatedAt = now,
                    };
                    uow.Db.Add(row);
                    return Task.FromResult(row);
                }, ct);
                return TypedResults.Created($"/api/v1/attachments/{a.Id}", new AttachmentDto(a.Id, a.FileName, a.ContentType, a.Size, $"/api/v1/attachments/{a.Id}"));
            }
            catch
            {
                File.Delete(path); // no orphan file when the row was not written
                throw;
            }
        }).DisableAntiforgery().RequireAuthorization(Permissions.TicketsWrite)
          .WithSummary("Upload a file (multipart field 'file'); reference its id in a message's attachmentIds.");

        g.MapGet("/{id:long}", async (long id, CurrentUser user, KefuDb db, TicketQueries queries, IOptions<KefuOptions> options, CancellationToken ct) =>
        {
            var staff = await user.GetAsync(ct);
            var a = await db.Set<Attachment>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw DomainException.NotFound($"Attachment {id}");
            if (a.MessageId is { } mid)
            {
                var ticketId = await db.Set<Message>().Where(m => m.Id == mid).Select(m => m.TicketId).FirstAsync(ct);
                await queries.LoadAsync(ticketId, staff, track: false, ct);
            }
            else if (a.UploadedBy != staff.UserId) throw DomainException.Forbidden("This upload belongs to someone else.");
            var path = Path.Combine(options.Value.DataDir, "attachments", a.StorageKey);
            // Served as a download with the stored type; never rendered inline, so uploaded HTML cannot run here.
            return Results.File(path, a.ContentType, a.FileName, enableRangeProcessing: true);
        });
    }
}
