using System.IO.Compression;
using Kefu.Tests.Architecture;

namespace Kefu.Tests.Chat;

/// <summary>The committed widget bundle (src/Kefu/wwwroot/widget, built by src/Kefu.Widget's npm script): within the
/// issue's budget, and its buttons drawn with SVG, not emoji a machine without an emoji font shows as empty boxes.</summary>
public sealed class WidgetBundleTests
{
    private static readonly string Bundle = Path.Combine(LocalizationTests.RepoRoot(), "src", "Kefu", "wwwroot", "widget", "kefu-widget.js");

    [Fact]
    public void The_widget_is_at_most_60_KB_gzipped()
    {
        var bytes = File.ReadAllBytes(Bundle);
        using var gz = new MemoryStream();
        using (var zip = new GZipStream(gz, CompressionLevel.Optimal, leaveOpen: true)) zip.Write(bytes);
        Assert.True(gz.Length <= 60 * 1024, $"kefu-widget.js is {gz.Length / 1024.0:F1} KB gzipped (budget 60 KB)");
    }

    [Fact]
    public void The_widget_chrome_uses_no_emoji_icons()
    {
        var js = File.ReadAllText(Bundle);
        Assert.Contains("http://www.w3.org/2000/svg", js);
        // The launcher (💬), attachment (📎) and emoji-picker (😊 as its button) icons were emoji; 😊 may stay in the
        // picker's list (customer content), so only the ones that were chrome alone are checked.
        foreach (var emoji in new[] { "💬", "📎" }) Assert.DoesNotContain(Spellings(emoji), js.Contains);
    }

    /// <summary>The character as is and as esbuild escapes it (ASCII output: \u{1F4CE}, or a surrogate pair).</summary>
    private static string[] Spellings(string emoji)
    {
        var code = char.ConvertToUtf32(emoji, 0);
        return [emoji, $"\\u{{{code:X}}}", $"\\u{{{code:x}}}", $"\\u{(int)emoji[0]:X4}\\u{(int)emoji[1]:X4}", $"\\u{(int)emoji[0]:x4}\\u{(int)emoji[1]:x4}"];
    }
}
