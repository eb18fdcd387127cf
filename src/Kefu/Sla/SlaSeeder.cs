using Kefu.Platform;
using Kefu.Platform.Database;
using Kefu.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Sla;

/// <summary>
/// First start (after migrations, before the server takes requests): a default mainland-China calendar with the
/// shipped years, four starter policies, the three escalation tiers and the settings row. Idempotent per table.
/// </summary>
public sealed class SlaSeeder(IServiceScopeFactory scopes, TimeProvider time, ILogger<SlaSeeder> log) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken ct) => EnsureDefaultsAsync(ct);

    /// <summary>Seeds what is missing (idempotent); also called by <see cref="SlaBackfill"/> when the demo seeds earlier.</summary>
    public async Task EnsureDefaultsAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var uow = sp.GetRequiredService<UnitOfWork>();
        var db = uow.Db;
        try
        {
            if (!await db.Set<BusinessCalendar>().AnyAsync(ct))
            {
                var calendars = sp.GetRequiredService<CalendarService>();
                await uow.RunAsync(async c =>
                {
                    var weekdays = new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday };
                    var cal = await calendars.CreateAsync(new CalendarRequest("中国大陆 Mainland China", "Asia/Shanghai", true,
                        [.. weekdays.Select(d => new WeeklyHoursDto(d, "09:00", "18:00"))]), c);
                    foreach (var year in ShippedHolidays.MainlandChina.Years)
                        await calendars.ImportYearAsync(cal.Id, new ImportYearRequest(year.Year, null), c);
                }, ct);
            }
            if (!await db.Set<SlaPolicy>().AnyAsync(ct))
            {
                var now = time.UtcNow();
                db.AddRange(
                    Policy("Urgent / 紧急", 10, now, p => { p.Priorities = [TicketPriority.Urgent]; p.FirstResponseMinutes = 30; p.NextResponseMinutes = 60; p.ResolutionMinutes = 4 * 60; p.BusinessHours = false; }),
                    Policy("VIP", 20, now, p => { p.Tags = ["VIP"]; p.FirstResponseMinutes = 60; p.NextResponseMinutes = 120; p.ResolutionMinutes = 8 * 60; }),
                    Policy("VIP customer / VIP 客户", 21, now, p => { p.CustomerTags = [CustomerTags.Vip]; p.FirstResponseMinutes = 60; p.NextResponseMinutes = 120; p.ResolutionMinutes = 8 * 60; }),
                    Policy("High / 高", 30, now, p => { p.Priorities = [TicketPriority.High]; p.FirstResponseMinutes = 120; p.NextResponseMinutes = 240; p.ResolutionMinutes = 16 * 60; }),
                    Policy("Standard / 标准", 100, now, p => { p.FirstResponseMinutes = 240; p.NextResponseMinutes = 480; p.ResolutionMinutes = 27 * 60; }));
                await uow.RunAsync(c => db.SaveChangesAsync(c), ct);
            }
            if (!await db.Set<EscalationTier>().AnyAsync(ct))
            {
                db.AddRange(EscalationService.DefaultTiers());
                await uow.RunAsync(c => db.SaveChangesAsync(c), ct);
            }
            if (!await db.Set<EscalationRule>().AnyAsync(ct))
            {
                db.AddRange(EscalationRuleService.Defaults(time.UtcNow()));
                await uow.RunAsync(c => db.SaveChangesAsync(c), ct);
            }
            if (!await db.Set<SlaSettings>().AnyAsync(ct))
            {
                db.Add(new SlaSettings { Version = 1 });
                await uow.RunAsync(c => db.SaveChangesAsync(c), ct);
            }
        }
        catch (DbUpdateException ex)
        {
            // Another node seeded at the same moment; its rows win.
            log.LogInformation(ex, "SLA defaults were seeded concurrently by another node");
        }
    }

    private static SlaPolicy Policy(string name, int position, DateTime now, Action<SlaPolicy> set)
    {
        var p = new SlaPolicy { Name = name, Position = position, CreatedAt = now, UpdatedAt = now, Version = 1, WarnAtPercent = 75 };
        set(p);
        return p;
    }

    public Task StartAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken ct) => Task.CompletedTask;
}
