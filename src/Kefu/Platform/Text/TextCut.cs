namespace Kefu.Platform.Text;

public static class TextCut
{
    /// <summary>The first <paramref name="max"/> UTF-16 units of <paramref name="s"/> (all of it when shorter), one
    /// fewer when the cut would split a surrogate pair: an emoji or a rare CJK character (extension B and later) at the
    /// limit is dropped whole rather than left as half a character that no database or mail encodes.</summary>
    public static string Cut(string s, int max)
    {
        if (s.Length <= max) return s;
        return max > 0 && char.IsHighSurrogate(s[max - 1]) ? s[..(max - 1)] : s[..max];
    }
}
