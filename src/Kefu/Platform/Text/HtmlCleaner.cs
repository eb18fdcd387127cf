using Ganss.Xss;

namespace Kefu.Platform.Text;

/// <summary>Every HTML body from outside is sanitised before it is stored or shown.</summary>
public sealed class HtmlCleaner
{
    private readonly HtmlSanitizer _sanitizer = new();

    public HtmlCleaner()
    {
        _sanitizer.AllowedSchemes.Add("mailto");
        _sanitizer.AllowedSchemes.Add("cid");
    }

    public string Sanitize(string html) => _sanitizer.Sanitize(html);

    /// <summary>A plain-text rendering of HTML, for search and previews.</summary>
    public static string ToText(string html)
    {
        var doc = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html);
        return System.Text.RegularExpressions.Regex.Replace(doc.Body?.TextContent ?? "", @"[ \t]+", " ").Trim();
    }
}
