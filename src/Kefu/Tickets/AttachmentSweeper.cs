using Kefu.Platform;
using Kefu.Platform.Database;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kefu.Tickets;

/// <summary>Another module's rows that point at uploads (e.g. who uploaded a file through the chat widget): told in
/// the sweep's transaction which uploads were deleted, so it can delete its rows of them.</summary>
public interface IUploadReferences
{
    Task ForgetAsync(IReadOnlyCollection<long> attachmentIds, CancellationToken ct);
}

/// <summary>
/// Deletes uploads never attached to a message (their row has no message id) once they are older than
/// Kefu:Attachments:OrphanAgeHours (24 h), every Kefu:Attachments:SweepIntervalMinutes (60; 0 = off); decision 0062.
/// A message attaches an upload by setting its message id, so the delete is conditional on it still being null: an
/// upload attached while the sweep runs is kept (PostgreSQL re-checks the condition after the attaching commit; SQLite
/// has one writer). The order makes a crash harmless: (1) a journal file lists the uploads about to go,
/// (2) their rows are deleted in one transaction, (3) the files whose rows are gone are deleted, (4) the journal is
/// deleted. A crash before (2) leaves rows and files; after it, the next sweep finds the journal and deletes the files
/// whose rows no longer exist. So no row ever loses its file, and no file with a row is deleted. Then files older than
/// the same age that have no row at all (a crash between writing a file and committing its row) are deleted.
/// </summary>
public sealed class AttachmentSweeper(IServiceScopeFactory scopes, IOptions<KefuOptions> options, TimeProvider time, ILogger<AttachmentSweeper> log)
    : BackgroundService
{
    /// <summary>Journal files in the attachments folder: ".sweep-{guid}", one "id key" line per upload.</summary>
    public const string JournalPrefix = ".sweep-";
    private const int BatchSize = 500;
    private readonly SemaphoreSlim _running = new(1, 1);

    private string Root => Path.Combine(options.Value.DataDir, "attachments");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var minutes = options.Value.Attachments.SweepIntervalMinutes;
        if (minutes <= 0) return;
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(minutes), time);
        do
        {
            try { await SweepAsync(time.UtcNow() - TimeSpan.FromHours(options.Value.Attachments.OrphanAgeHours), stoppingToken); }
            catch (Exception ex) when (ex is not OperationCanceledException) { log.LogError(ex, "Attachment sweep failed"); }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Deletes the uploads created before <paramref name="createdBefore"/> that no message references, after
    /// finishing what an interrupted sweep left in a journal. Returns how many uploads were deleted.</summary>
    public async Task<int> SweepAsync(DateTime createdBefore, CancellationToken ct)
    {
        await _running.WaitAsync(ct);
        try
        {
            if (Directory.Exists(Root))
                foreach (var journal in Directory.EnumerateFiles(Root, JournalPrefix + "*"))
                    await FinishAsync(journal, ReadJournal(journal), ct);
            var total = 0;
            long after = 0;
            while (true)
            {
                List<(long Id, string Key)> batch;
                await using (var scope = scopes.CreateAsyncScope())
                {
                    var db = scope.ServiceProvider.GetRequiredService<KefuDb>();
                    batch = [.. (await db.Set<Attachment>().AsNoTracking()
                        .Where(a => a.MessageId == null && a.CreatedAt < createdBefore && a.Id > after)
                        .OrderBy(a => a.Id).Take(BatchSize).Select(a => new { a.Id, a.StorageKey }).ToListAsync(ct))
                        .Select(a => (a.Id, a.StorageKey))];
                }
                if (batch.Count == 0) break;
                after = batch[^1].Id;

                var journal = Path.Combine(Root, JournalPrefix + Guid.NewGuid().ToString("N"));
                await using (var f = new FileStream(journal, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    await f.WriteAsync(System.Text.Encoding.UTF8.GetBytes(string.Concat(batch.Select(b => $"{b.Id} {b.Key}\n"))), ct);
                    f.Flush(flushToDisk: true);
                }
                await using (var scope = scopes.CreateAsyncScope())
                {
                    var uow = scope.ServiceProvider.GetRequiredService<UnitOfWork>();
                    var references = scope.ServiceProvider.GetServices<IUploadReferences>().ToList();
                    var ids = batch.Select(b => b.Id).ToList();
                    total += await uow.RunAsync(async c =>
                    {
                        var n = await uow.Db.Set<Attachment>().Where(a => ids.Contains(a.Id) && a.MessageId == null).ExecuteDeleteAsync(c);
                        foreach (var r in references) await r.ForgetAsync(ids, c);
                        return n;
                    }, ct);
                }
                await FinishAsync(journal, batch, ct);
            }
            if (total > 0) log.LogInformation("Attachment sweep deleted {Count} uploads never attached to a message", total);
            var files = await SweepFilesAsync(createdBefore, ct);
            if (files > 0) log.LogInformation("Attachment sweep deleted {Count} files that had no upload row", files);
            return total;
        }
        finally { _running.Release(); }
    }

    /// <summary>
    /// Deletes files of the store that have no row, written before <paramref name="writtenBefore"/> (the grace period:
    /// a younger file may be an upload whose row is not committed yet). Such a file is left by a crash between writing
    /// an upload's file and committing its row. Only names the store gives files (<c>yyyy/MM/</c> + 32 hex digits) are
    /// considered, so nothing else kept in the folder is touched. The cutoff of the last complete pass is kept in
    /// <see cref="FilesCheckedMarker"/>: files older than it were checked already (a file is written once and the
    /// folder is named by the month it was written in), so a pass only reads the current month's folders.
    /// </summary>
    private async Task<int> SweepFilesAsync(DateTime writtenBefore, CancellationToken ct)
    {
        if (!Directory.Exists(Root)) return 0;
        var marker = Path.Combine(Root, FilesCheckedMarker);
        // An hour of slack for file-time granularity and clock steps; checking a file twice is harmless.
        DateTime? from = ReadMarker(marker) is { } done ? done - TimeSpan.FromHours(1) : null;
        var deleted = 0;
        var complete = true;
        foreach (var yearDir in Directory.EnumerateDirectories(Root))
        {
            var year = Path.GetFileName(yearDir);
            if (!IsDigits(year, 4)) continue;
            foreach (var monthDir in Directory.EnumerateDirectories(yearDir))
            {
                var month = Path.GetFileName(monthDir);
                if (!IsDigits(month, 2) || int.Parse(month, System.Globalization.CultureInfo.InvariantCulture) is < 1 or > 12) continue;
                var first = new DateTime(int.Parse(year, System.Globalization.CultureInfo.InvariantCulture),
                    int.Parse(month, System.Globalization.CultureInfo.InvariantCulture), 1, 0, 0, 0, DateTimeKind.Utc);
                // Every file of this folder was written in that month, before the last pass's cutoff (a month of slack).
                if (from is { } f && first.AddMonths(2) <= f) continue;
                var candidates = new List<(string Key, string Path)>();
                foreach (var file in Directory.EnumerateFiles(monthDir))
                {
                    var name = Path.GetFileName(file);
                    if (name.Length != 32 || !name.All(char.IsAsciiHexDigitLower)) continue;
                    var written = File.GetLastWriteTimeUtc(file);
                    if (written >= writtenBefore || (from is { } g && written < g)) continue;
                    candidates.Add(($"{year}/{month}/{name}", file));
                }
                foreach (var chunk in candidates.Chunk(BatchSize))
                {
                    var keys = chunk.Select(c => c.Key).ToList();
                    HashSet<string> withRow;
                    await using (var scope = scopes.CreateAsyncScope())
                    {
                        var db = scope.ServiceProvider.GetRequiredService<KefuDb>();
                        withRow = [.. await KeysWithRow(db, keys).ToListAsync(ct)];
                    }
                    foreach (var (key, path) in chunk)
                    {
                        if (withRow.Contains(key)) continue;
                        try
                        {
                            File.Delete(path);
                            deleted++;
                        }
                        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                        {
                            complete = false; // the next pass looks at it again
                            log.LogWarning(ex, "Attachment sweep could not delete {Key}, a file without an upload row", key);
                        }
                    }
                }
            }
        }
        if (complete)
        {
            var next = from is { } h && h + TimeSpan.FromHours(1) > writtenBefore ? h + TimeSpan.FromHours(1) : writtenBefore;
            var temp = marker + ".tmp";
            await File.WriteAllTextAsync(temp, next.ToString("O", System.Globalization.CultureInfo.InvariantCulture), ct);
            File.Move(temp, marker, overwrite: true);
        }
        return deleted;
    }

    /// <summary>Which of <paramref name="keys"/> have an attachment row: one lookup per key in the storage-key index.</summary>
    internal static IQueryable<string> KeysWithRow(KefuDb db, IReadOnlyCollection<string> keys) =>
        db.Set<Attachment>().AsNoTracking().Where(a => keys.Contains(a.StorageKey)).Select(a => a.StorageKey);

    /// <summary>File in the attachments folder holding the cutoff of the last complete pass over files without rows.</summary>
    public const string FilesCheckedMarker = ".files-checked-before";

    private static DateTime? ReadMarker(string path)
    {
        try
        {
            return DateTime.TryParse(File.ReadAllText(path).Trim(), System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.RoundtripKind, out var at) ? at.ToUniversalTime() : null;
        }
        catch (FileNotFoundException) { return null; }
    }

    private static bool IsDigits(string s, int length) => s.Length == length && s.All(char.IsAsciiDigit);

    /// <summary>Deletes the journal's files whose rows are gone (a row, once written, keeps its key), then the journal.</summary>
    private async Task FinishAsync(string journal, IReadOnlyList<(long Id, string Key)> entries, CancellationToken ct)
    {
        HashSet<(long, string)> kept;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<KefuDb>();
            var ids = entries.Select(e => e.Id).ToList();
            kept = [.. (await db.Set<Attachment>().AsNoTracking().Where(a => ids.Contains(a.Id))
                .Select(a => new { a.Id, a.StorageKey }).ToListAsync(ct)).Select(a => (a.Id, a.StorageKey))];
        }
        foreach (var e in entries)
        {
            if (kept.Contains(e)) continue;
            var path = Path.GetFullPath(Path.Combine(Root, e.Key));
            if (!path.StartsWith(Path.GetFullPath(Root) + Path.DirectorySeparatorChar, StringComparison.Ordinal)) continue;
            File.Delete(path); // an IOException keeps the journal: the next sweep tries again
        }
        File.Delete(journal);
    }

    private static List<(long Id, string Key)> ReadJournal(string path)
    {
        var entries = new List<(long, string)>();
        var lines = File.ReadAllText(path).Split('\n');
        // The last part has no line end: empty, or a line cut short by a crash while the journal was written (then
        // none of its rows were deleted yet, and nothing of it is needed).
        foreach (var line in lines[..^1])
        {
            var space = line.IndexOf(' ');
            if (space > 0 && long.TryParse(line.AsSpan(0, space), out var id) && space + 1 < line.Length) entries.Add((id, line[(space + 1)..]));
        }
        return entries;
    }
}
