using Kefu.Email;
using Kefu.Platform.Auth;
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
}

[Collection(EmailSqliteCollection.Name)]
public sealed class SqliteEscalationMailTests(EmailSqliteApp app) : EscalationMailTests(app);

[Collection(EmailPostgresCollection.Name)]
public sealed class PostgresEscalationMailTests(EmailPostgresApp app) : EscalationMailTests(app);
