using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using Kefu.Platform;
using Kefu.Platform.Database;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kefu.Email;

public sealed record FetchResult(int Stored, int Skipped, int Failed, int Batches);

/// <summary>
/// Fetches one mailbox over IMAP: the UIDs above the highest one already recorded for the folder's UIDVALIDITY,
/// in batches (one BODY.PEEK[] FETCH and one transaction each); only after a batch committed are its messages
/// flagged/moved on the server. Messages that were stored but not yet flagged (crash in between) are flagged on
/// the next pass, never stored again.
/// </summary>
public sealed class MailboxFetcher(
    IServiceScopeFactory scopes, MailConnector connector, EmailHooks hooks, IOptions<EmailOptions> options, TimeProvider time,
    ILogger<MailboxFetcher> log)
{
    /// <summary>Connects, fetches and stores everything new, then disconnects.</summary>
    public async Task<FetchResult> PollOnceAsync(int mailboxId, CancellationToken ct)
    {
        var mailbox = await LoadAsync(mailboxId, ct) ?? throw DomainException.NotFound($"Mailbox {mailboxId}");
        try
        {
            using var client = await connector.OpenImapAsync(mailbox, ct);
            var folder = await connector.OpenFolderAsync(client, mailbox, ct);
            var result = await FetchNewAsync(mailbox, client, folder, ct);
            await client.DisconnectAsync(true, ct);
            await SetHealthAsync(mailboxId, null, ct);
            return result;
        }
        catch (Exception e) when (e is not OperationCanceledException && e is not HookException)
        {
            await SetHealthAsync(mailboxId, e.Message, ct);
            throw;
        }
    }

    /// <summary>Keeps a mailbox in sync until cancelled: IMAP IDLE when the server has it (and the mailbox wants it),
    /// else polling every PollSeconds; reconnects with backoff after errors.</summary>
    public async Task WatchAsync(int mailboxId, CancellationToken ct)
    {
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            var mailbox = await LoadAsync(mailboxId, ct);
            if (mailbox is null || !mailbox.IsActive) return;
            try
            {
                using var client = await connector.OpenImapAsync(mailbox, ct);
                var folder = await connector.OpenFolderAsync(client, mailbox, ct);
                failures = 0;
                while (!ct.IsCancellationRequested)
                {
                    await FetchNewAsync(mailbox, client, folder, ct);
                    await SetHealthAsync(mailboxId, null, ct);
                    var poll = TimeSpan.FromSeconds(Math.Clamp(mailbox.PollSeconds, 5, 3600));
                    if (mailbox.UseIdle && client.Capabilities.HasFlag(ImapCapabilities.Idle))
                    {
                        // IDLE until the folder changes or the poll interval ends (servers drop idlers after ~30 min).
                        using var done = CancellationTokenSource.CreateLinkedTokenSource(ct);
                        done.CancelAfter(poll);
                        void OnChange(object? s, EventArgs e) => done.Cancel();
                        folder.CountChanged += OnChange;
                        try { await client.IdleAsync(done.Token, ct); }
                        finally { folder.CountChanged -= OnChange; }
                    }
                    else
                    {
                        await Task.Delay(poll, time, ct);
                        await client.NoOpAsync(ct);
                    }
                    mailbox = await LoadAsync(mailboxId, ct);
                    if (mailbox is null || !mailbox.IsActive) return;
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                failures++;
                log.LogWarning(e, "Mailbox {Mailbox}: fetch failed ({Failures} in a row)", mailboxId, failures);
                try { await SetHealthAsync(mailboxId, e.Message, ct); } catch (Exception) when (!ct.IsCancellationRequested) { }
                try { await Task.Delay(TimeSpan.FromSeconds(Math.Min(300, 5 * Math.Pow(2, Math.Min(failures, 6)))), time, ct); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    internal async Task<FetchResult> FetchNewAsync(Mailbox mailbox, ImapClient client, IMailFolder folder, CancellationToken ct)
    {
        var uidValidity = (long)folder.UidValidity;
        long last;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<KefuDb>();
            last = await db.Set<EmailRecord>()
                .Where(r => r.MailboxId == mailbox.Id && r.UidValidity == uidValidity && r.Uid != null)
                .MaxAsync(r => r.Uid, ct) ?? 0;
        }

        // Stored before but not yet flagged/moved (a crash after commit): finish the job, do not store again.
        if (last > 0)
        {
            var pending = await folder.SearchAsync(SearchQuery.Uids(new UniqueIdRange(UniqueId.MinValue, new UniqueId((uint)last)))
                .And(NotProcessed(mailbox)), ct);
            if (pending.Count > 0) await MarkProcessedAsync(mailbox, client, folder, pending, ct);
        }

        var all = await folder.SearchAsync(SearchQuery.Uids(new UniqueIdRange(new UniqueId((uint)Math.Min(last + 1, uint.MaxValue - 1)), UniqueId.MaxValue)), ct);
        var fresh = all.Where(u => u.Id > last).OrderBy(u => u.Id).ToList();
        int stored = 0, skipped = 0, failed = 0, batches = 0;
        var size = Math.Max(1, options.Value.BatchSize);
        var chunks = fresh.Chunk(size).ToList();
        // Pipelined: while batch i is stored (database), batch i+1 is fetched (IMAP) and prepared (parsed, sanitised,
        // its attachment files written: CPU); batch i is flagged on the server only after it committed and the
        // connection is free again.
        var next = chunks.Count > 0 ? FetchAndPrepareAsync(folder, chunks[0], ct) : null;
        try
        {
            for (var i = 0; i < chunks.Count; i++)
            {
                await using var batch = await next!;
                next = null;
                // Started on the pool: SQLite's "async" calls complete synchronously, inline it would finish the whole
                // store before the next fetch even began.
                var ingest = Task.Run(() => batch.Ingestor.StoreAsync(mailbox, uidValidity, batch.Prepared, ct), ct);
                next = i + 1 < chunks.Count ? FetchAndPrepareAsync(folder, chunks[i + 1], ct) : null;
                var r = await ingest;
                if (next is not null) await next; // the connection is free again
                await hooks.RunAsync("committed");
                await MarkProcessedAsync(mailbox, client, folder, chunks[i], ct);
                stored += r.Stored; skipped += r.Skipped; failed += r.Failed; batches++;
            }
        }
        catch
        {
            // The connection is not left mid-command, and a prepared batch that will not be stored leaves no files.
            if (next is not null)
                try { await using var unused = await next; unused.Ingestor.Discard(unused.Prepared); } catch (Exception) { }
            throw;
        }
        return new(stored, skipped, failed, batches);
    }

    /// <summary>A fetched and prepared batch with the scope (unit of work) that will store it.</summary>
    private sealed class Batch(AsyncServiceScope scope, EmailIngestor ingestor, EmailIngestor.PreparedBatch prepared) : IAsyncDisposable
    {
        public EmailIngestor Ingestor => ingestor;
        public EmailIngestor.PreparedBatch Prepared => prepared;
        public ValueTask DisposeAsync() => scope.DisposeAsync();
    }

    private async Task<Batch> FetchAndPrepareAsync(IMailFolder folder, IList<UniqueId> chunk, CancellationToken ct)
    {
        var mails = await FetchAsync(folder, chunk, ct);
        var scope = scopes.CreateAsyncScope();
        try
        {
            var ingestor = scope.ServiceProvider.GetRequiredService<EmailIngestor>();
            // Off the caller's continuation: the previous batch's store runs meanwhile.
            var prepared = await Task.Run(() => ingestor.Prepare(mails, ct), ct);
            return new Batch(scope, ingestor, prepared);
        }
        catch
        {
            await scope.DisposeAsync();
            throw;
        }
    }

    private static async Task<List<InboundMail>> FetchAsync(IMailFolder folder, IList<UniqueId> chunk, CancellationToken ct)
    {
        var mails = new List<InboundMail>(chunk.Count);
        if (folder is ImapFolder imap)
        {
            await imap.GetStreamsAsync(chunk, async (f, index, uid, stream, c) =>
            {
                using var ms = new MemoryStream();
                await stream.CopyToAsync(ms, c);
                mails.Add(new InboundMail(uid.Id, ms.ToArray()));
            }, ct);
        }
        else
        {
            foreach (var uid in chunk)
            {
                await using var stream = await folder.GetStreamAsync(uid, "", ct);
                using var ms = new MemoryStream();
                await stream.CopyToAsync(ms, ct);
                mails.Add(new InboundMail(uid.Id, ms.ToArray()));
            }
        }
        mails.Sort((a, b) => a.Uid.CompareTo(b.Uid));
        return mails;
    }

    private static SearchQuery NotProcessed(Mailbox m) => m.ProcessedAction switch
    {
        ProcessedAction.MarkSeen => SearchQuery.NotSeen,
        ProcessedAction.Flag => SearchQuery.NotFlagged,
        _ => SearchQuery.All,
    };

    private static async Task MarkProcessedAsync(Mailbox m, ImapClient client, IMailFolder folder, IList<UniqueId> uids, CancellationToken ct)
    {
        switch (m.ProcessedAction)
        {
            case ProcessedAction.MarkSeen:
                await folder.AddFlagsAsync(uids, MessageFlags.Seen, true, ct);
                break;
            case ProcessedAction.Flag:
                await folder.AddFlagsAsync(uids, MessageFlags.Flagged, true, ct);
                break;
            case ProcessedAction.Move when !string.IsNullOrWhiteSpace(m.ProcessedFolder):
                await folder.MoveToAsync(uids, await TargetFolderAsync(client, m.ProcessedFolder, ct), ct);
                break;
            case ProcessedAction.Delete:
                await folder.AddFlagsAsync(uids, MessageFlags.Deleted, true, ct);
                if (folder is ImapFolder imap) await imap.ExpungeAsync(uids, ct);
                break;
        }
    }

    /// <summary>The folder processed mail moves to, created on first use.</summary>
    internal static async Task<IMailFolder> TargetFolderAsync(ImapClient client, string name, CancellationToken ct)
    {
        try { return await client.GetFolderAsync(name, ct); }
        catch (FolderNotFoundException)
        {
            var root = client.GetFolder(client.PersonalNamespaces[0]);
            return await root.CreateAsync(name, true, ct) ?? throw new FolderNotFoundException(name);
        }
    }

    private async Task<Mailbox?> LoadAsync(int id, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<KefuDb>().Set<Mailbox>().AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, ct);
    }

    private async Task SetHealthAsync(int id, string? error, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDb>();
        var gate = scope.ServiceProvider.GetRequiredService<WriteGate>();
        var now = time.UtcNow();
        var e = error is { Length: > 900 } ? error[..900] : error;
        using (await gate.EnterAsync(ct))
            await db.Set<Mailbox>().Where(m => m.Id == id)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.LastCheckedAt, now).SetProperty(m => m.LastError, e), ct);
    }
}
