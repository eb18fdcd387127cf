using Kefu.Platform.Audit;

namespace Kefu.Tickets;

/// <summary>Tickets in the audit log viewer: "#100234" (the number staff and customers know), linking to the ticket.</summary>
public sealed class TicketAuditDisplay : IAuditEntityDisplay
{
    public string EntityType => "ticket";

    public IReadOnlySet<string> ReferenceKeys { get; } = new HashSet<string> { "target", "source" };

    public string Label(string entityId) => long.TryParse(entityId, out var id) ? $"#{id + TicketRules.NumberOffset}" : entityId;

    public string? Href(string entityId) => long.TryParse(entityId, out var id) ? $"/tickets/{id}" : null;

    /// <summary>"#100234" or "100234" is a ticket number; a smaller plain number is taken as the internal id.</summary>
    public string? ParseId(string input)
    {
        var text = input.Trim().TrimStart('#').Trim();
        if (!long.TryParse(text, out var n) || n <= 0) return null;
        return (n > TicketRules.NumberOffset ? n - TicketRules.NumberOffset : n).ToString();
    }
}
