using System.Net;
using Kefu.Platform.Http;
using Microsoft.AspNetCore.Http;

namespace Kefu.Tests.Platform;

/// <summary>/metrics is served to the loopback by default (and to Kefu:Http:MetricsAllowedFrom), judged on the client's
/// address after trusted proxies; anyone else gets a 403 problem. The metrics name the service.</summary>
[Collection(SqliteCollection.Name)]
public sealed class MetricsAccessTests(SqliteApp app)
{
    private Task<HttpContext> Metrics(string? remote, string? forwardedFor = null) =>
        app.Factory.Server.SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Path = "/metrics";
            if (remote is not null) c.Connection.RemoteIpAddress = IPAddress.Parse(remote);
            if (forwardedFor is not null) c.Request.Headers["X-Forwarded-For"] = forwardedFor;
        });

    private static string Body(HttpContext c) => new StreamReader(c.Response.Body).ReadToEnd();

    [Theory]
    [InlineData(null)] // in-process, or a Unix socket: local
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    public async Task The_loopback_reads_the_metrics_and_they_name_the_service(string? remote)
    {
        await app.Admin.GetAsync("/api/v1/tickets?limit=1");
        var c = await Metrics(remote);
        Assert.Equal(200, c.Response.StatusCode);
        var text = Body(c);
        Assert.Contains("http_server_request_duration", text);
        Assert.Contains("service_name=\"kefu\"", text);
        Assert.DoesNotContain("unknown_service", text);
    }

    [Theory]
    [InlineData("203.0.113.9", null)]
    [InlineData("10.1.2.3", null)]
    [InlineData("127.0.0.1", "203.0.113.9")] // through the local reverse proxy: the client is outside
    public async Task Any_other_address_gets_a_403_problem_and_no_metrics(string remote, string? forwardedFor)
    {
        var c = await Metrics(remote, forwardedFor);
        Assert.Equal(403, c.Response.StatusCode);
        Assert.StartsWith("application/problem+json", c.Response.ContentType);
        var text = Body(c);
        Assert.Contains("Kefu:Http:MetricsAllowedFrom", text);
        Assert.DoesNotContain("http_server", text);
    }

    [Fact]
    public void Allowed_networks_take_addresses_and_cidr_networks_and_refuse_anything_else()
    {
        var networks = NetworkList.Parse(" 10.0.0.5, 172.16.0.0/12;2001:db8::/32 ", "Kefu:Http:MetricsAllowedFrom");
        Assert.True(NetworkList.Contains(networks, IPAddress.Parse("10.0.0.5")));
        Assert.True(NetworkList.Contains(networks, IPAddress.Parse("::ffff:10.0.0.5")));
        Assert.False(NetworkList.Contains(networks, IPAddress.Parse("10.0.0.6")));
        Assert.True(NetworkList.Contains(networks, IPAddress.Parse("172.31.255.1")));
        Assert.False(NetworkList.Contains(networks, IPAddress.Parse("172.32.0.1")));
        Assert.True(NetworkList.Contains(networks, IPAddress.Parse("2001:db8:1::7")));
        Assert.False(NetworkList.Contains(networks, IPAddress.Parse("127.0.0.1")));
        foreach (var bad in new[] { "10.0.0.5/8", "intranet", "10.0.0.0/33" })
        {
            var ex = Assert.Throws<InvalidOperationException>(() => NetworkList.Parse("127.0.0.1," + bad, "Kefu:Http:MetricsAllowedFrom"));
            Assert.Contains($"Kefu:Http:MetricsAllowedFrom: '{bad}'", ex.Message);
        }
    }
}
