using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Kefu.Email;
using Kefu.Platform.Database;
using Kefu.Platform.Events;
using Kefu.Tests.Email;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace Kefu.Tests.Auth;

/// <summary>Kefu with a fake clock and the email workers off: the test delivers events and sends mail itself.</summary>
public interface IPasswordResetApp
{
    FakeTimeProvider Time { get; }
}

internal static class PasswordResetSettings
{
    public static FakeTimeProvider NewClock() => new(new DateTimeOffset(2026, 3, 16, 1, 0, 0, TimeSpan.Zero));

    public static void Apply(IWebHostBuilder builder, FakeTimeProvider time)
    {
        EmailSettings.Apply(builder);
        builder.ConfigureServices(s => s.AddSingleton<TimeProvider>(time));
    }
}

/// <summary>On SQLite.</summary>
public sealed class PasswordResetApp : SqliteApp, IPasswordResetApp
{
    public FakeTimeProvider Time { get; } = PasswordResetSettings.NewClock();
    protected override void Configure(IWebHostBuilder builder) => PasswordResetSettings.Apply(builder, Time);
}

/// <summary>On PostgreSQL.</summary>
public sealed class PasswordResetPostgresApp : PostgresApp, IPasswordResetApp
{
    public FakeTimeProvider Time { get; } = PasswordResetSettings.NewClock();
    protected override void Configure(IWebHostBuilder builder) => PasswordResetSettings.Apply(builder, Time);
}

/// <summary>"Forgot password" end to end: request → event → system mail through the outbox → the real SMTP sink →
/// the link's token resets the password once, expires after an hour, and unknown addresses get the same answer.</summary>
public abstract partial class PasswordResetTests(KefuApp app)
{
    private FakeTimeProvider Time => ((IPasswordResetApp)app).Time;

    [Fact]
    public async Task A_reset_link_is_mailed_works_once_expires_after_an_hour_and_unknown_addresses_learn_nothing()
    {
        var anonymous = app.Client(null);

        // No active mailbox yet: the page tells the user to ask an administrator instead of offering a form.
        var page = await anonymous.GetStringAsync("/login/forgot");
        Assert.Contains("id=\"forgot-unavailable\"", page);
        Assert.DoesNotContain("id=\"send-link\"", page);

        var userName = "reset." + Guid.NewGuid().ToString("N")[..8];
        var email = $"{userName}@staff.test";
        var unknown = $"nobody.{Guid.NewGuid():N}@staff.test";
        var user = await KefuApp.PostOk(app.Admin, "/api/v1/users", new
        {
            userName, displayName = "重置测试", email, password = "Secret#2026", roles = new[] { "agent" }, teamIds = new[] { app.TeamA },
        });
        var userId = user["id"]!.GetValue<Guid>();
        // Two mailboxes; the second is chosen for system mail, so it (not the first active one) sends the link.
        await CreateMailboxAsync(app, system: false);
        var systemAddress = await CreateMailboxAsync(app, system: true);
        Assert.Contains("id=\"send-link\"", await anonymous.GetStringAsync("/login/forgot"));

        // Known and unknown addresses: the same status and the same body.
        var known = await anonymous.PostAsJsonAsync("/api/v1/auth/password/forgot", new { email = email.ToUpperInvariant() });
        var other = await anonymous.PostAsJsonAsync("/api/v1/auth/password/forgot", new { email = unknown });
        Assert.Equal(HttpStatusCode.Accepted, known.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, other.StatusCode);
        Assert.Equal(await known.Content.ReadAsStringAsync(), await other.Content.ReadAsStringAsync());

        await DeliverAsync(app);
        Assert.Empty(MailServers.SentTo(unknown));
        Assert.False(await DbAsync(db => db.Set<OutboundEmail>().AnyAsync(o => o.To == unknown)));
        var mail = Assert.Single(MailServers.SentTo(email));
        Assert.Equal(systemAddress, mail.From.Mailboxes.Single().Address);
        Assert.Equal("auto-generated", mail.Headers["Auto-Submitted"]);
        Assert.Null(mail.Headers["X-Kefu-Ticket"]);
        var (linkUser, token, path) = Link(mail.TextBody!);
        Assert.Equal(userId, linkUser);
        // The stored copy of a sent system mail loses its body: the link is a secret.
        Assert.DoesNotContain(await DbAsync(db => db.Set<OutboundEmail>().Where(o => o.To == email).Select(o => o.BodyText).ToListAsync()),
            b => b.Contains(token, StringComparison.Ordinal));

        // The link opens the reset page with the password rules.
        Assert.Contains("id=\"password-rules\"", await anonymous.GetStringAsync(path));

        // A password breaking the rules is refused with a field message, and the token stays usable.
        var weak = await anonymous.PostAsJsonAsync("/api/v1/auth/password/reset", new { userId, token, password = "short" });
        Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
        Assert.NotNull((await KefuApp.Json(weak))["errors"]!["password"]);

        var ok = await anonymous.PostAsJsonAsync("/api/v1/auth/password/reset", new { userId, token, password = "brandnew2026" });
        Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
        var login = await app.Client(null).PostAsJsonAsync("/api/v1/auth/login", new { userName, password = "brandnew2026" });
        Assert.Equal(HttpStatusCode.NoContent, login.StatusCode);
        Assert.Equal(1, await DbAsync(db => db.Audit.CountAsync(a => a.EntityId == userId.ToString() && a.Action == "password_reset_by_email")));

        // Single use: the reset renewed the security stamp the token carries.
        var again = await anonymous.PostAsJsonAsync("/api/v1/auth/password/reset", new { userId, token, password = "another2026x" });
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.NotNull((await KefuApp.Json(again))["errors"]!["token"]);

        // A new link stops working one hour later.
        await anonymous.PostAsJsonAsync("/api/v1/auth/password/forgot", new { email });
        await DeliverAsync(app);
        var second = MailServers.SentTo(email);
        Assert.Equal(2, second.Count);
        var (_, lateToken, _) = Link(second[^1].TextBody!);
        Time.Advance(TimeSpan.FromMinutes(61));
        var late = await anonymous.PostAsJsonAsync("/api/v1/auth/password/reset", new { userId, token = lateToken, password = "another2026x" });
        Assert.Equal(HttpStatusCode.BadRequest, late.StatusCode);
        Assert.NotNull((await KefuApp.Json(late))["errors"]!["token"]);

        // At most three links per account and hour, however often someone asks.
        for (var i = 0; i < 4; i++)
            Assert.Equal(HttpStatusCode.Accepted, (await anonymous.PostAsJsonAsync("/api/v1/auth/password/forgot", new { email })).StatusCode);
        await DeliverAsync(app);
        Assert.Equal(5, MailServers.SentTo(email).Count);

        // Ten requests per client and 15 minutes (seven made above): the eleventh is refused for everyone alike.
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Accepted, (await anonymous.PostAsJsonAsync("/api/v1/auth/password/forgot", new { email = unknown })).StatusCode);
        Assert.Equal((HttpStatusCode)429, (await anonymous.PostAsJsonAsync("/api/v1/auth/password/forgot", new { email })).StatusCode);
    }

    internal static async Task<string> CreateMailboxAsync(KefuApp app, bool system)
    {
        var imapUser = MailServers.NewUser();
        var address = $"{imapUser}@support.test";
        await KefuApp.PostOk(app.Admin, "/api/v1/mailboxes", new
        {
            name = "Support " + imapUser, address, teamId = app.TeamA,
            imapHost = "127.0.0.1", imapPort = MailServers.ImapPort, imapSecurity = "none", imapUser, imapPassword = MailServers.Password,
            smtpHost = "127.0.0.1", smtpPort = MailServers.SmtpPort, smtpSecurity = "none", smtpUser = "kefu", smtpPassword = "secret",
            isActive = true, sendsSystemMail = system,
        });
        return address;
    }

    /// <summary>Runs the event handlers for what was committed, then sends the email outbox to the SMTP sink.</summary>
    internal static async Task DeliverAsync(KefuApp app)
    {
        var events = app.Service<OutboxDispatcher>();
        while (await events.DispatchBatchAsync(CancellationToken.None) > 0) { }
        await app.Service<SmtpDispatcher>().DispatchDueAsync(CancellationToken.None);
    }

    internal static (Guid User, string Token, string Path) Link(string text)
    {
        var m = LinkPattern().Match(text);
        Assert.True(m.Success, text);
        return (Guid.Parse(m.Groups["user"].Value), Uri.UnescapeDataString(m.Groups["token"].Value), m.Groups["path"].Value);
    }

    private Task<T> DbAsync<T>(Func<KefuDb, Task<T>> query) => app.DbAsync(query);

    [GeneratedRegex(@"https?://[^/\s]+(?<path>/login/reset\?user=(?<user>[0-9a-f-]{36})&token=(?<token>[^\s]+))")]
    private static partial Regex LinkPattern();
}

public sealed class SqlitePasswordResetTests(PasswordResetApp app) : PasswordResetTests(app), IClassFixture<PasswordResetApp>;

public sealed class PostgresPasswordResetTests(PasswordResetPostgresApp app) : PasswordResetTests(app), IClassFixture<PasswordResetPostgresApp>;
