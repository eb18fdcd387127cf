using System.Text.RegularExpressions;

namespace Kefu.Platform.Text;

/// <summary>Partial masking of personal data for staff who must not see it (outsourced agents).</summary>
public static partial class PiiMasker
{
    /// <summary>zhang.san@example.com → zh***@example.com</summary>
    public static string Email(string email)
    {
        var at = email.IndexOf('@');
        if (at <= 0) return Stars(email);
        var local = email[..at];
        return (local.Length <= 2 ? local[..1] : local[..2]) + "***" + email[at..];
    }

    /// <summary>13812345678 → 138****5678: keeps the country code, the first 3 and the last 4 (short numbers: 2) digits.</summary>
    public static string Phone(string phone)
    {
        var skip = phone.TrimStart().StartsWith("+86", StringComparison.Ordinal) ? 2 : 0;
        var digits = phone.Count(char.IsDigit) - skip;
        if (digits < 7) return Stars(phone);
        var keepEnd = digits >= 11 ? 4 : 2;
        var chars = phone.ToCharArray();
        var seen = -skip;
        for (var i = 0; i < chars.Length; i++)
        {
            if (!char.IsDigit(chars[i])) continue;
            seen++;
            if (seen > 3 && seen <= digits - keepEnd) chars[i] = '*';
        }
        return new string(chars);
    }

    /// <summary>Keeps the first 6 characters (district level) of an address.</summary>
    public static string Address(string address) => address.Length <= 6 ? Stars(address) : address[..6] + "****";

    public static string Identity(string kind, string value) => kind switch
    {
        "email" => Email(value),
        "phone" => Phone(value),
        _ => value.Length <= 6 ? Stars(value) : value[..3] + "****" + value[^3..],
    };

    /// <summary>Masks phone numbers, e-mail addresses and PRC ID numbers inside free text.</summary>
    public static string Text(string text)
    {
        text = IdNumberRegex().Replace(text, m => m.Value[..4] + new string('*', m.Length - 8) + m.Value[^4..]);
        text = EmailRegex().Replace(text, m => Email(m.Value));
        text = PhoneRegex().Replace(text, m => Phone(m.Value));
        return text;
    }

    private static string Stars(string s) => new('*', Math.Max(3, Math.Min(s.Length, 6)));

    [GeneratedRegex(@"(?<![0-9])[1-9][0-9]{5}(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx](?![0-9])")]
    private static partial Regex IdNumberRegex();

    [GeneratedRegex(@"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")]
    private static partial Regex EmailRegex();

    [GeneratedRegex(@"(?<![0-9])(?:\+?86[ -]?)?1[3-9][0-9][ -]?[0-9]{4}[ -]?[0-9]{4}(?![0-9])|(?<![0-9])0[0-9]{2,3}-[0-9]{7,8}(?![0-9])")]
    private static partial Regex PhoneRegex();
}
