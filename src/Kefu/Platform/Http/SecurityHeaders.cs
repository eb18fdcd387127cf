namespace Kefu.Platform.Http;

/// <summary>Security headers on every response (decision 0058). Staff pages get a content security policy that allows
/// only the app's own scripts (MudBlazor needs inline styles), its own WebSocket/HTTP connections, forms posting to itself,
/// and no framing. The chat widget's files and hub (<c>/widget</c>, <c>/hubs/widget</c>) serve customers' sites: the
/// script is loaded cross-origin and its demo page has an inline script, so they get no policy, only the generic
/// headers. The API reference page (Scalar, inline configuration) gets only the framing rule.</summary>
public static class SecurityHeaders
{
    public const string Policy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
        "font-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; " +
        "object-src 'none'";

    private const string FramingOnly = "frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        // Set when the response starts: the exception handler clears the headers of a failed response.
        http.Response.OnStarting(static state =>
        {
            var http = (HttpContext)state;
            var headers = http.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            var path = http.Request.Path;
            if (path.StartsWithSegments("/widget") || path.StartsWithSegments("/hubs/widget")) return Task.CompletedTask;
            headers.XFrameOptions = "DENY";
            headers.ContentSecurityPolicy = path.StartsWithSegments("/api/docs") ? FramingOnly : Policy;
            return Task.CompletedTask;
        }, http);
        return next(http);
    });
}
