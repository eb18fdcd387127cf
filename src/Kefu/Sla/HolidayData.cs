using System.Text.Json;
using System.Text.Json.Serialization;

namespace Kefu.Sla;

/// <summary>A year of dated exceptions as shipped in Data/cn-holidays.json or posted to the import endpoint.
/// A range (from..to) expands to one day each.</summary>
public sealed record HolidayRange(DateOnly From, DateOnly? To, CalendarDayKind Kind, string Name);

public sealed record HolidayYear(int Year, string Status, string Source, HolidayRange[] Days)
{
    public IEnumerable<CalendarDay> Expand(int calendarId)
    {
        foreach (var r in Days)
            for (var d = r.From; d <= (r.To ?? r.From); d = d.AddDays(1))
                yield return new CalendarDay { CalendarId = calendarId, Date = d, Kind = r.Kind, Name = r.Name };
    }
}

public sealed record HolidaySet(string Calendar, string TimeZone, string About, HolidayYear[] Years);

/// <summary>The mainland-China holiday data that ships with Kefu (embedded resource).</summary>
public static class ShippedHolidays
{
    private static readonly Lazy<HolidaySet> China = new(() =>
    {
        using var stream = typeof(ShippedHolidays).Assembly.GetManifestResourceStream("Kefu.Sla.Data.cn-holidays.json")
            ?? throw new InvalidOperationException("Embedded resource Kefu.Sla.Data.cn-holidays.json is missing.");
        return JsonSerializer.Deserialize<HolidaySet>(stream, Json)!;
    });

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static HolidaySet MainlandChina => China.Value;

    public static HolidayYear? Year(int year) => MainlandChina.Years.FirstOrDefault(y => y.Year == year);
}
