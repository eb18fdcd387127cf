using System.Net;
using System.Net.Http.Json;

namespace Kefu.Tests.Auth;

/// <summary>Sign-in sessions end when the password changes, an admin's reset lets a locked-out agent back in, and an
/// e-mail address shared by two accounts is a clear refusal, not a crash; once per provider.</summary>
public abstract class SessionTests(KefuApp app)
{
    private static string Unique(string prefix) => $"{prefix}{Guid.NewGuid():N}"[..20];

    private async Task<HttpClient> SignInAsync(string userName, string password, HttpStatusCode expected = HttpStatusCode.NoContent)
    {
        var browser = app.Client(null);
        var response = await browser.PostAsJsonAsync("/api/v1/auth/login", new { userName, password });
        Assert.Equal(expected, response.StatusCode);
        return browser;
    }

    [Fact]
    public async Task Changing_the_password_ends_the_accounts_other_sessions_at_once_and_keeps_this_one()
    {
        var user = await app.CreateStaff(Unique("sess"), "Session Tester", ["agent"], [app.TeamA]);
        var here = await SignInAsync(user.UserName, "Secret#2026");
        var elsewhere = await SignInAsync(user.UserName, "Secret#2026");
        Assert.Equal(HttpStatusCode.OK, (await elsewhere.GetAsync("/api/v1/me")).StatusCode);

        var changed = await here.PostAsJsonAsync("/api/v1/me/password", new { currentPassword = "Secret#2026", newPassword = "Changed#2026" });
        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);

        // The other browser's cookie was issued before the change: refused on its very next request (not 30 minutes later).
        Assert.Equal(HttpStatusCode.Unauthorized, (await elsewhere.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await elsewhere.GetAsync("/api/v1/tickets?limit=1")).StatusCode);
        // The browser that changed it got a new cookie and stays signed in; the API token is not a session and still works.
        Assert.Equal(HttpStatusCode.OK, (await here.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await user.Http.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task An_admin_password_reset_ends_sessions_and_the_lockout_and_unlock_alone_ends_the_lockout()
    {
        var user = await app.CreateStaff(Unique("lock"), "Lockout Tester", ["agent"], [app.TeamA]);
        var before = await SignInAsync(user.UserName, "Secret#2026");
        var attacker = app.Client(null);
        for (var i = 0; i < 5; i++) await attacker.PostAsJsonAsync("/api/v1/auth/login", new { userName = user.UserName, password = "wrong-guess" });
        await SignInAsync(user.UserName, "Secret#2026", (HttpStatusCode)423);

        // The console sees why the agent cannot sign in.
        var listed = await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/users/{user.Id}"), true);
        Assert.True(listed["lockedUntil"]!.GetValue<DateTime>() > DateTime.UtcNow);

        var reset = await app.Admin.PatchAsJsonAsync($"/api/v1/users/{user.Id}", new { password = "Reset#2026x" });
        Assert.True(reset.IsSuccessStatusCode, await reset.Content.ReadAsStringAsync());
        Assert.Null((await KefuApp.Json(reset))["lockedUntil"]?.GetValue<DateTime?>());
        Assert.Equal(HttpStatusCode.Unauthorized, (await before.GetAsync("/api/v1/me")).StatusCode);
        await SignInAsync(user.UserName, "Reset#2026x");

        // Locked again; `unlock` alone ends it, and the old password still works.
        for (var i = 0; i < 5; i++) await attacker.PostAsJsonAsync("/api/v1/auth/login", new { userName = user.UserName, password = "wrong-guess" });
        await SignInAsync(user.UserName, "Reset#2026x", (HttpStatusCode)423);
        var unlocked = await app.Admin.PatchAsJsonAsync($"/api/v1/users/{user.Id}", new { unlock = true });
        Assert.True(unlocked.IsSuccessStatusCode, await unlocked.Content.ReadAsStringAsync());
        await SignInAsync(user.UserName, "Reset#2026x");
        var audit = await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/audit?entityType=user&entityId={user.Id}&limit=50"), true);
        Assert.Contains(audit["items"]!.AsArray(), a => a!["changes"]?["lockedUntil"] is not null);
    }

    [Fact]
    public async Task Signing_in_with_an_email_two_accounts_share_asks_for_the_user_name()
    {
        var email = $"{Unique("shared")}@staff.test";
        var names = new List<string>();
        foreach (var _ in new[] { 1, 2 })
        {
            var userName = Unique("twin");
            names.Add(userName);
            await KefuApp.PostOk(app.Admin, "/api/v1/users", new { userName, displayName = "Twin", email, password = "Secret#2026", roles = new[] { "agent" } });
        }
        var browser = app.Client(null);
        var refused = await browser.PostAsJsonAsync("/api/v1/auth/login", new { userName = email, password = "Secret#2026" });
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("user name", (await KefuApp.Json(refused))["errors"]!["userName"]![0]!.GetValue<string>());
        await SignInAsync(names[0], "Secret#2026");
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteSessionTests(SqliteApp app) : SessionTests(app);

[Collection(PostgresCollection.Name)]
public sealed class PostgresSessionTests(PostgresApp app) : SessionTests(app);
