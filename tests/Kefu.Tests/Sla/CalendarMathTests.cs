using Kefu.Sla;

namespace Kefu.Tests.Sla;

/// <summary>Business-time arithmetic on the shipped mainland-China calendar, Mon–Fri 09:00–18:00 Asia/Shanghai.</summary>
public sealed class CalendarMathTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private static CalendarMath China() => new(Shanghai,
        new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday }
            .Select(d => new CalendarHours { Day = d, StartMinute = 9 * 60, EndMinute = 18 * 60 }),
        ShippedHolidays.MainlandChina.Years.SelectMany(y => y.Expand(1)));

    /// <summary>Beijing wall-clock time as UTC.</summary>
    private static DateTime Bj(int y, int mo, int d, int h, int mi = 0) =>
        TimeZoneInfo.ConvertTimeToUtc(new DateTime(y, mo, d, h, mi, 0, DateTimeKind.Unspecified), Shanghai);

    [Fact]
    public void Two_hours_from_friday_evening_end_on_monday_morning()
    {
        var math = China();
        Assert.Equal(Bj(2026, 3, 16, 10), math.Add(Bj(2026, 3, 13, 17), TimeSpan.FromHours(2)));
        Assert.Equal(TimeSpan.FromHours(2), math.Between(Bj(2026, 3, 13, 17), Bj(2026, 3, 16, 10)));
    }

    [Fact]
    public void A_public_holiday_monday_is_skipped()
    {
        // 清明节 2026: Sat 4 April – Mon 6 April off.
        var math = China();
        Assert.False(math.IsServiceDay(new DateOnly(2026, 4, 6)));
        Assert.Equal(Bj(2026, 4, 7, 10), math.Add(Bj(2026, 4, 3, 17), TimeSpan.FromHours(2)));
    }

    [Fact]
    public void A_make_up_saturday_is_worked_and_the_spring_festival_is_not()
    {
        // 春节 2026: Sat 14 Feb is a 调休 workday, 15–23 Feb off, Sat 28 Feb worked again.
        var math = China();
        Assert.True(math.IsServiceDay(new DateOnly(2026, 2, 14)));
        Assert.Equal(Bj(2026, 2, 14, 10), math.Add(Bj(2026, 2, 13, 17), TimeSpan.FromHours(2)));
        Assert.Equal(Bj(2026, 2, 24, 10), math.Add(Bj(2026, 2, 14, 17), TimeSpan.FromHours(2)));
        // Fri 17:00 → Tue 24th 10:00: one hour on Friday, nine on the make-up Saturday, one on Tuesday.
        Assert.Equal(TimeSpan.FromHours(11), math.Between(Bj(2026, 2, 13, 17), Bj(2026, 2, 24, 10)));
        Assert.True(math.IsServiceDay(new DateOnly(2026, 2, 28)));
        Assert.False(math.IsServiceDay(new DateOnly(2026, 3, 1)));
    }

    [Fact]
    public void A_start_outside_service_hours_counts_from_the_next_opening()
    {
        var math = China();
        Assert.Equal(Bj(2026, 3, 16, 9, 30), math.Add(Bj(2026, 3, 14, 12), TimeSpan.FromMinutes(30)));
        Assert.Equal(Bj(2026, 3, 17, 9, 30), math.Add(Bj(2026, 3, 16, 20), TimeSpan.FromMinutes(30)));
        Assert.Equal(TimeSpan.Zero, math.Between(Bj(2026, 3, 14, 0), Bj(2026, 3, 15, 23)));
    }

    [Fact]
    public void A_lunch_break_is_not_service_time()
    {
        var math = new CalendarMath(Shanghai,
            [new CalendarHours { Day = DayOfWeek.Monday, StartMinute = 9 * 60, EndMinute = 12 * 60 },
             new CalendarHours { Day = DayOfWeek.Monday, StartMinute = 13 * 60, EndMinute = 18 * 60 }], []);
        Assert.Equal(Bj(2026, 3, 16, 13, 30), math.Add(Bj(2026, 3, 16, 11, 30), TimeSpan.FromHours(1)));
    }

    [Fact]
    public void The_shipped_data_covers_this_year_and_next_and_flags_the_provisional_one()
    {
        var years = ShippedHolidays.MainlandChina.Years;
        Assert.Equal([2026, 2027], years.Select(y => y.Year));
        Assert.Equal("official", years[0].Status);
        Assert.Equal("provisional", years[1].Status);
        Assert.Contains("MUST be checked", years[1].Source);
        // National Day 2026: 7 days off, two make-up workdays.
        var y2026 = years[0].Expand(1).ToList();
        Assert.Equal(7, y2026.Count(d => d.Name == "国庆节"));
        Assert.Equal(2, y2026.Count(d => d.Name == "国庆节调休上班"));
    }
}
