using Kefu.Platform;
using Kefu.Platform.Database;
using Kefu.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Tests.Tickets;

/// <summary>The taxonomy editor's rules (shared by the admin console and the API): three levels, reorder, defaults
/// per leaf, renames, deletes; run once per provider (subclasses below).</summary>
public abstract class TaxonomyServiceTests(KefuApp app)
{
    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..6];

    private async Task<T> In<T>(Func<TaxonomyService, KefuDb, Task<T>> work)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<TaxonomyService>(), scope.ServiceProvider.GetRequiredService<KefuDb>());
    }

    private Task<Category> Create(int? parentId, string name) =>
        In((s, _) => s.CreateAsync(new CreateCategoryRequest(parentId, name, null, null, null), CancellationToken.None));

    [Fact]
    public async Task Reordering_writes_and_audits_only_the_categories_that_move()
    {
        var root = await Create(null, Unique("排序"));
        var a = await Create(root.Id, "甲");
        var b = await Create(root.Id, "乙");
        var c = await Create(root.Id, "丙");

        await In(async (s, _) => { await s.ReorderAsync(root.Id, [a.Id, c.Id, b.Id], CancellationToken.None); return true; });

        // The cache was dropped: the API's tree shows the new order at once.
        var tree = (await KefuApp.Json(await app.Admin.GetAsync("/api/v1/taxonomy"), true)).AsArray();
        var node = tree.First(n => n!["id"]!.GetValue<int>() == root.Id)!;
        Assert.Equal([a.Id, c.Id, b.Id], node["children"]!.AsArray().Select(n => n!["id"]!.GetValue<int>()));

        var audited = await In((_, db) => db.Audit.Where(x => x.EntityType == "category" && x.Action == "updated"
            && (x.EntityId == a.Id.ToString() || x.EntityId == b.Id.ToString() || x.EntityId == c.Id.ToString())).ToListAsync());
        Assert.Equal([b.Id.ToString(), c.Id.ToString()], audited.Select(x => x.EntityId).Order());
        Assert.All(audited, x => Assert.Contains("sortOrder", x.Changes));
    }

    [Fact]
    public async Task Reordering_must_list_every_child_once()
    {
        var root = await Create(null, Unique("不全"));
        var a = await Create(root.Id, "甲");
        await Create(root.Id, "乙");
        var e = await Assert.ThrowsAsync<DomainException>(() =>
            In(async (s, _) => { await s.ReorderAsync(root.Id, [a.Id, a.Id], CancellationToken.None); return true; }));
        Assert.Equal(400, e.Status);
        Assert.True(e.Errors!.ContainsKey("order"));
    }

    [Fact]
    public async Task Defaults_can_be_set_and_cleared_and_a_stale_edit_is_refused()
    {
        var root = await Create(null, Unique("默认"));
        var mid = await Create(root.Id, "中");
        var leaf = await Create(mid.Id, "叶");

        var set = await In((s, _) => s.UpdateAsync(leaf.Id, new CategoryPatch(SetDefaultTeam: true, DefaultTeamId: app.TeamA,
            SetDefaultPriority: true, DefaultPriority: TicketPriority.Urgent), null, CancellationToken.None));
        Assert.Equal((app.TeamA, TicketPriority.Urgent), (set.DefaultTeamId!.Value, set.DefaultPriority!.Value));

        // Clearing one default leaves the other (the API's PATCH does the same with null: WritePreconditionsTests).
        var cleared = await In((s, _) => s.UpdateAsync(leaf.Id, new CategoryPatch(SetDefaultTeam: true, DefaultTeamId: null),
            null, CancellationToken.None));
        Assert.Null(cleared.DefaultTeamId);
        Assert.Equal(TicketPriority.Urgent, cleared.DefaultPriority);

        var stale = await Assert.ThrowsAsync<DomainException>(() => In((s, _) => s.UpdateAsync(leaf.Id, new CategoryPatch(Name: "新名"),
            v => { if (v != set.Version) throw new DomainException(412, "Precondition failed", "stale"); }, CancellationToken.None)));
        Assert.Equal(412, stale.Status);
    }

    [Fact]
    public async Task A_rename_onto_a_siblings_name_is_a_conflict_not_a_crash()
    {
        var root = await Create(null, Unique("重名"));
        await Create(root.Id, "甲");
        var b = await Create(root.Id, "乙");
        var e = await Assert.ThrowsAsync<DomainException>(() =>
            In((s, _) => s.UpdateAsync(b.Id, new CategoryPatch(Name: "甲"), null, CancellationToken.None)));
        Assert.Equal(409, e.Status);
        var bad = await Assert.ThrowsAsync<DomainException>(() =>
            In((s, _) => s.UpdateAsync(b.Id, new CategoryPatch(Name: "a/b"), null, CancellationToken.None)));
        Assert.True(bad.Errors!.ContainsKey("name"));
    }

    [Fact]
    public async Task The_tree_has_three_levels_and_a_new_category_goes_last_among_its_siblings()
    {
        var root = await Create(null, Unique("三级"));
        var first = await Create(root.Id, "甲");
        var mid = await Create(root.Id, "乙");
        var leaf = await Create(mid.Id, "叶");
        Assert.Equal((1, 2, 2, 3), (root.Level, first.Level, mid.Level, leaf.Level));
        Assert.True(mid.SortOrder > first.SortOrder);

        var fourth = await Assert.ThrowsAsync<DomainException>(() => Create(leaf.Id, "第四级"));
        Assert.Equal(400, fourth.Status);
        Assert.True(fourth.Errors!.ContainsKey("parentId"));
        var orphan = await Assert.ThrowsAsync<DomainException>(() => Create(int.MaxValue, "孤儿"));
        Assert.True(orphan.Errors!.ContainsKey("parentId"));
        var twin = await Assert.ThrowsAsync<DomainException>(() => Create(root.Id, " 甲 "));
        Assert.Equal(409, twin.Status);
        var noTeam = await Assert.ThrowsAsync<DomainException>(() =>
            In((s, _) => s.CreateAsync(new CreateCategoryRequest(mid.Id, "无组", null, null, int.MaxValue), CancellationToken.None)));
        Assert.True(noTeam.Errors!.ContainsKey("defaultTeamId"));

        // Nothing refused was written.
        var children = await In((_, db) => db.Set<Category>().Where(c => c.ParentId == root.Id || c.ParentId == mid.Id || c.ParentId == leaf.Id)
            .Select(c => c.Name).ToListAsync());
        Assert.Equal(new[] { "甲", "乙", "叶" }.Order(StringComparer.Ordinal), children.Order(StringComparer.Ordinal));

        var tree = (await KefuApp.Json(await app.Admin.GetAsync("/api/v1/taxonomy"), true)).AsArray();
        var node = tree.First(n => n!["id"]!.GetValue<int>() == root.Id)!;
        Assert.Equal([first.Id, mid.Id], node["children"]!.AsArray().Select(n => n!["id"]!.GetValue<int>()));
        Assert.Equal($"{root.Name}/乙/叶", node["children"]![1]!["children"]![0]!["path"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_leafs_default_team_and_priority_apply_to_new_tickets_unless_the_ticket_says_otherwise()
    {
        var root = await Create(null, Unique("路由"));
        var mid = await Create(root.Id, "中");
        var leaf = await Create(mid.Id, "叶");
        await In((s, _) => s.UpdateAsync(leaf.Id, new CategoryPatch(SetDefaultTeam: true, DefaultTeamId: app.TeamB,
            SetDefaultPriority: true, DefaultPriority: TicketPriority.High), null, CancellationToken.None));

        async Task<JsonNode> Ticket(object extra)
        {
            var body = JsonSerializer.SerializeToNode(new
            {
                subject = Unique("分类默认"), customer = new { email = $"{Guid.NewGuid():N}@example.com" }, message = new { body = "x" },
            })!.AsObject();
            foreach (var (k, v) in JsonSerializer.SerializeToNode(extra)!.AsObject()) body[k] = v?.DeepClone();
            return await KefuApp.PostOk(app.Admin, "/api/v1/tickets", body);
        }
        var byDefault = await Ticket(new { categoryId = leaf.Id });
        Assert.Equal(app.TeamB, byDefault["team"]!["id"]!.GetValue<int>());
        Assert.Equal("high", byDefault["priority"]!.GetValue<string>());
        Assert.Equal($"{root.Name}/中/叶", byDefault["category"]!["path"]!.GetValue<string>());

        var chosen = await Ticket(new { category = $"{root.Name}/中/叶", teamId = app.TeamA, priority = "low" });
        Assert.Equal(app.TeamA, chosen["team"]!["id"]!.GetValue<int>());
        Assert.Equal("low", chosen["priority"]!.GetValue<string>());

        // A category without defaults leaves the ticket to the usual ones: no team, normal priority.
        var plain = await Ticket(new { categoryId = mid.Id });
        Assert.Null(plain["team"]);
        Assert.Equal("normal", plain["priority"]!.GetValue<string>());
    }

    [Fact]
    public async Task Retiring_a_level_1_or_level_2_category_retires_every_leaf_below_it()
    {
        var root = await Create(null, Unique("停用"));
        var kept = await Create(root.Id, "留");
        var keptLeaf = await Create(kept.Id, "叶");
        var gone = await Create(root.Id, "撤");
        var goneLeaf = await Create(gone.Id, "叶");

        async Task Retire(int id)
        {
            var r = await app.Admin.PatchAsJsonAsync($"/api/v1/taxonomy/{id}", new { isActive = false });
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        async Task<HttpResponseMessage> NewTicket(object category)
        {
            var body = JsonSerializer.SerializeToNode(new
            {
                subject = Unique("停用分类"), customer = new { email = $"{Guid.NewGuid():N}@example.com" }, message = new { body = "x" },
            })!.AsObject();
            foreach (var (k, v) in JsonSerializer.SerializeToNode(category)!.AsObject()) body[k] = v?.DeepClone();
            return await app.Admin.PostAsJsonAsync("/api/v1/tickets", body);
        }
        async Task Refused(object category, string field)
        {
            var r = await NewTicket(category);
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            Assert.Contains("retired", Assert.Single((await KefuApp.Json(r))["errors"]![field]!.AsArray())!.GetValue<string>());
        }
        async Task<TaxonomySnapshot> Snapshot() => new(await In((_, db) => db.Set<Category>().AsNoTracking().ToListAsync()));

        // Level 2 retired: its leaf is refused by id and by path and leaves the pickers; the sibling branch stays.
        await Retire(gone.Id);
        await Refused(new { categoryId = goneLeaf.Id }, "category"); // a create names "category" for either field
        await Refused(new { category = $"{root.Name}/撤/叶" }, "category");
        var (leaves, filters) = Kefu.Tickets.Pages.PaneOptions.Pickers(await Snapshot());
        Assert.DoesNotContain(leaves, l => l.Id == goneLeaf.Id);
        Assert.DoesNotContain(filters, l => l.Id == goneLeaf.Id || l.Id == gone.Id);
        Assert.Contains(leaves, l => l.Id == keptLeaf.Id);
        Assert.Equal(HttpStatusCode.Created, (await NewTicket(new { categoryId = keptLeaf.Id })).StatusCode);

        // Level 1 retired: everything below it goes, though the rows below stay active (reactivating brings them back).
        await Retire(root.Id);
        await Refused(new { categoryId = keptLeaf.Id }, "category");
        (leaves, filters) = Kefu.Tickets.Pages.PaneOptions.Pickers(await Snapshot());
        Assert.DoesNotContain(leaves, l => l.Id == keptLeaf.Id);
        Assert.DoesNotContain(filters, l => l.Id == root.Id || l.Id == kept.Id || l.Id == keptLeaf.Id);
        Assert.True((await In((_, db) => db.Set<Category>().SingleAsync(c => c.Id == keptLeaf.Id))).IsActive);
    }

    [Fact]
    public async Task Only_an_unused_category_without_children_is_deleted()
    {
        var root = await Create(null, Unique("删除"));
        var mid = await Create(root.Id, "中");
        var used = await Create(mid.Id, "用过");
        var unused = await Create(mid.Id, "没用过");
        await KefuApp.PostOk(app.Admin, "/api/v1/tickets", new
        {
            subject = Unique("删除"), categoryId = used.Id, customer = new { email = $"{Guid.NewGuid():N}@example.com" }, message = new { body = "x" },
        });

        var parent = await Assert.ThrowsAsync<DomainException>(() => In(async (s, _) => { await s.DeleteAsync(mid.Id, CancellationToken.None); return true; }));
        Assert.Equal(409, parent.Status);
        var inUse = await Assert.ThrowsAsync<DomainException>(() => In(async (s, _) => { await s.DeleteAsync(used.Id, CancellationToken.None); return true; }));
        Assert.Equal(409, inUse.Status);
        await In(async (s, _) => { await s.DeleteAsync(unused.Id, CancellationToken.None); return true; });

        var left = await In((_, db) => db.Set<Category>().Where(c => c.ParentId == mid.Id).Select(c => c.Id).ToListAsync());
        Assert.Equal([used.Id], left);
        Assert.True(await In((_, db) => db.Audit.AnyAsync(x => x.EntityType == "category" && x.EntityId == unused.Id.ToString() && x.Action == "deleted")));
        var tree = (await KefuApp.Json(await app.Admin.GetAsync("/api/v1/taxonomy"), true)).AsArray();
        var node = tree.First(n => n!["id"]!.GetValue<int>() == root.Id)!["children"]![0]!;
        Assert.Equal([used.Id], node["children"]!.AsArray().Select(n => n!["id"]!.GetValue<int>()));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteTaxonomyServiceTests(SqliteApp app) : TaxonomyServiceTests(app);

[Collection(PostgresCollection.Name)]
public sealed class PostgresTaxonomyServiceTests(PostgresApp app) : TaxonomyServiceTests(app);
