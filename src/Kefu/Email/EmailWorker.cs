using Kefu.Platform.Database;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kefu.Email;

/// <summary>Runs one watcher (IDLE or polling) per active mailbox, in parallel; picks up added, changed or
/// deactivated mailboxes at once when changed on this node (<see cref="MailboxChanges"/>), else within 30 seconds.</summary>
public sealed class EmailWorker(IServiceScopeFactory scopes, MailboxFetcher fetcher, MailboxChanges changes, IOptions<EmailOptions> options,
    ILogger<EmailWorker> log)
    : BackgroundService
{
    private readonly Dictionary<int, (Task Task, CancellationTokenSource Stop, int Version)> _watchers = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Workers) return;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var changed = changes.Next;
                try { await ReconcileAsync(stoppingToken); }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested) { log.LogError(e, "Email worker could not list mailboxes"); }
                await Task.WhenAny(changed, Task.Delay(TimeSpan.FromSeconds(30), stoppingToken));
                stoppingToken.ThrowIfCancellationRequested();
            }
        }
        catch (OperationCanceledException) { }
        finally
        {
            foreach (var w in _watchers.Values) await w.Stop.CancelAsync();
            await Task.WhenAll(_watchers.Values.Select(w => w.Task));
        }
    }

    private async Task ReconcileAsync(CancellationToken ct)
    {
        List<(int Id, int Version)> active;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<KefuDb>();
            active = (await db.Set<Mailbox>().AsNoTracking().Where(m => m.IsActive).Select(m => new { m.Id, m.Version }).ToListAsync(ct))
                .Select(m => (m.Id, m.Version)).ToList();
        }
        foreach (var (id, w) in _watchers.ToList())
        {
            var keep = active.Any(a => a.Id == id && a.Version == w.Version) && !w.Task.IsCompleted;
            if (keep) continue;
            await w.Stop.CancelAsync();
            await w.Task;
            _watchers.Remove(id);
        }
        foreach (var (id, version) in active.Where(a => !_watchers.ContainsKey(a.Id)))
        {
            var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            _watchers[id] = (Task.Run(() => fetcher.WatchAsync(id, stop.Token), CancellationToken.None), stop, version);
        }
    }
}
