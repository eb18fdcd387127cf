using Kefu.Email;

namespace Kefu.Tests.Email;

/// <summary>Plain-text mail: the "-- " signature delimiter folds the signature away like quoted history (audit, session 9).</summary>
public sealed class SignatureFoldTests
{
    [Fact]
    public void The_dash_dash_space_line_folds_the_signature_and_only_that_line()
    {
        var folded = EmailParser.FoldTextQuote("您好，订单 123 还没发货。\r\n请尽快处理。\r\n\r\n-- \r\n张三\r\n138-0000-0000 <b>")!;
        Assert.NotNull(folded);
        var (head, tail) = (folded[..folded.IndexOf("<details", StringComparison.Ordinal)], folded[folded.IndexOf("<details", StringComparison.Ordinal)..]);
        Assert.Contains("请尽快处理。", head);
        Assert.DoesNotContain("张三", head);
        Assert.Contains("张三", tail);
        Assert.Contains("138-0000-0000 &lt;b&gt;", tail); // the folded text is encoded, never markup

        // Not a delimiter: "--" without the space, dashes inside a line, or "-- " as the very first line (nothing above it).
        Assert.Null(EmailParser.FoldTextQuote("价格 -- 太贵了\n--\n谢谢"));
        Assert.Null(EmailParser.FoldTextQuote("-- \n只有签名"));
        Assert.Null(EmailParser.FoldTextQuote("正文\n--  \n两个空格不是分隔线"));
        Assert.Null(EmailParser.FoldTextQuote("正文\n --\n前面有空格也不是"));
    }

    [Theory]
    [InlineData("quoted-printable", false)] // the space at the end of the line travels as "=20"
    [InlineData("base64", false)]
    [InlineData("quoted-printable", true)] // format=flowed: "-- " is the one line ending in a space that is not flowed
    public void A_parsed_mail_folds_the_signature_after_its_delimiter(string encoding, bool flowed)
    {
        var m = new MimeKit.MimeMessage();
        m.From.Add(new MimeKit.MailboxAddress("张三", "zs@customer.test"));
        m.To.Add(MimeKit.MailboxAddress.Parse("support@kefu.test"));
        m.Subject = "签名";
        m.MessageId = "sig-" + encoding + flowed + "@customer.test";
        var part = new MimeKit.TextPart("plain")
        {
            // Flowed, the first line ends in a space: a soft break the reader joins (the "-- " line is never one).
            Text = (flowed ? "请把发票 \r\n" : "请把发票\r\n") + "寄到公司。\r\n谢谢\r\n-- \r\n张三 | 采购部\r\n电话 138-0000-0000\r\n",
            ContentTransferEncoding = encoding == "base64" ? MimeKit.ContentEncoding.Base64 : MimeKit.ContentEncoding.QuotedPrintable,
        };
        if (flowed) part.ContentType.Parameters.Add("format", "flowed");
        m.Body = part;
        using var ms = new MemoryStream();
        m.WriteTo(ms);

        var parsed = EmailParser.Parse(ms.ToArray());
        // The plain text is kept whole, the signature on its own lines after the delimiter.
        Assert.Contains((flowed ? "请把发票 寄到公司。" : "请把发票\n寄到公司。") + "\n谢谢\n-- \n张三 | 采购部\n电话", parsed.Text.Replace("\r\n", "\n"));
        var html = parsed.Html!;
        Assert.NotNull(html);
        var fold = html.IndexOf("<details", StringComparison.Ordinal);
        Assert.True(fold > 0, html);
        Assert.Contains("谢谢", html[..fold]);
        Assert.DoesNotContain("采购部", html[..fold]);
        Assert.Contains("采购部", html[fold..]);
        Assert.Contains("138-0000-0000", html[fold..]);
    }
}
