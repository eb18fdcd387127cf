using System.Security.Claims;
using Kefu.Platform.Auth;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace Kefu.Platform.Web;

/// <summary>
/// Runs one UI operation in its own DI scope (its own DbContext and unit of work) on behalf of the circuit's signed-in
/// user: a circuit lives for hours and its events may overlap, so it must not share one DbContext.
/// </summary>
public sealed class UiScope(IServiceScopeFactory scopes, AuthenticationStateProvider auth, IHttpContextAccessor http, NavigationManager navigation)
{
    private readonly string? _address = http.HttpContext?.Connection.RemoteIpAddress?.ToString();
    private readonly string? _userAgent = Audit.AuditEntry.CutUserAgent(http.HttpContext?.Request.Headers.UserAgent.ToString());

    public async Task<T> RunAsync<T>(Func<IServiceProvider, StaffContext, CancellationToken, Task<T>> work, CancellationToken ct = default)
    {
        var principal = (await auth.GetAuthenticationStateAsync()).User;
        await using var scope = scopes.CreateAsyncScope();
        var user = scope.ServiceProvider.GetRequiredService<CurrentUser>();
        user.Principal = principal;
        user.CircuitAddress = _address;
        user.CircuitUserAgent = _userAgent;
        StaffContext staff;
        try { staff = await user.GetAsync(ct); }
        catch (DomainException e) when (e.Status == 401)
        {
            // The session ended while the circuit lived (password changed or reset, account deactivated): reload the
            // page, whose request no longer carries a valid cookie, so the person lands on the sign-in page.
            navigation.NavigateTo(navigation.Uri, forceLoad: true);
            throw;
        }
        return await work(scope.ServiceProvider, staff, ct);
    }

    public Task RunAsync(Func<IServiceProvider, StaffContext, CancellationToken, Task> work, CancellationToken ct = default) =>
        RunAsync(async (sp, staff, c) => { await work(sp, staff, c); return true; }, ct);

    public async Task<ClaimsPrincipal> PrincipalAsync() => (await auth.GetAuthenticationStateAsync()).User;
}
