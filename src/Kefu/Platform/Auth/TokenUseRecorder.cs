using System.Collections.Concurrent;
using Kefu.Platform.Database;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Platform.Auth;

/// <summary>
/// Records when access tokens were last used, off the request path: <see cref="TokenAuthentication"/> notes a use
/// here (a dictionary write, never the write gate) and this service writes the noted uses in the background, one
/// update per token however often it was used meanwhile (the latest time wins). Whatever is still noted when the host
/// stops is written then. A failed write keeps the uses noted for the next round and is logged; it never reaches a request.
/// </summary>
public sealed class TokenUseRecorder(IServiceScopeFactory scopes, ILogger<TokenUseRecorder> log) : BackgroundService
{
    private readonly ConcurrentDictionary<long, DateTime> _pending = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private int _signalled;

    /// <summary>Notes that a token was used at <paramref name="at"/>; returns at once.</summary>
    public void Note(long tokenId, DateTime at)
    {
        _pending.AddOrUpdate(tokenId, at, (_, old) => at > old ? at : old);
        if (Interlocked.Exchange(ref _signalled, 1) == 0) _signal.Release();
    }

    /// <summary>Uses noted and not yet written.</summary>
    public int Pending => _pending.Count;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                await _signal.WaitAsync(stoppingToken);
                Volatile.Write(ref _signalled, 0);
                try { await FlushAsync(stoppingToken); }
                catch (Exception ex) when (ex is not OperationCanceledException) { log.LogWarning(ex, "Could not record the use of access tokens."); }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // Best effort: a shutdown out of time (or a failed write) loses at most the last minute's "last used" times,
        // and must not fail the host's stop.
        try { await FlushAsync(cancellationToken); }
        catch (Exception ex) { log.LogWarning(ex, "Could not record the use of access tokens at shutdown."); }
    }

    /// <summary>Writes every use noted before the call (returns after a flush already running has finished too).</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        await _flushing.WaitAsync(ct);
        try
        {
            if (_pending.IsEmpty) return;
            var batch = new List<(long Id, DateTime At)>();
            foreach (var id in _pending.Keys)
                if (_pending.TryRemove(id, out var at)) batch.Add((id, at));
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<KefuDb>();
                var gate = scope.ServiceProvider.GetRequiredService<WriteGate>();
                using (await gate.EnterAsync(ct))
                    foreach (var (id, at) in batch)
                        await db.AccessTokens.Where(t => t.Id == id && (t.LastUsedAt == null || t.LastUsedAt < at))
                            .ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, at), ct);
            }
            catch
            {
                foreach (var (id, at) in batch) _pending.AddOrUpdate(id, at, (_, old) => at > old ? at : old); // next round
                throw;
            }
        }
        finally { _flushing.Release(); }
    }
}
