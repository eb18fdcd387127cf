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
    }
}
