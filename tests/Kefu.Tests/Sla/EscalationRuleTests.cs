using Kefu.Tickets.Live;
using static Kefu.Tests.Sla.SlaTestKit;

namespace Kefu.Tests.Sla;

/// <summary>Escalation by rule: keywords (the shipped media/legal rule → tier 3) and repeated contact (the shipped
/// 3-contacts-in-7-days rule → tier 1, then each tier's time limit moves it up), with the in-app notices; rule admin API.</summary>
public sealed class EscalationRuleTests(FakeTimeSlaApp app) : IClassFixture<FakeTimeSlaApp>
{
    private IServiceProvider Services => app.Factory.Services;

    private async Task<long> ContactAsync(string email, string body) =>
        (await KefuApp.PostOk(app.Admin, "/api/v1/tickets", new
        {
            subject = Unique("rule"), priority = "normal", teamId = app.TeamA,
            customer = new { email }, message = new { body },
        }))["id"]!.GetValue<long>();

    private async Task<JsonArray> EscalationsAsync(long id) => (await SlaAsync(app.Admin, id))["escalations"]!.AsArray();

    [Fact]
    public async Task A_media_or_lawyer_threat_goes_straight_to_management_once_and_they_are_notified_in_app()
    {
        var feed = Services.GetRequiredService<TicketFeed>();
        var notices = new List<TicketChange>();
        void Collect(TicketChange c) { lock (notices) notices.Add(c); }
        feed.Changed += Collect;
        try
        {
            var id = await ContactAsync($"{Guid.NewGuid():N}@example.com", "三天了还没退款，再不处理我就找记者曝光到媒体！");
            await DrainAsync(Services);
            var e = Assert.Single(await EscalationsAsync(id))!;
            Assert.Equal(3, e["tier"]!.GetValue<int>());
            Assert.Equal("keyword", e["trigger"]!.GetValue<string>());
            Assert.Contains("媒体", e["reason"]!.GetValue<string>());
            Assert.Contains(e["notified"]!.AsArray(), n => n!["id"]!.GetValue<Guid>() == app.Supervisor.Id);
            lock (notices) Assert.Contains(notices, n => n.TicketId == id && n.Kind == "escalated" && n.AssigneeId == app.Supervisor.Id);

            // More threats on the same ticket: already at management, nothing new.
            await KefuApp.PostOk(app.Admin, $"/api/v1/tickets/{id}/messages", new { kind = "customer", body = "律师函已经在路上了" });
            await DrainAsync(Services);
            Assert.Single(await EscalationsAsync(id));

            // An ordinary message on another ticket does not match, even with "315" inside an order number.
            var calm = await ContactAsync($"{Guid.NewGuid():N}@example.com", "请问订单 A83159 的发票什么时候开");
            await DrainAsync(Services);
            Assert.Empty(await EscalationsAsync(calm));
        }
        finally { feed.Changed -= Collect; }
    }

    [Fact]
    public async Task A_customer_contacting_us_a_third_time_within_a_week_escalates_and_each_tier_time_limit_moves_it_up()
    {
        var email = $"{Guid.NewGuid():N}@example.com";
        var first = await ContactAsync(email, "我的快递一直没到");
        await DrainAsync(Services);
        app.Time.Advance(TimeSpan.FromDays(1));
        var second = await ContactAsync(email, "快递还是没到");
        await DrainAsync(Services);
        Assert.Empty(await EscalationsAsync(first));
        Assert.Empty(await EscalationsAsync(second));

        app.Time.Advance(TimeSpan.FromDays(1));
        var third = await ContactAsync(email, "第三次问了，快递到底在哪");
        await DrainAsync(Services);
        var e = Assert.Single(await EscalationsAsync(third))!;
        Assert.Equal(1, e["tier"]!.GetValue<int>());
        Assert.Equal("repeated_contact", e["trigger"]!.GetValue<string>());
        // Told in the reader's language (the API's default, zh-CN here; the code is stored, not the sentence).
        Assert.Contains("天内联系 3 次", e["reason"]!.GetValue<string>());
        var en = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/tickets/{third}/sla");
        en.Headers.AcceptLanguage.ParseAdd("en");
        var inEnglish = await (await app.Admin.SendAsync(en)).Content.ReadAsStringAsync();
        Assert.Contains("3 contacts within", inEnglish);

        // Tier 1 has 30 minutes, tier 2 two hours; nobody handles it, so it reaches management.
        app.Time.Advance(TimeSpan.FromMinutes(31));
        await SweepAsync(Services);
        app.Time.Advance(TimeSpan.FromMinutes(121));
        await SweepAsync(Services);
        var tiers = await EscalationsAsync(third);
        Assert.Equal([1, 2, 3], tiers.Select(x => x!["tier"]!.GetValue<int>()));
        Assert.Equal(["repeated_contact", "timeout", "timeout"], tiers.Select(x => x!["trigger"]!.GetValue<string>()));
        Assert.Contains(tiers[1]!["notified"]!.AsArray(), n => n!["id"]!.GetValue<Guid>() == app.Lead.Id);
        Assert.Contains(tiers[2]!["notified"]!.AsArray(), n => n!["id"]!.GetValue<Guid>() == app.Supervisor.Id);

        // A fourth contact does not start the rule over.
        await KefuApp.PostOk(app.Admin, $"/api/v1/tickets/{third}/messages", new { kind = "customer", body = "还在等" });
        await DrainAsync(Services);
        Assert.Equal(3, (await EscalationsAsync(third)).Count);
    }

    [Fact]
    public async Task Lines_of_one_chat_are_not_repeated_contacts_but_a_third_mail_on_one_ticket_is()
    {
        var chat = (await KefuApp.PostOk(app.Admin, "/api/v1/tickets", new
        {
            subject = Unique("chat"), channel = "chat", priority = "normal", teamId = app.TeamA,
            customer = new { email = $"{Guid.NewGuid():N}@example.com" }, message = new { body = "你好" },
        }))["id"]!.GetValue<long>();
        foreach (var line in new[] { "我想问一下", "订单的事情", "在吗" })
            await KefuApp.PostOk(app.Admin, $"/api/v1/tickets/{chat}/messages", new { kind = "customer", body = line });
        await DrainAsync(Services);
        Assert.Empty(await EscalationsAsync(chat));

        var mail = await ContactAsync($"{Guid.NewGuid():N}@example.com", "发票开错了");
        app.Time.Advance(TimeSpan.FromDays(1));
        await KefuApp.PostOk(app.Admin, $"/api/v1/tickets/{mail}/messages", new { kind = "customer", body = "发票的事情有进展吗" });
        await DrainAsync(Services);
        Assert.Empty(await EscalationsAsync(mail));
        app.Time.Advance(TimeSpan.FromDays(1));
        await KefuApp.PostOk(app.Admin, $"/api/v1/tickets/{mail}/messages", new { kind = "customer", body = "第三次来问发票了" });
        await DrainAsync(Services);
        var e = Assert.Single(await EscalationsAsync(mail))!;
        Assert.Equal("repeated_contact", e["trigger"]!.GetValue<string>());
    }

    [Fact]
    public async Task With_the_setting_on_an_urgent_ticket_goes_to_tier_one_when_created_or_raised_to_urgent_once()
    {
        (await app.Admin.PutAsJsonAsync("/api/v1/sla/escalation/settings", new { escalateUrgentOnCreate = true })).EnsureSuccessStatusCode();
        try
        {
            var created = (await KefuApp.PostOk(app.Admin, "/api/v1/tickets", new
            {
                subject = Unique("urgent"), priority = "urgent", teamId = app.TeamA,
                customer = new { email = $"{Guid.NewGuid():N}@example.com" }, message = new { body = "账户被盗了" },
            }))["id"]!.GetValue<long>();
            var raised = await ContactAsync($"{Guid.NewGuid():N}@example.com", "系统一直报错");
            await DrainAsync(Services);
            Assert.Equal("priority", Assert.Single(await EscalationsAsync(created))!["trigger"]!.GetValue<string>());
            Assert.Empty(await EscalationsAsync(raised));

            (await app.Admin.PatchAsJsonAsync($"/api/v1/tickets/{raised}", new { priority = "urgent" })).EnsureSuccessStatusCode();
            await DrainAsync(Services);
            var e = Assert.Single(await EscalationsAsync(raised))!;
            Assert.Equal(1, e["tier"]!.GetValue<int>());
            Assert.Equal("priority", e["trigger"]!.GetValue<string>());

            // Down and up again (and any redelivery): still the one escalation.
            (await app.Admin.PatchAsJsonAsync($"/api/v1/tickets/{raised}", new { priority = "normal" })).EnsureSuccessStatusCode();
            (await app.Admin.PatchAsJsonAsync($"/api/v1/tickets/{raised}", new { priority = "urgent" })).EnsureSuccessStatusCode();
            await DrainAsync(Services);
            Assert.Single(await EscalationsAsync(raised));
        }
        finally
        {
            (await app.Admin.PutAsJsonAsync("/api/v1/sla/escalation/settings", new { escalateUrgentOnCreate = false })).EnsureSuccessStatusCode();
        }
    }

    [Fact]
    public async Task Rules_are_managed_through_the_api_with_validation()
    {
        var bad = await app.Admin.PostAsJsonAsync("/api/v1/sla/escalation/rules", new { name = Unique("r"), kind = "keyword", tier = 3, keywords = Array.Empty<string>() });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("keywords", (await KefuApp.Json(bad))["errors"]!.AsObject().Select(kv => kv.Key));
        var badTier = await app.Admin.PostAsJsonAsync("/api/v1/sla/escalation/rules", new { name = Unique("r"), kind = "repeated_contact", tier = 4, contactCount = 1, withinDays = 7 });
        Assert.Equal(HttpStatusCode.BadRequest, badTier.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden,
            (await app.AgentA.Http.PostAsJsonAsync("/api/v1/sla/escalation/rules", new { name = Unique("r"), kind = "keyword", tier = 1, keywords = new[] { "x" } })).StatusCode);

        var name = Unique("vip");
        var created = await KefuApp.PostOk(app.Admin, "/api/v1/sla/escalation/rules",
            new { name, kind = "keyword", tier = 2, isActive = false, keywords = new[] { " 黑猫投诉 ", "黑猫投诉", "工信部" } });
        Assert.Equal(["黑猫投诉", "工信部"], created["keywords"]!.AsArray().Select(k => k!.GetValue<string>()));
        var list = await KefuApp.Json(await app.Admin.GetAsync("/api/v1/sla/escalation/rules"), true);
        Assert.Contains(list.AsArray(), r => r!["name"]!.GetValue<string>() == name);
        Assert.Contains(list.AsArray(), r => r!["kind"]!.GetValue<string>() == "repeated_contact"); // shipped default
        var delete = await app.Admin.DeleteAsync($"/api/v1/sla/escalation/rules/{created["id"]}");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
    }

    [Theory]
    [InlineData("我要打315热线", "315", true)]
    [InlineData("已经投诉12315了", "12315", true)]
    [InlineData("call 315 now", "315", true)]
    [InlineData("订单号83159还没到", "315", false)]
    [InlineData("ref A315B", "315", false)]
    [InlineData("rule-9a3150c2e1", "315", false)]
    [InlineData("找记者曝光", "记者", true)]
    [InlineData("I will call my LAWYER", "lawyer", true)]
    [InlineData("lawyers", "lawyer", false)]
    [InlineData("315 then 8315", "315", true)]
    public void Latin_and_digit_keywords_match_whole_words_and_chinese_ones_anywhere(string text, string keyword, bool expected) =>
        Assert.Equal(expected, Kefu.Sla.EscalationRuleService.Mentions(text, keyword));
}
