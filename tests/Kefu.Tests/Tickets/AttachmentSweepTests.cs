using System.Net.Http.Headers;
using System.Text;
using Kefu.Chat;
using Kefu.Platform;
using Kefu.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kefu.Tests.Tickets;

/// <summary>The sweep of uploads never attached to a message (decision 0062), driven directly with its cutoff; once
/// per provider.</summary>
public abstract class AttachmentSweepTests(KefuApp app)
{
    private string Root => Path.Combine(app.Service<IOptions<KefuOptions>>().Value.DataDir, "attachments");

    private async Task<Attachment> Upload(string text)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        form.Add(file, "file", "说明.txt");
        var id = (await KefuApp.Json(await app.AgentA.Http.PostAsync("/api/v1/attachments", form), true))["id"]!.GetValue<long>();
        var row = await Row(id);
        Assert.NotNull(row);
        Assert.True(File.Exists(Path.Combine(Root, row.StorageKey)));
        return row;
    }

    private Task<Attachment?> Row(long id) => app.DbAsync(db => db.Set<Attachment>().AsNoTracking().FirstOrDefaultAsync(a => a.Id == id));

    private bool FileOf(Attachment a) => File.Exists(Path.Combine(Root, a.StorageKey));

    [Fact]
    public async Task Uploads_never_attached_are_deleted_with_their_file_once_old_and_attached_or_young_ones_stay()
    {
        var orphan = await Upload("无人认领");
        var attached = await Upload("已附上");
        var ticket = await KefuApp.PostOk(app.Admin, "/api/v1/tickets", new
        {
            subject = "附件清理", teamId = app.TeamA, customer = new { email = $"{Guid.NewGuid():N}@example.com" }, message = new { body = "你好" },
        });
        await KefuApp.PostOk(app.AgentA.Http, $"/api/v1/tickets/{ticket["id"]}/messages", new { kind = "public_reply", body = "见附件", attachmentIds = new[] { attached.Id } });
        // The widget's record of who uploaded a file (Chat) goes with the file.
        await app.DbAsync(async db =>
        {
            db.Add(new ChatUpload { AttachmentId = orphan.Id, VisitorId = Guid.NewGuid(), CreatedAt = DateTime.UtcNow });
            return await db.SaveChangesAsync();
        });
        var cutoff = DateTime.SpecifyKind(new[] { orphan.CreatedAt, attached.CreatedAt }.Max(), DateTimeKind.Utc).AddTicks(10);
        var young = await Upload("刚上传");
        Assert.True(young.CreatedAt >= cutoff);

        var deleted = await app.Service<AttachmentSweeper>().SweepAsync(cutoff, CancellationToken.None);

        Assert.True(deleted >= 1);
        Assert.Null(await Row(orphan.Id));
        Assert.False(FileOf(orphan));
        Assert.False(await app.DbAsync(db => db.Set<ChatUpload>().AnyAsync(u => u.AttachmentId == orphan.Id)));
        Assert.NotNull(await Row(attached.Id));
        Assert.True(FileOf(attached));
        Assert.NotNull(await Row(young.Id));
        Assert.True(FileOf(young));
        Assert.Empty(Directory.EnumerateFiles(Root, AttachmentSweeper.JournalPrefix + "*"));
    }

    [Fact]
    public async Task A_sweep_interrupted_by_a_crash_is_finished_by_the_next_without_deleting_a_file_that_has_a_row()
    {
        var cutoff = DateTime.UtcNow.AddDays(-30); // nothing of this test is old enough to be swept itself
        // Crash after the journal was written, before the rows' delete committed: the rows exist, the files stay.
        var kept = await Upload("崩溃前");
        await File.WriteAllTextAsync(Path.Combine(Root, AttachmentSweeper.JournalPrefix + Guid.NewGuid().ToString("N")),
            $"{kept.Id} {kept.StorageKey}\n");
        // Crash after the rows' delete committed, before the files were deleted (the journal's last line cut short).
        var gone = await Upload("崩溃后");
        await app.DbAsync(db => db.Set<Attachment>().Where(a => a.Id == gone.Id).ExecuteDeleteAsync());
        await File.WriteAllTextAsync(Path.Combine(Root, AttachmentSweeper.JournalPrefix + Guid.NewGuid().ToString("N")),
            $"{gone.Id} {gone.StorageKey}\n{kept.Id} {kept.StorageKey[..6]}");

        await app.Service<AttachmentSweeper>().SweepAsync(cutoff, CancellationToken.None);

        Assert.NotNull(await Row(kept.Id));
        Assert.True(FileOf(kept));
        Assert.False(FileOf(gone));
        Assert.Empty(Directory.EnumerateFiles(Root, AttachmentSweeper.JournalPrefix + "*"));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteAttachmentSweepTests(SqliteApp app) : AttachmentSweepTests(app);

[Collection(PostgresCollection.Name)]
public sealed class PostgresAttachmentSweepTests(PostgresApp app) : AttachmentSweepTests(app);
