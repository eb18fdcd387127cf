using Kefu.Platform;
using Kefu.Platform.Audit;
using Kefu.Platform.Database;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Tickets;

/// <summary>A change to one category. The Set… flags tell "clear the default" (sent as null) from "leave it" (not sent).</summary>
public sealed record CategoryPatch(
    string? Name = null, int? SortOrder = null,
    bool SetDefaultPriority = false, TicketPriority? DefaultPriority = null,
    bool SetDefaultTeam = false, int? DefaultTeamId = null,
    bool? IsActive = null)
{
    public static readonly string[] Fields = ["name", "sortOrder", "defaultPriority", "defaultTeamId", "isActive"];

    /// <summary>The API's PATCH body as a merge patch (RFC 7396): an absent field stays, null clears a default.</summary>
    public static CategoryPatch From(System.Text.Json.Nodes.JsonObject body, System.Text.Json.JsonSerializerOptions json)
    {
        var patch = new Kefu.Platform.Http.PatchBody(body, json, Fields);
        var name = patch.Get<string>("name");
        var sortOrder = patch.Get<int?>("sortOrder");
        var priority = patch.Get<TicketPriority?>("defaultPriority");
        var team = patch.Get<int?>("defaultTeamId");
        var active = patch.Get<bool?>("isActive");
        if (name is { Present: true, Value: null }) patch.Error("name", "name cannot be null.");
        if (name.Value is { Length: > 50 }) patch.Error("name", "name is at most 50 characters.");
        if (sortOrder is { Present: true, Value: null }) patch.Error("sortOrder", "sortOrder cannot be null.");
        if (active is { Present: true, Value: null }) patch.Error("isActive", "isActive cannot be null.");
        patch.ThrowIfInvalid();
        return new(name.Value, sortOrder.Value, priority.Present, priority.Value, team.Present, team.Value, active.Value);
    }
}

/// <summary>
/// Edits the 3-level taxonomy for the API and the admin console alike. Each call is one unit of work (joining the
/// caller's, if any), audited, and drops the cached taxonomy afterwards.
/// </summary>
public sealed class TaxonomyService(UnitOfWork uow, TaxonomyCache cache, AuditLog audit)
{
    public const int MaxLevel = 3;

    /// <summary>The service for a request or UI scope (it needs no registration of its own).</summary>

    private KefuDb Db => uow.Db;

    public async Task<Category> CreateAsync(CreateCategoryRequest r, CancellationToken ct)
    {
        var category = await uow.RunAsync(async c =>
        {
            var level = 1;
            if (r.ParentId is { } pid)
            {
                var parent = await Db.Set<Category>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == pid, c)
                    ?? throw DomainException.Validation("parentId", $"Category {pid} does not exist.");
                if (parent.Level >= MaxLevel)
                    throw DomainException.Validation("parentId", "The taxonomy has three levels; a level-3 category cannot have children.");
                level = parent.Level + 1;
            }
            var name = CheckName(r.Name);
            var siblings = await Db.Set<Category>().AsNoTracking().Where(x => x.ParentId == r.ParentId)
                .Select(x => new { x.Name, x.SortOrder }).ToListAsync(c);
            if (siblings.Any(x => x.Name == name)) throw DomainException.Conflict("name", $"'{name}' exists at this level.");
            await CheckTeamAsync(r.DefaultTeamId, c);
            var cat = new Category
            {
                ParentId = r.ParentId, Name = name, Level = level, DefaultPriority = r.DefaultPriority, DefaultTeamId = r.DefaultTeamId,
                SortOrder = r.SortOrder ?? siblings.Select(x => x.SortOrder + 1).DefaultIfEmpty(0).Max(),
            };
            Db.Add(cat);
            await Db.SaveChangesAsync(c);
            await audit.RecordAsync("category", cat.Id, "created", new { name, r.ParentId }, c);
            return cat;
        }, ct);
        uow.AfterCommit(cache.Invalidate); // after the commit: a reload inside the unit would cache the old tree
        return category;
    }

    /// <param name="checkVersion">Called with the stored version before anything changes (If-Match, or the version
    /// an editor loaded); throws to refuse a stale update.</param>
    public async Task<Category> UpdateAsync(int id, CategoryPatch p, Action<int>? checkVersion, CancellationToken ct)
    {
        var category = await uow.RunAsync(async c =>
        {
            var cat = await Db.Set<Category>().FirstOrDefaultAsync(x => x.Id == id, c) ?? throw DomainException.NotFound($"Category {id}");
            checkVersion?.Invoke(cat.Version);
            var changes = new ChangeSet();
            if (p.Name is { } raw)
            {
                var n = CheckName(raw);
                if (n != cat.Name && await Db.Set<Category>().AnyAsync(x => x.ParentId == cat.ParentId && x.Name == n && x.Id != id, c))
                    throw DomainException.Conflict("name", $"'{n}' exists at this level.");
                if (changes.Set("name", cat.Name, n)) cat.Name = n;
            }
            if (p.SortOrder is { } so && changes.Set("sortOrder", cat.SortOrder, so)) cat.SortOrder = so;
            if (p.SetDefaultPriority && changes.Set("defaultPriority", cat.DefaultPriority, p.DefaultPriority)) cat.DefaultPriority = p.DefaultPriority;
            if (p.SetDefaultTeam)
            {
                await CheckTeamAsync(p.DefaultTeamId, c);
                if (changes.Set("defaultTeamId", cat.DefaultTeamId, p.DefaultTeamId)) cat.DefaultTeamId = p.DefaultTeamId;
            }
            if (p.IsActive is { } active && changes.Set("isActive", cat.IsActive, active)) cat.IsActive = active;
            if (changes.Any) { cat.Version++; await audit.RecordAsync("category", id, "updated", changes.Fields, c); }
            return cat;
        }, ct);
        uow.AfterCommit(cache.Invalidate); // after the commit: a reload inside the unit would cache the old tree
        return category;
    }

    /// <summary>Puts the children of one parent (null: the top level) in the given order; every child must be listed
    /// once. Only categories whose position changes are written (and audited).</summary>
    public async Task ReorderAsync(int? parentId, IReadOnlyList<int> orderedIds, CancellationToken ct)
    {
        await uow.RunAsync(async c =>
        {
            var children = await Db.Set<Category>().Where(x => x.ParentId == parentId).ToListAsync(c);
            if (orderedIds.Count != children.Count || orderedIds.Distinct().Count() != children.Count
                || !children.All(x => orderedIds.Contains(x.Id)))
                throw DomainException.Validation("order", "List every child of the parent exactly once.");
            for (var i = 0; i < orderedIds.Count; i++)
            {
                var cat = children.First(x => x.Id == orderedIds[i]);
                if (cat.SortOrder == i) continue;
                var changes = new ChangeSet();
                changes.Set("sortOrder", cat.SortOrder, i);
                await audit.RecordAsync("category", cat.Id, "updated", changes.Fields, c);
                cat.SortOrder = i;
                cat.Version++;
            }
        }, ct);
        uow.AfterCommit(cache.Invalidate); // after the commit: a reload inside the unit would cache the old tree
    }

    public async Task DeleteAsync(int id, CancellationToken ct)
    {
        await uow.RunAsync(async c =>
        {
            var cat = await Db.Set<Category>().FirstOrDefaultAsync(x => x.Id == id, c) ?? throw DomainException.NotFound($"Category {id}");
            if (await Db.Set<Category>().AnyAsync(x => x.ParentId == id, c))
                throw DomainException.Conflict("Delete or move the children first.");
            if (await Db.Set<Ticket>().AnyAsync(t => t.CategoryId == id, c))
                throw DomainException.Conflict("Tickets use this category; retire it instead (PATCH isActive=false).");
            Db.Remove(cat);
            await audit.RecordAsync("category", id, "deleted", new { cat.Name }, c);
        }, ct);
        uow.AfterCommit(cache.Invalidate); // after the commit: a reload inside the unit would cache the old tree
    }

    /// <summary>The tree below a parent (null: the whole taxonomy), siblings in their sort order.</summary>
    public static CategoryNode[] Tree(TaxonomySnapshot s, int? parentId) =>
        [.. s.All.Where(c => c.ParentId == parentId).OrderBy(c => c.SortOrder).ThenBy(c => c.Id)
            .Select(c => new CategoryNode(c.Id, c.Name, s.PathOf(c.Id)!, c.Level, c.SortOrder, c.DefaultPriority, c.DefaultTeamId,
                c.IsActive, c.Version, Tree(s, c.Id)))];

    private static string CheckName(string raw)
    {
        var name = raw.Trim();
        if (name.Length == 0 || name.Contains('/')) throw DomainException.Validation("name", "name must be non-empty and contain no '/'.");
        return name;
    }

    private async Task CheckTeamAsync(int? teamId, CancellationToken ct)
    {
        if (teamId is { } t && !await Db.Teams.AnyAsync(x => x.Id == t, ct))
            throw DomainException.Validation("defaultTeamId", $"Team {t} does not exist.");
    }
}
