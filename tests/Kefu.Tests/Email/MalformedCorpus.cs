using System.Text;

namespace Kefu.Tests.Email;

/// <summary>Hand-made broken mail: truncated MIME, bad boundaries, broken encodings, huge headers, NULs, …</summary>
public static class MalformedCorpus
{
    public static List<byte[]> Build(string to)
    {
        var list = new List<byte[]>();
        var n = 0;
        string Head(string? from = "x{0}@broken.test") =>
            (from is null ? "" : $"From: {string.Format(from, ++n)}\r\n") + $"To: {to}\r\nMessage-ID: <bad{Guid.NewGuid():N}@broken.test>\r\n";
        void Add(string s) => list.Add(Encoding.UTF8.GetBytes(s));
        void AddBytes(params byte[][] parts) => list.Add([.. parts.SelectMany(p => p)]);
        byte[] A(string s) => Encoding.UTF8.GetBytes(s);

        Add(" \r\n");                                                                       // nothing at all
        Add("just some text without any header\r\n");                                        // no headers
        Add(Head(null) + "Subject: no sender\r\n\r\nbody\r\n");                              // no From
        Add(Head("<<<>>>") + "Subject: garbage from\r\n\r\nbody\r\n");
        Add(Head("undisclosed-recipients:;") + "Subject: group from\r\n\r\nbody\r\n");
        Add(Head() + "Subject: truncated multipart\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nhalf a part");
        Add(Head() + "Subject: no boundary param\r\nContent-Type: multipart/mixed\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nhi\r\n--x--\r\n");
        Add(Head() + "Subject: wrong boundary\r\nContent-Type: multipart/mixed; boundary=\"aaa\"\r\n\r\n--bbb\r\nContent-Type: text/plain\r\n\r\nhi\r\n--bbb--\r\n");
        Add(Head() + "Subject: empty boundary\r\nContent-Type: multipart/mixed; boundary=\"\"\r\n\r\n--\r\n\r\nhi\r\n----\r\n");
        Add(Head() + "Subject: deep nesting\r\n" + DeepNesting(60));
        Add(Head() + "Subject: bad base64\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!!****&&&&%%%%====\r\n");
        Add(Head() + "Subject: truncated base64\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n5L2g5aW95LiW5Y\r\n");
        Add(Head() + "Subject: bad qp\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n=ZZ=E4=B8=\r\n=\r\n");
        Add(Head() + "Subject: unknown charset\r\nContent-Type: text/plain; charset=x-no-such-charset\r\n\r\nhello\r\n");
        Add(Head() + "Subject: empty charset\r\nContent-Type: text/plain; charset=\"\"\r\n\r\nhello\r\n");
        Add(Head() + "Subject: =?utf-8?B?!!!notbase64?= broken word\r\n\r\nbody\r\n");
        Add(Head() + "Subject: =?x-foo?Q?abc?= unknown word charset\r\n\r\nbody\r\n");
        Add(Head() + "Subject: =?utf-8?Q?unterminated\r\n\r\nbody\r\n");
        Add(Head() + "Subject: " + new string('长', 100_000) + "\r\n\r\nhuge subject\r\n");
        Add(Head() + "Subject: many headers\r\n" + string.Concat(Enumerable.Range(0, 5000).Select(i => $"X-H{i}: v{i}\r\n")) + "\r\nbody\r\n");
        Add(Head() + "Subject: huge folded header\r\nX-Long: " + string.Join("\r\n ", Enumerable.Repeat(new string('a', 70), 3000)) + "\r\n\r\nbody\r\n");
        AddBytes(A(Head() + "Subject: nul in body\r\n\r\nbefore"), [0, 0, 0], A("after\r\n"));
        AddBytes(A(Head() + "Subject: nul"), [0], A(" in header\r\n\r\nbody\r\n"));
        AddBytes(A(Head() + "Subject: "), Encoding.GetEncoding("gbk").GetBytes("未编码的中文标题"), A("\r\n\r\n"), Encoding.GetEncoding("gbk").GetBytes("未声明字符集的正文"), A("\r\n"));
        AddBytes(A(Head() + "Subject: invalid utf8\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"), [0xC3, 0x28, 0xA0, 0xA1, 0xE2, 0x28, 0xA1, 0xF0, 0x28, 0x8C, 0xBC], A("\r\n"));
        AddBytes(A(Head() + "Subject: cesu surrogate\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"), [0xED, 0xA0, 0x80, 0xED, 0xB0, 0x80], A("\r\n"));
        Add(Head() + "Subject: script only\r\nContent-Type: text/html\r\n\r\n<script>alert(1)</script>\r\n");
        Add(Head() + "Subject: huge html\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<div>" + string.Concat(Enumerable.Repeat("<p>很长的HTML</p>", 30_000)) + "</div>\r\n");
        Add(Head() + "Subject: huge text\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + string.Join("\r\n", Enumerable.Repeat(new string('字', 100), 2000)) + "\r\n");
        Add(Head() + "Subject: one long line\r\n\r\n" + new string('x', 400_000) + "\r\n");
        Add($"From: y{++n}@broken.test\r\nTo: {to}\r\nMessage-ID: <{new string('m', 2000)}@broken.test>\r\nSubject: huge message id\r\n\r\nbody\r\n");
        Add($"From: y{++n}@broken.test\r\nTo: {to}\r\nMessage-ID: not-an-id at all <<\r\nSubject: bad message id\r\n\r\nbody\r\n");
        Add($"From: y{++n}@broken.test\r\nTo: {to}\r\nSubject: no message id\r\n\r\nbody\r\n");
        Add(Head() + "Subject: bad date\r\nDate: the day after tomorrow, 99:99\r\n\r\nbody\r\n");
        Add(Head() + "Subject: uuencode garbage\r\nContent-Type: application/octet-stream; name=a.bin\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\nbegin 644 a.bin\r\n#$%^&*\r\n");
        Add(Head() + "Subject: truncated rfc822\r\nContent-Type: multipart/mixed; boundary=q\r\n\r\n--q\r\nContent-Type: message/rfc822\r\n\r\nFrom: a@b\r\nSubject: inner\r\nContent-Type: multipart/mixed; boundary=z\r\n\r\n--z\r\n");
        Add(Head() + "Subject: empty attachment\r\nContent-Type: multipart/mixed; boundary=q\r\n\r\n--q\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--q\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment\r\n\r\n\r\n--q--\r\n");
        Add(Head() + "Subject: path traversal\r\nContent-Type: multipart/mixed; boundary=q\r\n\r\n--q\r\nContent-Type: text/plain\r\n\r\nx\r\n--q\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename=\"../../../etc/passwd\"\r\n\r\nroot:x:0:0\r\n--q--\r\n");
        Add(Head() + "Subject: broken 2231\r\nContent-Type: multipart/mixed; boundary=q\r\n\r\n--q\r\nContent-Type: text/plain\r\n\r\nx\r\n--q\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename*=utf-8''%E4%B8%ZZ%\r\n\r\ndata\r\n--q--\r\n");
        Add(Head() + "Subject: 2231 missing piece\r\nContent-Type: multipart/mixed; boundary=q\r\n\r\n--q\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename*0*=utf-8''%E6%96%87; filename*2*=%E4%BB%B6.txt\r\n\r\ndata\r\n--q--\r\n");
        Add(Head() + "Subject: empty alternative\r\nContent-Type: multipart/alternative; boundary=q\r\n\r\n--q--\r\n");
        Add(Head().Replace("\r\n", "\n") + "Subject: bare LF\nContent-Type: text/plain\n\nline one\nline two\n");
        Add(Head().Replace("\r\n", "\r") + "Subject: bare CR\rContent-Type: text/plain\r\rline one\rline two\r");
        Add(Head() + "Subject: header without colon\r\nThis line has no colon\r\nAnother bad one\r\n\r\nbody\r\n");
        Add(Head() + "Subject: headers only no body");
        Add("  starts with a continuation\r\n" + Head() + "Subject: folded first\r\n\r\nbody\r\n");
        Add($"From: =?utf-8?B?5byg5LiJ?= <z{++n}@broken.test\r\nTo: {to}\r\nSubject: unclosed angle\r\n\r\nbody\r\n");
        AddBytes(A(Head() + "Subject: control"), [1, 27, 8, 127], A(" chars\r\n\r\nbody"), [1, 2, 3], A("\r\n"));
        Add(Head() + "Subject: garbage params\r\nContent-Type: text/plain; ;;; charset ; =utf-8; ===\r\n\r\nbody\r\n");
        Add(Head() + "Subject: missing cid\r\nContent-Type: multipart/related; boundary=q\r\n\r\n--q\r\nContent-Type: text/html\r\n\r\n<img src=\"cid:nothere@x\">\r\n--q--\r\n");
        Add(Head() + "Subject: tnef\r\nContent-Type: multipart/mixed; boundary=q\r\n\r\n--q\r\nContent-Type: application/ms-tnef; name=winmail.dat\r\nContent-Transfer-Encoding: base64\r\n\r\neJ8+IgAAAQaQCAAEAAAAAAABAAEAAQeQBgAIAAAA5AQAAAAAAADoAAEIgAcAGAAAAElQTS5NaWNy\r\n--q--\r\n");
        Add(Head() + "Subject: report without parts\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=q\r\n\r\n--q--\r\n");
        Add(Head() + "Subject: dsn garbage\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=q\r\n\r\n--q\r\nContent-Type: message/delivery-status\r\n\r\n:::: not fields ::::\r\n\r\n\r\n--q--\r\n");
        AddBytes(A(Head() + "Subject: "), A("raw utf8 标题 😀 without encoding"), A("\r\n\r\n😀 body\r\n"));
        Add(Head() + "Subject: many recipients\r\nCc: " + string.Join(", ", Enumerable.Range(0, 2000).Select(i => $"r{i}@many.test")) + "\r\n\r\nbody\r\n");
        Add($"From: user{++n}@例子.测试\r\nTo: {to}\r\nSubject: unicode domain\r\n\r\nbody\r\n");
        Add(Head() + "Subject: garbage disposition\r\nContent-Type: multipart/mixed; boundary=q\r\n\r\n--q\r\nContent-Type: image/png\r\nContent-Disposition: ;;;=;filename\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo\r\n--q--\r\n");
        Add(Head() + "Subject: boundary in body\r\nContent-Type: multipart/mixed; boundary=q\r\n\r\n--q\r\nContent-Type: text/plain\r\n\r\ntext mentioning --q in the middle\r\n--qq\r\n--q--\r\n");
        Add(Head() + "Subject: content-type garbage\r\nContent-Type: ////\r\n\r\nbody\r\n");
        Add(Head() + "Subject: only html entities\r\nContent-Type: text/html\r\n\r\n&#0;&#xD800;&#1114112;&nbsp;\r\n");
        return list;
    }

    private static string DeepNesting(int depth)
    {
        var sb = new StringBuilder();
        sb.Append("Content-Type: multipart/mixed; boundary=\"d0\"\r\n\r\n");
        for (var i = 0; i < depth; i++) sb.Append($"--d{i}\r\nContent-Type: multipart/mixed; boundary=\"d{i + 1}\"\r\n\r\n");
        sb.Append($"--d{depth}\r\nContent-Type: text/plain\r\n\r\ndeep\r\n");
        return sb.ToString();
    }
}
