namespace Kefu.Platform.Web;

/// <summary>Times shown in the viewer's own time zone (stored times are UTC).</summary>
public sealed class ViewerTime(TimeZoneInfo zone)
{
    public const string DefaultZone = "Asia/Shanghai";

    /// <summary>Common IANA zones offered on the profile page (a user's current zone is offered even if not listed).</summary>
    public static readonly string[] CommonZones =
    [
        "Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Macau", "Asia/Urumqi", "Asia/Tokyo", "Asia/Seoul",
        "Asia/Singapore", "Asia/Kuala_Lumpur", "Asia/Bangkok", "Asia/Ho_Chi_Minh", "Asia/Jakarta", "Asia/Manila",
        "Asia/Kolkata", "Asia/Dubai", "Australia/Sydney", "Australia/Perth", "Pacific/Auckland", "Europe/London",
        "Europe/Paris", "Europe/Berlin", "Europe/Madrid", "Europe/Moscow", "Africa/Johannesburg", "America/New_York",
        "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Toronto", "America/Mexico_City",
        "America/Sao_Paulo", "UTC",
    ];

    public TimeZoneInfo Zone { get; } = zone;

    public static ViewerTime For(string? zoneId) =>
        new(zoneId is not null && TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out var z) ? z
            : TimeZoneInfo.TryFindSystemTimeZoneById(DefaultZone, out var d) ? d : TimeZoneInfo.Utc);

    public DateTime Local(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Zone);

    public string Format(DateTime utc) => Local(utc).ToString("yyyy-MM-dd HH:mm:ss");

    public string FormatShort(DateTime? utc) => utc is { } u ? Local(u).ToString("yyyy-MM-dd HH:mm") : "—";

    /// <summary>The UTC instant a local calendar day starts at, in this zone.</summary>
    public DateTime StartOfDayUtc(DateOnly day) =>
        TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(day.ToDateTime(TimeOnly.MinValue), DateTimeKind.Unspecified), Zone);

    /// <summary>"(UTC+08:00) Asia/Shanghai": the offset now, then the zone's id.</summary>
    public static string Label(string zoneId, DateTime utcNow)
    {
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out var z)) return zoneId;
        var offset = z.GetUtcOffset(utcNow);
        return $"(UTC{(offset < TimeSpan.Zero ? "-" : "+")}{offset:hh\\:mm}) {zoneId}";
    }
}
