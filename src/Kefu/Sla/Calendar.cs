using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kefu.Sla;

/// <summary>A business calendar: a time zone, weekly service hours, and dated exceptions (holidays, 调休 workdays).</summary>
public sealed class BusinessCalendar
{
    public int Id { get; set; }
    public required string Name { get; set; }
    /// <summary>IANA zone the hours are read in, e.g. Asia/Shanghai.</summary>
    public required string TimeZoneId { get; set; }
    /// <summary>Used by policies that name no calendar.</summary>
    public bool IsDefault { get; set; }
    public DateTime CreatedAt { get; set; }
    public int Version { get; set; }
    public List<CalendarHours> Hours { get; set; } = [];
    public List<CalendarDay> Days { get; set; } = [];
}

/// <summary>One service interval on a weekday, in local minutes since midnight (a day may have several, e.g. a lunch break).</summary>
public sealed class CalendarHours
{
    public int Id { get; set; }
    public int CalendarId { get; set; }
    public DayOfWeek Day { get; set; }
    public int StartMinute { get; set; }
    public int EndMinute { get; set; }
}

public enum CalendarDayKind
{
    /// <summary>A public holiday (or a bridging day off): no service hours.</summary>
    Holiday,
    /// <summary>A make-up workday (调休), usually a weekend day: the calendar's standard workday hours apply.</summary>
    Workday,
}

/// <summary>A dated exception to the weekly hours.</summary>
public sealed class CalendarDay
{
    public int CalendarId { get; set; }
    public DateOnly Date { get; set; }
    public CalendarDayKind Kind { get; set; }
    public required string Name { get; set; }
}

internal sealed class CalendarConfiguration :
    IEntityTypeConfiguration<BusinessCalendar>, IEntityTypeConfiguration<CalendarHours>, IEntityTypeConfiguration<CalendarDay>
{
    public void Configure(EntityTypeBuilder<BusinessCalendar> b)
    {
        b.ToTable("sla_calendars");
        b.Property(x => x.Name).HasMaxLength(100);
        b.Property(x => x.TimeZoneId).HasMaxLength(64);
        b.HasIndex(x => x.Name).IsUnique();
        b.Property(x => x.Version).IsConcurrencyToken();
        b.HasMany(x => x.Hours).WithOne().HasForeignKey(h => h.CalendarId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(x => x.Days).WithOne().HasForeignKey(d => d.CalendarId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<CalendarHours> b)
    {
        b.ToTable("sla_calendar_hours");
        b.HasIndex(x => x.CalendarId);
    }

    public void Configure(EntityTypeBuilder<CalendarDay> b)
    {
        b.ToTable("sla_calendar_days");
        b.HasKey(x => new { x.CalendarId, x.Date });
        b.Property(x => x.Name).HasMaxLength(100);
    }
}
