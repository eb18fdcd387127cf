namespace Kefu.Sla;

/// <summary>
/// Business-time arithmetic over one calendar, immutable and thread-safe (cached per calendar version). Works in the
/// calendar's local time and answers in UTC. "Standard workday hours" (used on 调休 make-up days) are the hours of
/// the first weekday Monday..Friday that has any.
/// </summary>
public sealed class CalendarMath
{
    private const int MaxDays = 3 * 366; // a target longer than three years of service days is a configuration error
    private readonly TimeZoneInfo _zone;
    private readonly (int Start, int End)[][] _weekly = new (int, int)[7][];
    private readonly (int Start, int End)[] _standard;
    private readonly Dictionary<DateOnly, CalendarDayKind> _days;

    public CalendarMath(TimeZoneInfo zone, IEnumerable<CalendarHours> hours, IEnumerable<CalendarDay> days)
    {
        _zone = zone;
        var list = hours.ToList();
        for (var d = 0; d < 7; d++)
            _weekly[d] = [.. Merge(list.Where(h => (int)h.Day == d).Select(h => (h.StartMinute, h.EndMinute)))];
        _standard = new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday }
            .Select(d => _weekly[(int)d]).FirstOrDefault(x => x.Length > 0) ?? [];
        _days = days.ToDictionary(d => d.Date, d => d.Kind);
    }

    public TimeZoneInfo Zone => _zone;

    /// <summary>Service intervals of a local date, in minutes since local midnight.</summary>
    public (int Start, int End)[] IntervalsOn(DateOnly date) => _days.TryGetValue(date, out var kind)
        ? kind == CalendarDayKind.Holiday ? [] : _standard
        : _weekly[(int)date.DayOfWeek];

    public bool IsServiceDay(DateOnly date) => IntervalsOn(date).Length > 0;

    /// <summary>The instant <paramref name="duration"/> of service time after <paramref name="startUtc"/>.</summary>
    public DateTime Add(DateTime startUtc, TimeSpan duration)
    {
        var local = ToLocal(startUtc);
        var remaining = duration;
        var date = DateOnly.FromDateTime(local);
        for (var i = 0; i < MaxDays; i++, date = date.AddDays(1))
        {
            foreach (var (s, e) in IntervalsOn(date))
            {
                var from = date.ToDateTime(TimeOnly.MinValue).AddMinutes(s);
                var to = date.ToDateTime(TimeOnly.MinValue).AddMinutes(e);
                if (to <= local) continue;
                if (from < local) from = local;
                if (remaining <= to - from) return ToUtc(from + remaining);
                remaining -= to - from;
            }
        }
        throw new InvalidOperationException("The calendar has no service hours within three years.");
    }

    /// <summary>Service time between two instants (zero when b ≤ a).</summary>
    public TimeSpan Between(DateTime aUtc, DateTime bUtc)
    {
        if (bUtc <= aUtc) return TimeSpan.Zero;
        var a = ToLocal(aUtc);
        var b = ToLocal(bUtc);
        var total = TimeSpan.Zero;
        for (var date = DateOnly.FromDateTime(a); date <= DateOnly.FromDateTime(b); date = date.AddDays(1))
        {
            foreach (var (s, e) in IntervalsOn(date))
            {
                var from = date.ToDateTime(TimeOnly.MinValue).AddMinutes(s);
                var to = date.ToDateTime(TimeOnly.MinValue).AddMinutes(e);
                if (from < a) from = a;
                if (to > b) to = b;
                if (to > from) total += to - from;
            }
        }
        return total;
    }

    private DateTime ToLocal(DateTime utc) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), _zone);

    private DateTime ToUtc(DateTime local)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        // A local time skipped by a daylight-saving jump does not exist; the service resumes an hour later.
        if (_zone.IsInvalidTime(local)) local = local.AddHours(1);
        return TimeZoneInfo.ConvertTimeToUtc(local, _zone);
    }

    private static IEnumerable<(int, int)> Merge(IEnumerable<(int Start, int End)> intervals)
    {
        (int Start, int End)? current = null;
        foreach (var (s, e) in intervals.Where(x => x.End > x.Start).OrderBy(x => x.Start))
        {
            if (current is { } c && s <= c.End) { current = (c.Start, Math.Max(c.End, e)); continue; }
            if (current is { } done) yield return done;
            current = (s, e);
        }
        if (current is { } last) yield return last;
    }
}
