using Kefu.Platform;
using Kefu.Platform.Audit;
using Kefu.Platform.Database;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Sla;

/// <summary>Business calendars: zone and weekly hours, and per-year holidays and 调休 workdays (imported or edited).</summary>
public sealed class CalendarService(KefuDb db, SlaCache cache, AuditLog audit, TimeProvider time)
{
    public async Task<List<CalendarDto>> ListAsync(CancellationToken ct)
    {
        var calendars = await db.Set<BusinessCalendar>().AsNoTracking().Include(c => c.Hours).OrderBy(c => c.Id).ToListAsync(ct);
        var years = await YearsAsync(ct);
        return [.. calendars.Select(c => ToDto(c, years.GetValueOrDefault(c.Id, [])))];
    }

    public async Task<CalendarDto> GetAsync(int id, CancellationToken ct) =>
        ToDto(await LoadAsync(id, track: false, ct), (await YearsAsync(ct)).GetValueOrDefault(id, []));

    public async Task<BusinessCalendar> LoadAsync(int id, bool track, CancellationToken ct)
    {
        var q = db.Set<BusinessCalendar>().Include(c => c.Hours).AsQueryable();
        if (!track) q = q.AsNoTracking();
        return await q.FirstOrDefaultAsync(c => c.Id == id, ct) ?? throw DomainException.NotFound($"Calendar {id}");
    }

    public async Task<BusinessCalendar> CreateAsync(CalendarRequest r, CancellationToken ct)
    {
        var (name, zone, hours) = Validate(r, requireAll: true);
        if (await db.Set<BusinessCalendar>().AnyAsync(c => c.Name == name, ct))
            throw DomainException.Validation("name", $"A calendar named '{name}' already exists.");
        var calendar = new BusinessCalendar { Name = name!, TimeZoneId = zone!, CreatedAt = time.UtcNow(), Version = 1, Hours = hours! };
        if (r.IsDefault == true || !await db.Set<BusinessCalendar>().AnyAsync(ct)) await MakeDefaultAsync(calendar, ct);
        db.Add(calendar);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync("calendar", calendar.Id, "created", new { calendar.Name, calendar.TimeZoneId }, ct);
        cache.InvalidateAll();
        return calendar;
    }

    public async Task<BusinessCalendar> UpdateAsync(BusinessCalendar calendar, CalendarRequest r, CancellationToken ct)
    {
        var (name, zone, hours) = Validate(r, requireAll: false);
        if (name is not null && name != calendar.Name)
        {
            if (await db.Set<BusinessCalendar>().AnyAsync(c => c.Name == name && c.Id != calendar.Id, ct))
                throw DomainException.Validation("name", $"A calendar named '{name}' already exists.");
            calendar.Name = name;
        }
        if (zone is not null) calendar.TimeZoneId = zone;
        if (hours is not null)
        {
            db.RemoveRange(calendar.Hours);
            calendar.Hours = hours;
        }
        if (r.IsDefault == true) await MakeDefaultAsync(calendar, ct);
        calendar.Version++;
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync("calendar", calendar.Id, "updated", new { calendar.Name, calendar.TimeZoneId, hours = r.Hours }, ct);
        cache.InvalidateAll();
        return calendar;
    }

    public async Task DeleteAsync(int id, CancellationToken ct)
    {
        var calendar = await LoadAsync(id, track: true, ct);
        if (calendar.IsDefault && await db.Set<BusinessCalendar>().CountAsync(ct) > 1)
            throw DomainException.Conflict("Make another calendar the default before deleting the default one.");
        db.Remove(calendar);
        await audit.RecordAsync("calendar", id, "deleted", new { calendar.Name }, ct);
        cache.InvalidateAll();
    }

    public async Task<List<CalendarDayDto>> DaysAsync(int id, int? year, CancellationToken ct)
    {
        await LoadAsync(id, track: false, ct);
        var q = db.Set<CalendarDay>().AsNoTracking().Where(d => d.CalendarId == id);
        if (year is { } y) q = q.Where(d => d.Date >= new DateOnly(y, 1, 1) && d.Date <= new DateOnly(y, 12, 31));
        return await q.OrderBy(d => d.Date).Select(d => new CalendarDayDto(d.Date, d.Kind, d.Name)).ToListAsync(ct);
    }

    /// <summary>Replaces one year's holidays and make-up workdays, from the shipped data or the ranges given.</summary>
    public async Task<ImportYearResult> ImportYearAsync(int id, ImportYearRequest r, CancellationToken ct)
    {
        await LoadAsync(id, track: false, ct);
        if (r.Year is not { } year || year < 2000 || year > 2100) throw DomainException.Validation("year", "year must be between 2000 and 2100.");
        HolidayYear data;
        if (r.Days is null)
        {
            data = ShippedHolidays.Year(year) ?? throw DomainException.Validation("year",
                $"No shipped calendar for {year} (shipped: {string.Join(", ", ShippedHolidays.MainlandChina.Years.Select(y => y.Year))}); send the days instead.");
        }
        else
        {
            for (var i = 0; i < r.Days.Length; i++)
            {
                var d = r.Days[i];
                if (d.From.Year != year || (d.To is { } to && (to.Year != year || to < d.From)))
                    throw DomainException.Validation($"days[{i}]", $"Every day must lie in {year} and 'to' must not be before 'from'.");
                if (string.IsNullOrWhiteSpace(d.Name) || d.Name.Length > 100)
                    throw DomainException.Validation($"days[{i}].name", "name must be 1 to 100 characters.");
            }
            data = new HolidayYear(year, "imported", "uploaded by an administrator", r.Days);
        }
        var days = data.Expand(id).GroupBy(d => d.Date).Select(g => g.Last()).ToList();
        await db.Set<CalendarDay>().Where(d => d.CalendarId == id && d.Date >= new DateOnly(year, 1, 1) && d.Date <= new DateOnly(year, 12, 31))
            .ExecuteDeleteAsync(ct);
        db.AddRange(days);
        await db.SaveChangesAsync(ct);
        var result = new ImportYearResult(year, days.Count(d => d.Kind == CalendarDayKind.Holiday), days.Count(d => d.Kind == CalendarDayKind.Workday), data.Status, data.Source);
        await audit.RecordAsync("calendar", id, "year_imported", result, ct);
        cache.InvalidateAll();
        return result;
    }

    public async Task<CalendarDayDto> SetDayAsync(int id, DateOnly date, CalendarDayRequest r, CancellationToken ct)
    {
        await LoadAsync(id, track: false, ct);
        if (r.Kind is not { } kind) throw DomainException.Validation("kind", "kind must be holiday or workday.");
        var name = r.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100) throw DomainException.Validation("name", "name must be 1 to 100 characters.");
        var day = await db.Set<CalendarDay>().FirstOrDefaultAsync(d => d.CalendarId == id && d.Date == date, ct);
        if (day is null) db.Add(day = new CalendarDay { CalendarId = id, Date = date, Kind = kind, Name = name });
        else { day.Kind = kind; day.Name = name; }
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync("calendar", id, "day_set", new { date, kind, name }, ct);
        cache.InvalidateAll();
        return new CalendarDayDto(date, kind, name);
    }

    public async Task DeleteDayAsync(int id, DateOnly date, CancellationToken ct)
    {
        var n = await db.Set<CalendarDay>().Where(d => d.CalendarId == id && d.Date == date).ExecuteDeleteAsync(ct);
        if (n == 0) throw DomainException.NotFound($"Day {date:yyyy-MM-dd} of calendar {id}");
        await audit.RecordAsync("calendar", id, "day_removed", new { date }, ct);
        cache.InvalidateAll();
    }

    private async Task MakeDefaultAsync(BusinessCalendar calendar, CancellationToken ct)
    {
        await db.Set<BusinessCalendar>().Where(c => c.IsDefault && c.Id != calendar.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.IsDefault, false), ct);
        calendar.IsDefault = true;
    }

    private async Task<Dictionary<int, int[]>> YearsAsync(CancellationToken ct) =>
        (await db.Set<CalendarDay>().AsNoTracking().Select(d => new { d.CalendarId, d.Date }).ToListAsync(ct))
            .GroupBy(d => d.CalendarId).ToDictionary(g => g.Key, g => g.Select(d => d.Date.Year).Distinct().Order().ToArray());

    private static CalendarDto ToDto(BusinessCalendar c, int[] years) => new(c.Id, c.Name, c.TimeZoneId, c.IsDefault,
        [.. c.Hours.OrderBy(h => ((int)h.Day + 6) % 7).ThenBy(h => h.StartMinute).Select(h => new WeeklyHoursDto(h.Day, Clock(h.StartMinute), Clock(h.EndMinute)))],
        years, c.Version);

    public static string Clock(int minutes) => $"{minutes / 60:00}:{minutes % 60:00}";

    /// <summary>"09:00" → 540; "24:00" is the end of the day.</summary>
    public static int? ParseClock(string? s)
    {
        if (s is null) return null;
        var parts = s.Trim().Split(':');
        if (parts.Length != 2 || !int.TryParse(parts[0], out var h) || !int.TryParse(parts[1], out var m)) return null;
        if (h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0)) return null;
        return h * 60 + m;
    }

    private static (string? Name, string? Zone, List<CalendarHours>? Hours) Validate(CalendarRequest r, bool requireAll)
    {
        var errors = new Dictionary<string, string[]>();
        var name = r.Name?.Trim();
        if ((requireAll || r.Name is not null) && (string.IsNullOrEmpty(name) || name.Length > 100)) errors["name"] = ["name must be 1 to 100 characters."];
        var zone = r.TimeZone?.Trim();
        if (requireAll && zone is null) zone = "Asia/Shanghai";
        if (zone is not null && !TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _)) errors["timeZone"] = [$"'{zone}' is not a known IANA time zone (e.g. Asia/Shanghai)."];
        List<CalendarHours>? hours = null;
        if (r.Hours is not null)
        {
            hours = [];
            for (var i = 0; i < r.Hours.Length; i++)
            {
                var h = r.Hours[i];
                var (s, e) = (ParseClock(h.Start), ParseClock(h.End));
                if (s is null || e is null || e <= s) { errors[$"hours[{i}]"] = ["start and end are HH:mm times with end after start (end may be 24:00)."]; continue; }
                hours.Add(new CalendarHours { Day = h.Day, StartMinute = s.Value, EndMinute = e.Value });
            }
        }
        else if (requireAll) errors["hours"] = ["hours must list the weekly service intervals, e.g. [{\"day\":\"monday\",\"start\":\"09:00\",\"end\":\"18:00\"}]."];
        if (errors.Count > 0) throw new DomainException(400, "Validation failed", errors.First().Value[0], errors);
        return (name, zone, hours);
    }
}
