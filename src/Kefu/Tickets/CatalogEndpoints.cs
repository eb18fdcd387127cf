using System.ComponentModel;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Mvc;
using System.ComponentModel.DataAnnotations;
using Kefu.Platform.Auth;
using Kefu.Platform.Http;

namespace Kefu.Tickets;

public sealed record TagDto(int Id, string Name, int Tickets);
public sealed record TagFilter(
    [property: FromQuery(Name = "q"), Description("The start of the tag's name (case-insensitive).")] string? Q,
    [property: FromQuery(Name = "sort"), Description("name (default) or createdAt; prefix '-' for descending.")] string? Sort,
    [property: FromQuery(Name = "cursor"), Description("nextCursor of the previous page.")] string? Cursor,
    [property: FromQuery(Name = "limit"), Description("Rows per page, 1–200 (default 50).")] int? Limit);
public sealed record CreateTagRequest([property: Required, MaxLength(50)] string Name);

public sealed record CategoryNode(int Id, string Name, string Path, int Level, int SortOrder, TicketPriority? DefaultPriority,
    int? DefaultTeamId, bool IsActive, int Version, CategoryNode[] Children);

public sealed record CreateCategoryRequest(int? ParentId, [property: Required, MaxLength(50)] string Name, int? SortOrder,
    TicketPriority? DefaultPriority, int? DefaultTeamId);

public sealed record UpdateCategoryRequest([property: MaxLength(50)] string? Name, int? SortOrder, TicketPriority? DefaultPriority,
    int? DefaultTeamId, bool? IsActive);

/// <summary>Tags and the 3-level taxonomy: read by everyone who works tickets, edited by admins. The rules live in
/// <see cref="TagService"/> and <see cref="TaxonomyService"/>, shared with the admin console.</summary>
public static class CatalogEndpoints
{
    public static void MapCatalogEndpoints(this IEndpointRouteBuilder app)
    {
        var tags = app.MapGroup("/api/v1/tags").WithTags("Tags").RequireAuthorization(Permissions.TagsRead);
        tags.MapGet("", async ([AsParameters] TagFilter filter, TagService tagService, CancellationToken ct) =>
            TypedResults.Ok(await tagService.PageAsync(filter, ct)))
            .WithSummary("List tags with their ticket counts, filtered by name prefix, sorted (default: by name), keyset-paginated.");
        tags.MapPost("", async (CreateTagRequest r, TagService tagService, CancellationToken ct) =>
        {
            var tag = await tagService.CreateAsync(r.Name, ct);
            return TypedResults.Created($"/api/v1/tags/{tag.Id}", new TagDto(tag.Id, tag.Name, 0));
        }).Idempotent().RequireAuthorization(Permissions.TagsManage);
        tags.MapDelete("/{id:int}", async (int id, TagService tagService, CancellationToken ct) =>
        {
            await tagService.DeleteAsync(id, ct);
            return TypedResults.NoContent();
        }).RequireAuthorization(Permissions.TagsManage);

        var tax = app.MapGroup("/api/v1/taxonomy").WithTags("Taxonomy").RequireAuthorization(Permissions.TaxonomyRead);
        tax.MapGet("", async (TaxonomyCache cache, CancellationToken ct) => TypedResults.Ok(TaxonomyService.Tree(await cache.GetAsync(ct), null)))
            .WithSummary("The 3-level problem taxonomy as a tree.");
        tax.MapPost("", async (CreateCategoryRequest r, TaxonomyCache cache, TaxonomyService taxonomy, CancellationToken ct) =>
        {
            var category = await taxonomy.CreateAsync(r, ct);
            // Built from the new row: under Idempotency-Key the unit commits only after this handler, so the cached tree
            // (loaded on its own connection) cannot hold it yet. The parent's path is unchanged by the create.
            var parentPath = (await cache.GetAsync(ct)).PathOf(category.ParentId);
            return TypedResults.Created($"/api/v1/taxonomy/{category.Id}", new CategoryNode(category.Id, category.Name,
                parentPath is null ? category.Name : $"{parentPath}/{category.Name}", category.Level, category.SortOrder,
                category.DefaultPriority, category.DefaultTeamId, category.IsActive, category.Version, []));
        }).Idempotent().RequireAuthorization(Permissions.TaxonomyManage);
        tax.MapPatch("/{id:int}", async (int id, JsonObject body, TaxonomyCache cache, TaxonomyService taxonomy, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
            HttpContext http, CancellationToken ct) =>
        {
            await taxonomy.UpdateAsync(id, CategoryPatch.From(body, json.Value.SerializerOptions), v => ETags.Check(http, v), ct);
            var snapshot = await cache.GetAsync(ct);
            ETags.Set(http, snapshot.Find(id)!.Version);
            return TypedResults.Ok(TaxonomyService.Tree(snapshot, snapshot.Find(id)!.ParentId).First(n => n.Id == id));
        })
            .Accepts<UpdateCategoryRequest>("application/merge-patch+json", "application/json")
            .RequireAuthorization(Permissions.TaxonomyManage)
            .WithSummary("Change fields; send If-Match with the ETag you read. Only fields present change; null clears a default team or priority.");
        tax.MapDelete("/{id:int}", async (int id, TaxonomyService taxonomy, CancellationToken ct) =>
        {
            await taxonomy.DeleteAsync(id, ct);
            return TypedResults.NoContent();
        }).RequireAuthorization(Permissions.TaxonomyManage);
    }
}
