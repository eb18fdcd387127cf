using System.Runtime.CompilerServices;
using AngleSharp;
using AngleSharp.Html.Dom;
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

    /// <summary>Strings this class produced, by reference: sanitising its own output again would only cost a second
    /// parse. A string changed afterwards is a new instance and is sanitised again.</summary>
    private static readonly ConditionalWeakTable<string, object> Produced = new();
    private static readonly object Mark = new();

    public string Sanitize(string html)
    {
        if (Produced.TryGetValue(html, out _)) return html;
        return Remember(_sanitizer.Sanitize(html));
    }

    /// <summary>Sanitises a document already parsed by the caller (who also used the DOM for other work, so the HTML is
    /// parsed once) and returns its body's HTML, remembered as clean for <see cref="Sanitize"/>.</summary>
    public string SanitizeBody(IHtmlDocument document)
    {
        if (document.Body is not { } body) return "";
        _sanitizer.SanitizeDom(document, body);
        return Remember(body.ChildNodes.ToHtml(_sanitizer.OutputFormatter));
    }

    private static string Remember(string clean)
    {
        if (clean.Length > 0) Produced.AddOrUpdate(clean, Mark);
        return clean;
    }

    /// <summary>A plain-text rendering of HTML, for search and previews.</summary>
    public static string ToText(string html)
    {
        var doc = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html);
        return System.Text.RegularExpressions.Regex.Replace(doc.Body?.TextContent ?? "", @"[ \t]+", " ").Trim();
    }
}
