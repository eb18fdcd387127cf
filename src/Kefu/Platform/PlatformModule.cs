using System.Text.Json;
using System.Threading.RateLimiting;
using Kefu.Platform.Audit;
using Kefu.Platform.Auth;
using Kefu.Platform.Database;
using Kefu.Platform.Events;
using Kefu.Platform.Http;
using Kefu.Platform.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Scalar.AspNetCore;

namespace Kefu.Platform;

public static class PlatformModule
{
    public const string LoginRateLimit = "login";
    /// <summary>The sign-in page, limited like the sign-in API (<see cref="LoginRateLimit"/>).</summary>
    public const string LoginPage = "/login";
    private const string AuthScheme = "Kefu";

    /// <summary>KEFU_* environment variables of the README, mapped onto the "Kefu" configuration section.</summary>
    private static readonly Dictionary<string, string> EnvironmentMap = new()
    {
        ["KEFU_DATA_DIR"] = "Kefu:DataDir",
        ["KEFU_DEMO"] = "Kefu:Demo",
        ["KEFU_BOOTSTRAP_API_TOKEN"] = "Kefu:BootstrapApiToken",
        ["KEFU_ADMIN_PASSWORD"] = "Kefu:AdminPassword",
        ["KEFU_DB_PROVIDER"] = "Kefu:Database:Provider",
        ["KEFU_DB_CONNECTION"] = "Kefu:Database:ConnectionString",
        ["KEFU_PUBLIC_URL"] = "Kefu:PublicUrl",
    };

    public static KefuOptions AddPlatform(this WebApplicationBuilder builder)
    {
        var mapped = EnvironmentMap
            .Select(kv => (kv.Value, Environment.GetEnvironmentVariable(kv.Key)))
            .Where(x => x.Item2 is not null)
            .ToDictionary(x => x.Item1, x => x.Item2);
        builder.Configuration.AddInMemoryCollection(mapped);

        var options = builder.Configuration.GetSection("Kefu").Get<KefuOptions>() ?? new KefuOptions();
        options.DataDir = Path.GetFullPath(options.DataDir);
        // Trimmed (a secret mounted from a file ends with a newline) and checked as TokenAuthentication reads a bearer
        // token, so a value accepted here always authenticates.
        options.BootstrapApiToken = options.BootstrapApiToken?.Trim();
        if (options.BootstrapApiToken is { Length: > 0 } bootstrap
            && (bootstrap.Length is < 32 or > 200 || bootstrap.Any(c => c is <= ' ' or > '~')))
            throw new InvalidOperationException(
                "KEFU_BOOTSTRAP_API_TOKEN must be 32 to 200 printable ASCII characters without spaces (e.g. `openssl rand -hex 32`).");
        builder.Services.Configure<KefuOptions>(o =>
        {
            builder.Configuration.GetSection("Kefu").Bind(o);
            o.DataDir = options.DataDir;
            o.BootstrapApiToken = options.BootstrapApiToken;
        });

        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddMemoryCache();
        services.AddHttpContextAccessor();
        services.AddSingleton<Web.PublicUrl>(); // absolute links in mail written outside a request
        builder.AddKefuDatabase(options);

        // Events
        var registry = new EventRegistry([typeof(PlatformModule).Assembly]);
        services.AddSingleton(registry);
        foreach (var handler in registry.AllHandlerTypes) services.AddScoped(handler);
        foreach (var observer in registry.AllObserverTypes) services.AddSingleton(observer);
        services.AddSingleton<EventObservers>();
        services.AddSingleton<OutboxSignal>();
        if (options.Database.IsPostgres)
        {
            // Observers run on every node: the dispatching one announces, the others listen (decision 0035).
            services.AddSingleton(sp => ActivatorUtilities.CreateInstance<PostgresEventFanout>(sp, options.Database.ConnectionString!));
            services.AddHostedService(sp => sp.GetRequiredService<PostgresEventFanout>());
        }
        services.AddSingleton<OutboxDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
        services.AddHostedService<Maintenance>();
        services.AddSingleton<Auth.TokenUseRecorder>();
        services.AddHostedService(sp => sp.GetRequiredService<Auth.TokenUseRecorder>());
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));

        // Identity, cookies, tokens, permissions
        services.AddIdentityCore<StaffUser>(o =>
            {
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.Lockout.AllowedForNewUsers = true;
                o.Password.RequiredLength = 8;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequireUppercase = false;
                o.User.RequireUniqueEmail = false;
                o.Tokens.PasswordResetTokenProvider = PasswordResetTokenProvider.ProviderName;
            })
            .AddRoles<StaffRole>()
            .AddEntityFrameworkStores<KefuDb>()
            .AddSignInManager()
            .AddDefaultTokenProviders()
            .AddTokenProvider<PasswordResetTokenProvider>(PasswordResetTokenProvider.ProviderName);
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = AuthScheme;
                o.DefaultChallengeScheme = AuthScheme;
            })
            .AddPolicyScheme(AuthScheme, AuthScheme, o => o.ForwardDefaultSelector = http =>
                http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? TokenAuthentication.SchemeName
                    : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, TokenAuthentication>(TokenAuthentication.SchemeName, null)
            .AddIdentityCookies();
        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "kefu.auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.LoginPath = "/login";
            o.SlidingExpiration = true;
            o.ExpireTimeSpan = TimeSpan.FromHours(12);
            o.Events.OnRedirectToLogin = c => ApiStatus(c, 401);
            // A cookie issued before the account's security stamp changed (password changed or reset, account
            // deactivated) ends at once, on every node within StaffDirectory's cache lifetime, instead of at Identity's
            // next revalidation (every 30 minutes by default): it is cleared and the request is anonymous.
            o.Events.OnValidatePrincipal = async c =>
            {
                await SecurityStampValidator.ValidatePrincipalAsync(c);
                if (c.Principal is { } p && await c.HttpContext.RequestServices.GetRequiredService<StaffDirectory>()
                        .GetAsync(p, c.HttpContext.RequestAborted) is null)
                {
                    c.RejectPrincipal();
                    await c.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
                }
            };
            o.Events.OnRedirectToAccessDenied = c => ApiStatus(c, 403);
        });
        services.AddAuthorization(o =>
        {
            foreach (var p in Permissions.All)
                o.AddPolicy(p, policy => policy.RequireAuthenticatedUser().AddRequirements(new PermissionRequirement(p)));
        });
        services.AddSingleton<IAuthorizationHandler, PermissionHandler>();
        services.AddSingleton<StaffDirectory>();
        services.AddScoped<CurrentUser>();
        services.AddScoped<StaffService>();
        services.AddScoped<TeamService>();
        services.AddScoped<ProfileService>();
        services.AddScoped<AccessTokenService>();
        services.AddScoped<PasswordResetService>();
        services.AddSingleton<PasswordResetLimiter>();
        services.AddScoped<AuditLog>();
        services.AddSingleton<HtmlCleaner>();
        ForwardedHeadersSetup.Configure(new ForwardedHeadersOptions(), options.Http.TrustedProxies); // a bad entry stops the start
        services.Configure<ForwardedHeadersOptions>(o => ForwardedHeadersSetup.Configure(o, options.Http.TrustedProxies));
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = 429;
            // Sign-in attempts per client address, whether through the API or the sign-in page (whose GET, showing the
            // form, is not an attempt and is not counted).
            o.AddPolicy(LoginRateLimit, http => HttpMethods.IsPost(http.Request.Method)
                ? RateLimitPartition.GetFixedWindowLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "local",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = 30, Window = TimeSpan.FromMinutes(1) })
                : RateLimitPartition.GetNoLimiter("not-an-attempt"));
            // The sign-in page answers a refused attempt with itself and a message, not a bare 429.
            o.OnRejected = (rejected, _) =>
            {
                var http = rejected.HttpContext;
                if (http.Request.Path.Equals(LoginPage, StringComparison.OrdinalIgnoreCase))
                {
                    http.Response.StatusCode = StatusCodes.Status303SeeOther;
                    http.Response.Headers.Location = LoginPage + http.Request.QueryString.Add("limited", "1");
                }
                return ValueTask.CompletedTask;
            };
        });

        // HTTP conventions: problem details for every error, strict JSON, validation, OpenAPI
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            // Field names in errors follow the JSON the client sent (camelCase), whoever produced the problem.
            if (c.ProblemDetails is HttpValidationProblemDetails v && v.Errors.Keys.Any(k => k.Length > 0 && char.IsUpper(k[0])))
            {
                var renamed = v.Errors.ToDictionary(kv => CamelPath(kv.Key), kv => kv.Value);
                v.Errors.Clear();
                foreach (var kv in renamed) v.Errors[kv.Key] = kv.Value;
            }
        });
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o => KefuJson.Configure(o.SerializerOptions));
        services.AddValidation();
        services.AddOpenApi(o => OpenApiDocs.Configure(o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info.Title = "Kefu API";
            doc.Info.Description = "Authenticate with `Authorization: Bearer <personal access token>` (create one with " +
                "POST /api/v1/me/tokens after signing in, or set KEFU_BOOTSTRAP_API_TOKEN). Every error is an RFC 9457 problem " +
                "detail; creates honour `Idempotency-Key`; updates honour `If-Match` with the ETag you read.";
            doc.Components ??= new Microsoft.OpenApi.OpenApiComponents();
            doc.Components.SecuritySchemes ??= new Dictionary<string, Microsoft.OpenApi.IOpenApiSecurityScheme>();
            doc.Components.SecuritySchemes["bearer"] = new Microsoft.OpenApi.OpenApiSecurityScheme
            {
                Type = Microsoft.OpenApi.SecuritySchemeType.Http, Scheme = "bearer", Description = "Personal access token (kfp_…)",
            };
            doc.Security ??= [];
            doc.Security.Add(new Microsoft.OpenApi.OpenApiSecurityRequirement
            {
                [new Microsoft.OpenApi.OpenApiSecuritySchemeReference("bearer", doc)] = [],
            });
            return Task.CompletedTask;
        })));

        // Operations
        services.AddHealthChecks()
            .AddCheck<DatabaseReadyCheck>("database", tags: ["ready"]);
        // target_info names the service (not "unknown_service:Kefu") so dashboards can tell Kefu's nodes apart.
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("kefu", serviceVersion: typeof(PlatformModule).Assembly.GetName().Version?.ToString(),
                serviceInstanceId: Environment.MachineName))
            .WithMetrics(m => m
            .AddAspNetCoreInstrumentation()
            .AddMeter("Kefu")
            // Every metric stream pre-allocates its cardinality limit of points up front (default 2,000: ~6 MiB of an idle
            // server's heap for ~36 streams). Only the per-route instruments can have that many tag combinations.
            .AddView(i => new MetricStreamConfiguration { CardinalityLimit = MetricCardinality(i.Name) })
            .AddPrometheusExporter());
        return options;
    }

    /// <summary>Tag combinations kept per metric (beyond it, measurements go to the <c>otel.metric.overflow</c> point):
    /// route × method × status for the HTTP and routing instruments, a few hundred for the rest (policies, results).</summary>
    internal static int MetricCardinality(string instrument) => instrument switch
    {
        "http.server.request.duration" => 2000,
        "aspnetcore.routing.match_attempts" => 1000,
        _ => 200,
    };

    private static string CamelPath(string path) => string.Join('.', path.Split('.').Select(JsonNamingPolicy.CamelCase.ConvertName));

    public static void MapPlatform(this WebApplication app)
    {
        app.UseForwardedHeaders(); // first: everything after sees the client's address (Kefu:Http:TrustedProxies)
        app.UseMetricsAccess(app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<KefuOptions>>().Value.Http.MetricsAllowedFrom);
        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages(async c =>
        {
            // Problem details for API calls; pages keep their own rendering.
            if (c.HttpContext.Request.Path.StartsWithSegments("/api") || c.HttpContext.Request.Path.StartsWithSegments("/health"))
                await c.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>()
                    .TryWriteAsync(new ProblemDetailsContext { HttpContext = c.HttpContext });
        });
        app.UseRequestLocalization();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();

        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        // Ready says which check failed and why ("3 migration(s) pending"); live stays the cheap plain "Healthy".
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = c => c.Tags.Contains("ready"), ResponseWriter = HealthResponse.WriteAsync,
        });
        app.MapPrometheusScrapingEndpoint(MetricsAccess.Path);
        app.MapOpenApi("/api/openapi/{documentName}.json");
        app.MapScalarApiReference("/api/docs", o => o
            .WithTitle("Kefu API")
            .WithOpenApiRoutePattern("/api/openapi/{documentName}.json"));

        app.MapAuthEndpoints();
        app.MapStaffEndpoints();
    }

    private static Task ApiStatus<T>(Microsoft.AspNetCore.Authentication.RedirectContext<T> c, int status)
        where T : AuthenticationSchemeOptions
    {
        if (c.Request.Path.StartsWithSegments("/api"))
        {
            c.Response.StatusCode = status;
            if (status != 401) return Task.CompletedTask;
            return TokenAuthentication.WriteUnauthorizedAsync(c.HttpContext);
        }
        c.Response.Redirect(c.RedirectUri);
        return Task.CompletedTask;
    }
}

/// <summary>Ready when the database answers and every migration is applied. Each probe looks again (a cheap read of the
/// history table): a database restored from an older backup is not ready, whatever an earlier probe found.</summary>
internal sealed class DatabaseReadyCheck(IServiceScopeFactory scopes) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<KefuDb>();
            if (!await db.Database.CanConnectAsync(ct)) return HealthCheckResult.Unhealthy("database unreachable");
            var pending = (await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.GetPendingMigrationsAsync(db.Database, ct)).Count();
            if (pending > 0) return HealthCheckResult.Unhealthy($"{pending} migration(s) pending");
            return HealthCheckResult.Healthy("database reachable, migrations applied");
        }
        catch (Exception ex)
        {
            return HealthCheckResult.Unhealthy("database unreachable", ex);
        }
    }
}
