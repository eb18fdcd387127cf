namespace Kefu.Email;

/// <summary>
/// Fault-injection points for the exactly-once tests ("stored" = inside the transaction before commit,
/// "committed" = after commit, before the IMAP server is told; "ticket:&lt;Message-ID&gt;" = before that mail goes to
/// Tickets, where a test can throw the <c>DomainException</c> Tickets would refuse it with; "replies:&lt;count&gt;" = a
/// batch's held-back replies going to Tickets together). Null in production.
/// </summary>
public sealed class EmailHooks
{
    public Func<string, Task>? Step { get; set; }

    internal Task RunAsync(string step) => Step?.Invoke(step) ?? Task.CompletedTask;
}
