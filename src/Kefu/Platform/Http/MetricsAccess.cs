namespace Kefu.Platform.Http;

/// <summary>
/// The Prometheus metrics (/metrics) name every route, its traffic and error rates and Kefu's own counters: operational
/// detail for the scraper, not for anyone who can reach the site. They are served only to the networks in
/// <c>Kefu:Http:MetricsAllowedFrom</c> (default loopback), judged on the client address after trusted proxies; others get 403.
/// A connection without an address (in-process, a Unix socket) is local.
/// </summary>
public static class MetricsAccess
{
    /// <summary>Where the Prometheus endpoint is mapped (PlatformModule) and what this check guards.</summary>
    public const string Path = "/metrics";

    public static void UseMetricsAccess(this IApplicationBuilder app, string? allowedFrom)
    {
        var allowed = string.IsNullOrWhiteSpace(allowedFrom) ? NetworkList.Loopback : NetworkList.Parse(allowedFrom, "Kefu:Http:MetricsAllowedFrom");
        app.UseWhen(c => c.Request.Path.StartsWithSegments(Path), b => b.Use(async (context, next) =>
        {
            if (context.Connection.RemoteIpAddress is not { } address || NetworkList.Contains(allowed, address))
            {
                await next(context);
                return;
            }
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails =
                {
                    Status = StatusCodes.Status403Forbidden,
                    Title = "Metrics are not served to this address",
                    Detail = "Add the scraper's address or network to Kefu:Http:MetricsAllowedFrom (default: loopback only).",
                },
            });
        }));
    }
}
