using Kefu.Platform.Presence;
using Kefu.Routing.Assignment;
using Kefu.Routing.Triage;
using Kefu.Tickets;

namespace Kefu.Routing;

public static class RoutingModule
{
    public static void AddRouting(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.Configure<TriageOptions>(builder.Configuration.GetSection("Kefu:Triage"));
        services.AddSingleton<TriageClassifier>();
        services.AddSingleton<TriageRuleCache>();
        services.AddSingleton<TriageTrainingService>();
        services.AddHostedService(sp => sp.GetRequiredService<TriageTrainingService>());
        services.AddScoped<TriageService>();
        services.AddScoped<ITicketThreadEvents, TriageThreadEvents>();
        services.AddScoped<TicketTriage>();
        services.AddScoped<ICreateTriage>(sp => sp.GetRequiredService<TicketTriage>());
        services.AddScoped<AssignmentService>();
        services.AddScoped<IAgentPresence>(sp => sp.GetRequiredService<AssignmentService>());
        services.AddScoped<IAgentPicker>(sp => sp.GetRequiredService<AssignmentService>());
    }

    public static void MapRouting(this WebApplication app)
    {
        app.MapTriageEndpoints();
        app.MapAssignmentEndpoints();
    }
}
