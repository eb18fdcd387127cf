using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Tests.Platform;

/// <summary>X-Forwarded-For is believed from a trusted proxy (default: loopback) and ignored from anyone else.</summary>
[Collection(SqliteCollection.Name)]
public sealed class ForwardedHeadersTests(SqliteApp app)
{
    /// <summary>Revokes a new token of the admin's from <paramref name="from"/>, claiming to forward for
    /// <paramref name="client"/>; returns the address its audit row recorded.</summary>
    private async Task<string?> RevokeFromAsync(string from, string client)
    {
        var created = await KefuApp.PostOk(app.Admin, "/api/v1/me/tokens", new { name = "forwarded" });
        var id = created["token"]!["id"]!.GetValue<long>();
        var context = await app.Factory.Server.SendAsync(c =>
        {
            c.Request.Method = "DELETE";
            c.Request.Path = $"/api/v1/me/tokens/{id}";
            c.Request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", KefuApp.BootstrapToken).ToString();
            c.Request.Headers["X-Forwarded-For"] = client;
            c.Connection.RemoteIpAddress = IPAddress.Parse(from);
        });
        Assert.True(context.Response.StatusCode is >= 200 and < 300, $"status {context.Response.StatusCode}");
        var key = id.ToString();
        return await app.DbAsync(db => db.Audit.AsNoTracking()
            .Where(a => a.EntityType == "token" && a.EntityId == key && a.Action == "revoked").Select(a => a.RemoteAddress).SingleAsync());
    }

    [Fact]
    public async Task A_trusted_proxy_forwards_the_client_address_into_the_audit_trail()
    {
        Assert.Equal("198.51.100.23", await RevokeFromAsync("127.0.0.1", "198.51.100.23"));
        Assert.Equal("198.51.100.24", await RevokeFromAsync("::1", "198.51.100.24"));
    }

    [Fact]
    public async Task An_untrusted_source_cannot_choose_its_address()
    {
        Assert.Equal("192.0.2.50", await RevokeFromAsync("192.0.2.50", "198.51.100.25"));
    }
}
