using Kefu.Platform.Auth;

namespace Kefu.Platform.Audit;

/// <summary>
/// Which of one module's entities a staff member may read the audit rows of, registered by that module (Platform knows
/// no module): a team lead reads the history of his teams' tickets, not of every team's (the rows carry subjects,
/// categories and assignees). Entity types without a scope are read by everyone with audit.read.
/// </summary>
public interface IAuditEntityScope
{
    /// <summary>The audit rows' entity type this scope is for (e.g. "ticket").</summary>
    string EntityType { get; }

    /// <summary>The stored ids (as <see cref="AuditEntry.EntityId"/>) of the entities the staff member may see, as a query
    /// on the same database context the audit is read from; null when he sees them all.</summary>
    IQueryable<string>? VisibleIds(StaffContext staff);
}
