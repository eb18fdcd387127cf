namespace Kefu.Tickets;

/// <summary>How a tag name finds the stored tag (decision 0063): names match ignoring case, and the stored spelling is
/// kept. The database folds with SQL <c>lower()</c>, which on SQLite (and on PostgreSQL under the C collation) folds
/// only ASCII A–Z; other letters (é/É, Cyrillic, full-width) then match only as spelled. Chinese has no case, so a
/// Chinese name always matches as written.</summary>
public static class TagMatch
{
    /// <summary>The stored tags that may match one of <paramref name="names"/>: the same spelling, or the same after SQL
    /// <c>lower()</c> (ASCII-only or full, whichever the database does). <see cref="Pick"/> then chooses per name.</summary>
    public static IQueryable<Tag> Matching(this IQueryable<Tag> tags, IReadOnlyCollection<string> names)
    {
        var exact = names.ToList();
        var keys = Keys(names);
        return tags.Where(t => exact.Contains(t.Name) || keys.Contains(t.Name.ToLower()));
    }

    /// <summary>The values SQL <c>lower(name)</c> of a matching tag can have: ASCII-folded (SQLite, C collation) or
    /// fully folded (PostgreSQL with a linguistic collation).</summary>
    public static List<string> Keys(IEnumerable<string> names) =>
        names.SelectMany(n => new[] { AsciiLower(n), n.ToLowerInvariant() }).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>The tag to use for <paramref name="name"/> among <paramref name="known"/>: the same spelling first, else
    /// the oldest one equal ignoring case (rows stored before names were matched this way may differ only by case).</summary>
    public static Tag? Pick(IEnumerable<Tag> known, string name) =>
        known.Where(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase))
            .OrderBy(t => t.Name == name ? 0 : 1).ThenBy(t => t.Id == 0 ? int.MaxValue : t.Id).FirstOrDefault();

    private static string AsciiLower(string s) =>
        string.Create(s.Length, s, (span, src) => { for (var i = 0; i < src.Length; i++) span[i] = src[i] is >= 'A' and <= 'Z' ? (char)(src[i] + 32) : src[i]; });
}
