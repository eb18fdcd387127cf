namespace Kefu.Email;

/// <summary>
/// Wakes this node's <see cref="EmailWorker"/> when an administrator adds, changes or removes a mailbox here, so a
/// new mailbox is watched at once instead of at the worker's next 30-second look (which still catches changes made
/// on other nodes). <see cref="Next"/> is read before the worker lists the mailboxes, so a change committed while it
/// lists is not missed.
/// </summary>
public sealed class MailboxChanges
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next change after this read.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    public void Notify() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
