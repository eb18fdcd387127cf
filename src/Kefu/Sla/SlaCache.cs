using Kefu.Platform.Database;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace Kefu.Sla;

/// <summary>
/// Policies, calendars and tiers are small and read by every ticket event: cached per node for a short while and
/// dropped at once on the node that changes them (other nodes see the change within the lifetime).
/// </summary>
public sealed class SlaCache(IServiceScopeFactory scopes, IMemoryCache cache)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);
    private const string PoliciesKey = "sla:policies";
    private const string TiersKey = "sla:tiers";
    private const string SettingsKey = "sla:settings";
    private const string RulesKey = "sla:rules";
    private static string CalendarKey(int? id) => $"sla:calendar:{id?.ToString() ?? "default"}";

    public Task<List<SlaPolicy>> PoliciesAsync(CancellationToken ct) => GetAsync(PoliciesKey, db =>
        db.Set<SlaPolicy>().AsNoTracking().OrderBy(p => p.Position).ThenBy(p => p.Id).ToListAsync(ct));

    public Task<List<EscalationTier>> TiersAsync(CancellationToken ct) => GetAsync(TiersKey, db =>
        db.Set<EscalationTier>().AsNoTracking().OrderBy(t => t.Tier).ToListAsync(ct));

    public Task<List<EscalationRule>> RulesAsync(CancellationToken ct) => GetAsync(RulesKey, db =>
        db.Set<EscalationRule>().AsNoTracking().Where(r => r.IsActive).OrderByDescending(r => r.Tier).ThenBy(r => r.Id).ToListAsync(ct));

    public Task<SlaSettings> SettingsAsync(CancellationToken ct) => GetAsync(SettingsKey, async db =>
        await db.Set<SlaSettings>().AsNoTracking().OrderBy(s => s.Id).FirstOrDefaultAsync(ct) ?? new SlaSettings()); // one row

    /// <summary>The arithmetic of a calendar (the default one when id is null or unknown); null when there is none.</summary>
    public Task<CalendarMath?> CalendarAsync(int? id, CancellationToken ct) => GetAsync(CalendarKey(id), async db =>
    {
        var query = db.Set<BusinessCalendar>().AsNoTracking().Include(c => c.Hours).Include(c => c.Days).AsSplitQuery();
        var calendar = (id is { } i ? await query.FirstOrDefaultAsync(c => c.Id == i, ct) : null)
            ?? await query.OrderByDescending(c => c.IsDefault).ThenBy(c => c.Id).FirstOrDefaultAsync(ct);
        if (calendar is null) return null;
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(calendar.TimeZoneId, out var z) ? z : TimeZoneInfo.Utc;
        return new CalendarMath(zone, calendar.Hours, calendar.Days);
    });

    public void InvalidateAll()
    {
        cache.Remove(PoliciesKey);
        cache.Remove(TiersKey);
        cache.Remove(SettingsKey);
        cache.Remove(RulesKey);
        _calendarGeneration++;
    }

    // Calendar entries are many (one per id); a generation number in the key drops them all at once.
    private int _calendarGeneration;

    private async Task<T> GetAsync<T>(string key, Func<KefuDb, Task<T>> load)
    {
        if (key.StartsWith("sla:calendar:", StringComparison.Ordinal)) key += ":" + _calendarGeneration;
        if (cache.TryGetValue(key, out T? value)) return value!;
        await using var scope = scopes.CreateAsyncScope();
        value = await load(scope.ServiceProvider.GetRequiredService<KefuDb>());
        cache.Set(key, value, Lifetime);
        return value;
    }
}
