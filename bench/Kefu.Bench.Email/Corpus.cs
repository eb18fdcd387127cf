using MimeKit;

namespace Kefu.Bench.Email;

public sealed record BenchMail(string From, string MessageId, bool IsReply, bool HasAttachment, byte[] Raw);

/// <summary>
/// Customer mail as a support inbox sees it: Chinese subjects and bodies (text + HTML alternative), ~3,000 senders,
/// one in five a reply quoting an earlier mail of the same sender (In-Reply-To/References), one in twenty with a PDF.
/// Deterministic (fixed seed) so runs compare.
/// </summary>
public static class Corpus
{
    private static readonly string[] Topics = ["订单未发货", "退款申请", "发票开具", "账号无法登录", "物流查询", "商品质量问题", "优惠券失效", "修改收货地址"];

    public static List<BenchMail> Build(int count, string run = "a", string sender = "customer")
    {
        var random = new Random(20261123);
        var senders = Math.Max(1, count * 3 / 10);
        var lastBySender = new Dictionary<int, (string Id, string Subject)>();
        var pdf = FakePdf();
        var list = new List<BenchMail>(count);
        for (var i = 0; i < count; i++)
        {
            var s = random.Next(senders);
            var from = $"{sender}{s}@example.com";
            var m = new MimeMessage();
            m.From.Add(new MailboxAddress($"客户{s}", from));
            m.To.Add(new MailboxAddress("客服中心", "support@bench.test"));
            m.MessageId = $"bench-{run}-{i}-{s}@example.com"; // unique per phase: a repeated Message-ID is only a duplicate
            m.Date = new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.FromHours(8)).AddSeconds(i);
            var isReply = lastBySender.TryGetValue(s, out var prev) && random.Next(5) == 0;
            if (isReply)
            {
                m.Subject = "Re: " + prev.Subject;
                m.InReplyTo = prev.Id;
                m.References.Add(prev.Id);
            }
            else m.Subject = $"{Topics[random.Next(Topics.Length)]} 订单号 {100000 + i}";
            var paragraph = $"您好，我在贵店购买的商品（订单号 {100000 + i}）出现了问题，麻烦尽快处理。谢谢！";
            var text = string.Join("\n\n", Enumerable.Repeat(paragraph, 2 + random.Next(6)));
            var body = new BodyBuilder
            {
                TextBody = text,
                HtmlBody = "<html><body>" + string.Join("", text.Split("\n\n").Select(p => $"<p style=\"color:#333\">{p}</p>")) + "</body></html>",
            };
            var hasAttachment = random.Next(20) == 0;
            if (hasAttachment) body.Attachments.Add($"发票{i}.pdf", pdf, new ContentType("application", "pdf"));
            m.Body = body.ToMessageBody();
            using var ms = new MemoryStream();
            m.WriteTo(ms);
            list.Add(new BenchMail(from, m.MessageId, isReply, hasAttachment, ms.ToArray()));
            lastBySender[s] = (m.MessageId, isReply ? prev.Subject : m.Subject);
        }
        return list;
    }

    private static byte[] FakePdf()
    {
        var bytes = new byte[24 * 1024];
        new Random(7).NextBytes(bytes);
        "%PDF-1.4\n"u8.CopyTo(bytes);
        return bytes;
    }
}
