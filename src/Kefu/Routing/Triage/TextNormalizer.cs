using System.Globalization;
using System.Text;

namespace Kefu.Routing.Triage;

/// <summary>
/// Puts customer text into one form before features are taken: full-width → half-width and compatibility forms
/// (NFKC), lower case, traditional → simplified characters (a table derived from OpenCC), whitespace collapsed.
/// Training data and incoming tickets go through the same function, so 帳號/账号 and ＡＢＣ/abc are the same feature.
/// </summary>
public static class TextNormalizer
{
    /// <summary>Longer texts are cut: the first lines of a ticket say what it is about, and latency stays flat.</summary>
    public const int MaxChars = 600;

    private static readonly Dictionary<char, char> TraditionalToSimplified = Load();

    public static string Normalize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return "";
        if (text.Length > MaxChars) text = text[..MaxChars];
        var s = text.IsNormalized(NormalizationForm.FormKC) ? text : text.Normalize(NormalizationForm.FormKC);
        var sb = new StringBuilder(s.Length);
        var space = false;
        foreach (var c0 in s)
        {
            var c = TraditionalToSimplified.TryGetValue(c0, out var simple) ? simple : char.ToLowerInvariant(c0);
            if (char.IsWhiteSpace(c) || char.GetUnicodeCategory(c) == UnicodeCategory.Control)
            {
                if (!space && sb.Length > 0) sb.Append(' ');
                space = true;
                continue;
            }
            // Curly quotes and CJK brackets carry no meaning for the category.
            if (c is '“' or '”' or '‘' or '’' or '「' or '」' or '『' or '』' or '【' or '】') c = '"';
            sb.Append(c);
            space = false;
        }
        return sb.ToString().TrimEnd();
    }

    private static Dictionary<char, char> Load()
    {
        var map = new Dictionary<char, char>();
        using var stream = typeof(TextNormalizer).Assembly.GetManifestResourceStream("Kefu.Routing.Data.t2s.txt")
            ?? throw new InvalidOperationException("Embedded resource Kefu.Routing.Data.t2s.txt is missing.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (reader.ReadLine() is { } line)
            if (line.Length == 3 && line[1] == ' ') map[line[0]] = line[2];
        // 帳號 → 账号, not 帐号: the form mainland users write (and 帐号 typed by them is the same word).
        map['帳'] = '账';
        map['帐'] = '账';
        return map;
    }
}
