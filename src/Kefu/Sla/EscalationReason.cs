using Microsoft.Extensions.Localization;

namespace Kefu.Sla;

/// <summary>
/// The reason of an escalation Kefu raised by itself is stored as a code with its arguments ("sla:breach|FirstResponse")
/// and told in the reader's language when shown (the SLA panel, the API, the escalation mail); a reason typed by a
/// person is stored and shown as typed. Rows written before the codes keep their English text.
/// </summary>
public static class EscalationReason
{
    private const string Prefix = "sla:";

    public static string Urgent() => Code("Urgent");
    public static string Breach(SlaMetric metric) => Code("Breach", metric.ToString());
    public static string Timeout(int tier) => Code("Timeout", tier.ToString(System.Globalization.CultureInfo.InvariantCulture));
    public static string Keyword(string rule, string keyword) => Code("Keyword", rule, keyword);
    public static string Contacts(string rule, int contacts, int days, int tickets, int messages) =>
        Code("Contacts", rule, Invariant(contacts), Invariant(days), Invariant(tickets), Invariant(messages));

    /// <summary>The reason as <paramref name="l"/>'s current culture reads it.</summary>
    public static string Text(string stored, IStringLocalizer<SharedResource> l)
    {
        if (!stored.StartsWith(Prefix, StringComparison.Ordinal)) return stored;
        var parts = stored[Prefix.Length..].Split('|');
        object[] args = parts[0] == "Breach" && parts.Length > 1 ? [l[$"Sla.Metric.{parts[1]}"].Value] : [.. parts.Skip(1)];
        var text = l[$"Sla.Reason.{parts[0]}", args];
        return text.ResourceNotFound ? stored : text.Value;
    }

    // '|' separates the arguments: a rule name or keyword holding one is stored with a look-alike.
    private static string Code(string key, params string[] args) =>
        Prefix + string.Join('|', [key, .. args.Select(a => a.Replace('|', '¦'))]);

    private static string Invariant(int n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
