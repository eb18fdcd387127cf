using Kefu.Platform.Events;
using Kefu.Routing.Triage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Kefu.Tests.Routing;

/// <summary>Triage on, and a clock that stands still: an outbox back-off never ends by itself.</summary>
public sealed class TriageStillClockApp : SqliteApp
{
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    protected override void Configure(IWebHostBuilder builder)
    {
        TriageAppSettings.Apply(builder);
        builder.ConfigureServices(s => s.AddSingleton<TimeProvider>(Time));
    }
}

/// <summary>A server of its own (so nothing else has asked for the model yet): the triage model is not loaded at
/// start, the first ticket asks for it without waiting, and that ticket is triaged afterwards by the event handler.</summary>
public sealed class TriageLazyLoadTests(TriageStillClockApp app) : IClassFixture<TriageStillClockApp>
{
    [Fact]
    public async Task The_model_loads_on_first_demand_and_the_ticket_that_asked_is_triaged_afterwards()
    {
        var classifier = app.Service<TriageClassifier>();
        var before = await KefuApp.Json(await app.Admin.GetAsync("/api/v1/triage/models"), true);
        Assert.Equal("not_loaded", before["state"]!.GetValue<string>());
        Assert.False(before["ready"]!.GetValue<bool>());
        Assert.Null(classifier.Current);
        // The starter rules are seeded at start all the same.
        var rules = await KefuApp.Json(await app.Admin.GetAsync("/api/v1/triage/rules"), true);
        Assert.Contains(rules.AsArray(), r => r!["name"]!.GetValue<string>().Contains("account takeover"));

        // The create does not wait for the model: the ticket is created as given, untriaged.
        var t = await KefuApp.PostOk(app.Admin, "/api/v1/tickets", new
        {
            subject = "APP问题",
            customer = new { email = $"t{Guid.NewGuid():N}@example.com" },
            message = new { body = "更新以后一打开就闪退，重装了也没用" },
        });
        var id = t["id"]!.GetValue<long>();
        Assert.Null(t["category"]);
        Assert.True(classifier.Wanted);
        var loading = await KefuApp.Json(await app.Admin.GetAsync("/api/v1/triage/models"), true);
        Assert.Contains(loading["state"]!.GetValue<string>(), new[] { "loading", "ready" });

        // The model loads in the background (from the shared cache file, or trained). TicketCreated reaches the triage
        // handler at once; while the model loads the handler defers it. When the model is ready the deferred event is
        // due again at once: the clock stands still here, so no back-off ever ends and only that wake-up can deliver it.
        var dispatcher = app.Service<OutboxDispatcher>();
        await dispatcher.DispatchBatchAsync(default);
        await classifier.Ready.WaitAsync(TimeSpan.FromMinutes(10));
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        HttpResponseMessage response;
        while ((response = await app.Admin.GetAsync($"/api/v1/triage/decisions/{id}")).StatusCode == HttpStatusCode.NotFound)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Triage did not handle ticket {id}");
            await dispatcher.DispatchBatchAsync(default);
            await Task.Delay(20);
        }
        Assert.Equal("技术支持/APP故障/闪退", (await KefuApp.Json(response, true))["category"]!.GetValue<string>());
        var ticket = await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/tickets/{id}"), true);
        Assert.Equal("技术支持/APP故障/闪退", ticket["category"]!["path"]!.GetValue<string>());
        var audit = await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/tickets/{id}/audit"), true);
        Assert.Equal("system", audit.AsArray().Single(a => a!["action"]!.GetValue<string>() == "updated")!["via"]!.GetValue<string>());

        var after = await KefuApp.Json(await app.Admin.GetAsync("/api/v1/triage/models"), true);
        Assert.Equal("ready", after["state"]!.GetValue<string>());
        Assert.Equal(classifier.Current!.Version, after["currentVersion"]!.GetValue<int>());
    }
}
