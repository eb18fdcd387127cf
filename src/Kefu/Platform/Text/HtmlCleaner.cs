using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using AngleSharp;
using AngleSharp.Dom;
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

    // An explicit allow-list fit for rich email (decision 0055), not HtmlSanitizer's defaults: those keep forms,
    // inputs and buttons (a phishing form posting off-site), positioning CSS (an overlay over the workspace),
    // tabindex, contenteditable, ids and classes (which pick up the app's own styles), and remote images (tracking).
    private static readonly string[] Tags =
    [
        "a", "abbr", "address", "article", "aside", "b", "bdi", "bdo", "big", "blockquote", "br", "caption", "center",
        "cite", "code", "col", "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure",
        "font", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i", "img", "ins", "kbd", "li", "mark",
        "ol", "p", "pre", "q", "s", "samp", "section", "small", "span", "strike", "strong", "sub", "summary", "sup",
        "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "tt", "u", "ul", "var", "wbr",
    ];

    private static readonly string[] Attributes =
    [
        "abbr", "align", "alt", "bgcolor", "border", "cellpadding", "cellspacing", "cite", "class", "color", "colspan",
        "datetime", "dir", "face", "headers", "height", "href", "hspace", "lang", "nowrap", "open", "reversed",
        "rowspan", "scope", "size", "span", "src", "start", "style", "title", "type", "valign", "vspace", "width",
    ];

    // No position, z-index, top/right/bottom/left, inset, transform, float tricks beyond layout, cursor,
    // pointer-events, animation, or any url() (remote backgrounds are tracking pixels too).
    private static readonly string[] CssProperties =
    [
        "background", "background-color", "border", "border-bottom", "border-bottom-color", "border-bottom-style",
        "border-bottom-width", "border-collapse", "border-color", "border-left", "border-left-color",
        "border-left-style", "border-left-width", "border-radius", "border-right", "border-right-color",
        "border-right-style", "border-right-width", "border-spacing", "border-style", "border-top", "border-top-color",
        "border-top-style", "border-top-width", "border-width", "caption-side", "clear", "color", "direction",
        "display", "empty-cells", "float", "font", "font-family", "font-size", "font-style", "font-variant",
        "font-weight", "height", "letter-spacing", "line-height", "list-style", "list-style-position",
        "list-style-type", "margin", "margin-bottom", "margin-left", "margin-right", "margin-top", "max-height",
        "max-width", "min-height", "min-width", "opacity", "overflow", "overflow-wrap", "padding", "padding-bottom",
        "padding-left", "padding-right", "padding-top", "table-layout", "text-align", "text-decoration",
        "text-decoration-color", "text-decoration-line", "text-decoration-style", "text-indent", "text-transform",
        "unicode-bidi", "vertical-align", "visibility", "white-space", "width", "word-break", "word-spacing",
        "word-wrap",
    ];

    /// <summary>Inline images that may be shown: bitmap data URIs (an image in an img element runs no script).</summary>
    private static readonly string[] DataImages =
        ["data:image/png;base64,", "data:image/jpeg;base64,", "data:image/gif;base64,", "data:image/webp;base64,"];

    private static HtmlSanitizer Create()
    {
        var sanitizer = new HtmlSanitizer();
        Reset(sanitizer.AllowedTags, Tags);
        Reset(sanitizer.AllowedAttributes, Attributes);
        Reset(sanitizer.AllowedCssProperties, CssProperties);
        Reset(sanitizer.AllowedSchemes, ["http", "https", "mailto", "tel", "cid"]);
        Reset(sanitizer.AllowedClasses, ["kefu-quote"]); // the email parser's folded quote
        sanitizer.AllowedAtRules.Clear();
        sanitizer.AllowCssCustomProperties = false;
        sanitizer.AllowDataAttributes = false;
        // Besides markup and script, any url() (remote backgrounds) and expression() are refused.
        sanitizer.DisallowCssPropertyValue = new Regex(@"[<>]|url\s*\(|expression\s*\(|-moz-binding",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        sanitizer.FilterUrl += (_, e) =>
        {
            if (e.Tag is IHtmlImageElement) e.SanitizedUrl = ImageUrl(e.OriginalUrl, e.SanitizedUrl);
        };
        sanitizer.PostProcessDom += (_, e) => PostProcess(e.Document);
        return sanitizer;
    }

    private static void Reset(ISet<string> set, IEnumerable<string> values)
    {
        set.Clear();
        foreach (var v in values) set.Add(v);
    }

    /// <summary>The src an image keeps: an inline part (cid:, rewritten to the stored attachment on ingestion), a
    /// stored attachment or other same-site path, or a bitmap data URI. A remote image (a tracking pixel, and the
    /// agent's IP address and the time to whoever sent it) is not loaded: null removes the src.</summary>
    private static string? ImageUrl(string original, string? sanitized)
    {
        var url = original.Trim();
        foreach (var prefix in DataImages)
            if (url.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) return url;
        if (sanitized is null) return null;
        if (sanitized.StartsWith("cid:", StringComparison.OrdinalIgnoreCase)) return sanitized;
        if (sanitized.Length > 1 && sanitized[0] == '/' && sanitized[1] is not ('/' or '\\')) return sanitized;
        return null;
    }

    /// <summary>After sanitising: links open in a new tab without handing the opener or the referrer to the target;
    /// an image left without a source shows its alt text, as mail clients do when images are off.</summary>
    private static void PostProcess(IHtmlDocument document)
    {
        foreach (var a in document.QuerySelectorAll("a"))
        {
            if (!a.HasAttribute("href")) continue;
            a.SetAttribute("target", "_blank");
            a.SetAttribute("rel", "noopener noreferrer nofollow");
        }
        foreach (var img in document.QuerySelectorAll("img").ToList())
        {
            if (img.HasAttribute("src")) continue;
            var alt = img.GetAttribute("alt")?.Trim();
            if (string.IsNullOrEmpty(alt)) img.Remove();
            else img.Replace(document.CreateTextNode($"[{alt}]"));
        }
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
