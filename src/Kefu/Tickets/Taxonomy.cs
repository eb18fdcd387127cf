using Kefu.Platform.Database;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace Kefu.Tickets;

/// <summary>The taxonomy is small and read on every ticket shown: cached per node, dropped on change.</summary>
public sealed class TaxonomyCache(IServiceScopeFactory scopes, IMemoryCache cache)
{
    private const string Key = "taxonomy";

    public async Task<TaxonomySnapshot> GetAsync(CancellationToken ct)
    {
        if (cache.TryGetValue(Key, out TaxonomySnapshot? snapshot)) return snapshot!;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDb>();
        snapshot = new TaxonomySnapshot(await db.Set<Category>().AsNoTracking().ToListAsync(ct));
        cache.Set(Key, snapshot, TimeSpan.FromSeconds(30));
        return snapshot;
    }

    public void Invalidate() => cache.Remove(Key);
}

public sealed class TaxonomySnapshot
{
    private readonly Dictionary<int, Category> _byId;
    private readonly Dictionary<string, Category> _byPath;

    public TaxonomySnapshot(IReadOnlyList<Category> categories)
    {
        All = categories;
        _byId = categories.ToDictionary(c => c.Id);
        _byPath = categories.ToDictionary(c => PathOf(c.Id)!, StringComparer.OrdinalIgnoreCase);
    }

    public IReadOnlyList<Category> All { get; }

    public Category? Find(int id) => _byId.GetValueOrDefault(id);

    /// <summary>Whether the category can be chosen: it and every category above it are active. Retiring a level-1 or
    /// level-2 category retires everything below it without touching the rows (reactivating it brings them back).</summary>
    public bool IsUsable(int id) => RetiredAt(id) is null;

    /// <summary>The category itself or the nearest one above it that is retired; null when it is usable (or unknown).</summary>
    public Category? RetiredAt(int id)
    {
        for (var c = Find(id); c is not null; c = c.ParentId is { } p ? Find(p) : null)
            if (!c.IsActive) return c;
        return null;
    }

    public Category? FindPath(string path) =>
        _byPath.GetValueOrDefault(string.Join('/', path.Split('/', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)));

    public string? PathOf(int? id) => id is null ? null : string.Join('/', NamesOf(id.Value));

    public string[] NamesOf(int id)
    {
        var names = new List<string>();
        for (var c = Find(id); c is not null; c = c.ParentId is { } p ? Find(p) : null) names.Insert(0, c.Name);
        return [.. names];
    }

    public CategoryRef? Ref(int? id) => id is { } i && Find(i) is not null ? new CategoryRef(i, PathOf(i)!, NamesOf(i)) : null;

    /// <summary>The category and everything below it (for "category" filters on a level-1 or level-2 node).</summary>
    public int[] WithDescendants(int id)
    {
        var result = new List<int> { id };
        for (var i = 0; i < result.Count; i++) result.AddRange(All.Where(c => c.ParentId == result[i]).Select(c => c.Id));
        return [.. result];
    }
}
