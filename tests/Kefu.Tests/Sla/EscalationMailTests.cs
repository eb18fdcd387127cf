using System.Text.RegularExpressions;
using Kefu.Email;
using Kefu.Platform;
using Kefu.Platform.Auth;
using Kefu.Platform.Web;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Options;
using Kefu.Platform.Events;
using Kefu.Sla;
using Microsoft.EntityFrameworkCore;

using Kefu.Tests.Email;

namespace Kefu.Tests.Sla;

/// <summary>Escalations notify their tier's people by e-mail too (real SMTP sink), once per escalation and person,
/// respecting each person's profile setting.</summary>
public abstract class EscalationMailTests(KefuApp app) : EmailTestBase(app)
{
    [Fact]
    public async Task Each_notified_person_gets_one_mail_per_escalation_unless_he_opted_out()
    {
        await CreateMailboxAsync(new { isActive = true });
        var team = (await KefuApp.PostOk(App.Admin, "/api/v1/teams", new { name = Unique("Escalate") }))["id"]!.GetValue<int>();
        var mailed = await App.CreateStaff(Unique("lead"), "Lead Mailed", ["team_lead"], [team]);
        var quiet = await App.CreateStaff(Unique("lead"), "Lead Quiet", ["team_lead"], [team]);
        await using (var scope = App.Factory.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<ProfileService>()
                .UpdateAsync(quiet.Id, new UpdateProfileRequest("zh-CN", "Asia/Shanghai", true, true, NotifyEmail: false), CancellationToken.None);

        var subject = Unique("订单延误");
        var ticket = await KefuApp.PostOk(App.Admin, "/api/v1/tickets", new
        {
            subject, teamId = team, customer = new { email = Customer() }, message = new { body = "订单一直没有发货" },
        });
        var ticketId = ticket["id"]!.GetValue<long>();
        var escalation = await KefuApp.PostOk(App.Admin, $"/api/v1/tickets/{ticketId}/escalations", new { reason = "客户多次催单", tier = 2 });
        var escalationId = escalation["id"]!.GetValue<long>();

        // The outbox handler queues the mail; a redelivery of the same event queues nothing more.
        var key = EscalationMailer.DedupeKey(escalationId, mailed.Id);
        var queued = await MailServers.EventuallyAsync(() => DbAsync(db => db.Set<OutboundEmail>().AsNoTracking().FirstOrDefaultAsync(o => o.DedupeKey == key)),
            "the escalation mail in the outbox");
        Assert.Null(queued.TicketId); // system mail: a staff member's answer must not thread onto the customer's ticket
        Assert.Equal(OutboundKind.System, queued.Kind);
        var raised = new EscalationRaised(ticketId, escalationId, 2, EscalationTrigger.Manual, [mailed.Id, quiet.Id]);
        await using (var scope = App.Factory.Services.CreateAsyncScope())
        {
            var uow = scope.ServiceProvider.GetRequiredService<Kefu.Platform.Database.UnitOfWork>();
            var mailer = scope.ServiceProvider.GetRequiredService<EscalationMailer>();
            await uow.RunAsync(c => mailer.HandleAsync(raised, new EventContext(0, DateTime.UtcNow), c), CancellationToken.None);
        }
        await DispatchAsync();

        var sent = Assert.Single(MailServers.SentTo($"{mailed.UserName}@staff.test"));
        Assert.Contains($"#{ticketId + 100000}", sent.Subject);
        Assert.Contains(subject, sent.Subject);
        Assert.Contains("客户多次催单", sent.TextBody);
        Assert.Empty(MailServers.SentTo($"{quiet.UserName}@staff.test"));
        Assert.Equal(0, await DbAsync(db => db.Set<OutboundEmail>().CountAsync(o => o.DedupeKey == EscalationMailer.DedupeKey(escalationId, quiet.Id))));
    }

    [Fact]
    public async Task The_mail_goes_only_to_people_who_may_open_the_ticket_masked_for_outsourced_ones_and_so_does_the_sla_view()
    {
        await CreateMailboxAsync(new { isActive = true });
        var team = (await KefuApp.PostOk(App.Admin, "/api/v1/teams", new { name = Unique("Escalate") }))["id"]!.GetValue<int>();
        var otherTeam = (await KefuApp.PostOk(App.Admin, "/api/v1/teams", new { name = Unique("Elsewhere") }))["id"]!.GetValue<int>();
        var outsourced = await App.CreateStaff(Unique("lead"), "Lead Outsourced", ["team_lead"], [team], outsourced: true);
        var stranger = await App.CreateStaff(Unique("lead"), "Lead Elsewhere", ["team_lead"], [otherTeam]);

        var subject = Unique("回电") + " 13812345678";
        var ticketId = (await KefuApp.PostOk(App.Admin, "/api/v1/tickets", new
        {
            subject, teamId = team, customer = new { email = Customer() }, message = new { body = "请回电" },
        }))["id"]!.GetValue<long>();
        var escalationId = (await KefuApp.PostOk(App.Admin, $"/api/v1/tickets/{ticketId}/escalations",
            new { reason = "客户要求回电 13987654321", tier = 2 }))["id"]!.GetValue<long>();
        // The tier's own notice reaches the outsourced lead through the outbox; the stranger (another team's lead, as a
        // tier's fallback to everyone with the role can pick) is handed to the mailer directly.
        var key = EscalationMailer.DedupeKey(escalationId, outsourced.Id);
        await MailServers.EventuallyAsync(() => DbAsync(db => db.Set<OutboundEmail>().AsNoTracking().FirstOrDefaultAsync(o => o.DedupeKey == key)),
            "the escalation mail to the outsourced lead");
        var raised = new EscalationRaised(ticketId, escalationId, 2, EscalationTrigger.Manual, [stranger.Id]);
        await using (var scope = App.Factory.Services.CreateAsyncScope())
        {
            var uow = scope.ServiceProvider.GetRequiredService<Kefu.Platform.Database.UnitOfWork>();
            var mailer = scope.ServiceProvider.GetRequiredService<EscalationMailer>();
            await uow.RunAsync(c => mailer.HandleAsync(raised, new EventContext(0, DateTime.UtcNow), c), CancellationToken.None);
        }
        await DispatchAsync();

        var sent = Assert.Single(MailServers.SentTo($"{outsourced.UserName}@staff.test"));
        Assert.DoesNotContain("13812345678", sent.Subject);
        Assert.DoesNotContain("13812345678", sent.TextBody);
        Assert.DoesNotContain("13987654321", sent.TextBody);
        Assert.Contains($"#{ticketId + 100000}", sent.Subject);
        Assert.Equal(0, await DbAsync(db => db.Set<OutboundEmail>().CountAsync(o => o.DedupeKey == EscalationMailer.DedupeKey(escalationId, stranger.Id))));

        // The ticket's SLA view masks the typed reason for the outsourced reader, not for others.
        var masked = await (await outsourced.Http.GetAsync($"/api/v1/tickets/{ticketId}/sla")).Content.ReadAsStringAsync();
        Assert.Contains("客户要求回电", masked);
        Assert.DoesNotContain("13987654321", masked);
        Assert.Contains("13987654321", await App.Admin.GetStringAsync($"/api/v1/tickets/{ticketId}/sla"));
    }

    [Fact]
    public async Task The_mail_is_in_each_readers_language_and_time_zone_and_links_to_the_ticket_absolutely()
    {
        await CreateMailboxAsync(new { isActive = true });
        var team = (await KefuApp.PostOk(App.Admin, "/api/v1/teams", new { name = Unique("Escalate") }))["id"]!.GetValue<int>();
        var english = await App.CreateStaff(Unique("lead"), "Lead English", ["team_lead"], [team]);
        var chinese = await App.CreateStaff(Unique("lead"), "Lead Chinese", ["team_lead"], [team]);
        await using (var scope = App.Factory.Services.CreateAsyncScope())
        {
            var profiles = scope.ServiceProvider.GetRequiredService<ProfileService>();
            await profiles.UpdateAsync(english.Id, new UpdateProfileRequest("en", "America/New_York", true, true, NotifyEmail: true), CancellationToken.None);
            await profiles.UpdateAsync(chinese.Id, new UpdateProfileRequest("zh-CN", "Asia/Shanghai", true, true, NotifyEmail: true), CancellationToken.None);
        }

        var subject = Unique("退款迟迟未到");
        var ticketId = (await KefuApp.PostOk(App.Admin, "/api/v1/tickets", new
        {
            subject, teamId = team, priority = "high", customer = new { email = Customer() }, message = new { body = "退款一周了还没到账" },
        }))["id"]!.GetValue<long>();
        var escalation = await KefuApp.PostOk(App.Admin, $"/api/v1/tickets/{ticketId}/escalations", new { reason = "客户要求主管回电", tier = 2 });
        var escalationId = escalation["id"]!.GetValue<long>();
        var due = escalation["dueAt"]!.GetValue<DateTime>().ToUniversalTime();
        foreach (var who in new[] { english, chinese })
        {
            var key = EscalationMailer.DedupeKey(escalationId, who.Id);
            await MailServers.EventuallyAsync(() => DbAsync(db => db.Set<OutboundEmail>().AsNoTracking().FirstOrDefaultAsync(o => o.DedupeKey == key)),
                $"the escalation mail to {who.UserName}");
        }
        await DispatchAsync();

        var en = Assert.Single(MailServers.SentTo($"{english.UserName}@staff.test"));
        var newYork = TimeZoneInfo.ConvertTimeFromUtc(due, TimeZoneInfo.FindSystemTimeZoneById("America/New_York"));
        var offset = TimeZoneInfo.FindSystemTimeZoneById("America/New_York").GetUtcOffset(due);
        Assert.StartsWith("[Escalation · ", en.Subject);
        Assert.Contains($"Ticket #{ticketId + 100000} was escalated", en.TextBody);
        Assert.Contains($"by {newYork:yyyy-MM-dd HH:mm} (America/New_York, UTC-{offset.Duration():hh\\:mm})", en.TextBody);
        Assert.Contains("Priority: High", en.TextBody);
        Assert.Contains("Trigger: Escalated by hand", en.TextBody);
        Assert.DoesNotContain("UTC前", en.TextBody);
        Assert.DoesNotContain("优先级", en.TextBody);

        var zh = Assert.Single(MailServers.SentTo($"{chinese.UserName}@staff.test"));
        var shanghai = due.AddHours(8);
        Assert.StartsWith("[升级 · ", zh.Subject);
        Assert.Contains($"请在 {shanghai:yyyy-MM-dd HH:mm} (Asia/Shanghai, UTC+08:00) 前处理", zh.TextBody);
        Assert.Contains("优先级：高", zh.TextBody);
        Assert.DoesNotContain("Priority", zh.TextBody);

        // The link is absolute although the fixture sets no KEFU_PUBLIC_URL (it falls back to the server's address).
        foreach (var body in new[] { en.TextBody, zh.TextBody })
            Assert.Matches(new Regex($@"https?://[^/\s]+/tickets/{ticketId}(\s|$)"), body);
    }

    [Fact]
    public void The_link_base_is_the_configured_public_url_else_the_listen_address_with_wildcards_named()
    {
        var server = App.Factory.Services.GetRequiredService<IServer>();
        Assert.Equal("https://kefu.example.com", new PublicUrl(Options.Create(new KefuOptions { PublicUrl = "https://kefu.example.com/" }), server).Base());
        Assert.Matches(new Regex("^https?://[^/]+$"), new PublicUrl(Options.Create(new KefuOptions()), server).Base());
        Assert.Equal("http://kefu-node1:5080", PublicUrl.FromListenAddress("http://+:5080", "kefu-node1"));
        Assert.Equal("http://kefu-node1:5080", PublicUrl.FromListenAddress("http://*:5080", "kefu-node1"));
        Assert.Equal("http://kefu-node1", PublicUrl.FromListenAddress("http://0.0.0.0:80", "kefu-node1"));
        Assert.Equal("https://kefu-node1", PublicUrl.FromListenAddress("https://[::]:443", "kefu-node1"));
        Assert.Equal("http://127.0.0.1:5080", PublicUrl.FromListenAddress("http://127.0.0.1:5080", "kefu-node1"));
        Assert.Equal("http://[::1]:5080", PublicUrl.FromListenAddress("http://[::1]:5080/", "kefu-node1"));
    }
}

[Collection(EmailSqliteCollection.Name)]
public sealed class SqliteEscalationMailTests(EmailSqliteApp app) : EscalationMailTests(app);

[Collection(EmailPostgresCollection.Name)]
public sealed class PostgresEscalationMailTests(EmailPostgresApp app) : EscalationMailTests(app);
