using System.Text.Json;
using System.Text.Json.Serialization;
using Kefu.Platform;
using Kefu.Platform.Auth;
using Kefu.Platform.Database;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kefu.Chat;

public static class ChatModule
{
    public static void AddChat(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.Configure<ChatOptions>(builder.Configuration.GetSection("Kefu:Chat"));
        services.AddSingleton<VisitorTokens>();
        services.AddSingleton<ChatRateLimiter>();
        services.AddSingleton<ChatPush>();
        services.AddScoped<ChatService>();
        services.AddScoped<ChatSends>();
        services.AddSingleton<ChatWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<ChatWriter>());
        services.AddScoped<ChatSiteService>();
        services.AddScoped<ChatTranscripts>();
        services.AddScoped<ChatFlags>();
        services.AddScoped<Kefu.Tickets.IUploadReferences, ChatUploadReferences>();
        services.AddSingleton<Kefu.Platform.Presence.ILiveChats, LiveChats>();
        services.AddHostedService<ChatSeeder>();
        services.AddSignalR(o => o.MaximumReceiveMessageSize = 64 * 1024)
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower)))
            .AddMessagePackProtocol();
        // The widget runs on customers' sites: its HTTP calls are cross-origin. Each call still checks the origin
        // against the site's allowed origins; no cookies are involved.
        services.AddCors(o => o.AddPolicy(ChatEndpoints.WidgetCors, p => p.SetIsOriginAllowed(_ => true)
            .WithHeaders("X-Kefu-Site", "X-Kefu-Visitor", "Content-Type").WithMethods("GET", "POST")));
    }

    public static void MapChat(this WebApplication app)
    {
        app.UseCors();
        app.MapHub<WidgetHub>("/hubs/widget");
        app.MapChatEndpoints();
        app.MapChatFlagEndpoints();
    }
}

/// <summary>With demo data, a widget site with the key "demo" (any origin, first team's queue) so the snippet works at once.</summary>
internal sealed class ChatSeeder(IServiceScopeFactory scopes, IOptions<KefuOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        if (!options.Value.Demo) return;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDb>();
        if (await db.Set<ChatSite>().AnyAsync(ct)) return;
        var team = await db.Teams.AsNoTracking().OrderBy(t => t.Id).Select(t => (int?)t.Id).FirstOrDefaultAsync(ct);
        await scope.ServiceProvider.GetRequiredService<ChatSiteService>().CreateAsync(new SaveChatSiteRequest(
            "Demo", team, ["*"], "#1565c0", "您好！有什么可以帮您？ / Hi! How can we help?",
            "客服暂时不在线，请留言，我们会通过邮件回复您。 / We are offline: leave a message and we will reply by email.", ["name", "email"]), ct, key: "demo");
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
