using Kefu.Chat;
using Kefu.Platform.Database;
using Kefu.Tickets;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Tests.Chat;

/// <summary>The customers' hub with real SignalR clients against the running server, on both providers.</summary>
public abstract class WidgetHubTests(KefuApp app)
{
    private async Task<(ChatSiteDto Site, TestVisitor Visitor)> Online(bool messagePack = false)
    {
        await ChatTestData.SetStatus(app.AgentA, "online");
        var site = await ChatTestData.CreateSite(app, app.TeamA);
        var visitor = new TestVisitor(app, messagePack);
        await visitor.StartAsync(site.Key);
        return (site, visitor);
    }

    private Task<JsonNode> TicketMessages(long ticketId) =>
        app.Admin.GetAsync($"/api/v1/tickets/{ticketId}/messages").ContinueWith(t => KefuApp.Json(t.Result, true)).Unwrap();

    private Task<long> TicketOf(long conversationId) =>
        app.DbAsync(db => db.Set<ChatConversation>().Where(c => c.Id == conversationId).Select(c => c.TicketId).FirstAsync());

    [Fact]
    public async Task Messages_are_acknowledged_in_sequence_and_every_side_sees_one_order()
    {
        var (_, visitor) = await Online();
        await using var _v = visitor;
        await using var secondTab = new TestVisitor(app);
        await secondTab.StartAsync(visitor.Started!.Site.Name == "" ? "" : (await SiteKeyOf(visitor)), visitor.Started.VisitorToken);
        Assert.Equal(visitor.Started.VisitorId, secondTab.Started!.VisitorId);

        var first = await visitor.SendAsync("你好，我的订单没有发货");
        Assert.Equal(1, first.Seq);
        Assert.False(first.Duplicate);
        // Two tabs sending at once: every message gets its own sequence number, none lost.
        var sends = Enumerable.Range(0, 10).Select(i => (i % 2 == 0 ? visitor : secondTab).SendAsync($"消息 {i}")).ToList();
        var acks = await Task.WhenAll(sends);
        Assert.Equal(Enumerable.Range(2, 10).Select(i => (long)i), acks.Select(a => a.Seq).Order());
        Assert.All(acks, a => Assert.Equal(first.ConversationId, a.ConversationId));

        var visitorView = await visitor.Connection.InvokeAsync<ChatMessageDto[]>("Since", first.ConversationId, 0L);
        var agentView = await KefuApp.Json(await app.AgentA.Http.GetAsync($"/api/v1/chat/conversations/{first.ConversationId}/messages"), true);
        Assert.Equal(visitorView.Select(m => m.Body), agentView.AsArray().Select(m => m!["body"]!.GetValue<string>()));
        Assert.Equal(Enumerable.Range(1, 11).Select(i => (long)i), visitorView.Select(m => m.Seq));
        // The ticket thread holds the same messages in the same order.
        var ticketId = await TicketOf(first.ConversationId);
        var thread = (await TicketMessages(ticketId)).AsArray().Select(m => m!["body"]!.GetValue<string>()).ToList();
        Assert.Equal(visitorView.Select(m => m.Body), thread);
        var ticket = await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/tickets/{ticketId}"), true);
        Assert.Equal("chat", ticket["channel"]!.GetValue<string>());
        // The second tab was told about every message (pushes may repeat or cross; clients place them by seq).
        var pushed = new HashSet<long>();
        while (pushed.Count < 11) pushed.Add((await TestVisitor.Next(secondTab.Messages, _ => true)).Seq);
        Assert.Equal(Enumerable.Range(1, 11).Select(i => (long)i), pushed.Order());
    }

    private async Task<string> SiteKeyOf(TestVisitor visitor)
    {
        var siteId = await app.DbAsync(db => db.Set<ChatVisitor>().Where(v => v.Id == visitor.Started!.VisitorId).Select(v => v.SiteId).FirstAsync());
        return await app.DbAsync(db => db.Set<ChatSite>().Where(s => s.Id == siteId).Select(s => s.Key).FirstAsync());
    }

    [Fact]
    public async Task A_retried_message_is_acknowledged_again_and_stored_once()
    {
        var (_, visitor) = await Online();
        await using var _v = visitor;
        var clientId = Guid.NewGuid().ToString("N");
        var first = await visitor.SendAsync("退款什么时候到账？", clientId);
        var again = await visitor.SendAsync("退款什么时候到账？", clientId);
        Assert.True(again.Duplicate);
        Assert.Equal(first.Seq, again.Seq);
        Assert.Equal(first.MessageId, again.MessageId);

        // Retries racing each other (a reconnect resending while the first attempt is still in flight).
        var raceId = Guid.NewGuid().ToString("N");
        var raced = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => visitor.SendAsync("还有一个问题", raceId)));
        Assert.Single(raced.Select(a => a.Seq).Distinct());
        Assert.Single(raced, a => !a.Duplicate);

        var stored = await app.DbAsync(db => db.Set<ChatMessage>().CountAsync(m => m.ConversationId == first.ConversationId));
        Assert.Equal(2, stored);
        var thread = (await TicketMessages(await TicketOf(first.ConversationId))).AsArray();
        Assert.Equal(2, thread.Count);
    }

    [Fact]
    public async Task After_a_reconnect_the_visitor_fetches_what_it_missed_and_agent_replies_arrive_live()
    {
        var (site, visitor) = await Online();
        var ack = await visitor.SendAsync("我想改地址");
        var token = visitor.Started!.VisitorToken;
        await visitor.DisposeAsync(); // network drop

        // The agent answers from the chat panel API while the visitor is away, and once from the workspace reply box.
        for (var i = 1; i <= 3; i++)
        {
            var r = await app.AgentA.Http.PostAsJsonAsync($"/api/v1/chat/conversations/{ack.ConversationId}/messages",
                new { clientId = $"agent-{i}-{Guid.NewGuid():N}", text = $"好的 {i}" });
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        await using var back = new TestVisitor(app);
        var started = await back.StartAsync(site.Key, token);
        Assert.Equal(visitor.Started.VisitorId, started.VisitorId);
        Assert.Equal(ack.ConversationId, started.Conversation!.Id);
        Assert.Equal(4, started.Conversation.LastSeq);
        var missed = await back.Connection.InvokeAsync<ChatMessageDto[]>("Since", ack.ConversationId, ack.Seq);
        Assert.Equal(["好的 1", "好的 2", "好的 3"], missed.Select(m => m.Body));
        Assert.All(missed, m => Assert.Equal(ChatSender.Agent, m.Sender));

        // A public reply written in the workspace (Tickets API) reaches the connected visitor as the next message.
        var ticketId = await TicketOf(ack.ConversationId);
        await KefuApp.PostOk(app.AgentA.Http, $"/api/v1/tickets/{ticketId}/messages", new { kind = "public_reply", body = "已为您修改地址" });
        var live = await TestVisitor.Next(back.Messages, m => m.Body == "已为您修改地址");
        Assert.Equal(5, live.Seq);
        Assert.Equal("Agent A", live.AuthorName);
        // …and is stored once, even though the outbox may deliver the event again.
        Assert.Equal(1, await app.DbAsync(db => db.Set<ChatMessage>().CountAsync(m => m.ConversationId == ack.ConversationId && m.Body == "已为您修改地址")));
    }

    [Fact]
    public async Task A_signed_user_is_linked_to_the_customer_and_a_bad_signature_is_rejected()
    {
        var site = await ChatTestData.CreateSite(app, app.TeamA);
        var userId = "u-" + Guid.NewGuid().ToString("N")[..8];
        await using var good = new TestVisitor(app);
        var started = await good.StartAsync(site.Key, user: new WidgetUser(userId, "王小明", null, VisitorTokens.SignUser(site.Secret, userId)));
        var customerId = await app.DbAsync(db => db.Set<ChatVisitor>().Where(v => v.Id == started.VisitorId).Select(v => v.CustomerId).FirstAsync());
        var customer = await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/customers/{customerId}"), true);
        Assert.Contains(customer["identities"]!.AsArray(), i => i!["kind"]!.GetValue<string>() == "app" && i["value"]!.GetValue<string>() == userId);

        // Same user on another device: same visitor, same conversation.
        await using var otherDevice = new TestVisitor(app);
        var again = await otherDevice.StartAsync(site.Key, user: new WidgetUser(userId, "王小明", null, VisitorTokens.SignUser(site.Secret, userId)));
        Assert.Equal(started.VisitorId, again.VisitorId);

        await using var forged = new TestVisitor(app);
        var bad = await Assert.ThrowsAsync<HubException>(() => forged.StartAsync(site.Key, user: new WidgetUser(userId, null, null, new string('0', 64))));
        Assert.Contains("identity_rejected", bad.Message);
        var unsigned = await Assert.ThrowsAsync<HubException>(() => forged.StartAsync(site.Key, user: new WidgetUser(userId, null, null, null)));
        Assert.Contains("identity_rejected", unsigned.Message);
        // Another site's secret does not sign for this site.
        var other = await ChatTestData.CreateSite(app, app.TeamA);
        await Assert.ThrowsAsync<HubException>(() => forged.StartAsync(site.Key, user: new WidgetUser(userId, null, null, VisitorTokens.SignUser(other.Secret, userId))));
        // A tampered visitor token is not that visitor: a fresh anonymous visitor starts instead.
        var anon = await forged.StartAsync(site.Key);
        var tampered = anon.VisitorToken[..^2] + (anon.VisitorToken[^2] == 'A' ? "B" : "A") + anon.VisitorToken[^1];
        await using var attacker = new TestVisitor(app);
        Assert.NotEqual(anon.VisitorId, (await attacker.StartAsync(site.Key, tampered)).VisitorId);
        // A signed-in user's token without the signature (after logout) does not reopen his chat.
        await using var afterLogout = new TestVisitor(app);
        Assert.NotEqual(started.VisitorId, (await afterLogout.StartAsync(site.Key, started.VisitorToken)).VisitorId);
    }

    [Fact]
    public async Task Unknown_site_and_foreign_origin_are_refused()
    {
        await using var v = new TestVisitor(app);
        var ex = await Assert.ThrowsAsync<HubException>(() => v.StartAsync("ks_nope"));
        Assert.Contains("unknown_site", ex.Message);
        var site = await ChatTestData.CreateSite(app, app.TeamA);
        Assert.False(ChatService.OriginAllowed(new ChatSite { Key = "", Name = "", Secret = "", AllowedOrigins = "https://shop.example.com" }, "https://evil.example"));
        Assert.True(ChatService.OriginAllowed(new ChatSite { Key = "", Name = "", Secret = "", AllowedOrigins = "https://shop.example.com" }, "https://shop.example.com"));
        Assert.NotNull(site);
    }

    [Fact]
    public async Task Too_many_messages_are_refused_with_a_clear_message_and_the_visitor_is_flagged()
    {
        var (_, visitor) = await Online();
        await using var _v = visitor;
        var refused = 0;
        for (var i = 0; i < ChatTestSettings.FlagPerMinute + 2; i++)
        {
            try { await visitor.SendAsync($"spam {i}"); }
            catch (HubException ex)
            {
                Assert.Contains("rate_limited", ex.Message);
                Assert.Contains("too quickly", ex.Message);
                refused++;
            }
        }
        // The limiter's clock stands still (ChatTestSettings): exactly the burst got through, however slow the sends.
        Assert.Equal(ChatTestSettings.FlagPerMinute + 2 - ChatTestSettings.VisitorBurst, refused);
        var flagged = await app.DbAsync(db => db.Set<ChatVisitor>().Where(v => v.Id == visitor.Started!.VisitorId).Select(v => v.FlaggedAt).FirstAsync());
        Assert.NotNull(flagged);
        // Once the 10 s window has passed, the visitor may write again.
        ((IChatTestApp)app).LimiterClock.Advance(TimeSpan.FromSeconds(11));
        Assert.False((await visitor.SendAsync("好了，我慢慢说")).Duplicate);
        // Nothing else broke: reading still works.
        Assert.NotNull(await visitor.Connection.InvokeAsync<ConversationDto?>("Current"));
        // Over-long messages are refused too.
        await using var other = new TestVisitor(app);
        await other.StartAsync(await SiteKeyOf(visitor));
        var tooLong = await Assert.ThrowsAsync<HubException>(() => other.SendAsync(new string('长', 2001)));
        Assert.Contains("too_long", tooLong.Message);
    }

    [Fact]
    public async Task Queue_accept_transfer_keeps_the_owner_and_end_asks_for_a_rating()
    {
        await ChatTestData.SetStatus(app.AgentA2, "online");
        var (_, visitor) = await Online();
        await using var _v = visitor;
        var ack = await visitor.SendAsync("你好，在吗？", preChat: new PreChat("赵六", $"zhao-{Guid.NewGuid():N}@example.com", null));
        var queued = await TestVisitor.Next(visitor.States, s => s.State == ConversationState.Queued);
        Assert.True(queued.QueuePosition >= 1);
        Assert.True(queued.EstimatedWaitSeconds > 0);

        Assert.Equal(HttpStatusCode.NoContent, (await app.AgentA.Http.PostAsync($"/api/v1/chat/conversations/{ack.ConversationId}/accept", null)).StatusCode);
        var active = await TestVisitor.Next(visitor.States, s => s.State == ConversationState.Active);
        Assert.Equal("Agent A", active.AgentName);
        // A second agent cannot take a chat already accepted.
        Assert.Equal(HttpStatusCode.Conflict, (await app.AgentA2.Http.PostAsync($"/api/v1/chat/conversations/{ack.ConversationId}/accept", null)).StatusCode);

        await app.AgentA.Http.PostAsJsonAsync($"/api/v1/chat/conversations/{ack.ConversationId}/messages", new { clientId = Guid.NewGuid().ToString("N"), text = "您好，我是王芳" });
        var transfer = await app.AgentA.Http.PostAsJsonAsync($"/api/v1/chat/conversations/{ack.ConversationId}/transfer",
            new { toAgentId = app.AgentA2.Id, note = "客户要改发票抬头，请跟进" });
        Assert.Equal(HttpStatusCode.NoContent, transfer.StatusCode);
        var ticketId = await TicketOf(ack.ConversationId);
        var ticket = await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/tickets/{ticketId}"), true);
        Assert.Equal(app.AgentA2.Id, ticket["assignee"]!["id"]!.GetValue<Guid>());
        Assert.Equal(app.AgentA.Id, ticket["owner"]!["id"]!.GetValue<Guid>()); // 首问负责
        var thread = (await TicketMessages(ticketId)).AsArray();
        Assert.Contains(thread, m => m!["kind"]!.GetValue<string>() == "internal_note" && m["body"]!.GetValue<string>().Contains("发票抬头"));
        Assert.Equal("Agent A2", (await TestVisitor.Next(visitor.States, s => s.AgentName == "Agent A2")).AgentName);

        // The pre-chat e-mail joined the customer, so the conversation can go on by e-mail.
        var customer = await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/customers/{ticket["customer"]!["id"]}"), true);
        Assert.Contains(customer["identities"]!.AsArray(), i => i!["kind"]!.GetValue<string>() == "email");

        Assert.Equal(HttpStatusCode.NoContent, (await app.AgentA2.Http.PostAsync($"/api/v1/chat/conversations/{ack.ConversationId}/end", null)).StatusCode);
        await TestVisitor.Next(visitor.States, s => s.State == ConversationState.Ended);
        await visitor.Connection.InvokeAsync("Rate", 5, "很满意");
        Assert.Equal(5, await app.DbAsync(db => db.Set<ChatConversation>().Where(c => c.Id == ack.ConversationId).Select(c => c.Rating).FirstAsync()));
        ticket = await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/tickets/{ticketId}"), true);
        Assert.Equal("solved", ticket["status"]!.GetValue<string>());

        // Writing again after the end starts a new chat (a new ticket).
        var next = await visitor.SendAsync("还有一件事");
        Assert.NotEqual(ack.ConversationId, next.ConversationId);
        Assert.Equal(1, next.Seq);
    }

    [Fact]
    public async Task Outsourced_agents_see_the_chat_visitor_and_messages_masked()
    {
        var (_, visitor) = await Online();
        await using var _ = visitor;
        var email = $"zhao{Random.Shared.Next(100000, 999999)}@example.com";
        var phone = "1371234" + Random.Shared.Next(1000, 9999);
        var ack = await visitor.SendAsync($"请打我电话 {phone}", preChat: new PreChat("赵六", email, null));
        var ticketId = await TicketOf(ack.ConversationId);

        var info = await app.Outsourced.Http.GetStringAsync($"/api/v1/chat/tickets/{ticketId}");
        Assert.DoesNotContain(email, info);
        Assert.Contains("zh***@example.com", info);
        var messages = await app.Outsourced.Http.GetStringAsync($"/api/v1/chat/conversations/{ack.ConversationId}/messages");
        Assert.DoesNotContain(phone, messages);
        Assert.Contains(phone[..3] + "****" + phone[^4..], messages);

        // The in-house agent of the same team sees them whole.
        Assert.Contains(email, await app.AgentA.Http.GetStringAsync($"/api/v1/chat/tickets/{ticketId}"));
        Assert.Contains(phone, await app.AgentA.Http.GetStringAsync($"/api/v1/chat/conversations/{ack.ConversationId}/messages"));
    }

    [Fact]
    public async Task With_no_agent_online_the_chat_becomes_a_left_message_ticket()
    {
        await ChatTestData.SetStatus(app.AgentB, "offline");
        var site = await ChatTestData.CreateSite(app, app.TeamB);
        await using var visitor = new TestVisitor(app);
        var started = await visitor.StartAsync(site.Key);
        Assert.False(started.Site.AgentsOnline);
        var ack = await visitor.SendAsync("晚上下单的，明天能发货吗？", preChat: new PreChat("钱七", $"qian-{Guid.NewGuid():N}@example.com", null));
        var state = await TestVisitor.Next(visitor.States, _ => true);
        Assert.Equal(ConversationState.Offline, state.State);
        var ticketId = await TicketOf(ack.ConversationId);
        var ticket = await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/tickets/{ticketId}"), true);
        Assert.Equal("chat", ticket["channel"]!.GetValue<string>());
        Assert.Equal(app.TeamB, ticket["team"]!["id"]!.GetValue<int>());
        Assert.Contains("@example.com", ticket["customer"]!["email"]!.GetValue<string>());
        var queue = await KefuApp.Json(await app.AgentB.Http.GetAsync("/api/v1/chat/queue"), true);
        Assert.Contains(queue.AsArray(), q => q!["conversationId"]!.GetValue<long>() == ack.ConversationId && q["state"]!.GetValue<string>() == "offline");
    }

    [Fact]
    public async Task Concurrent_sends_commit_in_one_transaction_each_acknowledged_after_commit_and_a_bad_one_loses_no_other()
    {
        var writer = app.Factory.Services.GetRequiredService<ChatWriter>();
        var (site, holder) = await Online();
        await using var _h = holder;
        var first = await holder.SendAsync("先开个对话");
        var visitors = new List<TestVisitor>();
        for (var i = 0; i < 5; i++)
        {
            var v = new TestVisitor(app);
            await v.StartAsync(site.Key);
            visitors.Add(v);
        }
        // The first visitor in a second tab: its sends share the conversation (and the ticket) with the first tab's.
        var opened = await visitors[0].SendAsync("第一个标签页先开对话");
        await using var secondTab = new TestVisitor(app);
        await secondTab.StartAsync(site.Key, visitors[0].Started!.VisitorToken);
        try
        {
            // 1. While the writer is held inside a transaction, four visitors send (the first from both tabs): they wait
            //    together, are written in ONE transaction, and none is acknowledged before that commit.
            var batchesBefore = writer.Batches;
            Task<SendAck>[] sends;
            Task<SendAck> held, fromSecondTab;
            await using (await HoldWriterAsync(first.ConversationId))
            {
                var taken = writer.Taken;
                held = holder.SendAsync("被挡住的一条");
                await Until(() => writer.Taken == taken + 1); // the writer is inside that send's transaction, held
                sends = visitors.Take(4).Select((v, i) => v.SendAsync($"同时发送 {i}")).ToArray();
                await Until(() => writer.Queued == 4);
                fromSecondTab = secondTab.SendAsync("另一个标签页同时发送");
                await Until(() => writer.Queued == 5);
                Assert.False(held.IsCompleted || sends.Any(s => s.IsCompleted) || fromSecondTab.IsCompleted); // nothing acknowledged before commit
            }
            var acks = await Task.WhenAll(sends);
            var tabAck = await fromSecondTab;
            await held;
            Assert.Equal(batchesBefore + 2, writer.Batches); // the held one, then the five together
            foreach (var ack in acks.Append(tabAck)) // acknowledged = committed: visible to any other connection
                Assert.Equal(1, await app.DbAsync(db => db.Set<ChatMessage>().CountAsync(m => m.ConversationId == ack.ConversationId && m.ClientId == ack.ClientId)));
            Assert.Equal(4, acks.Select(a => a.ConversationId).Distinct().Count());
            // Two sends to one conversation in one batch: the next two numbers, in queue order, both on the ticket.
            Assert.Equal(opened.ConversationId, acks[0].ConversationId);
            Assert.Equal(opened.ConversationId, tabAck.ConversationId);
            Assert.Equal([opened.Seq + 1, opened.Seq + 2], new[] { acks[0].Seq, tabAck.Seq });
            var ticketId = await app.DbAsync(db => db.Set<ChatConversation>().Where(c => c.Id == opened.ConversationId).Select(c => c.TicketId).FirstAsync());
            Assert.Equal(3, await app.DbAsync(db => db.Set<Message>().CountAsync(m => m.TicketId == ticketId && m.Kind == MessageKind.Customer)));

            // 2. A send that fails inside a batch (a file this visitor never uploaded) is refused alone.
            Task<SendAck>[] good;
            Task<SendAck> bad;
            await using (await HoldWriterAsync(first.ConversationId))
            {
                var taken = writer.Taken;
                held = holder.SendAsync("又被挡住");
                await Until(() => writer.Taken == taken + 1);
                good = visitors.Take(3).Select((v, i) => v.SendAsync($"第二批 {i}")).ToArray();
                bad = visitors[4].Connection.InvokeAsync<SendAck>("Send", new SendRequest(Guid.NewGuid().ToString("N"), "看附件", [long.MaxValue], null));
                await Until(() => writer.Queued == 4);
            }
            var refused = await Assert.ThrowsAsync<HubException>(() => bad);
            Assert.Contains("invalid", refused.Message);
            foreach (var ack in await Task.WhenAll(good))
            {
                Assert.False(ack.Duplicate);
                Assert.Equal(1, await app.DbAsync(db => db.Set<ChatMessage>().CountAsync(m => m.ConversationId == ack.ConversationId && m.ClientId == ack.ClientId)));
            }
            await held;
        }
        finally
        {
            foreach (var v in visitors) await v.DisposeAsync();
        }
    }

    /// <summary>Keeps the chat writer inside its next transaction until disposed: SQLite's write gate, or on PostgreSQL
    /// the row lock of the conversation that transaction's first send allocates a sequence number in.</summary>
    private async Task<IAsyncDisposable> HoldWriterAsync(long conversationId)
    {
        if (app.Provider == "Sqlite")
            return new Held(await app.Factory.Services.GetRequiredService<WriteGate>().EnterAsync(CancellationToken.None), null);
        var scope = app.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDb>();
        var tx = await db.Database.BeginTransactionAsync();
        await db.Database.ExecuteSqlAsync($"UPDATE chat_conversations SET last_seq = last_seq WHERE id = {conversationId}");
        return new Held(tx, scope);
    }

    private sealed class Held(IDisposable hold, IAsyncDisposable? scope) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            hold.Dispose(); // releases the gate, or rolls the locking transaction back
            if (scope is not null) await scope.DisposeAsync();
        }
    }

    /// <summary>Waits for a condition on the server's state (bounded), checking every few milliseconds.</summary>
    private static async Task Until(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition()) await Task.Delay(5, timeout.Token);
    }

    [Fact]
    public async Task MessagePack_clients_chat_too()
    {
        var (_, visitor) = await Online(messagePack: true);
        await using var _v = visitor;
        var ack = await visitor.SendAsync("MessagePack 你好 👋");
        var echoed = await TestVisitor.Next(visitor.Messages, m => m.Seq == ack.Seq);
        Assert.Equal("MessagePack 你好 👋", echoed.Body);
        Assert.Equal(ChatSender.Visitor, echoed.Sender);
    }
}

[Collection(ChatSqliteCollection.Name)]
public sealed class SqliteWidgetHubTests(ChatSqliteApp app) : WidgetHubTests(app);

[Collection(ChatPostgresCollection.Name)]
public sealed class PostgresWidgetHubTests(ChatPostgresApp app) : WidgetHubTests(app);
