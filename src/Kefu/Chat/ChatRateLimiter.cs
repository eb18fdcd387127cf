using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Kefu.Chat;

/// <summary>
/// Sliding-window counters per visitor and per IP address (in memory, per node: a visitor's connection stays on one
/// node, so this is what matters; a many-node deployment would move the counters to Redis).
/// </summary>
public sealed class ChatRateLimiter(IOptions<ChatOptions> options, TimeProvider time)
{
    private static readonly TimeSpan Burst = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private readonly ConcurrentDictionary<string, Window> _windows = new();

    public enum Outcome { Allowed, Limited }

    /// <summary>Counts one attempt; returns whether it may go through and whether the visitor just crossed the review
    /// threshold (attempts, including refused ones, in the last minute).</summary>
    public (Outcome Outcome, bool Flag, int RetryAfterSeconds) Attempt(Guid visitorId, string? ip)
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        var attempts = _windows.GetOrAdd("a:" + visitorId, _ => new Window());
        var flag = attempts.AddAndCount(now, Minute, record: true) == o.FlagPerMinute + 1;

        var visitor = _windows.GetOrAdd("v:" + visitorId, _ => new Window());
        var byIp = ip is null ? null : _windows.GetOrAdd("i:" + ip, _ => new Window());
        if (visitor.AddAndCount(now, Burst, record: false) >= o.VisitorBurst || (byIp?.AddAndCount(now, Burst, record: false) ?? 0) >= o.IpBurst)
            return (Outcome.Limited, flag, 10);
        visitor.AddAndCount(now, Burst, record: true);
        byIp?.AddAndCount(now, Burst, record: true);
        if (_windows.Count > 100_000) Sweep(now);
        return (Outcome.Allowed, flag, 0);
    }

    /// <summary>Counts one transcript request: at most <see cref="ChatOptions.TranscriptsPerHour"/> per visitor and ten
    /// times that per IP address in any hour (each is a mail to an address the visitor typed).</summary>
    public bool AttemptTranscript(Guid visitorId, string? ip)
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        var visitor = _windows.GetOrAdd("t:" + visitorId, _ => new Window(Hour));
        var byIp = ip is null ? null : _windows.GetOrAdd("ti:" + ip, _ => new Window(Hour));
        if (visitor.AddAndCount(now, Hour, record: false) >= o.TranscriptsPerHour
            || (byIp?.AddAndCount(now, Hour, record: false) ?? 0) >= o.TranscriptsPerHour * 10) return false;
        visitor.AddAndCount(now, Hour, record: true);
        byIp?.AddAndCount(now, Hour, record: true);
        return true;
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (key, w) in _windows)
            if (w.AddAndCount(now, w.Keep, record: false) == 0) _windows.TryRemove(key, out _);
    }

    private sealed class Window(TimeSpan? keep = null)
    {
        private readonly Queue<DateTimeOffset> _hits = new();

        /// <summary>How long hits matter (a sweep must not forget an hour window's hits after a minute).</summary>
        public TimeSpan Keep { get; } = keep ?? Minute;

        public int AddAndCount(DateTimeOffset now, TimeSpan span, bool record)
        {
            lock (_hits)
            {
                while (_hits.Count > 0 && now - _hits.Peek() >= span) _hits.Dequeue();
                if (record) _hits.Enqueue(now);
                return _hits.Count;
            }
        }
    }
}
