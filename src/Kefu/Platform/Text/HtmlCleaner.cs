using System.Runtime.CompilerServices;
using AngleSharp;
using AngleSharp.Html.Dom;
using Ganss.Xss;

namespace Kefu.Platform.Text;

/// <summary>Every HTML body from outside is sanitised before it is stored or shown.</summary>
public sealed class HtmlCleaner
{
    // Built on first use: constructing HtmlSanitizer loads AngleSharp.Css's declaration tables (~2,700 types and large
    // static initialisers), which a server that has not yet received HTML should not carry (idle memory, decision 0026).
    private readonly Lazy<HtmlSanitizer> _lazy = new(Create, LazyThreadSafetyMode.ExecutionAndPublication);

    private HtmlSanitizer Sanitizer => _lazy.Value;

    /// <summary>True once the sanitizer has been built (tests check that start-up does not build it).</summary>
    internal bool IsBuilt => _lazy.IsValueCreated;

    private static HtmlSanitizer Create()
    {
        var sanitizer = new HtmlSanitizer();
        sanitizer.AllowedSchemes.Add("mailto");
        sanitizer.AllowedSchemes.Add("cid");
        return sanitizer;
    }

    /// <summary>Strings this class produced, by reference: sanitising its own output again would only cost a second
    /// parse. A string changed afterwards is a new instance and is sanitised again.</summary>
    private static readonly ConditionalWeakTable<string, object> Produced = new();
    private static readonly object Mark = new();

    public string Sanitize(string html)
    {
        if (Produced.TryGetValue(html, out _)) return html;
        return Remember(Sanitizer.Sanitize(html));
    }

    /// <summary>Sanitises a document already parsed by the caller (who also used the DOM for other work, so the HTML is
    /// parsed once) and returns its body's HTML, remembered as clean for <see cref="Sanitize"/>.</summary>
    public string SanitizeBody(IHtmlDocument document)
    {
        if (document.Body is not { } body) return "";
        Sanitizer.SanitizeDom(document, body);
        return Remember(body.ChildNodes.ToHtml(Sanitizer.OutputFormatter));
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
