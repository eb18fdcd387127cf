using Kefu.Platform.Database;
using Kefu.Platform.Events;
using Kefu.Sla;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace Kefu.Tests.Sla;

/// <summary>A Kefu server on SQLite whose clock is a FakeTimeProvider; the sweeper loop is off so tests sweep by hand.
/// Starts on Monday 16 March 2026, 09:00 Beijing time.</summary>
public sealed class FakeTimeSlaApp : KefuApp
{
    public static readonly DateTimeOffset Start = new(2026, 3, 16, 1, 0, 0, TimeSpan.Zero);
    public FakeTimeProvider Time { get; } = new(Start);
    public override string Provider => "Sqlite";
    protected override Task<string?> CreateDatabaseAsync() => Task.FromResult<string?>(null);
    protected override void Configure(IWebHostBuilder builder)
    {
        builder.UseSetting("Kefu:Sla:SweeperEnabled", "false");
        builder.ConfigureServices(s => s.AddSingleton<TimeProvider>(Time));
    }
}

public static class SlaTestKit
{
    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 11)];

    /// <summary>Delivers every committed event now (the dispatcher's own loop waits on the fake clock).</summary>
    public static async Task DrainAsync(IServiceProvider services)
    {
        var dispatcher = services.GetRequiredService<OutboxDispatcher>();
        while (await dispatcher.DispatchBatchAsync(CancellationToken.None) > 0) { }
    }

    public static async Task<int> SweepAsync(IServiceProvider services)
    {
        var n = await services.GetRequiredService<SlaSweeper>().SweepAsync(CancellationToken.None);
        await DrainAsync(services);
        return n;
    }

    /// <summary>How many events of a type were recorded for a ticket (from the outbox, which keeps delivered rows).</summary>
    public static async Task<int> EventCountAsync(IServiceProvider services, string type, long ticketId)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDb>();
        var prefix = $"{{\"ticketId\":{ticketId},";
        return await db.Outbox.AsNoTracking().CountAsync(m => m.Type == type && m.Payload.StartsWith(prefix));
    }

    public static async Task<int> CreatePolicyAsync(HttpClient admin, object policy) =>
        (await KefuApp.PostOk(admin, "/api/v1/sla/policies", policy))["id"]!.GetValue<int>();

    public static async Task<long> CreateTicketAsync(HttpClient client, string tag, string priority = "normal", int? teamId = null) =>
        (await KefuApp.PostOk(client, "/api/v1/tickets", new
        {
            subject = Unique("sla"), priority, tags = new[] { tag }, teamId,
            customer = new { email = $"{Guid.NewGuid():N}@example.com" }, message = new { body = "你好，请帮忙" },
        }))["id"]!.GetValue<long>();

    public static async Task<JsonNode> SlaAsync(HttpClient client, long ticketId) =>
        await KefuApp.Json(await client.GetAsync($"/api/v1/tickets/{ticketId}/sla"), expectSuccess: true);

    public static JsonNode Clock(JsonNode sla, string metric) =>
        sla["clocks"]!.AsArray().First(c => c!["metric"]!.GetValue<string>() == metric)!;

    public static DateTime Utc(JsonNode? n) => n!.GetValue<DateTime>().ToUniversalTime();
}
