using Kefu.Routing.Triage;

namespace Kefu.Tests.Routing;

/// <summary>A server of its own (so nothing else has asked for the model yet): the triage model is not loaded at
/// start, the first ticket asks for it without waiting, and that ticket is triaged afterwards by the event handler.</summary>
public sealed class TriageLazyLoadTests(TriageSqliteApp app) : IClassFixture<TriageSqliteApp>
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

        // The model loads in the background (from the shared cache file, or trained); then the handler's next delivery
        // of TicketCreated triages the ticket as the system.
        await classifier.Ready.WaitAsync(TimeSpan.FromMinutes(10));
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        HttpResponseMessage response;
        while ((response = await app.Admin.GetAsync($"/api/v1/triage/decisions/{id}")).StatusCode == HttpStatusCode.NotFound)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Triage did not handle ticket {id}");
            await Task.Delay(50);
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
