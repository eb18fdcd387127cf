using System.Security.Claims;

namespace Kefu.Platform.Auth;

/// <summary>The staff member behind the current request, plus where the request came from (for the audit trail).</summary>
public sealed class CurrentUser(IHttpContextAccessor http, StaffDirectory directory)
{
    private StaffContext? _staff;

    /// <summary>Set for work done for a signed-in user outside an HTTP request (a Blazor circuit's operations).</summary>
    public ClaimsPrincipal? Principal { get; set; }

    /// <summary>The remote address captured when the circuit started, for the audit trail.</summary>
    public string? CircuitAddress { get; set; }

    /// <summary>The User-Agent captured when the circuit started, for the audit trail.</summary>
    public string? CircuitUserAgent { get; set; }

    private ClaimsPrincipal? User => Principal ?? http.HttpContext?.User;

    public Guid? UserId =>
        Guid.TryParse(User?.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;

    public string? RemoteAddress => CircuitAddress ?? http.HttpContext?.Connection.RemoteIpAddress?.ToString();

    /// <summary>The client's User-Agent (cut to the audit column's length): the circuit's, else the request's.</summary>
    public string? UserAgent => CircuitUserAgent ?? Audit.AuditEntry.CutUserAgent(http.HttpContext?.Request.Headers.UserAgent.ToString());

    public string Via => User?.Identity?.AuthenticationType switch
    {
        TokenAuthentication.SchemeName => "api-token",
        null => "system",
        _ => "web",
    };

    /// <summary>The staff context; throws 401 when the request is not signed in (endpoints require auth first).</summary>
    public async ValueTask<StaffContext> GetAsync(CancellationToken ct)
    {
        if (_staff is not null) return _staff;
        if (UserId is null) throw new DomainException(401, "Unauthorized", "Sign in or send a personal access token.");
        _staff = await directory.GetAsync(User!, ct)
            ?? throw new DomainException(401, "Unauthorized", "The session has ended (the password was changed or the account removed); sign in again.");
        if (!_staff.IsActive) throw new DomainException(401, "Unauthorized", "The account is deactivated.");
        return _staff;
    }

    public async ValueTask<StaffContext> RequireAsync(string permission, CancellationToken ct)
    {
        var staff = await GetAsync(ct);
        if (!staff.Can(permission)) throw DomainException.Forbidden($"This needs the permission '{permission}'.");
        return staff;
    }
}
