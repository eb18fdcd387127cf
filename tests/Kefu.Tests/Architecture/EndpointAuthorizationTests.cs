using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;

namespace Kefu.Tests.Architecture;

/// <summary>Every endpoint of the REST API and every hub checks permission: each one the running app maps carries a
/// permission policy, except the few listed here with the reason (anonymous by nature, or self-service for any signed-in
/// account). A new endpoint mapped without <c>RequireAuthorization(Permissions.X)</c> fails this test, whatever its
/// module: the sampled denials in TicketsApiTests cannot catch that.</summary>
[Collection(SqliteCollection.Name)]
public sealed class EndpointAuthorizationTests(SqliteApp app)
{
    /// <summary>Open to anyone: the chat widget (visitors, checked by site key and origin), signing in and the password
    /// reset by e-mailed link.</summary>
    private static readonly string[] Anonymous =
    [
        "api/v1/widget/", "api/v1/auth/login", "api/v1/auth/password/forgot", "api/v1/auth/password/reset", "hubs/widget",
    ];

    /// <summary>Any signed-in, active staff account, about itself only.</summary>
    private static readonly string[] SelfService =
    [
        "api/v1/me", "api/v1/auth/", "api/v1/tokens", "hubs/workspace",
    ];

    private static bool Listed(string route, string[] prefixes) =>
        prefixes.Any(p => p.EndsWith('/') ? route.StartsWith(p, StringComparison.Ordinal) : route == p || route.StartsWith(p + "/", StringComparison.Ordinal));

    [Fact]
    public void Every_api_endpoint_and_hub_requires_a_permission_unless_listed_with_its_reason()
    {
        var endpoints = app.Service<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Route: (e.RoutePattern.RawText ?? "").TrimStart('/'), Endpoint: e))
            .Where(e => e.Route.StartsWith("api/v1", StringComparison.Ordinal) || e.Route.StartsWith("hubs/", StringComparison.Ordinal))
            .ToList();
        Assert.True(endpoints.Count > 100, $"the API maps its endpoints ({endpoints.Count} found)");

        var problems = new List<string>();
        foreach (var (route, e) in endpoints)
        {
            var methods = string.Join(",", e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"]);
            var name = $"{methods} /{route}";
            var anonymous = e.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            var policies = e.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).ToList();
            if (anonymous || policies.Count == 0)
            {
                if (!Listed(route, Anonymous)) problems.Add($"{name} is open to anonymous callers");
            }
            else if (policies.All(p => p is null) && !Listed(route, SelfService))
                problems.Add($"{name} needs only a signed-in account, no permission");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
