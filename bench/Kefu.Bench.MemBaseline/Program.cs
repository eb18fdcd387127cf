using System.Globalization;
using Kefu.Bench.MemBaseline;
using Kefu.Bench.MemBaseline.Components;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using MudBlazor.Services;
using OpenTelemetry.Metrics;
using Scalar.AspNetCore;

// The framework baseline of bench/tickets' idle-memory figure: what the stack DESIGN.md mandates costs by itself, started
// the way the bench starts Kefu (KEFU_DATA_DIR, KEFU_ADMIN_PASSWORD, --urls). No Kefu code.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
var dataDir = Path.GetFullPath(Environment.GetEnvironmentVariable("KEFU_DATA_DIR") ?? "data");
Directory.CreateDirectory(dataDir);
var cs = new SqliteConnectionStringBuilder
{
    DataSource = Path.Combine(dataDir, "baseline.db"), Cache = SqliteCacheMode.Private, Pooling = true, DefaultTimeout = 30,
}.ToString();

var services = builder.Services;
builder.WebHost.UseStaticWebAssets();
services.AddDbContextPool<BaselineDb>(o => o.UseSqlite(cs));

// Identity (cookies) on EF Core
services.AddIdentityCore<IdentityUser>(o => o.Password.RequireNonAlphanumeric = false)
    .AddRoles<IdentityRole>()
    .AddEntityFrameworkStores<BaselineDb>()
    .AddSignInManager()
    .AddDefaultTokenProviders();
services.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies();
services.AddAuthorization();

// bench/tickets' create baseline (TicketRows.cs): only when the bench names a Kefu-migrated database to write into.
var ticketsDb = Environment.GetEnvironmentVariable("KEFU_BASELINE_TICKETS_DB");
if (ticketsDb is not null)
    services.AddTicketRows(ticketsDb, Environment.GetEnvironmentVariable("KEFU_BOOTSTRAP_API_TOKEN")?.Trim() ?? throw new InvalidOperationException("KEFU_BOOTSTRAP_API_TOKEN is not set."),
        Environment.GetEnvironmentVariable("KEFU_BASELINE_CATEGORY") ?? throw new InvalidOperationException("KEFU_BASELINE_CATEGORY is not set."));

// Minimal API conventions, OpenAPI
services.AddProblemDetails();
services.AddValidation();
services.AddOpenApi();

// Blazor interactive server with MudBlazor, two UI cultures
services.AddRazorComponents().AddInteractiveServerComponents();
services.AddCascadingAuthenticationState();
services.AddMudServices();
services.AddLocalization();
CultureInfo[] cultures = [new("zh-CN"), new("en")];
services.Configure<RequestLocalizationOptions>(o =>
{
    o.DefaultRequestCulture = new RequestCulture("zh-CN");
    o.SupportedCultures = cultures;
    o.SupportedUICultures = cultures;
});

// Real time
services.AddSignalR().AddMessagePackProtocol();

// Operations: health checks, OpenTelemetry metrics with the same per-stream cardinality limits as Kefu (a framework setting)
services.AddHealthChecks().AddDbContextCheck<BaselineDb>("database", tags: ["ready"]);
services.AddOpenTelemetry().WithMetrics(m => m
    .AddAspNetCoreInstrumentation()
    .AddView(i => new MetricStreamConfiguration
    {
        CardinalityLimit = i.Name switch { "http.server.request.duration" => 2000, "aspnetcore.routing.match_attempts" => 1000, _ => 200 },
    })
    .AddPrometheusExporter());

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseRequestLocalization();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();

app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
app.MapPrometheusScrapingEndpoint("/metrics");
app.MapOpenApi("/api/openapi/{documentName}.json");
app.MapScalarApiReference("/api/docs", o => o.WithOpenApiRoutePattern("/api/openapi/{documentName}.json"));

var api = app.MapGroup("/api/v1/notes").RequireAuthorization();
api.MapGet("/", async (BaselineDb db, CancellationToken ct) =>
    TypedResults.Ok(await db.Notes.OrderByDescending(n => n.Id).Take(50).ToListAsync(ct)));
api.MapPost("/", async (NewNote body, BaselineDb db, CancellationToken ct) =>
{
    var note = new Note { Text = body.Text, CreatedAt = DateTimeOffset.UtcNow };
    db.Notes.Add(note);
    await db.SaveChangesAsync(ct);
    return TypedResults.Created($"/api/v1/notes/{note.Id}", note);
});
app.MapPost("/api/v1/auth/login", async (Login body, SignInManager<IdentityUser> signIn) =>
    (await signIn.PasswordSignInAsync(body.UserName, body.Password, isPersistent: false, lockoutOnFailure: true)).Succeeded
        ? Results.NoContent() : Results.Unauthorized());
if (ticketsDb is not null) app.MapTicketRows();
app.MapHub<EchoHub>("/hubs/echo");
app.MapStaticAssets();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

// First-start work as an app on this stack does it: WAL, migrations when pending, roles and a first user.
await using (var scope = app.Services.CreateAsyncScope())
{
    var db = scope.ServiceProvider.GetRequiredService<BaselineDb>();
    await db.Database.OpenConnectionAsync();
    await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
    if ((await db.Database.GetPendingMigrationsAsync()).Any()) await db.Database.MigrateAsync();
    var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
    if (!await roles.RoleExistsAsync("admin")) await roles.CreateAsync(new IdentityRole("admin"));
    var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
    if (!await users.Users.AnyAsync())
    {
        var admin = new IdentityUser("admin");
        var created = await users.CreateAsync(admin, Environment.GetEnvironmentVariable("KEFU_ADMIN_PASSWORD") ?? "Baseline-admin-2026");
        if (!created.Succeeded) throw new InvalidOperationException(string.Join("; ", created.Errors.Select(e => e.Description)));
        await users.AddToRoleAsync(admin, "admin");
    }
}
app.Run();

internal sealed record NewNote(string Text);
internal sealed record Login(string UserName, string Password);

/// <summary>The SignalR hub of the baseline: echoes to the caller and broadcasts to a group.</summary>
internal sealed class EchoHub : Hub
{
    public Task Echo(string text) => Clients.Caller.SendAsync("echo", text);
    public Task Join(string group) => Groups.AddToGroupAsync(Context.ConnectionId, group);
    public Task Say(string group, string text) => Clients.Group(group).SendAsync("said", text);
}
