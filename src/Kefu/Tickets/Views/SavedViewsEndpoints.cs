using Kefu.Platform.Auth;
using Kefu.Platform.Http;

namespace Kefu.Tickets.Views;

public static class SavedViewsEndpoints
{
    public static void MapSavedViewsEndpoints(this IEndpointRouteBuilder app)
    {
        // Views list tickets, so they need what reading tickets needs; each person only ever sees their own.
        var g = app.MapGroup("/api/v1/me/views").WithTags("Saved views").RequireAuthorization(Permissions.TicketsRead);

        g.MapGet("", async (CurrentUser user, SavedViewService views, CancellationToken ct) =>
            TypedResults.Ok(await views.ListAsync(await user.RequireAsync(Permissions.TicketsRead, ct), withCounts: true, ct)))
            .WithSummary("Your saved views, in order, each with the number of tickets you may see that it matches now.");

        g.MapGet("/{id:long}", async (long id, CurrentUser user, SavedViewService views, HttpContext http, CancellationToken ct) =>
        {
            var dto = await views.GetAsync(id, await user.RequireAsync(Permissions.TicketsRead, ct), ct);
            ETags.Set(http, dto.Version);
            return TypedResults.Ok(dto);
        });

        g.MapPost("", async (CreateSavedViewRequest request, CurrentUser user, SavedViewService views, HttpContext http, CancellationToken ct) =>
        {
            var staff = await user.RequireAsync(Permissions.TicketsRead, ct);
            var view = await views.CreateAsync(request, staff, ct);
            ETags.Set(http, view.Version);
            return TypedResults.Created($"/api/v1/me/views/{view.Id}", SavedViewService.ToDto(view, await views.CountAsync(view.Filters, staff, ct)));
        })
            .Idempotent()
            .WithSummary("Save a filter set (the list filters of GET /api/v1/tickets) as a named view.");

        g.MapPatch("/{id:long}", async (long id, UpdateSavedViewRequest request, CurrentUser user, SavedViewService views,
            HttpContext http, CancellationToken ct) =>
        {
            var staff = await user.RequireAsync(Permissions.TicketsRead, ct);
            var view = await views.UpdateAsync(id, request, staff, v => ETags.Check(http, v), ct);
            ETags.Set(http, view.Version);
            return TypedResults.Ok(SavedViewService.ToDto(view, await views.CountAsync(view.Filters, staff, ct)));
        })
            .Accepts<UpdateSavedViewRequest>("application/merge-patch+json", "application/json")
            .WithSummary("Rename a view or replace its filters; send If-Match with the ETag you read.");

        g.MapDelete("/{id:long}", async (long id, CurrentUser user, SavedViewService views, CancellationToken ct) =>
        {
            await views.DeleteAsync(id, await user.RequireAsync(Permissions.TicketsRead, ct), ct);
            return TypedResults.NoContent();
        }).WithSummary("Delete one of your views.");
    }
}
