using System.Security.Cryptography;
using Kefu.Platform;
using Kefu.Platform.Auth;
using Kefu.Platform.Database;
using Microsoft.Extensions.Options;

namespace Kefu.Tickets;

/// <summary>Stores uploaded files under KEFU_DATA_DIR/attachments and records them; used by the API and the UI.</summary>
public sealed class AttachmentStore(UnitOfWork uow, IOptions<KefuOptions> options, TimeProvider time)
{
    public long MaxBytes => options.Value.Attachments.MaxBytes;

    public string PathOf(Attachment a) => Path.Combine(options.Value.DataDir, "attachments", a.StorageKey);

    public async Task<Attachment> SaveAsync(Stream content, string fileName, string? contentType, long length, StaffContext staff, CancellationToken ct)
    {
        if (length == 0) throw DomainException.Validation("file", "The file is empty.");
        if (length > MaxBytes) throw new DomainException(413, "Attachment too large", $"Attachments are limited to {MaxBytes / 1024 / 1024} MB.");
        var name = Path.GetFileName(fileName);
        if (string.IsNullOrWhiteSpace(name) || name.Length > 255) throw DomainException.Validation("file", "The file name is missing or longer than 255 characters.");

        var now = time.UtcNow();
        var key = $"{now:yyyy}/{now:MM}/{Guid.NewGuid():N}";
        var path = Path.Combine(options.Value.DataDir, "attachments", key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string sha;
        long written = 0;
        await using (var target = File.Create(path))
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[81920];
            int read;
            while ((read = await content.ReadAsync(buffer, ct)) > 0)
            {
                written += read;
                if (written > MaxBytes) break;
                hash.AppendData(buffer, 0, read);
                await target.WriteAsync(buffer.AsMemory(0, read), ct);
            }
            await target.FlushAsync(ct);
            sha = Convert.ToHexStringLower(hash.GetHashAndReset());
        }
        try
        {
            if (written > MaxBytes) throw new DomainException(413, "Attachment too large", $"Attachments are limited to {MaxBytes / 1024 / 1024} MB.");
            // The file is written before the row (outside the write transaction, which must stay short).
            return await uow.RunAsync(c =>
            {
                var row = new Attachment
                {
                    UploadedBy = staff.UserId, FileName = name,
                    ContentType = string.IsNullOrEmpty(contentType) ? "application/octet-stream" : contentType,
                    Size = written, Sha256 = sha, StorageKey = key, CreatedAt = now,
                };
                uow.Db.Add(row);
                return Task.FromResult(row);
            }, ct);
        }
        catch
        {
            File.Delete(path); // no orphan file when the row was not written
            throw;
        }
    }
}
