using System.Net;
using System.Net.Http.Json;
using Kefu.Tests.Email;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Tests.Auth;

/// <summary>An administrator invites a colleague by email instead of typing a password for them: the invitation goes
/// through the mail outbox to the real SMTP sink, its link sets the password once, and it lives seven days.</summary>
public abstract class StaffInvitationTests(KefuApp app)
{
    private Microsoft.Extensions.Time.Testing.FakeTimeProvider Time => ((IPasswordResetApp)app).Time;

    private static object Invite(string userName, string? email, string? password = null) => new
    {
        userName, displayName = "邀请测试", email, password, roles = new[] { "agent" }, teamIds = Array.Empty<int>(), invite = true,
    };

    [Fact]
    public async Task An_invited_colleague_sets_a_password_from_the_mailed_link_and_signs_in()
    {
        var userName = "invite." + Guid.NewGuid().ToString("N")[..8];
        var email = $"{userName}@staff.test";

        // Without a mailbox an invitation cannot be sent: refused, naming why, and no account is created.
        var noMailbox = await app.Admin.PostAsJsonAsync("/api/v1/users", Invite(userName, email));
        Assert.Equal(HttpStatusCode.BadRequest, noMailbox.StatusCode);
        Assert.NotNull((await KefuApp.Json(noMailbox))["errors"]!["invite"]);
        Assert.False(await app.DbAsync(db => db.Users.AnyAsync(u => u.UserName == userName)));

        await PasswordResetTests.CreateMailboxAsync(app, system: true);
        // An invitation needs an address, and no password; an account without invitation needs a password.
        Assert.NotNull((await KefuApp.Json(await app.Admin.PostAsJsonAsync("/api/v1/users", Invite(userName, null))))["errors"]!["email"]);
        Assert.NotNull((await KefuApp.Json(await app.Admin.PostAsJsonAsync("/api/v1/users", Invite(userName, email, "Secret#2026"))))["errors"]!["password"]);
        Assert.NotNull((await KefuApp.Json(await app.Admin.PostAsJsonAsync("/api/v1/users",
            new { userName, displayName = "x", email, roles = new[] { "agent" } })))["errors"]!["password"]);

        var user = await KefuApp.PostOk(app.Admin, "/api/v1/users", Invite(userName, email));
        var userId = user["id"]!.GetValue<Guid>();
        // Until the password is chosen nobody can sign in to the account.
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Client(null).PostAsJsonAsync("/api/v1/auth/login", new { userName, password = "anything2026" })).StatusCode);

        await PasswordResetTests.DeliverAsync(app);
        var mail = Assert.Single(MailServers.SentTo(email));
        Assert.Contains(userName, mail.TextBody);
        var (linkUser, token, path) = PasswordResetTests.Link(mail.TextBody!);
        Assert.Equal(userId, linkUser);
        Assert.Equal(1, await app.DbAsync(db => db.Audit.CountAsync(a => a.EntityId == userId.ToString() && a.Action == "invitation_sent")));
        Assert.Contains("id=\"password-rules\"", await app.Client(null).GetStringAsync(path));

        // The link still works six days later (a reset link would have died after an hour), once.
        Time.Advance(TimeSpan.FromDays(6));
        var anonymous = app.Client(null);
        Assert.Equal(HttpStatusCode.NoContent, (await anonymous.PostAsJsonAsync("/api/v1/auth/password/reset", new { userId, token, password = "welcome2026" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await app.Client(null).PostAsJsonAsync("/api/v1/auth/login", new { userName, password = "welcome2026" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await anonymous.PostAsJsonAsync("/api/v1/auth/password/reset", new { userId, token, password = "another2026x" })).StatusCode);

        // A link not used within seven days has expired.
        var lateName = "late." + Guid.NewGuid().ToString("N")[..8];
        var lateEmail = $"{lateName}@staff.test";
        var lateUser = await KefuApp.PostOk(app.Admin, "/api/v1/users", Invite(lateName, lateEmail));
        await PasswordResetTests.DeliverAsync(app);
        var (_, lateToken, _) = PasswordResetTests.Link(Assert.Single(MailServers.SentTo(lateEmail)).TextBody!);
        Time.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));
        var late = await anonymous.PostAsJsonAsync("/api/v1/auth/password/reset", new { userId = lateUser["id"]!.GetValue<Guid>(), token = lateToken, password = "welcome2026" });
        Assert.Equal(HttpStatusCode.BadRequest, late.StatusCode);
        Assert.NotNull((await KefuApp.Json(late))["errors"]!["token"]);
    }
}

public sealed class SqliteStaffInvitationTests(PasswordResetApp app) : StaffInvitationTests(app), IClassFixture<PasswordResetApp>;

public sealed class PostgresStaffInvitationTests(PasswordResetPostgresApp app) : StaffInvitationTests(app), IClassFixture<PasswordResetPostgresApp>;
