using Kefu.Platform.Database;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Tickets;

/// <summary>How a tag name finds the stored tag (decisions 0063, 0065): names match ignoring case through the unique,
/// indexed <see cref="Tag.NormalizedName"/>, and the stored spelling is kept. New tags get the .NET invariant
/// lower-case key; tags stored before 0065 got SQL <c>lower()</c> from the migration, which on SQLite (and on PostgreSQL
/// under the C collation) folds only ASCII A–Z, so a lookup tries both foldings. Chinese has no case, so a Chinese name
/// always matches as written.</summary>
public static class TagMatch
{
    /// <summary>The stored tags that may match one of <paramref name="names"/> (by key). <see cref="Pick"/> then
    /// chooses per name.</summary>
    public static IQueryable<Tag> Matching(this IQueryable<Tag> tags, IReadOnlyCollection<string> names)
    {
        var keys = Keys(names);
        return tags.Where(t => keys.Contains(t.NormalizedName));
    }

    /// <summary>The keys a matching tag can have: <see cref="Tag.Normalize"/>, or ASCII-only folding (older rows on a
    /// database whose <c>lower()</c> folds only ASCII).</summary>
    public static List<string> Keys(IEnumerable<string> names) =>
        names.SelectMany(n => new[] { Tag.Normalize(n), AsciiLower(n) }).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>The tag to use for <paramref name="name"/> among <paramref name="known"/>: the same spelling first, else
    /// one equal ignoring case (after 0065 there is at most one).</summary>
    public static Tag? Pick(IEnumerable<Tag> known, string name) =>
        known.Where(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase) || t.NormalizedName == Tag.Normalize(name))
            .OrderBy(t => t.Name == name ? 0 : 1).ThenBy(t => t.Id == 0 ? int.MaxValue : t.Id).FirstOrDefault();

    /// <summary>The tags named <paramref name="names"/>, creating the missing ones in the caller's transaction. A tag is
    /// created with <c>INSERT … ON CONFLICT DO NOTHING</c> (no target: the exact name's unique index counts too, or two
    /// creates of the very same spelling fail on it): when another transaction creates the same
    /// name in any case at the same time, this one waits for it (PostgreSQL) and then reads and uses that tag instead of
    /// failing on the unique index, which would abort the whole transaction (the ticket save around it). Missing names
    /// are inserted in key order, so two such transactions cannot wait on each other. The returned tags are tracked.</summary>
    public static async Task<List<Tag>> EnsureAsync(KefuDb db, IReadOnlyCollection<string> names, DateTime now, CancellationToken ct)
    {
        if (names.Count == 0) return [];
        var known = await db.Set<Tag>().Matching(names).ToListAsync(ct);
        var missing = names.Where(n => Pick(known, n) is null).DistinctBy(Tag.Normalize).OrderBy(Tag.Normalize, StringComparer.Ordinal).ToList();
        if (missing.Count == 0) return known;
        foreach (var name in missing) await InsertAsync(db, name, now, ct);
        known.AddRange(await db.Set<Tag>().Matching(missing).ToListAsync(ct));
        return known.DistinctBy(t => t.Id).ToList();
    }

    /// <summary>Inserts the tag unless one with its key exists (or is being inserted by another transaction, which this
    /// waits for); returns whether this call created it.</summary>
    public static async Task<bool> InsertAsync(KefuDb db, string name, DateTime now, CancellationToken ct) =>
        await db.Database.ExecuteSqlAsync(
            $"INSERT INTO tickets_tags (name, normalized_name, created_at) VALUES ({name}, {Tag.Normalize(name)}, {now}) ON CONFLICT DO NOTHING",
            ct) == 1;

    private static string AsciiLower(string s) =>
        string.Create(s.Length, s, (span, src) => { for (var i = 0; i < src.Length; i++) span[i] = src[i] is >= 'A' and <= 'Z' ? (char)(src[i] + 32) : src[i]; });
}
