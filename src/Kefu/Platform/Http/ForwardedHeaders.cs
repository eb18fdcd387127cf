using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Kefu.Platform.Http;

/// <summary>Behind a reverse proxy, the client's address and scheme come from <c>X-Forwarded-For</c>/<c>-Proto</c>,
/// but only when the connection comes from a trusted proxy (<c>Kefu:Http:TrustedProxies</c>: addresses or CIDR
/// networks, comma-separated; default loopback only). Otherwise the headers are ignored: anyone could send them. The
/// sign-in rate limit and the audit trail's "from where" then see each client, not the proxy.</summary>
public static class ForwardedHeadersSetup
{
    public static void Configure(ForwardedHeadersOptions o, string? trustedProxies)
    {
        o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        o.ForwardLimit = null; // every trusted hop is unwrapped; the first untrusted one stops it
        if (string.IsNullOrWhiteSpace(trustedProxies)) return; // the defaults: 127.0.0.0/8 and ::1
        o.KnownIPNetworks.Clear();
        o.KnownProxies.Clear();
        foreach (var entry in trustedProxies.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (entry.Contains('/'))
            {
                if (!System.Net.IPNetwork.TryParse(entry, out var network))
                    throw new InvalidOperationException($"Kefu:Http:TrustedProxies: '{entry}' is not an address or CIDR network.");
                o.KnownIPNetworks.Add(network);
            }
            else if (IPAddress.TryParse(entry, out var address)) o.KnownProxies.Add(address);
            else throw new InvalidOperationException($"Kefu:Http:TrustedProxies: '{entry}' is not an address or CIDR network.");
        }
    }
}
