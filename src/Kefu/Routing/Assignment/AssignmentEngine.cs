using Kefu.Platform.Presence;

namespace Kefu.Routing.Assignment;

/// <summary>An agent as the engine sees him: status, current load and capacity for the ticket's channel class, skills.</summary>
public sealed record Candidate(Guid UserId, AgentStatus Status, int Load, int Capacity,
    IReadOnlySet<string> Languages, IReadOnlySet<string> ProductLines, bool Vip);

/// <summary>What a ticket asks of its agent (null = no requirement).</summary>
public sealed record TicketNeeds(string? Language, string? ProductLine, bool Vip)
{
    public static readonly TicketNeeds None = new(null, null, false);
}

/// <summary>
/// The pure decision: who of the team's agents gets the next ticket. Eligible = online, under capacity for the
/// ticket's channel, and skilled (an agent without languages or product lines listed takes any; VIP tickets need a
/// VIP agent). Round-robin takes the first eligible agent after the cursor in a fixed order (user id), so over any
/// run each eligible agent gets the same number ±1; least-load takes the smallest load, ties broken the same way.
/// </summary>
public static class AssignmentEngine
{
    public static bool Eligible(Candidate c, TicketNeeds needs) =>
        c.Status == AgentStatus.Online && c.Load < c.Capacity && HasSkills(c, needs);

    public static bool HasSkills(Candidate c, TicketNeeds needs) =>
        (needs.Language is null || c.Languages.Count == 0 || c.Languages.Contains(needs.Language)) &&
        (needs.ProductLine is null || c.ProductLines.Count == 0 || c.ProductLines.Contains(needs.ProductLine)) &&
        (!needs.Vip || c.Vip);

    public static Candidate? Pick(AssignmentMode mode, IEnumerable<Candidate> candidates, TicketNeeds needs, Guid? cursor)
    {
        if (mode == AssignmentMode.Manual) return null;
        var eligible = candidates.Where(c => Eligible(c, needs)).ToList();
        if (eligible.Count == 0) return null;
        if (mode == AssignmentMode.LeastLoad)
        {
            var least = eligible.Min(c => c.Load);
            eligible = [.. eligible.Where(c => c.Load == least)];
        }
        return NextAfter(eligible, cursor);
    }

    /// <summary>The first agent after the cursor in user-id order, wrapping round (the cursor agent himself last).</summary>
    private static Candidate NextAfter(List<Candidate> eligible, Guid? cursor)
    {
        eligible.Sort((a, b) => a.UserId.CompareTo(b.UserId));
        if (cursor is { } last)
            foreach (var c in eligible)
                if (c.UserId.CompareTo(last) > 0) return c;
        return eligible[0];
    }

    /// <summary>Language of a customer's text: "zh" when CJK characters make up a fifth of the letters, "en" for
    /// Latin text, null when there is nothing to tell (digits, emoji only).</summary>
    public static string? DetectLanguage(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        int cjk = 0, latin = 0;
        foreach (var ch in text)
        {
            if (ch is >= '\u4e00' and <= '\u9fff' or >= '\u3400' and <= '\u4dbf' or >= '\uf900' and <= '\ufaff') cjk++;
            else if (ch is >= 'a' and <= 'z' or >= 'A' and <= 'Z') latin++;
        }
        if (cjk == 0 && latin == 0) return null;
        // A Chinese word is one character, an English one five letters: weigh them alike.
        return cjk * 5 >= latin ? "zh" : "en";
    }

    public static IReadOnlySet<string> ParseList(string? list) =>
        (list ?? "").Split([',', '，', ';', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => s.ToLowerInvariant()).ToHashSet();
}
