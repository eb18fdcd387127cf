using System.Text.Json.Nodes;
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

    /// <summary>Masks every string inside an audit entry's changes (old and new values): an address under its own key,
    /// else as free text. The node is changed in place and returned.</summary>
    public static JsonNode? Json(JsonNode? node, string? key = null)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (k, v) in o.ToList())
                    if (v is JsonValue value && value.TryGetValue<string>(out var s)) o[k] = Masked(s, k);
                    else Json(v, k);
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                    if (a[i] is JsonValue value && value.TryGetValue<string>(out var s)) a[i] = Masked(s, key);
                    else Json(a[i], key);
                break;
            case JsonValue v when v.TryGetValue<string>(out var s):
                return Masked(s, key);
        }
        return node;

        static JsonValue Masked(string s, string? key) =>
            JsonValue.Create(string.Equals(key, "address", StringComparison.OrdinalIgnoreCase) ? Address(s) : Text(s));
    }

    private static string Stars(string s) => new('*', Math.Max(3, Math.Min(s.Length, 6)));

    [GeneratedRegex(@"(?<![0-9])[1-9][0-9]{5}(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx](?![0-9])")]
    private static partial Regex IdNumberRegex();

    [GeneratedRegex(@"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")]
    private static partial Regex EmailRegex();

    [GeneratedRegex(@"(?<![0-9])(?:\+?86[ -]?)?1[3-9][0-9][ -]?[0-9]{4}[ -]?[0-9]{4}(?![0-9])|(?<![0-9])0[0-9]{2,3}-[0-9]{7,8}(?![0-9])")]
    private static partial Regex PhoneRegex();
}
