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
        users.MapGet("", async (int? teamId, string? role, bool? active, KefuDb db, StaffService staff, CancellationToken ct) =>
        {
            var q = db.Users.AsNoTracking();
            if (teamId is { } t) q = q.Where(u => u.Teams.Any(m => m.TeamId == t));
            if (role is { } r) q = q.Where(u => u.Roles.Any(x => x.Role.Name == r));
            if (active is { } a) q = q.Where(u => u.IsActive == a);
            var list = new List<UserDto>();
            foreach (var u in await q.OrderBy(u => u.DisplayName).ToListAsync(ct)) list.Add(await staff.ToDtoAsync(u, ct));
            return TypedResults.Ok(list);
        });
        users.MapGet("/{id:guid}", async (Guid id, KefuDb db, StaffService staff, CancellationToken ct) =>
            TypedResults.Ok(await staff.ToDtoAsync(await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, ct)
                ?? throw DomainException.NotFound($"User {id}"), ct)));
        users.MapPost("", async (CreateUserRequest r, UnitOfWork uow, StaffService staff, CancellationToken ct) =>
        {
            var user = await uow.RunAsync(c => staff.CreateAsync(r, c), ct);
            return TypedResults.Created($"/api/v1/users/{user.Id}", await staff.ToDtoAsync(user, ct));
        }).AddEndpointFilter<IdempotencyFilter>().RequireAuthorization(Permissions.UsersManage);
        users.MapPatch("/{id:guid}", async (Guid id, UpdateUserRequest r, UnitOfWork uow, StaffService staff,
            UserManager<StaffUser> userManager, CurrentUser current, CancellationToken ct) =>
        {
            var actor = await current.GetAsync(ct);
            var user = await uow.RunAsync(async c =>
            {
                var u = await userManager.FindByIdAsync(id.ToString()) ?? throw DomainException.NotFound($"User {id}");
                return await staff.UpdateAsync(u, r, actor.UserId, c);
            }, ct);
            return TypedResults.Ok(await staff.ToDtoAsync(user, ct));
        }).RequireAuthorization(Permissions.UsersManage).WithSummary("Change roles, teams, outsourced flag, activation or password.");

        var teams = app.MapGroup("/api/v1/teams").WithTags("Teams").RequireAuthorization(Permissions.TeamsRead);
        teams.MapGet("", async (KefuDb db, CancellationToken ct) => TypedResults.Ok(await db.Teams.AsNoTracking().OrderBy(t => t.Name)
            .Select(t => new TeamDto(t.Id, t.Name, t.Description, t.Members.Count, t.Version)).ToListAsync(ct)));
        teams.MapPost("", async (CreateTeamRequest r, UnitOfWork uow, AuditLog audit, TimeProvider time, CancellationToken ct) =>
        {
            var team = await uow.RunAsync(async c =>
            {
                var name = r.Name.Trim();
                if (name.Length == 0) throw DomainException.Validation("name", "name must not be empty.");
                if (await uow.Db.Teams.AnyAsync(t => t.Name == name, c)) throw DomainException.Conflict($"Team '{name}' exists.");
                var t = new Team { Name = name, Description = r.Description, CreatedAt = time.UtcNow(), Version = 1 };
                uow.Db.Teams.Add(t);
                await uow.Db.SaveChangesAsync(c);
                await audit.RecordAsync("team", t.Id, "created", new { name }, c);
                return t;
            }, ct);
            return TypedResults.Created($"/api/v1/teams/{team.Id}", new TeamDto(team.Id, team.Name, team.Description, 0, team.Version));
        }).AddEndpointFilter<IdempotencyFilter>().RequireAuthorization(Permissions.TeamsManage);
        teams.MapPatch("/{id:int}", async (int id, UpdateTeamRequest r, UnitOfWork uow, AuditLog audit, HttpContext http, CancellationToken ct) =>
        {
            var team = await uow.RunAsync(async c =>
            {
                var t = await uow.Db.Teams.Include(x => x.Members).FirstOrDefaultAsync(x => x.Id == id, c) ?? throw DomainException.NotFound($"Team {id}");
                ETags.Check(http, t.Version);
                var changes = new ChangeSet();
                if (r.Name is { } n && changes.Set("name", t.Name, n.Trim())) t.Name = n.Trim();
                if (r.Description is { } d && changes.Set("description", t.Description, d)) t.Description = d;
                if (changes.Any) { t.Version++; await audit.RecordAsync("team", id, "updated", changes.Fields, c); }
                return t;
            }, ct);
            ETags.Set(http, team.Version);
            return TypedResults.Ok(new TeamDto(team.Id, team.Name, team.Description, team.Members.Count, team.Version));
        }).RequireAuthorization(Permissions.TeamsManage);

        app.MapGet("/api/v1/audit", async (string? entityType, string? entityId, Guid? actorId, DateTime? from, DateTime? to,
            string? cursor, int? limit, KefuDb db, CancellationToken ct) =>
        {
            var take = Cursor.Limit(limit);
            var q = db.Audit.AsNoTracking();
            if (entityType is not null) q = q.Where(a => a.EntityType == entityType);
            if (entityId is not null) q = q.Where(a => a.EntityId == entityId);
            if (actorId is not null) q = q.Where(a => a.ActorId == actorId);
            if (from is { } f) { var u = f.ToUniversalTime(); q = q.Where(a => a.At >= u); }
            if (to is { } t) { var u = t.ToUniversalTime(); q = q.Where(a => a.At < u); }
            if (cursor is not null) { var (_, last) = Cursor.Decode(cursor); q = q.Where(a => a.Id < last); }
            var rows = await q.OrderByDescending(a => a.Id).Take(take + 1).ToListAsync(ct);
            string? next = null;
            if (rows.Count > take) { rows.RemoveAt(take); next = Cursor.Encode(0, rows[^1].Id); }
            return TypedResults.Ok(new Page<AuditDto>([.. rows.Select(AuditDto.From)], next));
        }).WithTags("Audit").RequireAuthorization(Permissions.AuditRead);
    }
}
