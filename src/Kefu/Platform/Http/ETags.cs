using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Net.Http.Headers;

namespace Kefu.Platform.Http;

/// <summary>Optimistic concurrency over HTTP: ETag carries the row version, If-Match must match it to update.</summary>
public static class ETags
{
    public static string For(int version) => $"\"{version}\"";

    public static void Set(HttpContext http, int version) => http.Response.Headers.ETag = For(version);

    /// <summary>The ETag of a row versioned by an opaque stamp rather than a counter (a staff account: Identity's
    /// ConcurrencyStamp, renewed by every update).</summary>
    public static string ForStamp(string? stamp) => $"\"{stamp}\"";

    public static void SetStamp(HttpContext http, string? stamp) => http.Response.Headers.ETag = ForStamp(stamp);

    /// <summary>The stamp of a row with no version column (a chat site, a triage rule, an agent's routing profile, a
    /// team's assignment policy): a hash of the fields its PUT sets, so any change to them changes it. Used with
    /// <see cref="SetStamp"/> and <see cref="CheckStamp"/>, checked inside the write's unit of work.</summary>
    public static string ForContent(params object?[] fields)
    {
        static string Text(object? f) => f switch
        {
            null => "\u0000",
            string s => s,
            IFormattable x => x.ToString(null, CultureInfo.InvariantCulture),
            System.Collections.IEnumerable e => "[" + string.Join('\u001e', e.Cast<object?>().Select(Text)) + "]",
            _ => f.ToString() ?? "",
        };
        var text = string.Join('\u001f', fields.Select(Text));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..20];
    }

    /// <summary><see cref="Check(HttpContext, int)"/> for a stamp-versioned row.</summary>
    public static void CheckStamp(HttpContext http, string? stamp) => Check(http, ForStamp(stamp));

    /// <summary>If-Match as a list of versions, in the order sent (a bulk change sends one ETag per listed resource);
    /// null when absent or "*". An entry that is not one of this API's ETags is a 400.</summary>
    public static int[]? ListFromIfMatch(HttpContext http)
    {
        var header = http.Request.Headers[HeaderNames.IfMatch].ToString();
        if (string.IsNullOrWhiteSpace(header) || header.Trim() == "*") return null;
        var tags = header.Split(',').Select(v => v.Trim().Replace("W/", "", StringComparison.Ordinal).Trim('"')).ToArray();
        var versions = new int[tags.Length];
        for (var i = 0; i < tags.Length; i++)
            if (!int.TryParse(tags[i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out versions[i]))
                throw DomainException.Validation(HeaderNames.IfMatch, $"{HeaderNames.IfMatch} must list ETags as read from this API (\"3\").");
        return versions;
    }

    /// <summary>Checks If-Match against the current version. Missing If-Match is allowed (last write wins for
    /// simple scripts); a present but stale one is 412.</summary>
    public static void Check(HttpContext http, int currentVersion) => Check(http, For(currentVersion));

    private static void Check(HttpContext http, string current)
    {
        var header = http.Request.Headers[HeaderNames.IfMatch].ToString();
        if (string.IsNullOrWhiteSpace(header) || header.Trim() == "*") return;
        var ok = header.Split(',').Select(v => v.Trim().Replace("W/", "", StringComparison.Ordinal))
            .Any(v => v == current);
        if (!ok)
            throw new DomainException(412, "Precondition failed",
                $"If-Match {header} does not match the current ETag {current}; fetch the resource again and retry.");
    }
}
