using Microsoft.EntityFrameworkCore;
using Kefu.Chat;
using Kefu.Platform.Events;
using Kefu.Tests.Chat;

namespace Kefu.Tests.Routing;

/// <summary>Automatic assignment end to end (API, outbox handlers, chat widget) on a real database, once per provider.
/// Each test makes its own team and agents, so tests do not see each other's queues.</summary>
public abstract class AssignmentApiTests(KefuApp app)
{
    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    private async Task<int> TeamAsync(string mode)
    {
        var team = await KefuApp.PostOk(app.Admin, "/api/v1/teams", new { name = Unique("Routing") });
        var id = team["id"]!.GetValue<int>();
        var r = await app.Admin.PutAsJsonAsync($"/api/v1/routing/teams/{id}", new { mode });
        await KefuApp.Json(r, expectSuccess: true);
        return id;
    }

    private Task<Staff> AgentAsync(int team) => app.CreateStaff(Unique("ra"), Unique("Agent"), ["agent"], [team]);

    private static async Task SetStatus(Staff agent, string status)
    {
        var me = await KefuApp.Json(await agent.Http.PutAsJsonAsync("/api/v1/routing/me/status", new { status }), expectSuccess: true);
        Assert.Equal(status, me["status"]!.GetValue<string>());
    }

    private async Task<long> TicketAsync(int team, string priority = "normal", string body = "订单一直没有发货，请帮忙查一下", string[]? tags = null)
    {
        var t = await KefuApp.PostOk(app.Admin, "/api/v1/tickets", new
        {
            subject = Unique("咨询"), channel = "email", priority, teamId = team, tags = tags ?? [],
            customer = new { email = $"{Unique("c")}@example.com", name = "王五" }, message = new { body },
        });
        return t["id"]!.GetValue<long>();
    }

    private async Task<Guid?> AssigneeAsync(long id)
    {
        await DrainAsync();
        var t = await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/tickets/{id}"), true);
        return t["assignee"] is JsonObject a ? a["id"]!.GetValue<Guid>() : null;
    }

    /// <summary>Runs every pending outbox event now (the handlers that assign), instead of waiting for the dispatcher.</summary>
    private async Task DrainAsync()
    {
        var dispatcher = app.Factory.Services.GetRequiredService<OutboxDispatcher>();
        while (await dispatcher.DispatchBatchAsync(CancellationToken.None) > 0) { }
    }

    [Fact]
    public async Task A_new_ticket_in_a_team_with_an_online_agent_is_assigned_to_him()
    {
        var team = await TeamAsync("round_robin");
        var agent = await AgentAsync(team);
        await SetStatus(agent, "online");
        var id = await TicketAsync(team);
        Assert.Equal(agent.Id, await AssigneeAsync(id));
        var profile = await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/routing/agents/{agent.Id}"), true);
        Assert.Equal(1, profile["openTickets"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_offline_or_away_agent_gets_nothing_and_the_ticket_waits_in_the_queue()
    {
        var team = await TeamAsync("least_load");
        var offline = await AgentAsync(team);
        var away = await AgentAsync(team);
        await SetStatus(away, "away");
        var id = await TicketAsync(team);
        Assert.Null(await AssigneeAsync(id));
        var queue = await KefuApp.Json(await away.Http.GetAsync($"/api/v1/routing/teams/{team}/queue"), true);
        Assert.Equal([id], queue["items"]!.AsArray().Select(q => q!["ticketId"]!.GetValue<long>()));
        Assert.Equal("offline", (await KefuApp.Json(await offline.Http.GetAsync("/api/v1/routing/me/status"), true))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Going_online_drains_the_queue_by_priority_up_to_capacity()
    {
        var team = await TeamAsync("round_robin");
        var agent = await AgentAsync(team);
        await KefuApp.Json(await app.Admin.PutAsJsonAsync($"/api/v1/routing/agents/{agent.Id}", new { ticketCapacity = 2 }), true);
        var low = await TicketAsync(team, "low");
        var normal = await TicketAsync(team, "normal");
        var urgent = await TicketAsync(team, "urgent");
        var high = await TicketAsync(team, "high");
        await DrainAsync();
        var queue = await KefuApp.Json(await agent.Http.GetAsync($"/api/v1/routing/teams/{team}/queue"), true);
        Assert.Equal([urgent, high, normal, low], queue["items"]!.AsArray().Select(q => q!["ticketId"]!.GetValue<long>()));

        await SetStatus(agent, "online");
        Assert.Equal(agent.Id, await AssigneeAsync(urgent));
        Assert.Equal(agent.Id, await AssigneeAsync(high));
        Assert.Null(await AssigneeAsync(normal)); // capacity 2 reached
        Assert.Null(await AssigneeAsync(low));

        // Solving one frees a place: the next by priority follows.
        await KefuApp.Json(await agent.Http.PatchAsJsonAsync($"/api/v1/tickets/{urgent}", new { status = "solved" }), true);
        Assert.Equal(agent.Id, await AssigneeAsync(normal));
        Assert.Null(await AssigneeAsync(low));
    }

    [Fact]
    public async Task The_queue_orders_by_sla_due_time_across_the_whole_queue_not_a_window()
    {
        var team = await TeamAsync("manual");
        var standard = new List<long>();
        for (var i = 0; i < 5; i++) standard.Add(await TicketAsync(team));
        // Same priority, created last, but the seeded VIP policy (ticket tag) owes the first reply 4x sooner.
        var vip = await TicketAsync(team, tags: ["VIP"]);
        await DrainAsync();
        var first = await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/routing/teams/{team}/queue?limit=1"), true);
        Assert.Equal([vip], first["items"]!.AsArray().Select(q => q!["ticketId"]!.GetValue<long>()));
        var all = await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/routing/teams/{team}/queue"), true);
        Assert.Equal([vip, .. standard], all["items"]!.AsArray().Select(q => q!["ticketId"]!.GetValue<long>()));
        Assert.All(all["items"]!.AsArray(), q => Assert.NotNull(q!["dueAt"]));
        Assert.Null(all["nextCursor"]);

        // Page by page (decision 0061), the same order: the due times' ties (the standard tickets' targets may fall
        // on the same instant) are broken by age and id, and a page ends and the next starts inside them.
        var paged = new List<long>();
        string? cursor = null;
        do
        {
            var page = await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/routing/teams/{team}/queue?limit=2" + (cursor is null ? "" : $"&cursor={cursor}")), true);
            paged.AddRange(page["items"]!.AsArray().Select(q => q!["ticketId"]!.GetValue<long>()));
            cursor = page["nextCursor"]?.GetValue<string>();
        } while (cursor is not null);
        Assert.Equal([vip, .. standard], paged);
        foreach (var bad in new[] { "limit=0", "limit=201", "cursor=garbage" })
        {
            var response = await app.Admin.GetAsync($"/api/v1/routing/teams/{team}/queue?{bad}");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.NotNull((await KefuApp.Json(response))["errors"]![bad.Split('=')[0]]);
        }
    }

    [Fact]
    public async Task Round_robin_alternates_and_skills_decide_who_may_take_a_ticket()
    {
        var team = await TeamAsync("round_robin");
        var zh = await AgentAsync(team);
        var en = await AgentAsync(team);
        await KefuApp.Json(await app.Admin.PutAsJsonAsync($"/api/v1/routing/agents/{zh.Id}", new { languages = new[] { "zh" } }), true);
        await KefuApp.Json(await app.Admin.PutAsJsonAsync($"/api/v1/routing/agents/{en.Id}", new { languages = new[] { "en" }, vip = true }), true);
        await SetStatus(zh, "online");
        await SetStatus(en, "online");

        Assert.Equal(en.Id, await AssigneeAsync(await TicketAsync(team, body: "Where is my parcel? It has been two weeks.")));
        Assert.Equal(zh.Id, await AssigneeAsync(await TicketAsync(team, body: "我的包裹两周了还没到")));
        Assert.Equal(zh.Id, await AssigneeAsync(await TicketAsync(team, body: "发票怎么开")));
        // A VIP ticket needs a VIP agent, whatever the rotation says.
        Assert.Equal(en.Id, await AssigneeAsync(await TicketAsync(team, body: "Refund please, the blender arrived broken and will not start", tags: ["VIP"])));
        Assert.Null(await AssigneeAsync(await TicketAsync(team, body: "退款什么时候到账", tags: ["vip"])));
    }

    [Fact]
    public async Task A_transfer_to_another_team_is_reassigned_and_keeps_the_owner()
    {
        var teamA = await TeamAsync("round_robin");
        var teamB = await TeamAsync("round_robin");
        var first = await AgentAsync(teamA);
        var second = await AgentAsync(teamB);
        await SetStatus(first, "online");
        await SetStatus(second, "online");
        var id = await TicketAsync(teamA);
        Assert.Equal(first.Id, await AssigneeAsync(id));
        await KefuApp.PostOk(first.Http, $"/api/v1/tickets/{id}/messages", new { kind = "public_reply", body = "您好，我们正在处理。" });

        // 首问负责: the first agent who replied stays the owner after the ticket moves on (a lead transfers it).
        var lead = await app.CreateStaff(Unique("lead"), Unique("Lead"), ["team_lead"], [teamA]);
        await KefuApp.Json(await lead.Http.PatchAsJsonAsync($"/api/v1/tickets/{id}", new { teamId = teamB, assigneeId = (Guid?)null }), true);
        Assert.Equal(second.Id, await AssigneeAsync(id));
        var t = await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/tickets/{id}"), true);
        Assert.Equal(first.Id, t["owner"]!["id"]!.GetValue<Guid>());
    }

    [Fact]
    public async Task Bad_input_gets_problem_details_and_agents_may_not_change_policies()
    {
        var team = await TeamAsync("manual");
        var agent = await AgentAsync(team);
        var bad = await app.Admin.PutAsJsonAsync($"/api/v1/routing/agents/{agent.Id}", new { chatCapacity = 99 });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.NotNull((await KefuApp.Json(bad))["errors"]!["chatCapacity"]);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.Http.PutAsJsonAsync($"/api/v1/routing/teams/{team}", new { mode = "round_robin" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.AgentB.Http.GetAsync($"/api/v1/routing/teams/{team}/queue")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Admin.PutAsJsonAsync("/api/v1/routing/teams/999999", new { mode = "round_robin" })).StatusCode);
        var policies = await KefuApp.Json(await agent.Http.GetAsync("/api/v1/routing/teams"), true);
        Assert.Equal("manual", policies.AsArray().Single(p => p!["teamId"]!.GetValue<int>() == team)!["mode"]!.GetValue<string>());
    }

    [Fact]
    public async Task Routing_changes_are_audited_and_a_team_lead_manages_only_his_own_teams()
    {
        var mine = await TeamAsync("manual");
        var other = await TeamAsync("manual");
        var lead = await app.CreateStaff(Unique("rl"), Unique("Lead"), ["team_lead"], [mine]);
        var member = await AgentAsync(mine);
        var stranger = await AgentAsync(other);

        async Task<JsonArray> AuditOf(string type, object id) =>
            (await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/audit?entityType={type}&entityId={id}"), true))["items"]!.AsArray();

        // The lead changes his own team's mode and his member's profile: both audited with old and new values.
        await KefuApp.Json(await lead.Http.PutAsJsonAsync($"/api/v1/routing/teams/{mine}", new { mode = "least_load" }), true);
        var policy = Assert.Single(await AuditOf("team", mine), e => e!["action"]!.GetValue<string>() == "routing_changed")!;
        Assert.Equal(lead.Id, policy["actorId"]!.GetValue<Guid>());
        Assert.Equal("least_load", policy["changes"]!["mode"]![1]!.GetValue<string>());
        await KefuApp.Json(await lead.Http.PutAsJsonAsync($"/api/v1/routing/agents/{member.Id}", new { ticketCapacity = 7, vip = true }), true);
        var profile = Assert.Single(await AuditOf("routing_agent", member.Id))!;
        Assert.Equal("updated", profile["action"]!.GetValue<string>());
        Assert.Equal(7, profile["changes"]!["ticketCapacity"]![1]!.GetValue<int>());
        Assert.True(profile["changes"]!["vip"]![1]!.GetValue<bool>());
        // Saving the same values again changes nothing and writes nothing.
        await KefuApp.Json(await lead.Http.PutAsJsonAsync($"/api/v1/routing/agents/{member.Id}", new { ticketCapacity = 7 }), true);
        Assert.Single(await AuditOf("routing_agent", member.Id));

        // Another team and its members are not his: refused, nothing changed, nothing audited.
        Assert.Equal(HttpStatusCode.Forbidden, (await lead.Http.PutAsJsonAsync($"/api/v1/routing/teams/{other}", new { mode = "round_robin" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await lead.Http.PutAsJsonAsync($"/api/v1/routing/agents/{stranger.Id}", new { ticketCapacity = 1 })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await lead.Http.GetAsync($"/api/v1/routing/agents/{stranger.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await lead.Http.GetAsync($"/api/v1/routing/agents?teamId={other}")).StatusCode);
        Assert.DoesNotContain(await AuditOf("team", other), e => e!["action"]!.GetValue<string>() == "routing_changed");
        Assert.Empty(await AuditOf("routing_agent", stranger.Id));
        var policies = await KefuApp.Json(await app.Admin.GetAsync("/api/v1/routing/teams"), true);
        Assert.Equal("manual", policies.AsArray().Single(p => p!["teamId"]!.GetValue<int>() == other)!["mode"]!.GetValue<string>());
        // His list of agents holds his teams' members only; an admin's holds everyone.
        var listed = (await KefuApp.Json(await lead.Http.GetAsync("/api/v1/routing/agents"), true)).AsArray().Select(a => a!["userId"]!.GetValue<Guid>()).ToList();
        Assert.Contains(member.Id, listed);
        Assert.DoesNotContain(stranger.Id, listed);
        var all = (await KefuApp.Json(await app.Admin.GetAsync("/api/v1/routing/agents"), true)).AsArray().Select(a => a!["userId"]!.GetValue<Guid>()).ToList();
        Assert.Contains(stranger.Id, all);
    }

    [Fact]
    public async Task A_chat_asking_for_a_person_goes_to_an_online_agent_or_is_told_the_wait()
    {
        var team = await TeamAsync("round_robin");
        var agent = await AgentAsync(team);
        await KefuApp.Json(await app.Admin.PutAsJsonAsync($"/api/v1/routing/agents/{agent.Id}", new { chatCapacity = 1 }), true);
        // The chat panel's status is the same status.
        await ChatTestData.SetStatus(agent, "online");
        Assert.Equal("online", (await KefuApp.Json(await agent.Http.GetAsync("/api/v1/routing/me/status"), true))["status"]!.GetValue<string>());
        var site = await ChatTestData.CreateSite(app, team);

        await using var v1 = new TestVisitor(app);
        await v1.StartAsync(site.Key);
        await v1.SendAsync("你好，我想问一下运费");
        await TestVisitor.Next(v1.Messages, m => m.Sender == ChatSender.Bot && m.Body == EchoBot.Answer);
        await v1.SendAsync("转人工");
        var active = await TestVisitor.Next(v1.States, s => s.State == ConversationState.Active);
        Assert.NotNull(active.AgentName);

        // The only agent is at his chat limit: the next visitor is queued and told his place and the wait.
        await using var v2 = new TestVisitor(app);
        await v2.StartAsync(site.Key);
        await v2.SendAsync("human");
        var queued = await TestVisitor.Next(v2.States, s => s.State == ConversationState.Queued);
        Assert.Equal(1, queued.QueuePosition);
        Assert.True(queued.EstimatedWaitSeconds > 0);

        // The first chat ends: the agent has room, the waiting chat is his.
        await KefuApp.PostOk(agent.Http, $"/api/v1/chat/conversations/{active.Id}/end", new { });
        await DrainAsync();
        var second = await TestVisitor.Next(v2.States, s => s.State == ConversationState.Active);
        Assert.Equal(active.AgentName, second.AgentName);
    }

    private Task<(ConversationState State, Guid? AgentId)> ConversationAsync(long id) => app.DbAsync(async db =>
    {
        var c = await db.Set<ChatConversation>().AsNoTracking().FirstAsync(x => x.Id == id);
        return (c.State, c.AgentId);
    });

    private static async Task<ConversationDto> AskForPersonAsync(TestVisitor v, string siteKey, string question, string ask)
    {
        await v.StartAsync(siteKey);
        await v.SendAsync(question);
        await TestVisitor.Next(v.Messages, m => m.Sender == ChatSender.Bot && m.Body == EchoBot.Answer);
        await v.SendAsync(ask);
        return await TestVisitor.Next(v.States, s => s.State is ConversationState.Active or ConversationState.Queued or ConversationState.Offline);
    }

    [Fact]
    public async Task A_chat_transferred_to_a_team_goes_at_once_to_its_eligible_agent_else_waits_with_its_place()
    {
        var teamA = await TeamAsync("round_robin");
        var teamB = await TeamAsync("round_robin");
        var teamC = await TeamAsync("round_robin");
        var first = await AgentAsync(teamA);
        var second = await AgentAsync(teamB);
        var english = await AgentAsync(teamC);
        await KefuApp.Json(await app.Admin.PutAsJsonAsync($"/api/v1/routing/agents/{english.Id}", new { languages = new[] { "en" } }), true);
        foreach (var a in new[] { first, second, english }) await SetStatus(a, "online");
        var site = await ChatTestData.CreateSite(app, teamA);

        await using var v = new TestVisitor(app);
        var active = await AskForPersonAsync(v, site.Key, "你好，我的快递一直没到", "转人工");
        Assert.Equal(ConversationState.Active, active.State);
        Assert.Equal((ConversationState.Active, first.Id), await ConversationAsync(active.Id));

        // Team B has an eligible agent online: the chat is his as soon as the transfer commits (no later trigger).
        await KefuApp.Json(await first.Http.PostAsJsonAsync($"/api/v1/chat/conversations/{active.Id}/transfer",
            new { toTeamId = teamB, note = "物流问题转物流组" }), true);
        Assert.Equal((ConversationState.Active, second.Id), await ConversationAsync(active.Id));
        await TestVisitor.Next(v.States, s => s.State == ConversationState.Active && s.AgentName != active.AgentName);

        // Team C's only agent online answers English only: the Chinese chat waits in C's queue, told its place and wait.
        await KefuApp.Json(await second.Http.PostAsJsonAsync($"/api/v1/chat/conversations/{active.Id}/transfer",
            new { toTeamId = teamC, note = "转 C 组" }), true);
        Assert.Equal((ConversationState.Queued, (Guid?)null), await ConversationAsync(active.Id));
        var queued = await TestVisitor.Next(v.States, s => s.State == ConversationState.Queued);
        Assert.Equal(1, queued.QueuePosition);
        Assert.True(queued.EstimatedWaitSeconds > 0);
    }

    [Fact]
    public async Task A_left_message_chat_becomes_a_ticket_assigned_when_an_agent_comes_online()
    {
        var team = await TeamAsync("round_robin");
        var agent = await AgentAsync(team);
        var site = await ChatTestData.CreateSite(app, team);
        await using var v = new TestVisitor(app);
        var offline = await AskForPersonAsync(v, site.Key, "你好，请问发票怎么开", "人工客服");
        Assert.Equal(ConversationState.Offline, offline.State);
        var ticketId = await app.DbAsync(db => db.Set<ChatConversation>().Where(c => c.Id == offline.Id).Select(c => c.TicketId).FirstAsync());
        await DrainAsync();
        var queue = await KefuApp.Json(await agent.Http.GetAsync($"/api/v1/routing/teams/{team}/queue"), true);
        Assert.Contains(ticketId, queue["items"]!.AsArray().Select(q => q!["ticketId"]!.GetValue<long>()));

        var chatQueue = await KefuApp.Json(await agent.Http.GetAsync("/api/v1/chat/queue"), true);
        Assert.Contains(offline.Id, chatQueue.AsArray().Select(q => q!["conversationId"]!.GetValue<long>()));
        await SetStatus(agent, "online");
        Assert.Equal(agent.Id, await AssigneeAsync(ticketId));
        chatQueue = await KefuApp.Json(await agent.Http.GetAsync("/api/v1/chat/queue"), true);
        Assert.DoesNotContain(offline.Id, chatQueue.AsArray().Select(q => q!["conversationId"]!.GetValue<long>()));
        // A left message is a ticket: it takes a ticket place, not one of his chat places.
        var profile = await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/routing/agents/{agent.Id}"), true);
        Assert.Equal(1, profile["openTickets"]!.GetValue<int>());
        Assert.Equal(0, profile["openChats"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_queued_chat_nobody_online_may_take_does_not_block_the_chats_behind_it()
    {
        var team = await TeamAsync("round_robin");
        var english = await AgentAsync(team);
        await KefuApp.Json(await app.Admin.PutAsJsonAsync($"/api/v1/routing/agents/{english.Id}", new { languages = new[] { "en" }, chatCapacity = 1 }), true);
        await SetStatus(english, "online");
        var site = await ChatTestData.CreateSite(app, team);

        await using var v0 = new TestVisitor(app);
        var busy = await AskForPersonAsync(v0, site.Key, "Hello, my order has not arrived yet", "human");
        Assert.Equal(ConversationState.Active, busy.State);
        // The agent is at his limit: a Chinese chat (he cannot take it at all) and then an English one queue up.
        await using var v1 = new TestVisitor(app);
        var head = await AskForPersonAsync(v1, site.Key, "你好，我想改一下收货地址", "转人工");
        Assert.Equal(ConversationState.Queued, head.State);
        await using var v2 = new TestVisitor(app);
        var behind = await AskForPersonAsync(v2, site.Key, "Hi, can I change the delivery address please?", "agent please");
        Assert.Equal(ConversationState.Queued, behind.State);
        Assert.Equal(2, behind.QueuePosition);

        // His chat ends: the English chat behind the head is his; the head keeps waiting, first in line.
        await KefuApp.PostOk(english.Http, $"/api/v1/chat/conversations/{busy.Id}/end", new { });
        await DrainAsync();
        Assert.Equal((ConversationState.Active, english.Id), await ConversationAsync(behind.Id));
        Assert.Equal((ConversationState.Queued, (Guid?)null), await ConversationAsync(head.Id));
        await TestVisitor.Next(v2.States, s => s.State == ConversationState.Active);
        await TestVisitor.Next(v1.States, s => s.State == ConversationState.Queued && s.QueuePosition == 1);
    }

    [Fact]
    public async Task A_vip_customer_needs_a_vip_agent_and_customer_tags_are_validated_and_audited()
    {
        var team = await TeamAsync("round_robin");
        var plain = await AgentAsync(team);
        var vipAgent = await AgentAsync(team);
        await KefuApp.Json(await app.Admin.PutAsJsonAsync($"/api/v1/routing/agents/{vipAgent.Id}", new { vip = true }), true);
        await SetStatus(plain, "online");
        var customer = await KefuApp.PostOk(app.Admin, "/api/v1/customers", new { name = "赵六", email = $"{Unique("vip")}@example.com" });
        var customerId = customer["id"]!.GetValue<long>();

        var bad = await app.Admin.PutAsJsonAsync($"/api/v1/customers/{customerId}/tags", new { tags = new[] { new string('x', 51) } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.NotNull((await KefuApp.Json(bad))["errors"]!["tags"]);
        var set = await app.Admin.PutAsJsonAsync($"/api/v1/customers/{customerId}/tags", new { tags = new[] { " VIP ", "gold", "vip" } });
        Assert.Equal(["gold", "vip"], (await KefuApp.Json(set, true))["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
        var read = await KefuApp.Json(await plain.Http.GetAsync($"/api/v1/customers/{customerId}"), true);
        Assert.Equal(["gold", "vip"], read["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
        var audited = await app.DbAsync(db => db.Audit.AsNoTracking()
            .CountAsync(a => a.EntityType == "customer" && a.EntityId == customerId.ToString() && a.Action == "tags_changed"));
        Assert.Equal(1, audited);

        // No ticket tag: the customer's vip tag alone makes the ticket need a VIP agent, so the online plain agent
        // does not get it; the VIP agent does when he comes online.
        var t = await KefuApp.PostOk(app.Admin, "/api/v1/tickets", new
        {
            subject = Unique("咨询"), channel = "email", teamId = team, customer = new { id = customerId }, message = new { body = "退款什么时候到账" },
        });
        var id = t["id"]!.GetValue<long>();
        Assert.Null(await AssigneeAsync(id));
        await SetStatus(vipAgent, "online");
        Assert.Equal(vipAgent.Id, await AssigneeAsync(id));
    }

    [Fact]
    public async Task Asking_a_question_that_mentions_an_agent_stays_with_the_bot()
    {
        Assert.True(ChatService.AsksForPerson("转人工"));
        Assert.True(ChatService.AsksForPerson("我要转人工客服！"));
        Assert.True(ChatService.AsksForPerson("Human please"));
        Assert.True(ChatService.AsksForPerson("I want to talk to an agent"));
        Assert.False(ChatService.AsksForPerson("How do I become a sales agent for your products in Shanghai?"));
        Assert.False(ChatService.AsksForPerson("运费多少"));
        await Task.CompletedTask;
    }
}

[Collection(RoutingSqliteCollection.Name)]
public sealed class SqliteAssignmentApiTests(RoutingSqliteApp app) : AssignmentApiTests(app);

[Collection(RoutingPostgresCollection.Name)]
public sealed class PostgresAssignmentApiTests(RoutingPostgresApp app) : AssignmentApiTests(app);
