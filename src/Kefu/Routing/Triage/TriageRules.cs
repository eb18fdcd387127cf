using System.Text.RegularExpressions;
using Kefu.Platform.Database;
using Kefu.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace Kefu.Routing.Triage;

/// <summary>A rule ready to match: keywords already normalised, or a compiled regular expression with a timeout.</summary>
public sealed class CompiledRule
{
    private readonly string[] _keywords = [];
    private readonly Regex? _regex;

    public CompiledRule(int id, string name, string pattern, bool isRegex, string? leaf, TicketPriority? priority)
    {
        Id = id;
        Name = name;
        Leaf = leaf;
        Priority = priority;
        if (isRegex) _regex = Compile(pattern);
        else _keywords = [.. pattern.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(TextNormalizer.Normalize).Where(k => k.Length > 0)];
    }

    public int Id { get; }
    public string Name { get; }
    public string? Leaf { get; }
    public TicketPriority? Priority { get; }

    /// <summary>Matches the normalised text (traditional → simplified, lower case, half-width); a regex also sees
    /// the raw text, so an admin can write either form.</summary>
    public bool Matches(string normalized, string raw)
    {
        if (_regex is not null)
        {
            try { return _regex.IsMatch(normalized) || _regex.IsMatch(raw); }
            catch (RegexMatchTimeoutException) { return false; }
        }
        foreach (var k in _keywords) if (TriageLexicon.Contains(normalized, k)) return true;
        return false;
    }

    public static Regex Compile(string pattern) =>
        new(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(50));
}

/// <summary>Enabled rules in order, cached per node for a few seconds; a change made on this node is seen at once.</summary>
public sealed class TriageRuleCache(IServiceScopeFactory scopes, TaxonomyCache taxonomy, IMemoryCache cache)
{
    private const string Key = "routing:rules";

    public async Task<IReadOnlyList<CompiledRule>> GetAsync(CancellationToken ct)
    {
        if (cache.TryGetValue(Key, out IReadOnlyList<CompiledRule>? rules)) return rules!;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDb>();
        var rows = await db.Set<TriageRule>().AsNoTracking().Where(r => r.IsEnabled).OrderBy(r => r.SortOrder).ThenBy(r => r.Id).ToListAsync(ct);
        var tax = await taxonomy.GetAsync(ct);
        rules = [.. rows.Select(r => new CompiledRule(r.Id, r.Name, r.Pattern, r.IsRegex, tax.PathOf(r.CategoryId), r.Priority))];
        cache.Set(Key, rules, TimeSpan.FromSeconds(15));
        return rules;
    }

    public void Invalidate() => cache.Remove(Key);
}
