using Kefu.Platform;
using Kefu.Platform.Auth;
using Kefu.Platform.Http;
using Kefu.Routing.Assignment;

namespace Kefu.Routing;

/// <summary>/api/v1/routing: my status (every agent), agents' routing profiles and team policies (routing.manage),
/// a team's queue of unassigned tickets (members of the team or who sees all tickets).</summary>
public static class AssignmentEndpoints
{
    public static void MapAssignmentEndpoints(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/v1/routing").WithTags("Routing");

        g.MapGet("/me/status", async (CurrentUser user, AssignmentService routing, CancellationToken ct) =>
        {
            var p = await routing.GetAsync((await user.GetAsync(ct)).UserId, ct);
            return TypedResults.Ok(new MyStatusDto(p.Status, p.Since, p.ChatCapacity));
        }).RequireAuthorization(Permissions.TicketsWrite).WithSummary("My status (online, away, offline), since when, and my chat limit.");
        g.MapPut("/me/status", async (MyStatusRequest r, CurrentUser user, AssignmentService routing, CancellationToken ct) =>
        {
            var me = await user.GetAsync(ct);
            await routing.SetStatusAsync(me.UserId, r.Status, null, ct);
            var p = await routing.GetAsync(me.UserId, ct);
            return TypedResults.Ok(new MyStatusDto(p.Status, p.Since, p.ChatCapacity));
        }).RequireAuthorization(Permissions.TicketsWrite)
            .WithSummary("Sets my status for every channel; going online hands me waiting tickets of my teams on automatic assignment.");

        g.MapGet("/agents", async (int? teamId, CurrentUser user, AssignmentService routing, CancellationToken ct) =>
            TypedResults.Ok(await routing.ProfilesAsync(teamId, await user.GetAsync(ct), ct)))
            .RequireAuthorization(Permissions.RoutingManage)
            .WithSummary("Active staff with status, capacity per channel, skills and current load (a team lead: members of their teams).");
        g.MapGet("/agents/{userId:guid}", async (Guid userId, CurrentUser user, AssignmentService routing, HttpContext http, CancellationToken ct) =>
        {
            var profile = await routing.ProfileAsync(userId, await user.GetAsync(ct), ct);
            ETags.SetStamp(http, AssignmentService.Stamp(profile));
            return TypedResults.Ok(profile);
        }).RequireAuthorization(Permissions.RoutingManage);
        g.MapPut("/agents/{userId:guid}", async (Guid userId, SaveAgentProfileRequest r, CurrentUser user, AssignmentService routing, HttpContext http, CancellationToken ct) =>
        {
            var profile = await routing.SaveProfileAsync(userId, r, await user.GetAsync(ct), ct, stored => ETags.CheckStamp(http, AssignmentService.Stamp(stored)));
            ETags.SetStamp(http, AssignmentService.Stamp(profile));
            return TypedResults.Ok(profile);
        }).RequireAuthorization(Permissions.RoutingManage)
            .WithSummary("Changes an agent's capacity (chats, other tickets), skills (languages, product lines, VIP) or status; absent fields stay. "
                + "Send If-Match with the ETag you read (412 when the profile changed since). Audited.");

        g.MapGet("/teams", async (AssignmentService routing, CancellationToken ct) => TypedResults.Ok(await routing.PoliciesAsync(ct)))
            .RequireAuthorization(Permissions.TeamsRead).WithSummary("Each team's assignment policy, agents online and tickets waiting.");
        g.MapGet("/teams/{teamId:int}", async (int teamId, AssignmentService routing, HttpContext http, CancellationToken ct) =>
        {
            var policy = await routing.PolicyAsync(teamId, ct);
            ETags.SetStamp(http, AssignmentService.Stamp(policy.Mode));
            return TypedResults.Ok(policy);
        }).RequireAuthorization(Permissions.TeamsRead).WithSummary("One team's assignment policy, with its ETag for If-Match on PUT.");
        g.MapPut("/teams/{teamId:int}", async (int teamId, SaveTeamPolicyRequest r, CurrentUser user, AssignmentService routing, HttpContext http, CancellationToken ct) =>
        {
            var policy = await routing.SavePolicyAsync(teamId, r, await user.GetAsync(ct), ct, stamp => ETags.CheckStamp(http, stamp));
            ETags.SetStamp(http, AssignmentService.Stamp(policy.Mode));
            return TypedResults.Ok(policy);
        }).RequireAuthorization(Permissions.RoutingManage)
            .WithSummary("Sets a team's assignment: manual, round_robin or least_load. Switching to automatic hands out the waiting tickets. "
                + "Send If-Match with the ETag you read (412 when it changed since). Audited; a team lead only for their own teams.");

        g.MapGet("/teams/{teamId:int}/queue", async (int teamId, string? cursor, int? limit, CurrentUser user, AssignmentService routing, CancellationToken ct) =>
        {
            var me = await user.GetAsync(ct);
            if (!me.SeesAllTickets && !me.TeamIds.Contains(teamId)) throw DomainException.Forbidden("You can only see your own teams' queues.");
            return TypedResults.Ok(await routing.QueuePageAsync(teamId, cursor, limit, ct));
        }).RequireAuthorization(Permissions.TicketsRead)
            .WithSummary("Unassigned tickets of the team in the order they are handed out: priority, then SLA due time, then age; "
                + "a page at a time (limit 1–200, default 50; cursor: the previous page's nextCursor).");
    }
}
