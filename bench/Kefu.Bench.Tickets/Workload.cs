using System.Text;

namespace Kefu.Bench.Tickets;

/// <summary>The ticket every create sends (API) or writes (raw baseline): a new customer by e-mail, Chinese text.</summary>
public static class Workload
{
    public const string CategoryPath = "订单服务/下单问题/无法支付";

    private static readonly string[] Subjects =
    [
        "下单后一直无法支付", "支付页面报错，订单未完成", "微信支付扣款成功但订单显示未付款", "银行卡支付失败，提示风控",
        "优惠券无法使用导致无法下单", "付款时页面卡住没有反应",
    ];

    public static string Subject(long i) => $"{Subjects[i % Subjects.Length]}（#{i}）";
    public static string Email(long i) => $"u{i}@bench.test";
    public static string Name(long i) => $"测试用户{i}";
    public static string Body(long i) =>
        $"您好，我在下单时一直无法支付，页面提示“支付失败，请稍后再试”。订单号 KF{i:D10}，已经试过换浏览器和重新登录，" +
        "还是不行。麻烦尽快帮我处理一下，谢谢！";

    /// <summary>The POST /api/v1/tickets body; built as a string (no serializer cost on the client side).</summary>
    public static byte[] CreateBody(long i) => Encoding.UTF8.GetBytes(
        $$"""{"subject":"{{Subject(i)}}","channel":"api","customer":{"email":"{{Email(i)}}","name":"{{Name(i)}}"},"message":{"body":"{{Body(i)}}"},"category":"{{CategoryPath}}"}""");
}
