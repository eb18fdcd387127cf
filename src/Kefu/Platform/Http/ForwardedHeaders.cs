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
        foreach (var network in NetworkList.Parse(trustedProxies, "Kefu:Http:TrustedProxies")) o.KnownIPNetworks.Add(network);
    }
}

/// <summary>A setting listing addresses or CIDR networks, comma-separated; a single address is a one-address network.</summary>
public static class NetworkList
{
    public static readonly System.Net.IPNetwork[] Loopback = [System.Net.IPNetwork.Parse("127.0.0.0/8"), System.Net.IPNetwork.Parse("::1/128")];

    public static System.Net.IPNetwork[] Parse(string? entries, string setting) =>
        [.. (entries ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(entry => ParseEntry(entry) ?? throw new InvalidOperationException($"{setting}: '{entry}' is not an address or CIDR network."))];

    /// <summary>"10.0.0.5" or "10.0.0.0/8"; null for anything else, including host bits after the prefix ("10.0.0.5/8").</summary>
    private static System.Net.IPNetwork? ParseEntry(string entry)
    {
        var slash = entry.IndexOf('/');
        if (!IPAddress.TryParse(slash < 0 ? entry : entry[..slash], out var address)) return null;
        var bits = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128;
        var prefix = bits;
        if (slash >= 0 && (!int.TryParse(entry.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out prefix)
            || prefix > bits)) return null;
        try
        {
            var network = new System.Net.IPNetwork(address, prefix);
            return network.BaseAddress.Equals(address) ? network : null;
        }
        catch (ArgumentException) { return null; }
    }

    /// <summary>Whether <paramref name="address"/> (IPv4-mapped IPv6 taken as IPv4) is in one of <paramref name="networks"/>.</summary>
    public static bool Contains(IReadOnlyList<System.Net.IPNetwork> networks, IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        foreach (var n in networks) if (n.Contains(address)) return true;
        return false;
    }
}
