using Kefu.Tickets.Views;

namespace Kefu.Tickets;

public static class TicketsModule
{
    public static void AddTickets(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<CustomerService>();
        builder.Services.AddScoped<CustomerTags>();
        builder.Services.AddScoped<TicketService>();
        builder.Services.AddScoped<TicketQueries>();
        builder.Services.AddScoped<TicketBulk>();
        builder.Services.AddSingleton<Kefu.Platform.Audit.IAuditEntityDisplay, TicketAuditDisplay>();
        builder.Services.AddScoped<Kefu.Platform.Audit.IAuditEntityScope, TicketAuditScope>();
        builder.Services.AddScoped<AttachmentStore>();
        builder.Services.AddSingleton<AttachmentSweeper>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AttachmentSweeper>());
        builder.Services.AddScoped<TagService>();
        builder.Services.AddScoped<TaxonomyService>();
        builder.Services.AddScoped<SavedViewService>();
        builder.Services.AddSingleton<TaxonomyCache>();
        builder.Services.AddSingleton<Live.TicketFeed>();
        builder.Services.AddSingleton<Live.PresenceTracker>();
    }

    public static void MapTickets(this WebApplication app)
    {
        app.MapTicketsEndpoints();
        app.MapCustomersEndpoints();
        app.MapCatalogEndpoints();
        app.MapAttachmentsEndpoints();
        app.MapSavedViewsEndpoints();
    }
}
