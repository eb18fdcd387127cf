using System.Globalization;
using Kefu.Components;
using Kefu.Platform.Auth;
using Kefu.Platform.Database;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using MudBlazor.Services;

namespace Kefu.Platform.Web;

/// <summary>The staff web UI: Blazor (interactive server) with MudBlazor, bilingual resources.</summary>
public static class WebModule
{
    /// <summary>The largest message a circuit accepts from the browser (the persisted state at its start included).</summary>
    public const int CircuitReceiveLimit = 512 * 1024;

    public static readonly CultureInfo[] Cultures = [new("zh-CN"), new("en")];

    public static void AddWeb(this WebApplicationBuilder builder)
    {
        // Serve framework and library assets (blazor.web.js, MudBlazor) from the build output in every environment,
        // not only Development: `dotnet run -c Release` and the tests run unpublished builds.
        builder.WebHost.UseStaticWebAssets();
        var services = builder.Services;
        // The circuit's hub receives the prerendered page's persisted state when the circuit starts: a workspace's first
        // page of 100 rows is ~90 KB protected, over SignalR's receive limit (32 KB, 64 KB as ChatModule sets it for
        // every hub), and the circuit never started. The workspace caps its snapshot below this (Workspace.PersistAsync).
        services.AddRazorComponents().AddInteractiveServerComponents()
            .AddHubOptions(o => o.MaximumReceiveMessageSize = CircuitReceiveLimit);
        services.AddCascadingAuthenticationState();
        services.AddMudServices();
        services.AddLocalization(); // Resources/SharedResource.*.resx compile to Kefu.SharedResource (they sit beside the class)
        services.AddScoped<UiScope>();
        services.Configure<RequestLocalizationOptions>(o =>
        {
            o.DefaultRequestCulture = new RequestCulture("zh-CN");
            o.SupportedCultures = Cultures;
            o.SupportedUICultures = Cultures;
            o.RequestCultureProviders = [new CookieRequestCultureProvider(), new AcceptLanguageHeaderRequestCultureProvider()];
        });
    }

    public static void MapWeb(this WebApplication app)
    {
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode()
            // The sign-in form's POST counts against the same per-address limit as POST /api/v1/auth/login.
            .Add(e =>
            {
                if (e is RouteEndpointBuilder { RoutePattern.RawText: PlatformModule.LoginPage })
                    e.Metadata.Add(new Microsoft.AspNetCore.RateLimiting.EnableRateLimitingAttribute(PlatformModule.LoginRateLimit));
            });

        var account = app.MapGroup("/account").ExcludeFromDescription();
        // A POST with the antiforgery token (the user menu's form), not a link: a GET that changes the profile could be
        // triggered by any page the user visits (an <img> pointing here). The change is audited like the profile page's.
        account.MapPost("/culture", async ([FromForm] string culture, [FromForm] string? returnUrl, HttpContext http,
            CurrentUser current, UnitOfWork uow, ProfileService profiles, CancellationToken ct) =>
        {
            if (!Cultures.Any(c => c.Name == culture)) return Results.BadRequest();
            http.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
                new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, SameSite = SameSiteMode.Lax });
            // Remember the choice on the profile so it follows the user to other browsers.
            if (current.UserId is { } id) await uow.RunAsync(c => profiles.SetLanguageAsync(id, culture, c), ct);
            return Results.LocalRedirect(Pages.LoginHelpers.SafeReturnUrl(returnUrl));
        }).WithMetadata(new RequireAntiforgeryTokenAttribute());
        account.MapPost("/logout", async (SignInManager<StaffUser> signIn, HttpContext http) =>
        {
            // The middleware only records a bad token; form binding refuses it, and this handler binds no form.
            if (http.Features.Get<Microsoft.AspNetCore.Antiforgery.IAntiforgeryValidationFeature>() is { IsValid: false })
                return Results.BadRequest();
            await signIn.SignOutAsync();
            return Results.LocalRedirect("/login");
        }).WithMetadata(new RequireAntiforgeryTokenAttribute()); // the user menu's form carries the token; another site's has none
    }
}
