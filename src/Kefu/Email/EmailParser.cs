using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Kefu.Platform.Text;
using MimeKit;

namespace Kefu.Email;

/// <summary>
/// Turns raw RFC 5322 bytes into a <see cref="ParsedEmail"/>: charsets (GB2312/GBK/GB18030, Big5, ISO-2022-JP,
/// UTF-7, …), RFC 2047 words and RFC 2231 file names are decoded by MimeKit; quoted history and signatures are
/// folded into a &lt;details&gt; block; bounces, auto-replies and list mail are recognised.
/// Never lets a parser exception escape: anything it cannot use becomes a <see cref="MailParseException"/>.
/// </summary>
public static partial class EmailParser
{
    private static readonly HtmlCleaner Cleaner = new();
    public const int TextMax = 100_000;
    public const int HtmlMax = 200_000;
    public const int SubjectMax = 300;

    static EmailParser()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        Encoding.RegisterProvider(new Utf7Provider());
    }

    /// <summary>Call once at start-up (runs the static constructor) so legacy code pages and UTF-7 resolve.</summary>
    public static void RegisterEncodings() { }

    /// <summary>.NET refuses UTF-7 by default (a security hardening for web input); old mail clients still send it,
    /// and decoding it into text that is then sanitised is safe here.</summary>
    private sealed class Utf7Provider : EncodingProvider
    {
#pragma warning disable SYSLIB0001
        internal static readonly Encoding Utf7 = new UTF7Encoding();
#pragma warning restore SYSLIB0001

        public override Encoding? GetEncoding(int codepage) => codepage == 65000 ? Utf7 : null;

        public override Encoding? GetEncoding(string name) => null;
    }

    private const string Utf7Label = "utf-7";

    /// <summary>MimeKit cannot get a UTF-7 decoder from .NET, so UTF-7 encoded words (RFC 2047) are re-encoded as
    /// UTF-8 words before parsing (Latin-1 keeps every other byte as it was); UTF-7 bodies: see BodyText.</summary>
    private static byte[] RelabelUtf7(byte[] raw)
    {
        if (raw.AsSpan().IndexOf("?utf-7?"u8) < 0 && raw.AsSpan().IndexOf("?UTF-7?"u8) < 0) return raw;
        var s = Encoding.Latin1.GetString(raw);
        var replaced = Utf7Word().Replace(s, m =>
        {
            try
            {
                var payload = m.Groups["t"].Value;
                byte[] bytes = m.Groups["e"].Value is "B" or "b"
                    ? Convert.FromBase64String(payload)
                    : QDecode(payload);
                return "=?utf-8?B?" + Convert.ToBase64String(Encoding.UTF8.GetBytes(Utf7Provider.Utf7.GetString(bytes))) + "?=";
            }
            catch (FormatException) { return m.Value; }
        });
        return Encoding.Latin1.GetBytes(replaced);
    }

    private static byte[] QDecode(string q)
    {
        var bytes = new List<byte>();
        for (var i = 0; i < q.Length; i++)
        {
            if (q[i] == '_') bytes.Add((byte)' ');
            else if (q[i] == '=' && i + 2 < q.Length) { bytes.Add(Convert.ToByte(q.Substring(i + 1, 2), 16)); i += 2; }
            else bytes.Add((byte)q[i]);
        }
        return [.. bytes];
    }

    [GeneratedRegex(@"=\?(utf-?7|unicode-1-1-utf-7)(\*[^?]*)?\?(?<e>[BbQq])\?(?<t>[^?\s]*)\?=", RegexOptions.IgnoreCase)]
    private static partial Regex Utf7Word();

    public static ParsedEmail Parse(byte[] raw)
    {
        if (raw.Length == 0) throw new MailParseException("Empty message.");
        MimeMessage message;
        try
        {
            using var stream = new MemoryStream(RelabelUtf7(raw), writable: false);
            message = MimeMessage.Load(ParserOptions.Default, stream);
        }
        catch (Exception e) when (e is FormatException or ParseException or ArgumentException or InvalidOperationException or IOException)
        {
            throw new MailParseException("Unreadable MIME: " + e.Message);
        }
        try
        {
            return Parse(message, raw);
        }
        catch (MailParseException) { throw; }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new MailParseException($"Unreadable content ({e.GetType().Name}): {e.Message}");
        }
    }

    private static ParsedEmail Parse(MimeMessage message, byte[] raw)
    {
        if (message.Headers.Count == 0) throw new MailParseException("No headers.");
        var from = message.From.Mailboxes.FirstOrDefault() ?? message.Sender ?? message.ReplyTo.Mailboxes.FirstOrDefault();
        var address = from?.Address is { } fa ? Clean(fa).Trim() : null;
        if (string.IsNullOrEmpty(address) || !address.Contains('@') || address.Length > 320)
            throw new MailParseException("No usable sender address (From).");

        var messageId = NormalizeId(message.MessageId) ?? "sha256-" + Convert.ToHexStringLower(SHA256.HashData(raw))[..40] + "@kefu.invalid";
        var threadIds = new List<string>();
        if (NormalizeId(message.InReplyTo) is { } irt) threadIds.Add(irt);
        foreach (var r in message.References.Reverse()) if (NormalizeId(r) is { } id && !threadIds.Contains(id)) threadIds.Add(id);

        var subject = Clean(message.Subject ?? "").Trim();
        if (subject.Length == 0) subject = "(no subject)";
        if (subject.Length > SubjectMax) subject = subject[..SubjectMax];

        var cls = Classify(message, address);
        string? bounceOriginal = null, bounceReason = null;
        if (cls == MailClass.Bounce) (bounceOriginal, bounceReason) = BounceDetails(message);

        var textBody = BodyText(message, html: false);
        var htmlBody = BodyText(message, html: true);
        var attachments = new List<ParsedAttachment>();
        foreach (var part in message.BodyParts)
        {
            if (part is TextPart tp && !tp.IsAttachment && (tp.IsPlain || tp.IsHtml)) continue;
            if (part is MessageDeliveryStatus or TextRfc822Headers) continue;
            var saved = ToAttachment(part, htmlBody);
            if (saved is not null) attachments.Add(saved);
        }

        // The HTML body is parsed once: its text (when the mail has no text part), quote folding and sanitising all
        // work on the same DOM (this runs on all cores, before the write transaction).
        string? html = null;
        string text;
        if (htmlBody is not null)
        {
            var doc = new HtmlParser().ParseDocument(Clean(htmlBody));
            text = Clean(textBody ?? HtmlToText(doc));
            // A truncated document would be worse than the text version.
            if (htmlBody.Length <= HtmlMax)
            {
                FoldHtmlQuote(doc);
                html = Cleaner.SanitizeBody(doc);
                // Sanitising can lengthen it (every link gains target and rel): past the stored limit, the text version.
                if (html.Length > HtmlMax) html = null;
            }
        }
        else text = Clean(textBody ?? "");
        if (text.Length > TextMax) text = text[..TextMax];
        html ??= FoldTextQuote(text);
        if (text.Trim().Length == 0 && attachments.Count == 0 && string.IsNullOrWhiteSpace(html))
            text = "(empty message)";

        var name = from?.Name is { Length: > 0 } n ? Clean(n).Trim() : null;
        if (name is { Length: > 200 }) name = name[..200];
        return new ParsedEmail(messageId, address.ToLowerInvariant(), name, subject, text, html, threadIds, attachments, cls, bounceOriginal, bounceReason);
    }

    /// <summary>MimeKit's TextBody/HtmlBody, except that UTF-7 parts are decoded by our own UTF-7 encoding.</summary>
    private static string? BodyText(MimeMessage message, bool html)
    {
        var part = message.BodyParts.OfType<TextPart>().FirstOrDefault(p => !p.IsAttachment && (html ? p.IsHtml : p.IsPlain));
        if (part?.ContentType.Charset is { } cs && (cs.Equals(Utf7Label, StringComparison.OrdinalIgnoreCase) || cs.Replace("-", "").Equals("utf7", StringComparison.OrdinalIgnoreCase)))
            return part.GetText(Utf7Provider.Utf7);
        if (!html && part is not null && IsFlowed(part) && part.Text is { } flowed && SignatureLine().IsMatch(flowed))
            return Deflow(flowed, part.ContentType.Parameters.TryGetValue("delsp", out string? delsp) && delsp!.Trim().Equals("yes", StringComparison.OrdinalIgnoreCase));
        return html ? message.HtmlBody : message.TextBody;
    }

    private static bool IsFlowed(TextPart part) =>
        part.ContentType.Parameters.TryGetValue("format", out string? format) && format!.Trim().Equals("flowed", StringComparison.OrdinalIgnoreCase);

    /// <summary>Format=flowed text (RFC 3676) made plain. MimeKit's converter treats the signature separator "-- " as a
    /// flowed line (it ends in a space) and joins the signature's first line onto it ("-- 张三"), so the signature was
    /// neither a line of its own nor folded away. Section 4.3 says that line is never flowed: the text is converted in
    /// pieces between separator lines, which are kept as they are.</summary>
    internal static string Deflow(string text, bool deleteSpace)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n');
        var result = new StringBuilder(text.Length);
        var piece = new StringBuilder();
        void Flush()
        {
            if (piece.Length == 0) return;
            result.Append(new MimeKit.Text.FlowedToText { DeleteSpace = deleteSpace }.Convert(piece.ToString()));
            piece.Clear();
        }
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i] == "-- ")
            {
                Flush();
                if (result.Length > 0 && result[^1] != '\n') result.Append('\n');
                result.Append("-- \n");
                continue;
            }
            piece.Append(lines[i]);
            if (i < lines.Length - 1) piece.Append('\n');
        }
        Flush();
        return result.ToString();
    }

    /// <summary>Strips angle brackets and spaces; an id too long for the index is replaced by its hash.</summary>
    public static string? NormalizeId(string? id)
    {
        if (string.IsNullOrWhiteSpace(id)) return null;
        var v = id.Trim().Trim('<', '>').Trim();
        if (v.Length == 0) return null;
        return v.Length <= 250 ? v : "sha256-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(v)))[..40] + "@kefu.invalid";
    }

    /// <summary>Removes NULs and lone surrogates that databases refuse.</summary>
    public static string Clean(string s)
    {
        if (s.Length == 0) return s;
        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '\0') continue;
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) { sb.Append(c).Append(s[++i]); }
                continue;
            }
            if (char.IsLowSurrogate(c)) continue;
            sb.Append(c);
        }
        return sb.ToString();
    }

    private static ParsedAttachment? ToAttachment(MimeEntity entity, string? html)
    {
        byte[] bytes;
        string fileName;
        using var ms = new MemoryStream();
        if (entity is MessagePart mp)
        {
            if (mp.Message is null) return null;
            mp.Message.WriteTo(ms);
            fileName = (mp.ContentDisposition?.FileName ?? Clean(mp.Message.Subject ?? "message")) + ".eml";
        }
        else if (entity is MimePart part)
        {
            if (part.Content is null) return null;
            part.Content.DecodeTo(ms);
            fileName = part.FileName ?? part.ContentType.Name ?? (part.ContentId is { } cid ? cid : "attachment");
        }
        else return null;
        bytes = ms.ToArray();
        if (bytes.Length == 0) return null;
        fileName = SafeFileName(Clean(fileName));
        var contentId = NormalizeId(entity.ContentId);
        var inline = contentId is not null && html is not null && html.Contains("cid:" + contentId, StringComparison.OrdinalIgnoreCase);
        var type = entity.ContentType.MimeType;
        if (type.Length > 100) type = "application/octet-stream";
        return new ParsedAttachment(fileName, type, bytes, contentId, inline);
    }

    private static string SafeFileName(string name)
    {
        name = Path.GetFileName(name.Replace('\\', '/'));
        var invalid = Path.GetInvalidFileNameChars();
        name = new string([.. name.Where(c => !invalid.Contains(c) && !char.IsControl(c))]).Trim();
        if (name.Length == 0) name = "attachment";
        return name.Length > 200 ? name[..200] : name;
    }

    public static MailClass Classify(MimeMessage m, string fromAddress)
    {
        var h = m.Headers;
        if (m.Body is MultipartReport { ReportType: { } rt } && rt.Equals("delivery-status", StringComparison.OrdinalIgnoreCase)) return MailClass.Bounce;
        if (m.BodyParts.Any(p => p is MessageDeliveryStatus)) return MailClass.Bounce;
        var returnPath = h[HeaderId.ReturnPath];
        var local = fromAddress.Split('@')[0].ToLowerInvariant();
        var nullSender = returnPath is not null && returnPath.Trim() is "<>" or "";
        if (nullSender && local is "mailer-daemon" or "postmaster") return MailClass.Bounce;

        var autoSubmitted = h["Auto-Submitted"];
        if (autoSubmitted is not null && !autoSubmitted.Trim().StartsWith("no", StringComparison.OrdinalIgnoreCase)) return MailClass.AutoReply;
        if (h["X-Autoreply"] is not null || h["X-Autorespond"] is not null || h["X-Autoresponder"] is not null) return MailClass.AutoReply;
        var precedence = h[HeaderId.Precedence]?.Trim().ToLowerInvariant();
        if (precedence is "auto_reply" or "auto-reply") return MailClass.AutoReply;
        if (AutoReplySubject().IsMatch(m.Subject ?? "")) return MailClass.AutoReply;
        if (nullSender) return MailClass.AutoReply;
        if (h[HeaderId.ListId] is not null || h[HeaderId.ListUnsubscribe] is not null || precedence is "list" or "bulk" or "junk")
            return MailClass.List;
        return MailClass.Normal;
    }

    private static (string? Original, string? Reason) BounceDetails(MimeMessage m)
    {
        string? original = null;
        var reasons = new List<string>();
        foreach (var part in m.BodyParts)
        {
            switch (part)
            {
                case MessagePart { Message: { } inner }:
                    original ??= NormalizeId(inner.MessageId);
                    break;
                case TextRfc822Headers headersPart:
                    try
                    {
                        original ??= NormalizeId(headersPart.Message?.MessageId);
                    }
                    catch (FormatException) { }
                    break;
                case MessageDeliveryStatus dsn:
                    foreach (var group in dsn.StatusGroups.Skip(1))
                    {
                        var line = string.Join(" ", new[] { group["Final-Recipient"], group["Status"], group["Diagnostic-Code"] }
                            .Where(x => !string.IsNullOrWhiteSpace(x)).Select(x => x!.Trim()));
                        if (line.Length > 0) reasons.Add(line);
                    }
                    break;
            }
        }
        if (original is null)
        {
            // Some servers paste the original headers into the text part.
            var text = m.TextBody ?? "";
            if (QuotedMessageId().Match(text) is { Success: true } mm) original = NormalizeId(mm.Groups[1].Value);
        }
        original ??= NormalizeId(m.InReplyTo) ?? m.References.Select(NormalizeId).LastOrDefault(x => x is not null);
        var reason = reasons.Count > 0 ? string.Join("; ", reasons) : (m.Subject ?? "Delivery failure");
        return (original, reason.Length > 900 ? reason[..900] : reason);
    }

    /// <summary>The subject used for subject threading: no Re:/Fwd:/回复: prefixes, no ticket tag, lower case.</summary>
    public static string ThreadSubject(string subject)
    {
        var s = TicketTag().Replace(subject, " ");
        string before;
        do
        {
            before = s;
            s = ReplyPrefix().Replace(s.Trim(), "");
        } while (s != before);
        s = Regex.Replace(s, @"\s+", " ").Trim().ToLowerInvariant();
        return s.Length > 300 ? s[..300] : s;
    }

    public static long? TicketNumberIn(string subject) =>
        TicketTag().Match(subject) is { Success: true } m && long.TryParse(m.Groups[1].Value, out var n) ? n : null;

    public static string HtmlToText(string html) => HtmlToText(new HtmlParser().ParseDocument(html));

    /// <summary>The text of a document's body, lines kept (br, blocks), without changing the document.</summary>
    public static string HtmlToText(IHtmlDocument doc)
    {
        var sb = new StringBuilder();
        if (doc.Body is { } body) AppendText(body, sb);
        var text = Regex.Replace(sb.ToString(), @"[ \t\u00a0]+", " ");
        text = Regex.Replace(text, @"\n\s*\n\s*\n+", "\n\n");
        return text.Trim();
    }

    private static void AppendText(INode node, StringBuilder sb)
    {
        foreach (var child in node.ChildNodes)
        {
            switch (child)
            {
                case IText t: sb.Append(t.Data); break;
                case IElement { LocalName: "br" }: sb.Append('\n'); break;
                case IElement { LocalName: "script" or "style" or "template" or "head" or "title" }: break; // not visible text
                case IElement e:
                    AppendText(e, sb);
                    if (e.LocalName is "p" or "div" or "li" or "tr" or "h1" or "h2" or "h3" or "h4" or "blockquote") sb.Append('\n');
                    break;
            }
        }
    }

    /// <summary>Wraps the quoted history (and what follows it) of an HTML mail into a collapsed &lt;details&gt;.</summary>
    public static string FoldHtmlQuote(string html)
    {
        var doc = new HtmlParser().ParseDocument(html);
        return FoldHtmlQuote(doc) ? doc.Body?.InnerHtml ?? html : html;
    }

    /// <summary>Folds the quoted history in place; false when there is none.</summary>
    public static bool FoldHtmlQuote(IHtmlDocument doc)
    {
        var start = doc.QuerySelector(
            "div.gmail_quote, .gmail_extra, blockquote[type=cite], #appendonsend, #divRplyFwdMsg, .moz-cite-prefix, div.yahoo_quoted, #kefu-quote, blockquote");
        if (start?.ParentElement is not { } parent) return false;
        var details = doc.CreateElement("details");
        details.ClassName = "kefu-quote";
        var summary = doc.CreateElement("summary");
        summary.TextContent = "···";
        details.AppendChild(summary);
        parent.InsertBefore(details, start);
        var node = details.NextSibling;
        while (node is not null)
        {
            var next = node.NextSibling;
            details.AppendChild(node);
            node = next;
        }
        return true;
    }

    /// <summary>Plain-text mail: the new part as HTML paragraphs, quoted history and signature folded away.
    /// Returns null when there is nothing to fold (the text version alone is shown then).</summary>
    public static string? FoldTextQuote(string text)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n');
        var cut = QuoteStart(lines);
        if (cut < 0) return null;
        var head = string.Join("\n", lines[..cut]).TrimEnd();
        var tail = string.Join("\n", lines[cut..]).Trim();
        if (tail.Length == 0) return null;
        return $"<div>{ToHtmlLines(head)}</div><details class=\"kefu-quote\"><summary>···</summary><div>{ToHtmlLines(tail)}</div></details>";
    }

    private static string ToHtmlLines(string s) => string.Join("<br>", s.Split('\n').Select(WebUtility.HtmlEncode));

    internal static int QuoteStart(string[] lines)
    {
        for (var i = 0; i < lines.Length; i++)
        {
            // RFC 3676 4.3 signature delimiter: exactly dash, dash, space (compared before trimming, which would
            // remove the space); "--" alone is a common line in text and not a delimiter. Not on the first line: a
            // mail that is only a signature keeps it visible.
            if (i > 0 && lines[i] == "-- ") return i;
            var l = lines[i].TrimEnd();
            if (QuoteHeader().IsMatch(l)) return i;
            if (l.StartsWith('>') && lines.Skip(i).Where(x => x.Trim().Length > 0).All(x => x.StartsWith('>'))) return i;
            if (FromHeader().IsMatch(l) && lines.Skip(i + 1).Take(4).Any(x => SentHeader().IsMatch(x))) return i;
        }
        return -1;
    }

    [GeneratedRegex(@"^-- \r?$", RegexOptions.Multiline)]
    private static partial Regex SignatureLine();

    [GeneratedRegex(@"\[#(\d{4,15})\]")]
    private static partial Regex TicketTag();

    [GeneratedRegex(@"^((re|fw|fwd|aw|wg|sv|vs|antw|rv|回复|回覆|答复|转发|轉寄)\s*(\[\d+\])?\s*[:：]\s*)", RegexOptions.IgnoreCase)]
    private static partial Regex ReplyPrefix();

    [GeneratedRegex(@"^(auto(matic)?[ -]?(reply|response)|out of (the )?office|自动回复|自動回覆|休假)", RegexOptions.IgnoreCase)]
    private static partial Regex AutoReplySubject();

    [GeneratedRegex(@"Message-ID:\s*<([^>\s]+)>", RegexOptions.IgnoreCase)]
    private static partial Regex QuotedMessageId();

    [GeneratedRegex(@"^(On .{1,300}wrote:|在.{1,300}写道[:：]|.{0,100}於.{1,200}寫道[:：]|-{2,}\s*(Original Message|原始邮件|原始郵件|Forwarded message|转发邮件)\s*-{2,}|#{2}- .* -#{2})\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex QuoteHeader();

    [GeneratedRegex(@"^\s*(From|发件人|寄件者)\s*[:：]", RegexOptions.IgnoreCase)]
    private static partial Regex FromHeader();

    [GeneratedRegex(@"^\s*(Sent|Date|发送时间|日期|寄件日期|时间)\s*[:：]", RegexOptions.IgnoreCase)]
    private static partial Regex SentHeader();
}
