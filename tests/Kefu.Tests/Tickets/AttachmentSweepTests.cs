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

    [Fact]
    public async Task Old_files_without_any_row_are_deleted_and_files_with_a_row_or_young_ones_or_foreign_ones_stay()
    {
        // A data folder of its own (on the fixture's database), so that every file in it is this test's.
        var dataDir = Path.Combine(Path.GetTempPath(), "kefu-sweep-" + Guid.NewGuid().ToString("N"));
        var root = Path.Combine(dataDir, "attachments");
        var options = app.Service<IOptions<KefuOptions>>().Value;
        var sweeper = new AttachmentSweeper(app.Service<IServiceScopeFactory>(),
            Options.Create(new KefuOptions { DataDir = dataDir, Attachments = options.Attachments }), TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<AttachmentSweeper>.Instance);
        var now = DateTime.UtcNow;
        string Write(string key, DateTime writtenAt)
        {
            var path = Path.Combine(root, key);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, key);
            File.SetLastWriteTimeUtc(path, writtenAt);
            return path;
        }
        static string Key(DateTime at) => $"{at:yyyy}/{at:MM}/{Guid.NewGuid():N}";
        try
        {
            // A crash between writing the file and committing its row, two days ago: no row has its key.
            var orphan = Write(Key(now.AddDays(-2)), now.AddDays(-2));
            var orphanLastYear = Write(Key(now.AddDays(-400)), now.AddDays(-400));
            // An upload being written now (its row is committed after the file).
            var inProgress = Write(Key(now), now);
            // Written 23 hours ago: still within the grace period at this sweep, past it at the next.
            var laterOrphan = Write(Key(now.AddHours(-23)), now.AddHours(-23));
            // An old file that has a row (attached or not, young row): never deleted.
            var row = await Upload("有记录");
            var withRow = Write(row.StorageKey, now.AddDays(-3));
            // Not a name the store gives files: not Kefu's to delete.
            var foreign = Write($"{now.AddDays(-5):yyyy}/{now.AddDays(-5):MM}/README.txt", now.AddDays(-5));
            var foreignTop = Write("backup.tar", now.AddDays(-5));

            await sweeper.SweepAsync(now.AddHours(-24), CancellationToken.None);

            Assert.False(File.Exists(orphan));
            Assert.False(File.Exists(orphanLastYear));
            Assert.True(File.Exists(inProgress));
            Assert.True(File.Exists(laterOrphan));
            Assert.True(File.Exists(withRow));
            Assert.True(File.Exists(foreign));
            Assert.True(File.Exists(foreignTop));

            // Two hours later: the file that was within the grace period is old enough now.
            await sweeper.SweepAsync(now.AddHours(-22), CancellationToken.None);

            Assert.False(File.Exists(laterOrphan));
            Assert.True(File.Exists(inProgress));
            Assert.True(File.Exists(withRow));
            Assert.True(File.Exists(foreign));
            Assert.NotNull(await Row(row.Id));
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteAttachmentSweepTests(SqliteApp app) : AttachmentSweepTests(app);

[Collection(PostgresCollection.Name)]
public sealed class PostgresAttachmentSweepTests(PostgresApp app) : AttachmentSweepTests(app);
