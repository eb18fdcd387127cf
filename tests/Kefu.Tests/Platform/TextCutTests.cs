using Kefu.Platform.Text;

namespace Kefu.Tests.Platform;

public sealed class TextCutTests
{
    [Theory]
    [InlineData("退款申请", 10, "退款申请")]
    [InlineData("退款申请", 2, "退款")]
    [InlineData("abc", 3, "abc")]
    [InlineData("abc", 0, "")]
    public void Cuts_at_the_limit(string s, int max, string expected) => Assert.Equal(expected, TextCut.Cut(s, max));

    [Fact]
    public void Never_leaves_half_a_surrogate_pair()
    {
        // "订单😀" is 4 UTF-16 units; a cut at 3 would keep the emoji's high surrogate alone.
        Assert.Equal("订单", TextCut.Cut("订单😀", 3));
        Assert.Equal("订单😀", TextCut.Cut("订单😀x", 4));
        Assert.Equal("𠀀", TextCut.Cut("𠀀𠀁", 3)); // CJK extension B, outside the BMP
    }
}
