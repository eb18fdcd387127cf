using static Kefu.Platform.Text.TextCut;
using MimeKit;

namespace Kefu.Email;

/// <summary>
/// Sender and subject of a mail kept raw because it could not be parsed (decision 0041): the ingestion stores no
/// sender or subject for it, so the admin page reads them from the raw copy's headers, best effort (a mail too broken
/// for that shows none).
/// </summary>
public static class FailedMailHeaders
{
    public static (string? From, string? Subject) Peek(string path)
    {
        try
        {
            using var file = File.OpenRead(path);
            var headers = HeaderList.Load(file);
            string? from = null;
            if (headers[HeaderId.From] is { } f && InternetAddressList.TryParse(f, out var list))
                from = list.Mailboxes.FirstOrDefault()?.Address;
            var subject = headers[HeaderId.Subject];
            return (from, subject is null ? null : Cut(subject.Trim(), 300));
        }
        catch (Exception e) when (e is IOException or FormatException or ParseException or UnauthorizedAccessException)
        {
            return (null, null);
        }
    }

}
