using Microsoft.Net.Http.Headers;

namespace Kefu.Platform.Http;

/// <summary>Optimistic concurrency over HTTP: ETag carries the row version, If-Match must match it to update.</summary>
public static class ETags
{
    public static string For(int version) => $"\"{version}\"";

    public static void Set(HttpContext http, int version) => http.Response.Headers.ETag = For(version);

    /// <summary>Checks If-Match against the current version. Missing If-Match is allowed (last write wins for
    /// simple scripts); a present but stale one is 412.</summary>
    public static void Check(HttpContext http, int currentVersion)
    {
        var header = http.Request.Headers[HeaderNames.IfMatch].ToString();
        if (string.IsNullOrWhiteSpace(header) || header.Trim() == "*") return;
        var ok = header.Split(',').Select(v => v.Trim().Replace("W/", "", StringComparison.Ordinal))
            .Any(v => v == For(currentVersion));
        if (!ok)
            throw new DomainException(412, "Precondition failed",
                $"If-Match {header} does not match the current ETag {For(currentVersion)}; fetch the resource again and retry.");
    }
}
