using System.Net.Http.Headers;
using Kefu.Routing.Triage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Tests.Routing;

/// <summary>Triage end to end through the API on a real database; run once per provider.</summary>
public abstract class TriageApiTests(KefuApp app)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    private async Task<JsonNode> Create(string subject, string body, object? extra = null)
    {
        var node = new JsonObject
        {
            ["subject"] = subject,
            ["customer"] = new JsonObject { ["email"] = $"t{Guid.NewGuid():N}@example.com" },
            ["message"] = new JsonObject { ["body"] = body },
        };
        if (extra is not null)
            foreach (var (k, v) in JsonSerializer.SerializeToNode(extra)!.AsObject()) node[k] = v?.DeepClone();
        return await KefuApp.PostOk(app.Admin, "/api/v1/tickets", node);
    }

    /// <summary>Waits until triage has handled the ticket (its decision is recorded), then returns the decision. A ticket
    /// created before the model was loaded is triaged by the event handler at its next delivery after the model is in
    /// (the outbox backs off 2 s, 4 s, 8 s, …), so the wait starts once the model is there.</summary>
    private async Task<JsonNode> Decision(long ticketId)
    {
        await Ready();
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var response = await app.Admin.GetAsync($"/api/v1/triage/decisions/{ticketId}");
            if (response.StatusCode == HttpStatusCode.OK) return await KefuApp.Json(response);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Triage did not handle ticket {ticketId}");
            await Task.Delay(50);
        }
    }

    /// <summary>Asks for the model (it is loaded on first demand, not at start) and waits until this server has it
    /// (loaded from the shared cache, or trained), as the API then reports.</summary>
    private async Task Ready()
    {
        await app.Service<TriageClassifier>().WaitAsync(default).WaitAsync(TimeSpan.FromMinutes(10));
        var models = await KefuApp.Json(await app.Admin.GetAsync("/api/v1/triage/models"), true);
        Assert.True(models["ready"]!.GetValue<bool>());
        Assert.Equal("ready", models["state"]!.GetValue<string>());
    }

    private async Task<JsonNode> Ticket(long id) => await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/tickets/{id}"), true);

    private async Task<int> CategoryId(string path)
    {
        var tree = await KefuApp.Json(await app.Admin.GetAsync("/api/v1/taxonomy"), true);
        IEnumerable<JsonNode> All(JsonNode n) => new[] { n }.Concat(n["children"]!.AsArray().SelectMany(c => All(c!)));
        return tree.AsArray().SelectMany(n => All(n!)).Single(n => n["path"]!.GetValue<string>() == path)["id"]!.GetValue<int>();
    }

    [Fact]
    public async Task A_new_ticket_is_created_with_category_priority_and_team_from_triage()
    {
        var leafId = await CategoryId("技术支持/APP故障/闪退");
        var team = await app.Admin.PatchAsJsonAsync($"/api/v1/taxonomy/{leafId}", new { defaultTeamId = app.TeamA });
        Assert.Equal(HttpStatusCode.OK, team.StatusCode);
        await Ready();
        var t = await Create("APP问题", "更新以后一打开就闪退，重装了也没用");
        var id = t["id"]!.GetValue<long>();
        // Decided while creating: the create response already carries it, and the ticket was written once.
        Assert.Equal("技术支持/APP故障/闪退", t["category"]!["path"]!.GetValue<string>());
        Assert.Equal("high", t["priority"]!.GetValue<string>()); // the leaf's default priority
        Assert.Equal(app.TeamA, t["team"]!["id"]!.GetValue<int>()); // the leaf's default team
        Assert.Equal(1, t["version"]!.GetValue<int>());
        var decision = await Decision(id);
        Assert.Equal("技术支持/APP故障/闪退", decision["category"]!.GetValue<string>());
        Assert.False(decision["manual"]!.GetValue<bool>());

        var audit = await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/tickets/{id}/audit"), true);
        var created = audit.AsArray().Single(a => a!["action"]!.GetValue<string>() == "created")!;
        Assert.Equal("技术支持/APP故障/闪退", created["changes"]!["triage"]!["category"]!.GetValue<string>());
        Assert.DoesNotContain(audit.AsArray(), a => a!["action"]!.GetValue<string>() == "updated");
    }

    [Fact]
    public async Task A_ticket_created_before_the_model_was_ready_is_triaged_afterwards_as_the_system()
    {
        await Ready();
        var t = await Create("APP问题", "更新以后一打开就闪退，重装了也没用");
        var id = t["id"]!.GetValue<long>();
        await Decision(id);
        // Make it what a ticket created while the model was training looks like: untriaged, no decision yet.
        await using (var scope = app.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Kefu.Platform.Database.KefuDb>();
            await db.Set<Kefu.Routing.Triage.TriageDecision>().Where(d => d.TicketId == id).ExecuteDeleteAsync();
            await db.Set<Kefu.Tickets.Ticket>().Where(x => x.Id == id).ExecuteUpdateAsync(s => s
                .SetProperty(x => x.CategoryId, (int?)null).SetProperty(x => x.TeamId, (int?)null)
                .SetProperty(x => x.Priority, Kefu.Tickets.TicketPriority.Normal));
        }
        var created = new Kefu.Tickets.TicketCreated(id, t["customer"]!["id"]!.GetValue<long>(), Kefu.Tickets.Channel.Api);
        await using (var scope = app.Factory.Services.CreateAsyncScope())
        {
            var handler = scope.ServiceProvider.GetRequiredService<Kefu.Routing.Triage.TriageTicketHandler>();
            Assert.True(handler.Handles(created));
            Assert.False(handler.Handles(created with { Triaged = true }));
            var uow = scope.ServiceProvider.GetRequiredService<Kefu.Platform.Database.UnitOfWork>();
            await uow.RunAsync(c => handler.HandleAsync(created, new Kefu.Platform.Events.EventContext(0, DateTime.UtcNow), c), default);
        }
        Assert.Equal("技术支持/APP故障/闪退", (await Decision(id))["category"]!.GetValue<string>());
        Assert.Equal("技术支持/APP故障/闪退", (await Ticket(id))["category"]!["path"]!.GetValue<string>());
        var audit = await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/tickets/{id}/audit"), true);
        var update = audit.AsArray().Single(a => a!["action"]!.GetValue<string>() == "updated");
        Assert.Equal("system", update!["via"]!.GetValue<string>());
        Assert.Null(update["actorId"]);
    }

    [Fact]
    public async Task A_stolen_account_is_urgent()
    {
        var t = await Create("帳號被盜", "我的帳號被人盜了，現在登不進去，裡面還綁著信用卡");
        var id = t["id"]!.GetValue<long>();
        var decision = await Decision(id);
        Assert.StartsWith("技术支持/账号问题/", decision["category"]!.GetValue<string>());
        Assert.Equal("urgent", (await Ticket(id))["priority"]!.GetValue<string>());
    }

    [Fact]
    public async Task What_the_creator_set_is_kept()
    {
        var t = await Create("退款", "我要退款，东西坏了", new { category = "投诉建议/产品建议/体验反馈", priority = "low" });
        var id = t["id"]!.GetValue<long>();
        var decision = await Decision(id);
        Assert.Null(decision["category"]);
        Assert.Equal("订单服务/售后问题/退款申请", decision["predictedCategory"]!.GetValue<string>());
        var ticket = await Ticket(id);
        Assert.Equal("投诉建议/产品建议/体验反馈", ticket["category"]!["path"]!.GetValue<string>());
        Assert.Equal("low", ticket["priority"]!.GetValue<string>());
        Assert.Equal(1, ticket["version"]!.GetValue<int>()); // not touched at all
    }

    [Fact]
    public async Task Decisions_follow_the_tickets_visibility_and_corrections_are_for_taxonomy_managers_only()
    {
        var t = await Create("物流", "快递一直没发货，等了五天了，电话 13812345678", new { teamId = app.TeamB });
        var id = t["id"]!.GetValue<long>();
        await Decision(id);
        // The decision of a ticket answers as the ticket does: its team sees it; another team's agent gets 403 (as for
        // GET /tickets/{id}); an unknown ticket is 404 for everyone.
        Assert.Equal(HttpStatusCode.OK, (await app.AgentB.Http.GetAsync($"/api/v1/triage/decisions/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.AgentA.Http.GetAsync($"/api/v1/tickets/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.AgentA.Http.GetAsync($"/api/v1/triage/decisions/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Outsourced.Http.GetAsync($"/api/v1/triage/decisions/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.AgentA.Http.GetAsync($"/api/v1/triage/decisions/{id + 100000}")).StatusCode);

        // The corrections hold the opening text of any team's tickets: training data for whoever retrains the model
        // (taxonomy.manage), not for everyone who reads the category tree.
        var editor = await app.CreateStaff("editor.k", "Knowledge Editor", ["knowledge_editor"], []);
        foreach (var staff in new[] { app.AgentA, app.AgentB, app.Outsourced, app.Inspector, app.Lead, app.Supervisor, editor })
            Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.GetAsync("/api/v1/triage/corrections")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Admin.GetAsync("/api/v1/triage/corrections")).StatusCode);
        // Reading the rules and the category tree stays open to them.
        Assert.Equal(HttpStatusCode.OK, (await editor.Http.GetAsync("/api/v1/triage/rules")).StatusCode);
    }

    [Fact]
    public async Task Triage_never_files_a_ticket_under_a_retired_branch()
    {
        // A rule sends the marker to a leaf; once the leaf's level-1 category is retired, the leaf (still active itself)
        // is not assigned: the ticket goes to manual triage, and no new rule can point there.
        var marker = "停用" + Guid.NewGuid().ToString("N")[..6];
        var root = await KefuApp.PostOk(app.Admin, "/api/v1/taxonomy", new { name = marker });
        var mid = await KefuApp.PostOk(app.Admin, "/api/v1/taxonomy", new { parentId = root["id"]!.GetValue<int>(), name = "中" });
        await KefuApp.PostOk(app.Admin, "/api/v1/taxonomy", new { parentId = mid["id"]!.GetValue<int>(), name = "叶" });
        var leaf = $"{marker}/中/叶";
        var rule = await KefuApp.PostOk(app.Admin, "/api/v1/triage/rules", new { name = marker, pattern = marker, isRegex = false, category = leaf });
        var ruleId = rule["id"]!.GetValue<int>();
        try
        {
            await Ready();
            Assert.Equal(leaf, (await Create("规则", $"有关 {marker}"))["category"]!["path"]!.GetValue<string>());

            var retire = await app.Admin.PatchAsJsonAsync($"/api/v1/taxonomy/{root["id"]}", new { isActive = false });
            Assert.Equal(HttpStatusCode.OK, retire.StatusCode);
            var t = await Create("规则", $"有关 {marker}");
            var decision = await Decision(t["id"]!.GetValue<long>());
            Assert.Null(t["category"]);
            Assert.Null(decision["category"]);
            Assert.True(decision["manual"]!.GetValue<bool>());

            var refused = await app.Admin.PostAsJsonAsync("/api/v1/triage/rules", new { name = "x", pattern = "x", isRegex = false, category = leaf });
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.NotNull((await KefuApp.Json(refused))["errors"]!["category"]);
        }
        finally
        {
            Assert.Equal(HttpStatusCode.NoContent, (await app.Admin.DeleteAsync($"/api/v1/triage/rules/{ruleId}")).StatusCode);
        }
    }

    [Fact]
    public async Task A_vague_ticket_goes_to_the_manual_triage_queue()
    {
        var t = await Create("hello", "hello");
        var id = t["id"]!.GetValue<long>();
        var decision = await Decision(id);
        Assert.True(decision["manual"]!.GetValue<bool>());
        Assert.Null(decision["category"]);
        var ticket = await Ticket(id);
        Assert.Null(ticket["category"]);
        Assert.Contains("manual-triage", ticket["tags"]!.AsArray().Select(x => x!.GetValue<string>()));
    }

    [Fact]
    public async Task Admin_rules_override_the_model_and_are_validated()
    {
        var marker = "暗号" + Guid.NewGuid().ToString("N")[..6];
        var rule = await KefuApp.PostOk(app.Admin, "/api/v1/triage/rules", new
        {
            name = "test rule", pattern = marker + "|never-matches-anything", isRegex = false,
            category = "投诉建议/产品建议/功能优化", priority = "urgent",
        });
        var ruleId = rule["id"]!.GetValue<int>();
        try
        {
            await Ready();
            var preview = await KefuApp.PostOk(app.Admin, "/api/v1/triage/classify", new { text = $"APP一打开就闪退 {marker}" });
            Assert.Equal("投诉建议/产品建议/功能优化", preview["category"]!.GetValue<string>());
            Assert.Equal("urgent", preview["priority"]!.GetValue<string>());
            Assert.Equal(ruleId, preview["ruleId"]!.GetValue<int>());
            Assert.Equal("技术支持/APP故障/闪退", preview["predictedCategory"]!.GetValue<string>());

            var t = await Create("闪退", $"APP一打开就闪退 {marker}");
            var id = t["id"]!.GetValue<long>();
            Assert.Equal(ruleId, (await Decision(id))["ruleId"]!.GetValue<int>());
            var ticket = await Ticket(id);
            Assert.Equal("投诉建议/产品建议/功能优化", ticket["category"]!["path"]!.GetValue<string>());
            Assert.Equal("urgent", ticket["priority"]!.GetValue<string>());

            var rules = await KefuApp.Json(await app.Admin.GetAsync("/api/v1/triage/rules"), true);
            Assert.Contains(rules.AsArray(), r => r!["id"]!.GetValue<int>() == ruleId);
            Assert.Contains(rules.AsArray(), r => r!["name"]!.GetValue<string>().Contains("account takeover"));
        }
        finally
        {
            Assert.Equal(HttpStatusCode.NoContent, (await app.Admin.DeleteAsync($"/api/v1/triage/rules/{ruleId}")).StatusCode);
        }

        var bad = await app.Admin.PostAsJsonAsync("/api/v1/triage/rules", new { name = "bad", pattern = "(unclosed", isRegex = true, priority = "high" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.NotNull((await KefuApp.Json(bad))["errors"]!["pattern"]);
        var noEffect = await app.Admin.PostAsJsonAsync("/api/v1/triage/rules", new { name = "bad", pattern = "x", isRegex = false });
        Assert.Equal(HttpStatusCode.BadRequest, noEffect.StatusCode);
        var notLeaf = await app.Admin.PostAsJsonAsync("/api/v1/triage/rules", new { name = "bad", pattern = "x", isRegex = false, category = "订单服务" });
        Assert.NotNull((await KefuApp.Json(notLeaf))["errors"]!["category"]);
        var agent = await app.AgentA.Http.PostAsJsonAsync("/api/v1/triage/rules", new { name = "x", pattern = "x", isRegex = false, priority = "high" });
        Assert.Equal(HttpStatusCode.Forbidden, agent.StatusCode);
    }

    [Fact]
    public async Task An_agent_correction_is_recorded_and_retraining_swaps_in_a_new_version()
    {
        var t = await Create("物流", "快递一直没发货，等了五天了");
        var id = t["id"]!.GetValue<long>();
        var decision = await Decision(id);
        var predicted = decision["category"]!.GetValue<string>();
        var corrected = predicted == "订单服务/物流问题/快递丢失" ? "订单服务/物流问题/未发货" : "订单服务/物流问题/快递丢失";

        var patch = await app.Admin.PatchAsJsonAsync($"/api/v1/tickets/{id}", new { category = corrected });
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);

        var deadline = DateTime.UtcNow + Patience;
        JsonNode? example = null;
        while (example is null)
        {
            var list = await KefuApp.Json(await app.Admin.GetAsync("/api/v1/triage/corrections?limit=200"), true);
            example = list["items"]!.AsArray().FirstOrDefault(c => c!["ticketId"]!.GetValue<long>() == id);
            if (example is null && DateTime.UtcNow > deadline) throw new TimeoutException("The correction was not recorded");
            if (example is null) await Task.Delay(50);
        }
        Assert.Equal(corrected, example["category"]!.GetValue<string>());
        Assert.Equal(predicted, example["predictedCategory"]!.GetValue<string>());
        Assert.Contains("没发货", example["text"]!.GetValue<string>());

        await Ready();
        var before = await KefuApp.Json(await app.Admin.GetAsync("/api/v1/triage/models"), true);
        var oldVersion = before["currentVersion"]!.GetValue<int>();
        Assert.True(before["pendingCorrections"]!.GetValue<int>() >= 1);
        var first = before["versions"]!.AsArray().Last()!;
        Assert.Equal(1, first["version"]!.GetValue<int>());
        Assert.True(first["holdbackCount"]!.GetValue<int>() >= 112);
        Assert.True(first["holdbackAccuracy"]!.GetValue<double>() >= 0.85);

        // Retraining runs in the background: the request answers 202 with the job at once; the test then waits for the
        // job's completion (the service's event, in process), and checks the outcome through the API.
        var accepted = await app.Admin.PostAsJsonAsync("/api/v1/triage/models/retrain", new { });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var job = await KefuApp.Json(accepted);
        var jobId = job["id"]!.GetValue<int>();
        Assert.Contains(job["state"]!.GetValue<string>(), new[] { "queued", "training" });
        Assert.Equal($"/api/v1/triage/models/retrain/{jobId}", accepted.Headers.Location!.OriginalString);
        // Asking again while it is pending returns the same job rather than queueing a second training.
        // (Unless the first finished in between: then the second is a new job, learns nothing new and fails.)
        var again = await KefuApp.Json(await app.Admin.PostAsJsonAsync("/api/v1/triage/models/retrain", new { }));
        var againId = again["id"]!.GetValue<int>();
        // Each queued job is audited once (the second request added a row only if it queued a job of its own).
        var audited = (await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/audit?entityType=triage_model&entityId={jobId}"), true))["items"]!.AsArray();
        Assert.Equal("retrain_requested", Assert.Single(audited)!["action"]!.GetValue<string>());
        var finished = await app.Service<TriageTrainingService>().WhenRetrainDoneAsync(jobId).WaitAsync(TimeSpan.FromMinutes(10));
        if (againId != jobId)
        {
            Assert.True(finished.FinishedAt <= (await app.Service<TriageTrainingService>().WhenRetrainDoneAsync(againId).WaitAsync(TimeSpan.FromMinutes(10))).StartedAt,
                "a second job is only queued once the first has finished");
        }
        Assert.Equal(TriageRetrainState.Succeeded, finished.State);
        var status = await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/triage/models/retrain/{jobId}"), true);
        Assert.Equal("succeeded", status["state"]!.GetValue<string>());
        var retrained = status;
        Assert.True(retrained["version"]!.GetValue<int>() > oldVersion);
        var after = await KefuApp.Json(await app.Admin.GetAsync("/api/v1/triage/models"), true);
        Assert.Equal(retrained["version"]!.GetValue<int>(), after["currentVersion"]!.GetValue<int>());
        Assert.Equal(againId == jobId ? "succeeded" : "failed", after["retrain"]!["state"]!.GetValue<string>());
        Assert.Contains(after["versions"]!.AsArray(), v => v!["version"]!.GetValue<int>() == retrained["version"]!.GetValue<int>() && v["current"]!.GetValue<bool>());
        Assert.Equal(0, after["pendingCorrections"]!.GetValue<int>());

        // Triage's own category change is not a correction.
        var list2 = await KefuApp.Json(await app.Admin.GetAsync("/api/v1/triage/corrections?limit=200"), true);
        Assert.Single(list2["items"]!.AsArray(), c => c!["ticketId"]!.GetValue<long>() == id);
    }

    private async Task<TriageRetrainJob> RetrainAsync()
    {
        var accepted = await app.Admin.PostAsJsonAsync("/api/v1/triage/models/retrain", new { });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var jobId = (await KefuApp.Json(accepted))["id"]!.GetValue<int>();
        return await app.Service<TriageTrainingService>().WhenRetrainDoneAsync(jobId).WaitAsync(TimeSpan.FromMinutes(10));
    }

    [Fact]
    public async Task Retrain_requests_arriving_together_queue_one_job_at_a_time()
    {
        await Ready();
        // Eight admins press "retrain now" at once: each request either joins the job that is queued or training, or
        // queues a new one after the previous has finished — never two pending together (on PostgreSQL an advisory
        // lock serialises the check and the insert across connections and nodes).
        var posts = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => app.Admin.PostAsJsonAsync("/api/v1/triage/models/retrain", new { })));
        Assert.All(posts, p => Assert.Equal(HttpStatusCode.Accepted, p.StatusCode));
        var ids = new SortedSet<int>();
        foreach (var p in posts) ids.Add((await KefuApp.Json(p))["id"]!.GetValue<int>());
        var jobs = new List<TriageRetrainJob>();
        foreach (var id in ids) jobs.Add(await app.Service<TriageTrainingService>().WhenRetrainDoneAsync(id).WaitAsync(TimeSpan.FromMinutes(10)));
        for (var i = 1; i < jobs.Count; i++)
            Assert.True(jobs[i - 1].FinishedAt <= jobs[i].RequestedAt, $"job {jobs[i].Id} was queued while job {jobs[i - 1].Id} was pending");
    }

    /// <summary>Counts the job changes a node's trainer announces: per job id, a task that completes at the given count.</summary>
    private static Func<int, int, Task> HeardJobChanges(TriageTrainingService trainer)
    {
        var counts = new Dictionary<int, int>();
        var waits = new List<(int Id, int Count, TaskCompletionSource Done)>();
        void Check()
        {
            foreach (var w in waits.Where(w => counts.GetValueOrDefault(w.Id) >= w.Count)) w.Done.TrySetResult();
        }
        trainer.RetrainJobChanged += id => { lock (waits) { counts[id] = counts.GetValueOrDefault(id) + 1; Check(); } };
        return (id, count) =>
        {
            lock (waits)
            {
                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                waits.Add((id, count, done));
                Check();
                return done.Task;
            }
        };
    }

    [Fact]
    public async Task A_retrain_with_nothing_to_learn_fails_with_the_reason_and_another_node_reports_it_from_the_database()
    {
        await Ready();
        // Corrections left by other tests of this collection (they run one at a time) are learned first.
        var models = await KefuApp.Json(await app.Admin.GetAsync("/api/v1/triage/models"), true);
        if (models["pendingCorrections"]!.GetValue<int>() > 0) Assert.Equal(TriageRetrainState.Succeeded, (await RetrainAsync()).State);
        var version = (await KefuApp.Json(await app.Admin.GetAsync("/api/v1/triage/models"), true))["currentVersion"]!.GetValue<int>();

        // A second server on the same database (another node, or this one after a restart), not training itself.
        await using var node = app.Factory.WithWebHostBuilder(b => b.UseSetting("Kefu:Triage:Enabled", "false"));
        var nodes = new[] { app.Factory.Services, node.Services };
        var postgres = app.Provider == "Postgres";
        if (postgres)
            await Task.WhenAll(nodes.Select(n => n.GetRequiredService<Kefu.Platform.Events.PostgresEventFanout>().Listening)).WaitAsync(Patience);
        var heard = nodes.Select(n => HeardJobChanges(n.GetRequiredService<TriageTrainingService>())).ToList();

        var failed = await RetrainAsync();
        if (postgres)
        {
            // Queued, claimed, failed: an admin page open on either node follows all three, whichever node's outbox
            // delivered them (one node's dispatcher, the other hearing of it over LISTEN/NOTIFY).
            await Task.WhenAll(heard.Select(h => h(failed.Id, 3))).WaitAsync(Patience);
        }
        Assert.Equal(TriageRetrainState.Failed, failed.State);
        Assert.Contains("No usable examples", failed.Error);
        Assert.Contains($"version {version}", failed.Error);
        Assert.NotNull(failed.FinishedAt);
        var status = await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/triage/models/retrain/{failed.Id}"), true);
        Assert.Equal("failed", status["state"]!.GetValue<string>());
        Assert.Equal(failed.Error, status["error"]!.GetValue<string>());
        var after = await KefuApp.Json(await app.Admin.GetAsync("/api/v1/triage/models"), true);
        Assert.Equal(version, after["currentVersion"]!.GetValue<int>()); // the model in use did not change
        Assert.Equal("failed", after["retrain"]!["state"]!.GetValue<string>());
        Assert.Equal(failed.Id, after["retrain"]!["id"]!.GetValue<int>());

        // The second server answers from the database.
        using var client = node.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", KefuApp.BootstrapToken);
        var there = await KefuApp.Json(await client.GetAsync($"/api/v1/triage/models/retrain/{failed.Id}"), true);
        Assert.Equal("failed", there["state"]!.GetValue<string>());
        Assert.Equal(failed.Error, there["error"]!.GetValue<string>());
        Assert.Equal("failed", (await KefuApp.Json(await client.GetAsync("/api/v1/triage/models"), true))["retrain"]!["state"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/triage/models/retrain/{failed.Id + 1000}")).StatusCode);
    }

    /// <summary>The lines the ticket's thread shows for its triage decision, as <paramref name="culture"/> reads them.</summary>
    private async Task<string[]> ThreadLines(long ticketId, string culture)
    {
        var before = System.Globalization.CultureInfo.CurrentUICulture;
        System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.CurrentCulture = new(culture);
        try
        {
            await using var scope = app.Factory.Services.CreateAsyncScope();
            var staff = (await scope.ServiceProvider.GetRequiredService<Kefu.Platform.Auth.StaffDirectory>().GetAsync(app.AgentB.Id, default))!;
            var lines = new List<string>();
            foreach (var source in scope.ServiceProvider.GetServices<Kefu.Tickets.ITicketThreadEvents>())
                lines.AddRange((await source.ForTicketAsync(ticketId, staff, default)).Select(e => e.Text));
            return [.. lines];
        }
        finally { System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.CurrentCulture = before; }
    }

    [Fact]
    public async Task The_thread_says_what_triage_decided_and_how_sure_it_was()
    {
        await Ready();
        var t = await Create("APP问题", "更新以后一打开就闪退，重装了也没用");
        var id = t["id"]!.GetValue<long>();
        await Decision(id);
        var line = Assert.Single(await ThreadLines(id, "zh-CN"));
        Assert.Matches(@"^自动分类：技术支持/APP故障/闪退（置信度 \d+\s?%）$", line);
        Assert.Matches(@"^Triage: 技术支持/APP故障/闪退 \(\d+\s?% confidence\)$", Assert.Single(await ThreadLines(id, "en")));

        // What the creator set is kept; the thread says what triage would have chosen.
        var kept = await Create("退款", "我要退款，东西坏了", new { category = "投诉建议/产品建议/体验反馈" });
        var keptId = kept["id"]!.GetValue<long>();
        await Decision(keptId);
        Assert.StartsWith("自动分类建议 订单服务/售后问题/退款申请（置信度 ", Assert.Single(await ThreadLines(keptId, "zh-CN")));
    }
}

[Collection(TriageSqliteCollection.Name)]
public sealed class SqliteTriageApiTests(TriageSqliteApp app) : TriageApiTests(app);

[Collection(TriagePostgresCollection.Name)]
public sealed class PostgresTriageApiTests(TriagePostgresApp app) : TriageApiTests(app);
