using System.Text.Json.Nodes;
using Kefu.Platform.Text;

namespace Kefu.Tests.Platform;

public sealed class PiiMaskerTests
{
    [Theory]
    [InlineData("zhangsan@example.com", "zh***@example.com")]
    [InlineData("a@b.cn", "a***@b.cn")]
    public void Emails_keep_the_domain(string email, string masked) => Assert.Equal(masked, PiiMasker.Email(email));

    [Theory]
    [InlineData("13812345678", "138****5678")]
    [InlineData("+86 138 1234 5678", "+86 138 **** 5678")]
    [InlineData("010-88889999", "010-****9999")]
    public void Phones_keep_a_prefix_and_the_last_digits(string phone, string masked) => Assert.Equal(masked, PiiMasker.Phone(phone));

    [Fact]
    public void Free_text_is_masked_but_stays_readable()
    {
        var text = PiiMasker.Text("手机13812345678，身份证110101199003071234，邮箱 zhangsan@example.com，订单号88213047");
        Assert.Equal("手机138****5678，身份证1101**********1234，邮箱 zh***@example.com，订单号88213047", text);
    }

    [Fact]
    public void Addresses_keep_the_district_only() => Assert.Equal("北京市朝阳区****", PiiMasker.Address("北京市朝阳区建国路88号3单元"));

    [Fact]
    public void Audit_changes_are_masked_value_by_value()
    {
        var changes = JsonNode.Parse("""{"subject":["订单","回电 13812345678"],"address":[null,"北京市朝阳区建国路88号"],"tags":[["a"],["zhangsan@example.com"]],"priority":["low","high"]}""");
        Assert.Equal("""{"subject":["订单","回电 138****5678"],"address":[null,"北京市朝阳区****"],"tags":[["a"],["zh***@example.com"]],"priority":["low","high"]}""",
            PiiMasker.Json(changes)!.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }
}
