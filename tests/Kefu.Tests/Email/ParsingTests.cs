using System.Text;
using Kefu.Email;
using MimeKit;
using MimeKit.Text;

namespace Kefu.Tests.Email;

/// <summary>Charsets and malformed mail, delivered through the real dovecot and fetched like any mail.</summary>
public abstract class ParsingTests(KefuApp app) : EmailTestBase(app)
{
    public static TheoryData<string, string, string> Charsets => new()
    {
        { "gb2312", "订单无法支付，请尽快处理", "发票.pdf" },
        { "gbk", "鍾先生的退款：一直没到账", "退款说明.txt" },
        { "gb18030", "生僻字𠀀与欧元€都要正确", "𠀀清单.csv" },
        { "big5", "繁體中文：帳號無法登入", "截圖說明.txt" },
        { "iso-2022-jp", "注文がまだ届きません", "注文書.txt" },
        { "utf-7", "UTF-7 编码的正文 ✓", "说明.txt" },
    };

    [Theory]
    [MemberData(nameof(Charsets))]
    public async Task Legacy_charsets_encoded_words_and_rfc2231_names_decode(string charset, string text, string fileName)
    {
        var (id, user, address) = await CreateMailboxAsync();
#pragma warning disable SYSLIB0001 // .NET refuses UTF-7 by name; old mail clients still send it
        var encoding = charset == "utf-7" ? new UTF7Encoding() : Encoding.GetEncoding(charset);
#pragma warning restore SYSLIB0001
        var m = new MimeMessage();
        m.From.Add(new MailboxAddress(encoding, "客人 " + charset, Customer()));
        m.To.Add(MailboxAddress.Parse(address));
        m.Subject = text; // set below with the charset's encoded words
        m.Headers.Replace(HeaderId.Subject, encoding, text);
        m.MessageId = $"{Guid.NewGuid():N}@customer.test";
        var body = new TextPart(TextFormat.Plain);
        body.SetText(encoding, text + "\n第二行");
        body.ContentTransferEncoding = charset == "utf-7" ? ContentEncoding.SevenBit : ContentEncoding.Base64;
        var attachment = new MimePart("text", "plain") { Content = new MimeContent(new MemoryStream("x"u8.ToArray())), ContentTransferEncoding = ContentEncoding.Base64 };
        attachment.ContentDisposition = new ContentDisposition(ContentDisposition.Attachment);
        attachment.ContentDisposition.Parameters.Add(charset == "utf-7" ? Encoding.UTF8 : encoding, "filename", fileName);
        attachment.ContentDisposition.Parameters[0].EncodingMethod = ParameterEncodingMethod.Rfc2231;
        m.Body = new Multipart("mixed") { body, attachment };
        string raw;
        using (var ms = new MemoryStream())
        {
            await m.WriteToAsync(ms);
            raw = Encoding.ASCII.GetString(ms.ToArray());
        }
        if (charset == "utf-7")
        {
            // MimeKit sees UTF-7 output as plain ASCII and writes it unwrapped; a UTF-7 mail client labels it.
            string Word(string v) => $"=?utf-7?B?{Convert.ToBase64String(encoding.GetBytes(v))}?=";
            var lines = raw.Replace("\r\n", "\n").Split('\n').ToList();
            var subject = lines.FindIndex(l => l.StartsWith("Subject:", StringComparison.Ordinal));
            while (subject + 1 < lines.Count && lines[subject + 1].StartsWith(' ')) lines.RemoveAt(subject + 1);
            lines[subject] = "Subject: " + Word(text);
            var from = lines.FindIndex(l => l.StartsWith("From:", StringComparison.Ordinal));
            lines[from] = $"From: {Word("客人 " + charset)} <{m.From.Mailboxes.First().Address}>";
            raw = string.Join("\r\n", lines);
        }
        Assert.DoesNotContain(text, raw); // really encoded on the wire
        if (charset != "utf-7") Assert.Contains("filename*=", raw, StringComparison.OrdinalIgnoreCase);
        await MailServers.AppendRawAsync(user, Encoding.ASCII.GetBytes(raw));
        await FetchAsync(id);

        var record = await RecordOfAsync(id, m.MessageId);
        Assert.Equal(EmailStatus.Ingested, record.Status);
        var ticket = await TicketAsync(record.TicketId!.Value);
        Assert.Equal(text, ticket["subject"]!.GetValue<string>());
        Assert.Equal("客人 " + charset, ticket["customer"]!["name"]!.GetValue<string>());
        var message = Assert.Single(await MessagesAsync(record.TicketId!.Value))!;
        Assert.Equal(text + "\n第二行", message["body"]!.GetValue<string>().Replace("\r\n", "\n").Trim());
        Assert.Equal(fileName, message["attachments"]![0]!["fileName"]!.GetValue<string>());
    }

    [Fact]
    public async Task Quoted_history_and_signature_are_folded_but_the_text_is_kept()
    {
        var (id, user, address) = await CreateMailboxAsync();
        var m = Mail(Customer(), address, "Re: 退款", "好的，收到了。\n\n在 2026年11月20日 10:00，客服中心 写道：\n> 已为您退款\n> 请查收");
        await MailServers.AppendAsync(user, m);
        await FetchAsync(id);
        var record = await RecordOfAsync(id, m.MessageId);
        var message = Assert.Single(await MessagesAsync(record.TicketId!.Value))!;
        Assert.Contains("> 已为您退款", message["body"]!.GetValue<string>()); // plain text kept whole
        var html = message["bodyHtml"]!.GetValue<string>();
        Assert.Contains("<details", html);
        Assert.True(html.IndexOf("好的，收到了", StringComparison.Ordinal) < html.IndexOf("<details", StringComparison.Ordinal));
        Assert.True(html.IndexOf("已为您退款", StringComparison.Ordinal) > html.IndexOf("<details", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Malformed_corpus_never_blocks_the_mailbox()
    {
        var (id, user, address) = await CreateMailboxAsync();
        var corpus = MalformedCorpus.Build(address);
        Assert.True(corpus.Count >= 50, $"corpus has {corpus.Count} messages");
        foreach (var bytes in corpus) await MailServers.AppendRawAsync(user, bytes);
        var good = Mail(Customer(), address, "正常邮件在最后", "这封必须成为工单");
        await MailServers.AppendAsync(user, good);

        var result = await FetchAsync(id);
        Assert.Equal(corpus.Count + 1, result.Stored + result.Failed);
        var records = await RecordsAsync(id);
        Assert.Equal(corpus.Count + 1, records.Count);
        Assert.Equal(records.Count, records.Select(r => r.Uid).Distinct().Count());
        Assert.Equal(EmailStatus.Ingested, records.Single(r => r.MessageId == good.MessageId).Status);
        var failures = records.Where(r => r.Status == EmailStatus.Failed).ToList();
        Assert.NotEmpty(failures);
        Assert.All(failures, f => Assert.False(string.IsNullOrWhiteSpace(f.Reason)));

        // Admins see the failures with their reason and can download the raw copy.
        var listed = (await KefuApp.Json(await App.Admin.GetAsync($"/api/v1/mailboxes/{id}/messages?status=failed&limit=200"), true))["items"]!.AsArray();
        Assert.Equal(failures.Count, listed.Count);
        var raw = await App.Admin.GetAsync($"/api/v1/mailboxes/messages/{failures[0].Id}/raw");
        Assert.Equal(HttpStatusCode.OK, raw.StatusCode);
        Assert.True((await raw.Content.ReadAsByteArrayAsync()).Length >= 0);

        // Nothing is fetched twice, and the next mail still flows.
        Assert.Equal(0, (await FetchAsync(id)).Stored);
        var next = Mail(Customer(), address, "之后的邮件", "照常处理");
        await MailServers.AppendAsync(user, next);
        Assert.Equal(1, (await FetchAsync(id)).Stored);
    }
}

[Collection(EmailSqliteCollection.Name)]
public sealed class SqliteParsingTests(EmailSqliteApp app) : ParsingTests(app);

[Collection(EmailPostgresCollection.Name)]
public sealed class PostgresParsingTests(EmailPostgresApp app) : ParsingTests(app);
