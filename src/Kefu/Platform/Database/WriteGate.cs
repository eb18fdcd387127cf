namespace Kefu.Platform.Database;

/// <summary>
/// Serialises write transactions inside one process when the provider has a single writer (SQLite), so writers
/// queue on a semaphore instead of spinning on SQLITE_BUSY. A no-op for PostgreSQL.
/// </summary>
public sealed class WriteGate(bool serialize)
{
    private readonly SemaphoreSlim _lock = new(1, 1);

    /// <summary>True when writers queue here (SQLite); units of work then take the gate at their first write.</summary>
    public bool Serializes => serialize;

    public async ValueTask<IDisposable> EnterAsync(CancellationToken ct)
    {
        if (!serialize) return NoopRelease.Instance;
        await _lock.WaitAsync(ct);
        return new Release(_lock);
    }

    /// <summary>The blocking form, for EF Core's synchronous execution paths.</summary>
    public IDisposable Enter()
    {
        if (!serialize) return NoopRelease.Instance;
        _lock.Wait();
        return new Release(_lock);
    }

    private sealed class Release(SemaphoreSlim s) : IDisposable
    {
        private int _done;
        public void Dispose() { if (Interlocked.Exchange(ref _done, 1) == 0) s.Release(); }
    }

    private sealed class NoopRelease : IDisposable
    {
        public static readonly NoopRelease Instance = new();
        public void Dispose() { }
    }
}
