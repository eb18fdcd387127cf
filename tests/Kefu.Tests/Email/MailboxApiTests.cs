using Kefu.Email;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Tests.Email;

/// <summary>Mailbox administration: permission, encrypted passwords, the connection test's stages.</summary>
public abstract class MailboxApiTests(KefuApp app) : EmailTestBase(app)
{
    [Fact]
    public async Task Only_admins_manage_mailboxes_and_passwords_are_encrypted_and_never_returned()
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await App.AgentA.Http.GetAsync("/api/v1/mailboxes")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await App.Supervisor.Http.PostAsJsonAsync("/api/v1/mailboxes", new { })).StatusCode);
        var (id, _, _) = await CreateMailboxAsync();
        var dto = await KefuApp.Json(await App.Admin.GetAsync($"/api/v1/mailboxes/{id}"), true);
        Assert.True(dto["hasImapPassword"]!.GetValue<bool>());
        Assert.DoesNotContain(MailServers.Password, dto.ToJsonString());
        var stored = await DbAsync(db => db.Set<Mailbox>().AsNoTracking().FirstAsync(m => m.Id == id));
        Assert.NotNull(stored.ImapPasswordProtected);
        Assert.DoesNotContain(MailServers.Password, stored.ImapPasswordProtected);
        Assert.Equal(MailServers.Password, App.Service<EmailSecrets>().Unprotect(stored.ImapPasswordProtected));
    }

    [Fact]
    public async Task Connection_test_names_the_failing_stage()
    {
        async Task<JsonNode> Test(object overrides)
        {
            var (id, _, _) = await CreateMailboxAsync(overrides);
            return await KefuApp.PostOk(App.Admin, $"/api/v1/mailboxes/{id}/test", new { });
        }
        var ok = await Test(new { });
        Assert.True(ok["imap"]!["ok"]!.GetValue<bool>(), ok.ToJsonString());
        Assert.True(ok["smtp"]!["ok"]!.GetValue<bool>(), ok.ToJsonString());
        Assert.Equal("auth", (await Test(new { imapPassword = "wrong" }))["imap"]!["stage"]!.GetValue<string>());
        Assert.Equal("auth", (await Test(new { smtpPassword = "wrong" }))["smtp"]!["stage"]!.GetValue<string>());
        Assert.Equal("folder", (await Test(new { imapFolder = "NoSuchFolder" }))["imap"]!["stage"]!.GetValue<string>());
        Assert.Equal("dns", (await Test(new { imapHost = "no-such-host.invalid" }))["imap"]!["stage"]!.GetValue<string>());
        Assert.Equal("tls", (await Test(new { imapPort = MailServers.ImapsPort, imapSecurity = "tls" }))["imap"]!["stage"]!.GetValue<string>());
        Assert.True((await Test(new { imapPort = MailServers.ImapsPort, imapSecurity = "tls", allowInvalidCertificates = true }))["imap"]!["ok"]!.GetValue<bool>());
        Assert.True((await Test(new { imapSecurity = "start_tls", allowInvalidCertificates = true }))["imap"]!["ok"]!.GetValue<bool>());
        Assert.Equal("connect", (await Test(new { smtpPort = 1 }))["smtp"]!["stage"]!.GetValue<string>());
    }

    [Fact]
    public async Task Connection_test_names_the_failing_stage_of_each_server_and_says_what_failed()
    {
        async Task<JsonNode> Test(object overrides)
        {
            var (id, _, _) = await CreateMailboxAsync(overrides);
            return await KefuApp.PostOk(App.Admin, $"/api/v1/mailboxes/{id}/test", new { });
        }
        void Failed(JsonNode check, string stage, string inMessage)
        {
            Assert.False(check["ok"]!.GetValue<bool>(), check.ToJsonString());
            Assert.Equal(stage, check["stage"]!.GetValue<string>());
            Assert.Contains(inMessage, check["error"]!.GetValue<string>());
        }
        // DNS and connection refused, on the side the preceding test does not cover; the other side still succeeds.
        var smtpDns = await Test(new { smtpHost = "no-such-smtp.invalid" });
        Failed(smtpDns["smtp"]!, "dns", "no-such-smtp.invalid");
        Assert.True(smtpDns["imap"]!["ok"]!.GetValue<bool>(), smtpDns.ToJsonString());
        Failed((await Test(new { imapPort = 1 }))["imap"]!, "connect", "127.0.0.1:1");
        // TLS chosen for a port that speaks plain text: a TLS failure, not a hang or a generic error.
        Failed((await Test(new { imapSecurity = "tls" }))["imap"]!, "tls", $"127.0.0.1:{MailServers.ImapPort}");
        Failed((await Test(new { smtpSecurity = "tls" }))["smtp"]!, "tls", $"127.0.0.1:{MailServers.SmtpPort}");
        // The error names the host, the user or the folder the admin has to correct.
        Failed((await Test(new { imapHost = "no-such-imap.invalid" }))["imap"]!, "dns", "no-such-imap.invalid");
        Failed((await Test(new { imapFolder = "不存在的文件夹" }))["imap"]!, "folder", "不存在的文件夹");
        var auth = (await Test(new { imapPassword = "wrong", smtpPassword = "wrong" }));
        Failed(auth["imap"]!, "auth", "Sign-in refused");
        Failed(auth["smtp"]!, "auth", "Sign-in refused");
    }

    [Fact]
    public async Task Editing_keeps_the_stored_password_unless_a_new_one_is_given_and_only_unused_mailboxes_are_deleted()
    {
        var (id, user, address) = await CreateMailboxAsync();
        var dto = await KefuApp.Json(await App.Admin.GetAsync($"/api/v1/mailboxes/{id}"), true);
        // The edit form sends every setting back with the password fields left empty (null): the stored ones stay.
        var body = dto.AsObject().DeepClone().AsObject();
        foreach (var k in new[] { "id", "hasImapPassword", "hasSmtpPassword", "lastCheckedAt", "lastError", "version" }) body.Remove(k);
        body["name"] = "Renamed 售后";
        body["pollSeconds"] = 120;
        body["imapPassword"] = null;
        body["smtpPassword"] = null;
        var put = await App.Admin.PutAsJsonAsync($"/api/v1/mailboxes/{id}", body);
        var edited = await KefuApp.Json(put, true);
        Assert.Equal("Renamed 售后", edited["name"]!.GetValue<string>());
        Assert.Equal(120, edited["pollSeconds"]!.GetValue<int>());
        Assert.True(edited["hasImapPassword"]!.GetValue<bool>());
        var test = await KefuApp.PostOk(App.Admin, $"/api/v1/mailboxes/{id}/test", new { });
        Assert.True(test["imap"]!["ok"]!.GetValue<bool>(), test.ToJsonString());

        // A new password replaces it (the wrong one: the test now fails at sign-in).
        body["imapPassword"] = "wrong";
        await KefuApp.Json(await App.Admin.PutAsJsonAsync($"/api/v1/mailboxes/{id}", body), true);
        Assert.Equal("auth", (await KefuApp.PostOk(App.Admin, $"/api/v1/mailboxes/{id}/test", new { }))["imap"]!["stage"]!.GetValue<string>());

        // A mailbox with mail history cannot be deleted (disable it); an unused one can.
        body["imapPassword"] = MailServers.Password;
        await KefuApp.Json(await App.Admin.PutAsJsonAsync($"/api/v1/mailboxes/{id}", body), true);
        await MailServers.AppendAsync(user, Mail(Customer(), address, "删除前的邮件", "hello"));
        Assert.Equal(1, (await FetchAsync(id)).Stored);
        Assert.Equal(HttpStatusCode.BadRequest, (await App.Admin.DeleteAsync($"/api/v1/mailboxes/{id}")).StatusCode);
        var (unused, _, _) = await CreateMailboxAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await App.Admin.DeleteAsync($"/api/v1/mailboxes/{unused}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await App.Admin.GetAsync($"/api/v1/mailboxes/{unused}")).StatusCode);
    }
}

[Collection(EmailSqliteCollection.Name)]
public sealed class SqliteMailboxApiTests(EmailSqliteApp app) : MailboxApiTests(app);
