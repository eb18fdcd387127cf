using Kefu.Sla;

namespace Kefu.Tests.Sla;

/// <summary>The shipped mainland-China data against the State Council's notices.</summary>
public sealed class ShippedHolidaysTests
{
    private static DateOnly D(string s) => DateOnly.Parse(s);

    [Fact]
    public void The_2026_year_is_the_official_arrangement_day_by_day()
    {
        // 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04).
        var year = ShippedHolidays.Year(2026)!;
        Assert.Equal("official", year.Status);
        var days = year.Expand(1).ToList();
        string[] holidays =
        [
            "2026-01-01", "2026-01-02", "2026-01-03",
            "2026-02-15", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20", "2026-02-21", "2026-02-22", "2026-02-23",
            "2026-04-04", "2026-04-05", "2026-04-06",
            "2026-05-01", "2026-05-02", "2026-05-03", "2026-05-04", "2026-05-05",
            "2026-06-19", "2026-06-20", "2026-06-21",
            "2026-09-25", "2026-09-26", "2026-09-27",
            "2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "2026-10-05", "2026-10-06", "2026-10-07",
        ];
        string[] workdays = ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"];
        Assert.Equal(holidays.Select(D), days.Where(d => d.Kind == CalendarDayKind.Holiday).Select(d => d.Date).Order());
        Assert.Equal(workdays.Select(D), days.Where(d => d.Kind == CalendarDayKind.Workday).Select(d => d.Date).Order());
        // Every make-up workday is a weekend day, and no day is listed twice.
        Assert.All(workdays.Select(D), d => Assert.True(d.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday, $"{d} is a weekday"));
        Assert.Equal(days.Count, days.Select(d => d.Date).Distinct().Count());
    }

    [Fact]
    public void The_2027_year_stays_marked_provisional_until_the_official_notice_is_checked()
    {
        var year = ShippedHolidays.Year(2027)!;
        Assert.Equal("provisional", year.Status);
        Assert.Contains("PROVISIONAL", year.Source);
        // The statutory days themselves are fixed by the 2024 rules and the lunar calendar.
        var holidays = year.Expand(1).Where(d => d.Kind == CalendarDayKind.Holiday).Select(d => d.Date).ToHashSet();
        Assert.Contains(D("2027-02-06"), holidays); // 春节 (正月初一)
        Assert.Contains(D("2027-04-05"), holidays); // 清明
        Assert.Contains(D("2027-06-09"), holidays); // 端午
        Assert.Contains(D("2027-09-15"), holidays); // 中秋
        Assert.All(year.Expand(1).Where(d => d.Kind == CalendarDayKind.Workday),
            d => Assert.True(d.Date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday, $"{d.Date} is a weekday"));
    }
}
