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

    /// <summary>Writes a file to storage without recording it (no transaction, safe to run in parallel): a channel that
    /// stores many messages in one unit of work writes their files first and records them with <see cref="Record"/>
    /// inside it, or deletes them with <see cref="Discard"/> when they are not used.</summary>
    public StoredFile WriteFile(Stream content, string fileName, long length)
    {
        var name = Check(fileName, length);
        var now = time.UtcNow();
        var key = $"{now:yyyy}/{now:MM}/{Guid.NewGuid():N}";
        var path = Path.Combine(options.Value.DataDir, "attachments", key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        long written = 0;
        using (var target = File.Create(path))
        using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
        {
            var buffer = new byte[81920];
            int read;
            while ((read = content.Read(buffer)) > 0)
            {
                written += read;
                if (written > MaxBytes) break;
                hash.AppendData(buffer, 0, read);
                target.Write(buffer.AsSpan(0, read));
            }
            if (written <= MaxBytes) return new StoredFile(key, name, written, Convert.ToHexStringLower(hash.GetHashAndReset()), now);
        }
        File.Delete(path);
        throw TooLarge();
    }

    /// <summary>Adds the row of a file written by <see cref="WriteFile"/> to the current unit of work (not saved).</summary>
    public Attachment Record(StoredFile file, string? contentType, StaffContext staff)
    {
        var row = new Attachment
        {
            UploadedBy = staff.UserId, FileName = file.FileName,
            ContentType = string.IsNullOrEmpty(contentType) ? "application/octet-stream" : contentType,
            Size = file.Size, Sha256 = file.Sha256, StorageKey = file.Key, CreatedAt = file.WrittenAt,
        };
        uow.Db.Add(row);
        return row;
    }

    /// <summary>Deletes a file written by <see cref="WriteFile"/> whose row was never committed.</summary>
    public void Discard(StoredFile? file)
    {
        if (file is null) return;
        try { File.Delete(Path.Combine(options.Value.DataDir, "attachments", file.Key)); }
        catch (IOException) { } // an orphan file is harmless; the caller's work is done
    }

    private string Check(string fileName, long length)
    {
        if (length == 0) throw DomainException.Validation("file", "The file is empty.");
        if (length > MaxBytes) throw TooLarge();
        var name = Path.GetFileName(fileName);
        if (string.IsNullOrWhiteSpace(name) || name.Length > 255) throw DomainException.Validation("file", "The file name is missing or longer than 255 characters.");
        return name;
    }

    private DomainException TooLarge() => new(413, "Attachment too large", $"Attachments are limited to {MaxBytes / 1024 / 1024} MB.");

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

/// <summary>A file in attachment storage that has no row yet (see <see cref="AttachmentStore.WriteFile"/>).</summary>
public sealed record StoredFile(string Key, string FileName, long Size, string Sha256, DateTime WrittenAt);
