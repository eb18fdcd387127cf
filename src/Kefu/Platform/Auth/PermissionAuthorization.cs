using Microsoft.AspNetCore.Authorization;

namespace Kefu.Platform.Auth;

public sealed record PermissionRequirement(string Permission) : IAuthorizationRequirement;

/// <summary>Endpoint authorisation: `.RequireAuthorization(Permissions.X)` maps to this check of the role table.</summary>
public sealed class PermissionHandler(StaffDirectory directory) : AuthorizationHandler<PermissionRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, PermissionRequirement requirement)
    {
        var staff = await directory.GetAsync(context.User, CancellationToken.None);
        if (staff is not null && staff.Can(requirement.Permission)) context.Succeed(requirement);
    }
}
