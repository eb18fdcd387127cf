namespace Kefu.Tickets;

/// <summary>
/// Finds who a note @mentions. A mention is "@" (not inside an e-mail address)
/// followed by a whole user name or display name: the longest name that matches there wins, and a Latin name must
/// not run on into more letters or digits ("@agent.a" is not "@agent.a2"; "@王芳芳" is not "@王芳").
/// </summary>
public static class Mentions
{
    public sealed record Person(Guid Id, string? UserName, string? DisplayName);

    public static HashSet<Guid> Find(string body, IReadOnlyCollection<Person> people)
    {
        var found = new HashSet<Guid>();
        for (var at = body.IndexOf('@'); at >= 0; at = body.IndexOf('@', at + 1))
        {
            if (at > 0 && IsNameChar(body[at - 1])) continue; // an e-mail address, not a mention ("请@王芳" still is one)
            Guid? best = null;
            var bestLength = 0;
            foreach (var p in people)
            {
                // User names are case-insensitive (as at sign-in); display names are matched as written.
                foreach (var (name, comparison) in new[] { (p.UserName, StringComparison.OrdinalIgnoreCase), (p.DisplayName, StringComparison.Ordinal) })
                {
                    if (string.IsNullOrEmpty(name) || name.Length <= bestLength) continue;
                    if (at + 1 + name.Length > body.Length || string.Compare(body, at + 1, name, 0, name.Length, comparison) != 0) continue;
                    if (!EndsWord(body, at + 1 + name.Length, name[^1])) continue;
                    best = p.Id;
                    bestLength = name.Length;
                }
            }
            if (best is { } id) found.Add(id);
        }
        return found;
    }

    /// <summary>Whether the name ending before <paramref name="end"/> stops there: a name ending in a Latin letter or
    /// digit may not be followed by another one (or by '.', '_', '-' that continue a user name).</summary>
    private static bool EndsWord(string body, int end, char last)
    {
        if (end >= body.Length || !IsNameChar(last)) return true;
        var next = body[end];
        if (char.IsAsciiLetterOrDigit(next) || next is '_' or '-') return false;
        // "@agent.a." ends a sentence; "@agent.a.b" is someone else.
        return next != '.' || end + 1 >= body.Length || !char.IsAsciiLetterOrDigit(body[end + 1]);
    }

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.';
}
