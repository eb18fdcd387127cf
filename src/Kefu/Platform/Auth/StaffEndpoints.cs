using Kefu.Platform.Audit;
using Kefu.Platform.Database;
using Kefu.Platform.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Platform.Auth;

public static class StaffEndpoints
{
    public static void MapStaffEndpoints(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/api/v1/users").WithTags("Users").RequireAuthorization(Permissions.UsersRead);
        users.MapGet("", async ([AsParameters] UserFilter filter, KefuDb db, CancellationToken ct) =>
            TypedResults.Ok(await StaffLists.UsersAsync(db, filter, ct)))
            .WithSummary("List staff accounts, filtered, sorted (default: by name), keyset-paginated.");
        users.MapGet("/{id:guid}", async (Guid id, KefuDb db, StaffService staff, HttpContext http, CancellationToken ct) =>
        {
            var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, ct) ?? throw DomainException.NotFound($"User {id}");
            ETags.SetStamp(http, user.ConcurrencyStamp);
            return TypedResults.Ok(await staff.ToDtoAsync(user, ct));
        });
        users.MapPost("", async (CreateUserRequest r, UnitOfWork uow, StaffService staff, CancellationToken ct) =>
        {
            var user = await uow.RunAsync(c => staff.CreateAsync(r, c), ct);
            return TypedResults.Created($"/api/v1/users/{user.Id}", await staff.ToDtoAsync(user, ct));
        }).Idempotent().RequireAuthorization(Permissions.UsersManage);
        users.MapPatch("/{id:guid}", async (Guid id, UpdateUserRequest r, UnitOfWork uow, StaffService staff,
            UserManager<StaffUser> userManager, CurrentUser current, HttpContext http, CancellationToken ct) =>
        {
            var actor = await current.GetAsync(ct);
            var user = await uow.RunAsync(async c =>
            {
                var u = await userManager.FindByIdAsync(id.ToString()) ?? throw DomainException.NotFound($"User {id}");
                ETags.CheckStamp(http, u.ConcurrencyStamp);
                return await staff.UpdateAsync(u, r, actor.UserId, c);
            }, ct);
            ETags.SetStamp(http, user.ConcurrencyStamp);
            return TypedResults.Ok(await staff.ToDtoAsync(user, ct));
        }).RequireAuthorization(Permissions.UsersManage)
          .WithSummary("Change roles, teams, outsourced flag, activation or password; send If-Match with the ETag you read.");

        var teams = app.MapGroup("/api/v1/teams").WithTags("Teams").RequireAuthorization(Permissions.TeamsRead);
        teams.MapGet("", async ([AsParameters] TeamFilter filter, KefuDb db, CancellationToken ct) =>
            TypedResults.Ok(await StaffLists.TeamsAsync(db, filter, ct)))
            .WithSummary("List teams, filtered by text, sorted (default: by name), keyset-paginated.");
        teams.MapPost("", async (CreateTeamRequest r, TeamService teamService, CancellationToken ct) =>
        {
            var team = await teamService.CreateAsync(r, ct);
            return TypedResults.Created($"/api/v1/teams/{team.Id}", new TeamDto(team.Id, team.Name, team.Description, 0, team.Version));
        }).Idempotent().RequireAuthorization(Permissions.TeamsManage);
        teams.MapPatch("/{id:int}", async (int id, UpdateTeamRequest r, TeamService teamService, KefuDb db, HttpContext http, CancellationToken ct) =>
        {
            var team = await teamService.UpdateAsync(id, r, v => ETags.Check(http, v), ct);
            ETags.Set(http, team.Version);
            var members = await db.TeamMembers.CountAsync(m => m.TeamId == id, ct);
            return TypedResults.Ok(new TeamDto(team.Id, team.Name, team.Description, members, team.Version));
        }).RequireAuthorization(Permissions.TeamsManage);

        app.MapGet("/api/v1/audit", async (string? entityType, string? entityId, Guid? actorId, string? action, DateTime? from, DateTime? to,
            string? cursor, int? limit, HttpContext http, CurrentUser user, CancellationToken ct) =>
        {
            var filter = new AuditFilter(entityType, entityId, actorId, FromUtc: from?.ToUniversalTime(), ToUtc: to?.ToUniversalTime(), Action: action);
            var staff = await user.GetAsync(ct);
            return TypedResults.Ok(await AuditQuery.PageAsync(http.RequestServices, staff, filter, cursor, limit, ct));
        }).WithTags("Audit").RequireAuthorization(Permissions.AuditRead);
    }
}
