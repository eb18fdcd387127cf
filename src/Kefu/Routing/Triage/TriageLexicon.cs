using System.Text;

namespace Kefu.Routing.Triage;

/// <summary>
/// Per-leaf keyword and synonym lists (Data/triage-lexicon.tsv) plus an "urgent" list (account takeover, fraud,
/// legal and media threats). Their hit counts are extra model features: they carry domain knowledge the small
/// training set cannot, so a paraphrase that shares only a synonym with the training lines still lands right.
/// </summary>
public sealed class TriageLexicon
{
    public const string UrgentKey = "!urgent";

    private readonly (string Leaf, string[] Words)[] _lists;

    public const string TakeoverAccountKey = "!takeover-account";
    public const string TakeoverActorKey = "!takeover-actor";

    private readonly string[] _takeoverAccount;
    private readonly string[] _takeoverActor;

    public TriageLexicon(IEnumerable<(string Leaf, string[] Words)> lists)
    {
        var all = lists.Select(l => (l.Leaf, Words: l.Words.Select(TextNormalizer.Normalize).Where(w => w.Length > 0).Distinct().ToArray())).ToList();
        // The two takeover lists are not features (the feature slots stay as they are); they make a text urgent together.
        _takeoverAccount = all.FirstOrDefault(l => l.Leaf == TakeoverAccountKey).Words ?? [];
        _takeoverActor = all.FirstOrDefault(l => l.Leaf == TakeoverActorKey).Words ?? [];
        _lists = [.. all.Where(l => l.Leaf is not TakeoverAccountKey and not TakeoverActorKey)];
        Leaves = [.. _lists.Select(l => l.Leaf).Where(l => l != UrgentKey)];
        UrgentIndex = Array.FindIndex(_lists, l => l.Leaf == UrgentKey);
    }

    /// <summary>Feature slots in order: one per list (the leaves, then !urgent).</summary>
    public int Size => _lists.Length;
    public string[] Leaves { get; }
    public int UrgentIndex { get; }

    public static TriageLexicon LoadEmbedded()
    {
        using var stream = typeof(TriageLexicon).Assembly.GetManifestResourceStream("Kefu.Routing.Data.triage-lexicon.tsv")
            ?? throw new InvalidOperationException("Embedded resource Kefu.Routing.Data.triage-lexicon.tsv is missing.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return Read(reader);
    }

    /// <summary>Reads the lexicon .tsv format: <c>leaf_path (or !urgent) \t word|word|…</c>, '#' lines are comments.</summary>
    public static TriageLexicon Read(TextReader reader)
    {
        var lists = new List<(string, string[])>();
        while (reader.ReadLine() is { } line)
        {
            if (line.StartsWith('#') || line.Trim().Length == 0) continue;
            var cols = line.Split('\t');
            lists.Add((cols[0].Trim(), cols[1].Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)));
        }
        return new TriageLexicon(lists);
    }

    /// <summary>Fills one value per list: a damped count of the list's words found in the normalised text. With
    /// <paramref name="words"/>, also collects each found leaf word as a token ("dictionary segmentation"): the model
    /// then learns a weight per word, so 忘了 in "忘了发货" need not count for the password leaf as a whole list does.</summary>
    public void Features(string normalized, Span<float> into, List<string>? words = null)
    {
        // Which characters occur (1,024-bit filter): most words' first character is not in a short text, so their
        // substring search is skipped — the lists hold over a thousand words and this runs for every ticket.
        Span<ulong> seen = stackalloc ulong[16];
        Mark(normalized, seen);
        for (var i = 0; i < _lists.Length; i++)
        {
            var hits = 0;
            var inflected = i != UrgentIndex;
            foreach (var w in _lists[i].Words)
                if (MaySee(seen, w) && Contains(normalized, w, inflected))
                {
                    hits++;
                    if (words is not null && inflected) words.Add(w);
                }
            into[i] = hits == 0 ? 0 : MathF.Sqrt(hits);
        }
    }

    private static void Mark(string text, Span<ulong> seen)
    {
        foreach (var c in text) seen[(c >> 6) & 15] |= 1UL << (c & 63);
    }

    private static bool MaySee(ReadOnlySpan<ulong> seen, string word) => (seen[(word[0] >> 6) & 15] & (1UL << (word[0] & 63))) != 0;

    /// <summary>An urgent word (盗号, hacked, 律师 …), or an account takeover told without one: an account word together
    /// with someone else acting on it (异地/陌生设备/别人登录/someone else …). Recall matters more than precision here.</summary>
    public bool HasUrgentWord(string normalized) =>
        (UrgentIndex >= 0 && _lists[UrgentIndex].Words.Any(w => Contains(normalized, w)))
        || (_takeoverActor.Any(w => Contains(normalized, w, inflected: true)) && _takeoverAccount.Any(w => Contains(normalized, w, inflected: true)));

    /// <summary>Substring match for Chinese; whole words (with an optional inflection) for Latin words, so "sue" is not found in "issue".</summary>
    public static bool Contains(string text, string word, bool inflected = false)
    {
        if (!char.IsAsciiLetterOrDigit(word[0])) return text.Contains(word, StringComparison.Ordinal);
        for (var i = text.IndexOf(word, StringComparison.Ordinal); i >= 0; i = text.IndexOf(word, i + 1, StringComparison.Ordinal))
        {
            var before = i == 0 || !char.IsAsciiLetter(text[i - 1]);
            if (before && WordEndsAt(text, i + word.Length, inflected)) return true;
        }
        return false;
    }

    // For the leaf lists an English word may carry an inflection ("crash" finds "crashes", "crashed", "crashing"): a poor
    // man's stemmer. Not for the urgent list and admin rules, where "press" must not find "pressed".
    private static readonly string[] Suffixes = ["s", "es", "ed", "d", "ing", "er", "ers"];

    private static bool WordEndsAt(string text, int end, bool inflected)
    {
        if (end >= text.Length || !char.IsAsciiLetter(text[end])) return true;
        if (!inflected) return false;
        foreach (var suffix in Suffixes)
        {
            var after = end + suffix.Length;
            if (string.CompareOrdinal(text, end, suffix, 0, suffix.Length) == 0 && (after >= text.Length || !char.IsAsciiLetter(text[after])))
                return true;
        }
        return false;
    }
}
