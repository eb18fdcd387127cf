using Kefu.Platform;
using Kefu.Platform.Database;
using Kefu.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Tests.Tickets;

/// <summary>The taxonomy editor's rules (shared by the admin console and the API): reorder, defaults, renames.</summary>
[Collection(SqliteCollection.Name)]
public sealed class TaxonomyServiceTests(SqliteApp app)
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

        // The API's PATCH cannot clear a default (null there means "not sent"); the editor can.
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
}
