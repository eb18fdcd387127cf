using Kefu.Platform.Database;
using Kefu.Sla;
using Kefu.Tickets;
using Kefu.Tickets.Live;
using Microsoft.EntityFrameworkCore;
using static Kefu.Tests.Sla.SlaTestKit;

namespace Kefu.Tests.Sla;

/// <summary>Clocks, pauses, escalations and approvals end to end on a server whose time is fake.</summary>
public sealed class SlaClockTests(FakeTimeSlaApp app) : IClassFixture<FakeTimeSlaApp>
{
    private IServiceProvider Services => app.Factory.Services;

    private async Task<(string Tag, long Ticket)> TicketUnderPolicy(object targets, string priority = "normal", int? teamId = null)
    {
        var tag = Unique("t");
        var policy = JsonSerializer.SerializeToNode(targets)!.AsObject();
        policy["name"] = Unique("policy");
        policy["position"] = 0;
        policy["tags"] = new JsonArray(tag);
        await CreatePolicyAsync(app.Admin, policy);
        var id = await CreateTicketAsync(app.Admin, tag, priority, teamId);
        await DrainAsync(Services);
        return (tag, id);
    }

    [Fact]
    public async Task Waiting_on_the_customer_pauses_the_clock_and_an_answer_resumes_it_with_the_time_left()
    {
        var (_, id) = await TicketUnderPolicy(new { resolutionMinutes = 120, businessHours = false });
        var created = app.Time.GetUtcNow().UtcDateTime;
        var sla = await SlaAsync(app.Admin, id);
        Assert.Equal(created.AddMinutes(120), Utc(Clock(sla, "resolution")["dueAt"]), TimeSpan.FromSeconds(1));

        app.Time.Advance(TimeSpan.FromMinutes(30));
        var patch = await app.Admin.PatchAsJsonAsync($"/api/v1/tickets/{id}", new { status = "pending_customer" });
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        await DrainAsync(Services);
        var paused = Clock(await SlaAsync(app.Admin, id), "resolution");
        Assert.Equal("paused", paused["state"]!.GetValue<string>());
        Assert.Equal("paused", paused["indicator"]!.GetValue<string>());
        Assert.Equal(90 * 60, paused["remainingSeconds"]!.GetValue<long>());

        // Five hours of waiting on the customer: nothing may fire.
        app.Time.Advance(TimeSpan.FromHours(5));
        await SweepAsync(Services);
        Assert.Equal(0, await EventCountAsync(Services, "SlaBreached", id));

        await KefuApp.PostOk(app.Admin, $"/api/v1/tickets/{id}/messages", new { kind = "customer", body = "我回来了" });
        await DrainAsync(Services);
        var resumed = Clock(await SlaAsync(app.Admin, id), "resolution");
        Assert.Equal("running", resumed["state"]!.GetValue<string>());
        Assert.Equal(app.Time.GetUtcNow().UtcDateTime.AddMinutes(90), Utc(resumed["dueAt"]), TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task A_public_reply_meets_the_first_response_and_a_customer_follow_up_starts_the_next_response()
    {
        var (_, id) = await TicketUnderPolicy(new { firstResponseMinutes = 60, nextResponseMinutes = 30, businessHours = false });
        app.Time.Advance(TimeSpan.FromMinutes(10));
        await KefuApp.PostOk(app.Admin, $"/api/v1/tickets/{id}/messages", new { kind = "public_reply", body = "您好，我们正在处理" });
        await DrainAsync(Services);
        var sla = await SlaAsync(app.Admin, id);
        Assert.Equal("met", Clock(sla, "first_response")["indicator"]!.GetValue<string>());

        app.Time.Advance(TimeSpan.FromMinutes(5));
        await KefuApp.PostOk(app.Admin, $"/api/v1/tickets/{id}/messages", new { kind = "customer", body = "还没好吗？" });
        await DrainAsync(Services);
        var next = Clock(await SlaAsync(app.Admin, id), "next_response");
        Assert.Equal("running", next["state"]!.GetValue<string>());
        Assert.Equal(app.Time.GetUtcNow().UtcDateTime.AddMinutes(30), Utc(next["dueAt"]), TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task A_new_tickets_opening_message_is_turned_down_by_response_tracking_and_a_follow_up_is_not()
    {
        // The opening message comes before any reply, so it can start no next-response cycle: response tracking turns
        // it down without a transaction or receipt (decision 0037); the keyword and contact rules still look at it.
        var (_, id) = await TicketUnderPolicy(new { firstResponseMinutes = 60, nextResponseMinutes = 30, businessHours = false });
        await KefuApp.PostOk(app.Admin, $"/api/v1/tickets/{id}/messages", new { kind = "customer", body = "还在吗？" });
        await DrainAsync(Services);

        using var scope = Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDb>();
        var prefix = $"{{\"ticketId\":{id},";
        var added = await db.Outbox.AsNoTracking().Where(m => m.Type == nameof(MessageAdded) && m.Payload.StartsWith(prefix))
            .OrderBy(m => m.Id).ToListAsync();
        Assert.Equal(2, added.Count);
        var (opening, followUp) = (added[0], added[1]);
        Assert.True(JsonSerializer.Deserialize<MessageAdded>(opening.Payload, Kefu.Platform.KefuJson.Stored)!.Opening);
        Assert.False(JsonSerializer.Deserialize<MessageAdded>(followUp.Payload, Kefu.Platform.KefuJson.Stored)!.Opening);
        Assert.NotNull(opening.DispatchedAt);

        var tracking = typeof(TrackResponsesOnMessageAdded).FullName!;
        var rules = typeof(EscalateByRuleOnMessageAdded).FullName!;
        async Task<bool> Receipt(long eventId, string handler) =>
            await db.EventReceipts.AsNoTracking().AnyAsync(r => r.EventId == eventId && r.Handler == handler);
        Assert.False(await Receipt(opening.Id, tracking));
        Assert.True(await Receipt(opening.Id, rules));
        Assert.True(await Receipt(followUp.Id, tracking));
        Assert.True(await Receipt(followUp.Id, rules));
        // Still waiting for the first reply: the follow-up starts nothing either, and the first response runs on.
        var sla = await SlaAsync(app.Admin, id);
        Assert.Equal("running", Clock(sla, "first_response")["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_breach_escalates_through_all_three_tiers_and_the_top_tier_handles_it()
    {
        var senior = await app.CreateStaff(Unique("senior"), "Senior A", ["senior_agent"], [app.TeamA]);
        var (_, id) = await TicketUnderPolicy(new { firstResponseMinutes = 10, businessHours = false }, teamId: app.TeamA);
        await app.Admin.PatchAsJsonAsync($"/api/v1/tickets/{id}", new { assigneeId = app.AgentA.Id });
        await DrainAsync(Services);

        app.Time.Advance(TimeSpan.FromMinutes(11));
        await SweepAsync(Services);
        var sla = await SlaAsync(app.Admin, id);
        var first = Clock(sla, "first_response");
        Assert.Equal("breached", first["indicator"]!.GetValue<string>());
        Assert.Equal(app.AgentA.Id, first["breachedHolder"]!["id"]!.GetValue<Guid>()); // who held the ticket
        var tier1 = Assert.Single(sla["escalations"]!.AsArray())!;
        Assert.Equal(1, tier1["tier"]!.GetValue<int>());
        Assert.Equal("breach", tier1["trigger"]!.GetValue<string>());
        Assert.Contains(tier1["notified"]!.AsArray(), n => n!["id"]!.GetValue<Guid>() == senior.Id);

        // Tier 1 has 30 minutes; nobody handles it, so it moves to the team lead, then after 2 h to the supervisors.
        app.Time.Advance(TimeSpan.FromMinutes(31));
        await SweepAsync(Services);
        app.Time.Advance(TimeSpan.FromMinutes(121));
        await SweepAsync(Services);
        sla = await SlaAsync(app.Admin, id);
        var tiers = sla["escalations"]!.AsArray();
        Assert.Equal([1, 2, 3], tiers.Select(e => e!["tier"]!.GetValue<int>()));
        Assert.Equal(["superseded", "superseded", "open"], tiers.Select(e => e!["state"]!.GetValue<string>()));
        Assert.Contains(tiers[1]!["notified"]!.AsArray(), n => n!["id"]!.GetValue<Guid>() == app.Lead.Id);
        Assert.Contains(tiers[2]!["notified"]!.AsArray(), n => n!["id"]!.GetValue<Guid>() == app.Supervisor.Id);
        Assert.Equal(1, await EventCountAsync(Services, "SlaBreached", id));
        Assert.Equal(3, await EventCountAsync(Services, "EscalationRaised", id));

        var top = tiers[2]!["id"]!.GetValue<long>();
        var byAgent = await app.AgentA.Http.PostAsJsonAsync($"/api/v1/tickets/{id}/escalations/{top}/handle", new { note = "x" });
        Assert.Equal(HttpStatusCode.Forbidden, byAgent.StatusCode);
        var handled = await KefuApp.PostOk(app.Supervisor.Http, $"/api/v1/tickets/{id}/escalations/{top}/handle", new { note = "已致电客户" });
        Assert.Equal("handled", handled["state"]!.GetValue<string>());
        Assert.Equal("已致电客户", handled["handledNote"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_agent_can_escalate_by_hand_with_a_reason()
    {
        var (_, id) = await TicketUnderPolicy(new { resolutionMinutes = 600 }, teamId: app.TeamA);
        var missing = await app.AgentA.Http.PostAsJsonAsync($"/api/v1/tickets/{id}/escalations", new { reason = " " });
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("reason", (await KefuApp.Json(missing))["errors"]!.AsObject().Select(kv => kv.Key));
        var e = await KefuApp.PostOk(app.AgentA.Http, $"/api/v1/tickets/{id}/escalations", new { reason = "客户威胁投诉到媒体" });
        Assert.Equal(1, e["tier"]!.GetValue<int>());
        Assert.Equal("manual", e["trigger"]!.GetValue<string>());
        Assert.Equal(app.AgentA.Id, e["raisedBy"]!["id"]!.GetValue<Guid>());
        var up = await KefuApp.PostOk(app.AgentA.Http, $"/api/v1/tickets/{id}/escalations", new { reason = "再次升级" });
        Assert.Equal(2, up["tier"]!.GetValue<int>());
    }

    [Fact]
    public async Task Refunds_over_the_agent_limit_wait_for_the_tier_that_may_approve_them()
    {
        var senior = await app.CreateStaff(Unique("senior"), "Senior B", ["senior_agent"], [app.TeamA]);
        var (_, id) = await TicketUnderPolicy(new { resolutionMinutes = 600 }, teamId: app.TeamA);
        var url = $"/api/v1/tickets/{id}/approvals";

        var small = await KefuApp.PostOk(app.AgentA.Http, url, new { kind = "refund", amount = 50, reason = "运费补偿" });
        Assert.Equal("approved", small["state"]!.GetValue<string>());
        Assert.Equal(0, small["approverTier"]!.GetValue<int>());

        var medium = await KefuApp.PostOk(app.AgentA.Http, url, new { kind = "refund", amount = 300, reason = "商品破损" });
        Assert.Equal("pending", medium["state"]!.GetValue<string>());
        Assert.Equal(1, medium["approverTier"]!.GetValue<int>());
        var decide = $"/api/v1/approvals/{medium["id"]}/decision";
        Assert.Equal(HttpStatusCode.Forbidden, (await app.AgentA2.Http.PostAsJsonAsync(decide, new { approve = true })).StatusCode);
        var pending = await KefuApp.Json(await senior.Http.GetAsync("/api/v1/approvals"), true);
        Assert.Contains(pending.AsArray(), a => a!["id"]!.GetValue<long>() == medium["id"]!.GetValue<long>());
        var approved = await KefuApp.PostOk(senior.Http, decide, new { approve = true, note = "同意" });
        Assert.Equal("approved", approved["state"]!.GetValue<string>());
        Assert.Equal(senior.Id, approved["decidedBy"]!["id"]!.GetValue<Guid>());
        Assert.Equal(HttpStatusCode.Conflict, (await senior.Http.PostAsJsonAsync(decide, new { approve = false })).StatusCode);

        var large = await KefuApp.PostOk(app.AgentA.Http, url, new { kind = "compensation", amount = 5000, reason = "重大投诉" });
        Assert.Equal(3, large["approverTier"]!.GetValue<int>());
        var decideLarge = $"/api/v1/approvals/{large["id"]}/decision";
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Lead.Http.PostAsJsonAsync(decideLarge, new { approve = true })).StatusCode);
        var rejected = await KefuApp.PostOk(app.Supervisor.Http, decideLarge, new { approve = false, note = "金额过高" });
        Assert.Equal("rejected", rejected["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_priority_change_moves_the_ticket_to_the_matching_policy()
    {
        var tag = Unique("p");
        await CreatePolicyAsync(app.Admin, new { name = Unique("urgent"), position = 0, tags = new[] { tag }, priorities = new[] { "urgent" }, firstResponseMinutes = 15, businessHours = false });
        await CreatePolicyAsync(app.Admin, new { name = Unique("normal"), position = 1, tags = new[] { tag }, firstResponseMinutes = 120, businessHours = false });
        var id = await CreateTicketAsync(app.Admin, tag);
        await DrainAsync(Services);
        var created = app.Time.GetUtcNow().UtcDateTime;
        Assert.Equal(created.AddMinutes(120), Utc(Clock(await SlaAsync(app.Admin, id), "first_response")["dueAt"]), TimeSpan.FromSeconds(1));

        app.Time.Advance(TimeSpan.FromMinutes(5));
        await app.Admin.PatchAsJsonAsync($"/api/v1/tickets/{id}", new { priority = "urgent" });
        await DrainAsync(Services);
        // 5 of the urgent policy's 15 minutes are used already.
        Assert.Equal(created.AddMinutes(15), Utc(Clock(await SlaAsync(app.Admin, id), "first_response")["dueAt"]), TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task A_customer_reopening_a_solved_ticket_runs_the_resolution_target_again_and_starts_a_next_response()
    {
        var (_, id) = await TicketUnderPolicy(new { firstResponseMinutes = 60, nextResponseMinutes = 30, resolutionMinutes = 120, businessHours = false });
        app.Time.Advance(TimeSpan.FromMinutes(10));
        await KefuApp.PostOk(app.Admin, $"/api/v1/tickets/{id}/messages", new { kind = "public_reply", body = "已为您处理" });
        await app.Admin.PatchAsJsonAsync($"/api/v1/tickets/{id}", new { status = "solved" });
        await DrainAsync(Services);
        var solved = Clock(await SlaAsync(app.Admin, id), "resolution");
        Assert.Equal("met", solved["state"]!.GetValue<string>());

        // Three hours later the customer writes again: the ticket reopens and owes a full resolution time from now.
        app.Time.Advance(TimeSpan.FromHours(3));
        await KefuApp.PostOk(app.Admin, $"/api/v1/tickets/{id}/messages", new { kind = "customer", body = "又坏了" });
        await DrainAsync(Services);
        var now = app.Time.GetUtcNow().UtcDateTime;
        var sla = await SlaAsync(app.Admin, id);
        var resolution = Clock(sla, "resolution");
        Assert.Equal("running", resolution["state"]!.GetValue<string>());
        Assert.Equal(now.AddMinutes(120), Utc(resolution["dueAt"]), TimeSpan.FromSeconds(1));
        var next = Clock(sla, "next_response");
        Assert.Equal("running", next["state"]!.GetValue<string>());
        Assert.Equal(now.AddMinutes(30), Utc(next["dueAt"]), TimeSpan.FromSeconds(1));

        // The reply meets the next response; the second resolution cycle breaches on its own due time, once.
        app.Time.Advance(TimeSpan.FromMinutes(5));
        await KefuApp.PostOk(app.Admin, $"/api/v1/tickets/{id}/messages", new { kind = "public_reply", body = "正在重新处理" });
        await DrainAsync(Services);
        Assert.Equal("met", Clock(await SlaAsync(app.Admin, id), "next_response")["state"]!.GetValue<string>());
        app.Time.Advance(TimeSpan.FromMinutes(116));
        await SweepAsync(Services);
        Assert.Equal(1, await EventCountAsync(Services, "SlaBreached", id));
        Assert.Equal("breached", Clock(await SlaAsync(app.Admin, id), "resolution")["indicator"]!.GetValue<string>());
        await SweepAsync(Services);
        Assert.Equal(1, await EventCountAsync(Services, "SlaBreached", id));
    }

    [Fact]
    public async Task An_agent_reopening_a_solved_ticket_restarts_resolution_but_owes_no_reply()
    {
        var (_, id) = await TicketUnderPolicy(new { firstResponseMinutes = 60, nextResponseMinutes = 30, resolutionMinutes = 240, businessHours = false });
        await app.Admin.PatchAsJsonAsync($"/api/v1/tickets/{id}", new { status = "solved" });
        await DrainAsync(Services);
        app.Time.Advance(TimeSpan.FromMinutes(45));
        var patch = await app.Admin.PatchAsJsonAsync($"/api/v1/tickets/{id}", new { status = "open" });
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        await DrainAsync(Services);
        await DrainAsync(Services); // a redelivered status change would not restart it twice
        var sla = await SlaAsync(app.Admin, id);
        var resolution = Clock(sla, "resolution");
        Assert.Equal("running", resolution["state"]!.GetValue<string>());
        Assert.Equal(app.Time.GetUtcNow().UtcDateTime.AddMinutes(240), Utc(resolution["dueAt"]), TimeSpan.FromSeconds(1));
        Assert.DoesNotContain(sla["clocks"]!.AsArray(), c => c!["metric"]!.GetValue<string>() == "next_response");
        Assert.Equal("stopped", Clock(sla, "first_response")["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task Open_screens_are_told_of_a_met_first_response_once_it_is_committed()
    {
        var (_, id) = await TicketUnderPolicy(new { firstResponseMinutes = 60, businessHours = false });
        var feed = Services.GetRequiredService<TicketFeed>();
        var heard = new TaskCompletionSource<ClockState>(TaskCreationOptions.RunContinuationsAsynchronously);
        // What a screen reloads when told: the stored state at the moment of the notice (not a little later).
        void OnChange(TicketChange change)
        {
            if (change.TicketId != id || change.Kind != "sla") return;
            using var scope = Services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<KefuDb>();
            heard.TrySetResult(db.Set<SlaClock>().AsNoTracking().Where(c => c.TicketId == id && c.Metric == SlaMetric.FirstResponse)
                .Select(c => c.State).First());
        }
        feed.Changed += OnChange;
        try
        {
            app.Time.Advance(TimeSpan.FromMinutes(5));
            await KefuApp.PostOk(app.Admin, $"/api/v1/tickets/{id}/messages", new { kind = "public_reply", body = "您好，马上为您处理" });
            await DrainAsync(Services);
            Assert.Equal(ClockState.Met, await heard.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        }
        finally { feed.Changed -= OnChange; }
    }

    [Fact]
    public async Task A_customer_tag_change_re_times_every_open_ticket_of_the_customer_in_batches()
    {
        // More open tickets than one batch (and more than the old cap of 200), plus a solved one that must stay as it is.
        const int count = 230;
        var vip = Unique("vip").ToLowerInvariant();
        var policy = await CreatePolicyAsync(app.Admin, new
        {
            name = Unique("VIP"), position = 0, customerTags = new[] { vip }, firstResponseMinutes = 15, resolutionMinutes = 120, businessHours = false,
        });
        var email = $"{Guid.NewGuid():N}@example.com";
        var ids = new List<long>();
        long customerId = 0;
        for (var i = 0; i < count + 1; i++)
        {
            var t = await KefuApp.PostOk(app.Admin, "/api/v1/tickets", new
            {
                subject = Unique("bulk"), customer = new { email }, message = new { body = "订单查询" },
            });
            ids.Add(t["id"]!.GetValue<long>());
            customerId = t["customer"]!["id"]!.GetValue<long>();
        }
        await DrainAsync(Services);
        var solved = ids[^1];
        await app.Admin.PatchAsJsonAsync($"/api/v1/tickets/{solved}", new { status = "solved" });
        await DrainAsync(Services);
        Assert.Equal(0, await ClocksUnderAsync(policy, ids));

        var put = await app.Admin.PutAsJsonAsync($"/api/v1/customers/{customerId}/tags", new { tags = new[] { vip } });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        await DrainAsync(Services);

        // Every open ticket's clocks moved to the VIP policy, each batch in its own transaction (one continuation
        // event per further batch); the solved ticket's finished clocks did not.
        var open = ids[..^1];
        Assert.Equal(open.Count, await TicketsUnderAsync(policy, open));
        Assert.Equal(0, await TicketsUnderAsync(policy, [solved]));
        var batches = (count + ReselectPolicyOnCustomerTagsChanged.BatchSize - 1) / ReselectPolicyOnCustomerTagsChanged.BatchSize;
        Assert.Equal(batches - 1, await ContinuationsAsync(customerId));

        // A redelivery changes nothing and starts no new chain of batches.
        await using (var scope = Services.CreateAsyncScope())
        {
            var uow = scope.ServiceProvider.GetRequiredService<UnitOfWork>();
            var handler = scope.ServiceProvider.GetRequiredService<ReselectPolicyOnCustomerTagsChanged>();
            await uow.RunAsync(c => handler.HandleAsync(new CustomerTicketsRetimeContinued(customerId, open[^2], app.Time.GetUtcNow().UtcDateTime),
                new Kefu.Platform.Events.EventContext(0, app.Time.GetUtcNow().UtcDateTime), c), CancellationToken.None);
        }
        await DrainAsync(Services);
        Assert.Equal(open.Count, await TicketsUnderAsync(policy, open));
        Assert.Equal(batches - 1, await ContinuationsAsync(customerId));
    }

    private async Task<int> ClocksUnderAsync(int policyId, List<long> ticketIds)
    {
        using var scope = Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<KefuDb>().Set<SlaClock>().CountAsync(c => ticketIds.Contains(c.TicketId) && c.PolicyId == policyId);
    }

    private async Task<int> TicketsUnderAsync(int policyId, List<long> ticketIds)
    {
        using var scope = Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<KefuDb>().Set<SlaClock>()
            .Where(c => ticketIds.Contains(c.TicketId) && c.PolicyId == policyId).Select(c => c.TicketId).Distinct().CountAsync();
    }

    private async Task<int> ContinuationsAsync(long customerId)
    {
        using var scope = Services.CreateScope();
        var prefix = $"{{\"customerId\":{customerId},";
        return await scope.ServiceProvider.GetRequiredService<KefuDb>().Outbox.AsNoTracking()
            .CountAsync(m => m.Type == nameof(CustomerTicketsRetimeContinued) && m.Payload.StartsWith(prefix));
    }
}
