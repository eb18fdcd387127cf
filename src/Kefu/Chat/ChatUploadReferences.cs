using Kefu.Platform.Database;
using Kefu.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Chat;

/// <summary>Deletes the widget's record of who uploaded a file when the attachment sweep deleted the file (in the
/// sweep's transaction: only rows whose attachment is gone).</summary>
public sealed class ChatUploadReferences(KefuDb db) : IUploadReferences
{
    public Task ForgetAsync(IReadOnlyCollection<long> attachmentIds, CancellationToken ct)
    {
        var ids = attachmentIds.ToList();
        return db.Set<ChatUpload>().Where(u => ids.Contains(u.AttachmentId) && !db.Set<Attachment>().Any(a => a.Id == u.AttachmentId))
            .ExecuteDeleteAsync(ct);
    }
}
