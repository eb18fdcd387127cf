namespace Kefu.Platform.Audit;

/// <summary>
/// How the audit log viewer shows one module's entity type, registered by that module (Platform knows no module):
/// a ticket reads as its number "#100234" linking to the ticket, not as its internal id.
/// </summary>
public interface IAuditEntityDisplay
{
    /// <summary>The audit rows' entity type this display is for (e.g. "ticket").</summary>
    string EntityType { get; }

    /// <summary>Keys in a row's details that hold ids of this entity type (e.g. a merge's "target").</summary>
    IReadOnlySet<string> ReferenceKeys { get; }

    /// <summary>What a person reads for a stored id.</summary>
    string Label(string entityId);

    /// <summary>Where the entity opens in the app, or null.</summary>
    string? Href(string entityId);

    /// <summary>The stored id for what a person typed in the viewer's filter (e.g. "#100234"), or null if it is none.</summary>
    string? ParseId(string input);
}
