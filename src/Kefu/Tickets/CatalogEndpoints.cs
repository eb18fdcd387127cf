using System.ComponentModel.DataAnnotations;
using Kefu.Platform;
using Kefu.Platform.Audit;
using Kefu.Platform.Auth;
using Kefu.Platform.Database;
using Kefu.Platform.Http;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Tickets;

public sealed record TagDto(int Id, string Name, int Tickets);
public sealed record CreateTagRequest([property: Required, MaxLength(50)] string Name);

public sealed record CategoryNode(int Id, string Name, string Path, int Level, int SortOrder, TicketPriority? DefaultPriority,
    int? DefaultTeamId, bool IsActive, int Version, CategoryNode[] Children);

public sealed record CreateCategoryRequest(int? ParentId, [property: Required, MaxLength(50)] string Name, int? SortOrder,
    TicketPriority? DefaultPriority, int? DefaultTeamId);

public sealed record UpdateCategoryRequest([property: MaxLength(50)] string? Name, int? SortOrder, TicketPriority? DefaultPriority,
    int? DefaultTeamId, bool? IsActive);

/// <summary>Tags and the 3-level taxonomy: read by everyone who works tickets, edited by admins.</summary>
public static class CatalogEndpoints
{
    public static void MapCatalogEndpoints(this IEndpointRouteBuilder app)
    {
        var tags = app.MapGroup("/api/v1/tags").WithTags("Tags").RequireAuthorization(Permissions.TagsRead);
        tags.MapGet("", async (KefuDb db, CancellationToken ct) => TypedResults.Ok(await db.Set<Tag>().AsNoTracking()
            .OrderBy(t => t.Name)
            .Select(t => new TagDto(t.Id, t.Name, db.Set<TicketTag>().Count(x => x.TagId == t.Id))).ToListAsync(ct)));
        tags.MapPost("", async (CreateTagRequest r, UnitOfWork uow, AuditLog audit, TimeProvider time, CancellationToken ct) =>
        {
            var tag = await uow.RunAsync(async c =>
            {
                var name = r.Name.Trim();
                if (name.Length == 0) throw DomainException.Validation("name", "name must not be empty.");
                if (await uow.Db.Set<Tag>().AnyAsync(t => t.Name == name, c)) throw DomainException.Conflict($"Tag '{name}' exists.");
                var t = new Tag { Name = name, CreatedAt = time.UtcNow() };
                uow.Db.Add(t);
                await uow.Db.SaveChangesAsync(c);
                await audit.RecordAsync("tag", t.Id, "created", new { name }, c);
                return t;
            }, ct);
            return TypedResults.Created($"/api/v1/tags/{tag.Id}", new TagDto(tag.Id, tag.Name, 0));
        }).AddEndpointFilter<IdempotencyFilter>().RequireAuthorization(Permissions.TagsManage);
        tags.MapDelete("/{id:int}", async (int id, UnitOfWork uow, AuditLog audit, CancellationToken ct) =>
        {
            await uow.RunAsync(async c =>
            {
                var tag = await uow.Db.Set<Tag>().FirstOrDefaultAsync(t => t.Id == id, c) ?? throw DomainException.NotFound($"Tag {id}");
                await uow.Db.Set<TicketTag>().Where(t => t.TagId == id).ExecuteDeleteAsync(c);
                uow.Db.Remove(tag);
                await audit.RecordAsync("tag", id, "deleted", new { tag.Name }, c);
            }, ct);
            return TypedResults.NoContent();
        }).RequireAuthorization(Permissions.TagsManage);

        var tax = app.MapGroup("/api/v1/taxonomy").WithTags("Taxonomy").RequireAuthorization(Permissions.TaxonomyRead);
        tax.MapGet("", async (TaxonomyCache cache, CancellationToken ct) => TypedResults.Ok(Tree(await cache.GetAsync(ct), null)))
            .WithSummary("The 3-level problem taxonomy as a tree.");
        tax.MapPost("", async (CreateCategoryRequest r, UnitOfWork uow, TaxonomyCache cache, AuditLog audit, CancellationToken ct) =>
        {
            var snapshot = await cache.GetAsync(ct);
            var category = await uow.RunAsync(async c =>
            {
                var level = 1;
                if (r.ParentId is { } pid)
                {
                    var parent = snapshot.Find(pid) ?? throw DomainException.Validation("parentId", $"Category {pid} does not exist.");
                    if (parent.Level >= 3) throw DomainException.Validation("parentId", "The taxonomy has three levels; a level-3 category cannot have children.");
                    level = parent.Level + 1;
                }
                var name = r.Name.Trim();
                if (name.Length == 0 || name.Contains('/')) throw DomainException.Validation("name", "name must be non-empty and contain no '/'.");
                if (snapshot.All.Any(x => x.ParentId == r.ParentId && x.Name == name)) throw DomainException.Conflict($"'{name}' exists at this level.");
                await CheckTeam(uow.Db, r.DefaultTeamId, c);
                var cat = new Category
                {
                    ParentId = r.ParentId, Name = name, Level = level, DefaultPriority = r.DefaultPriority, DefaultTeamId = r.DefaultTeamId,
                    SortOrder = r.SortOrder ?? snapshot.All.Where(x => x.ParentId == r.ParentId).Select(x => x.SortOrder + 1).DefaultIfEmpty(0).Max(),
                };
                uow.Db.Add(cat);
                await uow.Db.SaveChangesAsync(c);
                await audit.RecordAsync("category", cat.Id, "created", new { name, r.ParentId }, c);
                return cat;
            }, ct);
            cache.Invalidate();
            return TypedResults.Created($"/api/v1/taxonomy/{category.Id}", Tree(await cache.GetAsync(ct), category.ParentId).First(n => n.Id == category.Id));
        }).AddEndpointFilter<IdempotencyFilter>().RequireAuthorization(Permissions.TaxonomyManage);
        tax.MapPatch("/{id:int}", async (int id, UpdateCategoryRequest r, UnitOfWork uow, TaxonomyCache cache, AuditLog audit,
            HttpContext http, CancellationToken ct) =>
        {
            await uow.RunAsync(async c =>
            {
                var cat = await uow.Db.Set<Category>().FirstOrDefaultAsync(x => x.Id == id, c) ?? throw DomainException.NotFound($"Category {id}");
                ETags.Check(http, cat.Version);
                var changes = new ChangeSet();
                if (r.Name is { } n)
                {
                    n = n.Trim();
                    if (n.Length == 0 || n.Contains('/')) throw DomainException.Validation("name", "name must be non-empty and contain no '/'.");
                    if (changes.Set("name", cat.Name, n)) cat.Name = n;
                }
                if (r.SortOrder is { } so && changes.Set("sortOrder", cat.SortOrder, so)) cat.SortOrder = so;
                if (r.DefaultPriority is { } dp && changes.Set("defaultPriority", cat.DefaultPriority, dp)) cat.DefaultPriority = dp;
                if (r.DefaultTeamId is { } dt) { await CheckTeam(uow.Db, dt, c); if (changes.Set("defaultTeamId", cat.DefaultTeamId, dt)) cat.DefaultTeamId = dt; }
                if (r.IsActive is { } active && changes.Set("isActive", cat.IsActive, active)) cat.IsActive = active;
                if (changes.Any) { cat.Version++; await audit.RecordAsync("category", id, "updated", changes.Fields, c); }
            }, ct);
            cache.Invalidate();
            var snapshot = await cache.GetAsync(ct);
            ETags.Set(http, snapshot.Find(id)!.Version);
            return TypedResults.Ok(Tree(snapshot, snapshot.Find(id)!.ParentId).First(n => n.Id == id));
        }).RequireAuthorization(Permissions.TaxonomyManage);
        tax.MapDelete("/{id:int}", async (int id, UnitOfWork uow, TaxonomyCache cache, AuditLog audit, CancellationToken ct) =>
        {
            await uow.RunAsync(async c =>
            {
                var cat = await uow.Db.Set<Category>().FirstOrDefaultAsync(x => x.Id == id, c) ?? throw DomainException.NotFound($"Category {id}");
                if (await uow.Db.Set<Category>().AnyAsync(x => x.ParentId == id, c))
                    throw DomainException.Conflict("Delete or move the children first.");
                if (await uow.Db.Set<Ticket>().AnyAsync(t => t.CategoryId == id, c))
                    throw DomainException.Conflict("Tickets use this category; retire it instead (PATCH isActive=false).");
                uow.Db.Remove(cat);
                await audit.RecordAsync("category", id, "deleted", new { cat.Name }, c);
            }, ct);
            cache.Invalidate();
            return TypedResults.NoContent();
        }).RequireAuthorization(Permissions.TaxonomyManage);
    }

    private static async Task CheckTeam(KefuDb db, int? teamId, CancellationToken ct)
    {
        if (teamId is { } t && !await db.Teams.AnyAsync(x => x.Id == t, ct))
            throw DomainException.Validation("defaultTeamId", $"Team {t} does not exist.");
    }

    private static CategoryNode[] Tree(TaxonomySnapshot s, int? parentId) =>
        [.. s.All.Where(c => c.ParentId == parentId).OrderBy(c => c.SortOrder).ThenBy(c => c.Id)
            .Select(c => new CategoryNode(c.Id, c.Name, s.PathOf(c.Id)!, c.Level, c.SortOrder, c.DefaultPriority, c.DefaultTeamId,
                c.IsActive, c.Version, Tree(s, c.Id)))];
}
