using Kefu.Tickets;

namespace Kefu.Sla;

public static class SlaModule
{
    public static void AddSla(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.Configure<SlaOptions>(builder.Configuration.GetSection("Kefu:Sla"));
        services.AddSingleton<SlaCache>();
        services.AddScoped<SlaEngine>();
        services.AddScoped<SlaQueries>();
        services.AddScoped<CalendarService>();
        services.AddScoped<PolicyService>();
        services.AddScoped<EscalationService>();
        services.AddScoped<UrgentEscalation>();
        services.AddScoped<EscalationRuleService>();
        services.AddScoped<ApprovalService>();
        services.AddScoped<ITicketSlotProvider, SlaSlotProvider>();
        services.AddScoped<ITicketThreadEvents, SlaThreadEvents>();
        services.AddScoped<Kefu.Platform.Presence.ITicketDueTimes, SlaDueTimes>();
        services.AddSingleton(new TicketPaneSlot(typeof(Pages.SlaPanel)));
        services.AddSingleton<SlaSeeder>();
        services.AddHostedService(sp => sp.GetRequiredService<SlaSeeder>());
        services.AddScoped<SlaBackfill>();
        services.AddSingleton<SlaSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<SlaSweeper>());
    }

    public static void MapSla(this WebApplication app) => app.MapSlaEndpoints();
}
