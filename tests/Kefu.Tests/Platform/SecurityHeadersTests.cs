namespace Kefu.Tests.Platform;

/// <summary>Security headers (decision 0058): staff pages refuse framing and foreign scripts or form targets; the chat
/// widget's files and hub, used from customers' sites, carry no such policy.</summary>
[Collection(SqliteCollection.Name)]
public sealed class SecurityHeadersTests(SqliteApp app)
{
    [Theory]
    [InlineData("/", false)]
    [InlineData("/login", false)]
    [InlineData("/admin/sla", false)]
    [InlineData("/admin/sla", true)]
    [InlineData("/api/v1/me", true)]
    [InlineData("/app.css", false)]
    public async Task Staff_pages_and_the_api_carry_the_policy(string path, bool signedIn)
    {
        var client = signedIn ? app.AgentA.Http : app.Client(null);
        var response = await client.GetAsync(path);
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        foreach (var directive in new[] { "script-src 'self'", "form-action 'self'", "frame-ancestors 'none'", "object-src 'none'", "connect-src 'self'" })
            Assert.Contains(directive, csp);
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("strict-origin-when-cross-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }

    [Fact]
    public async Task An_error_response_keeps_the_headers()
    {
        var response = await app.AgentA.Http.GetAsync("/api/v1/tickets/999999999");
        Assert.True((int)response.StatusCode >= 400, $"{response.StatusCode}");
        Assert.True(response.Headers.Contains("Content-Security-Policy"));
        Assert.True(response.Headers.Contains("X-Content-Type-Options"));
    }

    [Theory]
    [InlineData("/widget/kefu-widget.js")]
    [InlineData("/widget/demo.html")]
    [InlineData("/hubs/widget/negotiate?negotiateVersion=1")]
    public async Task The_widget_is_not_restricted_for_customer_sites(string path)
    {
        var response = await app.Client(null).GetAsync(path);
        Assert.False(response.Headers.Contains("Content-Security-Policy"), path);
        Assert.False(response.Headers.Contains("X-Frame-Options"), path);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
    }
}
