using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Kefu.Platform.Web;

/// <summary>
/// The absolute base address for links in mail written outside a request (escalation notices, from the outbox).
/// KEFU_PUBLIC_URL when set; else the address this server listens on (a wildcard host such as 0.0.0.0, [::], + or *
/// becomes this machine's host name); else http://localhost. A request's Host header is deliberately not used here:
/// a background mail must not carry whatever host the last caller sent. Behind a proxy, set KEFU_PUBLIC_URL.
/// </summary>
public sealed class PublicUrl(IOptions<KefuOptions> options, IServer server)
{
    public string Base()
    {
        if (options.Value.PublicUrl is { Length: > 0 } configured) return configured.TrimEnd('/');
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        // https first: a link in mail should not downgrade the connection when the server offers both.
        var address = addresses.OrderBy(a => a.StartsWith("https:", StringComparison.OrdinalIgnoreCase) ? 0 : 1).FirstOrDefault();
        return address is null ? "http://localhost" : FromListenAddress(address, System.Net.Dns.GetHostName());
    }

    /// <summary>A listen address ("http://+:5080", "http://0.0.0.0:80", "https://[::]:443") as a link base.</summary>
    public static string FromListenAddress(string address, string hostName)
    {
        var scheme = address.StartsWith("https:", StringComparison.OrdinalIgnoreCase) ? "https" : "http";
        var rest = address[(address.IndexOf("://", StringComparison.Ordinal) is var i and >= 0 ? i + 3 : 0)..].TrimEnd('/');
        // host:port, the host possibly an [IPv6] literal.
        var colon = rest.StartsWith('[') ? rest.IndexOf(':', rest.IndexOf(']') + 1) : rest.LastIndexOf(':');
        var host = colon >= 0 ? rest[..colon] : rest;
        var port = colon >= 0 ? rest[(colon + 1)..] : "";
        if (host is "+" or "*" or "0.0.0.0" or "[::]" or "::" || host.Length == 0) host = hostName;
        var defaultPort = scheme == "https" ? "443" : "80";
        return port.Length == 0 || port == defaultPort ? $"{scheme}://{host}" : $"{scheme}://{host}:{port}";
    }
}
