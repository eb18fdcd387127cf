namespace Kefu.Tests.Infrastructure;

/// <summary>Walking a keyset-paged list ({items, nextCursor}) the way a client does.</summary>
public static class ListPages
{
    /// <summary>The ids of every item of a list query, following the cursor two at a time; each page but the last is
    /// full and carries a cursor, and no id comes twice.</summary>
    public static async Task<List<string>> AllIds(HttpClient client, string path, string query, string idField = "id")
    {
        var ids = new List<string>();
        string? cursor = null;
        do
        {
            var page = await KefuApp.Json(await client.GetAsync($"{path}?{query}&limit=2" + (cursor is null ? "" : $"&cursor={cursor}")), true);
            var items = page["items"]!.AsArray();
            cursor = page["nextCursor"]?.GetValue<string>();
            Assert.True(items.Count == 2 || cursor is null, $"a short page with a cursor: {page}");
            ids.AddRange(items.Select(x => x![idField]!.ToString()));
        } while (cursor is not null);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        return ids;
    }
}
