namespace Kefu.Tickets;

/// <summary>
/// Classifies a ticket while it is being created, so it is saved once with its category, priority and team instead of
/// being saved, announced and then changed again by a reaction (decision 0017). Implemented by Routing's triage;
/// Tickets applies the verdict itself. When no implementation is registered, or it returns null (triage off, or its
/// model not loaded yet — it loads in the background on first demand), the ticket is created as given and <see cref="TicketCreated.Triaged"/> is false, so triage
/// runs later as an event handler.
/// </summary>
public interface ICreateTriage
{
    ValueTask<TriageVerdict?> DecideAsync(TicketToTriage input, CancellationToken ct);

    /// <summary>Records the verdict for the saved ticket, inside the creating unit of work.</summary>
    void Record(long ticketId, TriageVerdict verdict);
}

/// <summary>What triage sees of a new ticket: its text and what the creator set explicitly.</summary>
public sealed record TicketToTriage(string Subject, string Body, int? CategoryId, int? TeamId, TicketPriority Priority, IReadOnlyList<string> Tags);

/// <summary>What triage decided: the fields to set (null = keep), a tag to add, and the implementation's own record of
/// the decision (handed back to <see cref="ICreateTriage.Record"/>), summarised for the audit trail.</summary>
public sealed record TriageVerdict(int? CategoryId, int? TeamId, TicketPriority? Priority, string? AddTag, object Decision, object Audit);
