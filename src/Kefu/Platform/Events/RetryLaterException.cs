namespace Kefu.Platform.Events;

/// <summary>
/// Thrown by an <see cref="IEventHandler{T}"/> that cannot handle an event yet (a model still training, a resource
/// still starting): the event is delivered again after the usual back-off, and the outbox logs it as a deferral, not
/// as an error with a stack trace. <paramref name="retryWhen"/>, when given, completes once the handler can run: the
/// dispatcher then ends the back-off of the events it deferred and delivers them at once.
/// </summary>
public sealed class RetryLaterException(string reason, Task? retryWhen = null) : Exception(reason)
{
    public Task? RetryWhen { get; } = retryWhen;
}
