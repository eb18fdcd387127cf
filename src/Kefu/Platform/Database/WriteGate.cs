using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Kefu.Platform.Database;

/// <summary>
/// Serialises write transactions inside one process when the provider has a single writer (SQLite), so writers
/// queue on a semaphore instead of spinning on SQLITE_BUSY. A no-op for PostgreSQL.
/// Reports how long writers waited for it and held it (<c>kefu_db_write_gate_wait_seconds</c>,
/// <c>kefu_db_write_gate_hold_seconds</c> on /metrics): on SQLite the hold time bounds write throughput.
/// </summary>
public sealed class WriteGate
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly bool _serialize;
    private readonly Histogram<double>? _wait, _hold;

    public WriteGate(bool serialize, IMeterFactory? meters = null)
    {
        _serialize = serialize;
        if (serialize && meters?.Create("Kefu") is { } meter)
        {
            _wait = meter.CreateHistogram<double>("kefu_db_write_gate_wait_seconds", "s", "Time a writer waited for the SQLite write gate.");
            _hold = meter.CreateHistogram<double>("kefu_db_write_gate_hold_seconds", "s", "Time a writer held the SQLite write gate.");
        }
    }

    /// <summary>True when writers queue here (SQLite); units of work then take the gate at their first write.</summary>
    public bool Serializes => _serialize;

    public async ValueTask<IDisposable> EnterAsync(CancellationToken ct)
    {
        if (!_serialize) return NoopRelease.Instance;
        var start = Stopwatch.GetTimestamp();
        await _lock.WaitAsync(ct);
        return Entered(start);
    }

    /// <summary>The blocking form, for EF Core's synchronous execution paths.</summary>
    public IDisposable Enter()
    {
        if (!_serialize) return NoopRelease.Instance;
        var start = Stopwatch.GetTimestamp();
        _lock.Wait();
        return Entered(start);
    }

    private Release Entered(long start)
    {
        var now = Stopwatch.GetTimestamp();
        _wait?.Record(Stopwatch.GetElapsedTime(start, now).TotalSeconds);
        return new Release(this, now);
    }

    private sealed class Release(WriteGate gate, long entered) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) != 0) return;
            gate._hold?.Record(Stopwatch.GetElapsedTime(entered).TotalSeconds);
            gate._lock.Release();
        }
    }

    private sealed class NoopRelease : IDisposable
    {
        public static readonly NoopRelease Instance = new();
        public void Dispose() { }
    }
}
