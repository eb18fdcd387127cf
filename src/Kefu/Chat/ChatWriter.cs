using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace Kefu.Chat;

/// <summary>One visitor message waiting to be stored; completed after the transaction holding it committed.</summary>
internal sealed class ChatSendJob(VisitorSession session, SendRequest request, string text, long[] attachmentIds)
{
    public VisitorSession Session { get; } = session;
    public SendRequest Request { get; } = request;
    public string Text { get; } = text;
    public long[] AttachmentIds { get; } = attachmentIds;
    public TaskCompletionSource<StoredSend> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public long QueuedAt { get; } = Stopwatch.GetTimestamp();
}

/// <summary>Where one batch's time went: waiting for the write gate (and BEGIN), storing its sends, committing.</summary>
internal sealed class ChatBatchTimer
{
    private readonly long _start = Stopwatch.GetTimestamp();
    private long _began, _stored;
    public void Began() => _began = Stopwatch.GetTimestamp();
    public void Stored() => _stored = Stopwatch.GetTimestamp();

    public ChatBatchTiming Finish(int size, double oldestQueuedMs)
    {
        var end = Stopwatch.GetTimestamp();
        return new ChatBatchTiming(size, oldestQueuedMs, Ms(_start, _began), Ms(_began, _stored), Ms(_stored, end));
    }

    private static double Ms(long from, long to) => from == 0 || to == 0 ? double.NaN : Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;
}

/// <summary>One committed batch: its sends, how long the oldest waited in the queue before the batch began, then the
/// write gate wait (with BEGIN), the statements and the commit, in milliseconds.</summary>
public readonly record struct ChatBatchTiming(int Size, double QueuedMs, double GateMs, double StoreMs, double CommitMs);

/// <summary>A stored visitor message (entities detached from the writer's context: read ids and values only).</summary>
internal sealed record StoredSend(ChatConversation Conversation, ChatMessage Message, bool Started);

/// <summary>
/// Group commit of widget sends (decision 0013): the hub's Send calls queue here and one writer stores every send
/// waiting at that moment in ONE transaction, then completes each caller, so the hub still acknowledges only after
/// commit. While a batch commits the next one gathers, so the batch grows with the load and a lone send waits for
/// nobody. When a batch fails (a racing duplicate, a conflict, a deadlock), it is rolled back as a whole and each of
/// its sends is stored again in a transaction of its own: one bad send never loses the others.
/// </summary>
public sealed class ChatWriter(IServiceScopeFactory scopes, IOptions<ChatOptions> options, ILogger<ChatWriter> log) : BackgroundService
{
    private readonly Channel<ChatSendJob> _jobs = Channel.CreateUnbounded<ChatSendJob>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Batches committed and sends stored since start (diagnostics, tests and the bench).</summary>
    public long Batches => Interlocked.Read(ref _batches);
    public long Stored => Interlocked.Read(ref _stored);
    /// <summary>Sends taken into a batch since start, and sends waiting for the next batch.</summary>
    public long Taken => Interlocked.Read(ref _taken);
    public int Queued => Volatile.Read(ref _queued);
    private long _batches, _stored, _taken;
    private int _queued;
    // The latest batches' timings (diagnostics for the bench; a few MB at most).
    private readonly ChatBatchTiming[] _timings = new ChatBatchTiming[1 << 16];

    /// <summary>Timings of the batches committed after the first <paramref name="after"/> (at most the latest 65,536), oldest first.</summary>
    public ChatBatchTiming[] RecentTimings(long after = 0)
    {
        var n = Interlocked.Read(ref _batches);
        var count = (int)Math.Min(Math.Max(0, n - after), _timings.Length);
        var copy = new ChatBatchTiming[count];
        for (var i = 0; i < count; i++) copy[i] = _timings[(n - count + i) % _timings.Length];
        return copy;
    }

    internal Task<StoredSend> StoreAsync(ChatSendJob job)
    {
        Interlocked.Increment(ref _queued);
        if (!_jobs.Writer.TryWrite(job))
        {
            Interlocked.Decrement(ref _queued);
            job.Done.TrySetException(new ObjectDisposedException(nameof(ChatWriter)));
        }
        return job.Done.Task;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<ChatSendJob>();
        try
        {
            while (await _jobs.Reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                var max = Math.Max(1, options.Value.MaxBatch);
                while (batch.Count < max && _jobs.Reader.TryRead(out var job))
                {
                    batch.Add(job);
                    Interlocked.Decrement(ref _queued);
                }
                Interlocked.Add(ref _taken, batch.Count);
                if (batch.Count > 0) await WriteAsync(batch, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
        finally
        {
            // Shutting down: whatever is still queued was never stored; its senders resend after reconnecting.
            _jobs.Writer.TryComplete();
            var stopped = new OperationCanceledException("The server is stopping.");
            foreach (var job in batch) job.Done.TrySetException(stopped);
            while (_jobs.Reader.TryRead(out var job)) job.Done.TrySetException(stopped);
        }
    }

    private async Task WriteAsync(List<ChatSendJob> batch, CancellationToken ct)
    {
        try
        {
            var timer = new ChatBatchTimer();
            var queuedMs = Stopwatch.GetElapsedTime(batch[0].QueuedAt).TotalMilliseconds;
            var stored = await StoreInScopeAsync(batch, ct, timer);
            Count(batch.Count, timer.Finish(batch.Count, queuedMs));
            for (var i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult(stored[i]);
            return;
        }
        catch (Exception ex) when (batch.Count > 1 && ex is not OperationCanceledException)
        {
            log.LogDebug(ex, "A batch of {Count} chat sends failed; storing each on its own", batch.Count);
        }
        catch (Exception ex)
        {
            batch[0].Done.TrySetException(ex);
            return;
        }
        foreach (var job in batch)
        {
            try
            {
                var timer = new ChatBatchTimer();
                var queuedMs = Stopwatch.GetElapsedTime(job.QueuedAt).TotalMilliseconds;
                var stored = await StoreInScopeAsync([job], ct, timer);
                Count(1, timer.Finish(1, queuedMs));
                job.Done.TrySetResult(stored[0]);
            }
            catch (Exception ex) { job.Done.TrySetException(ex); }
        }
    }

    private async Task<List<StoredSend>> StoreInScopeAsync(IReadOnlyList<ChatSendJob> jobs, CancellationToken ct, ChatBatchTimer timer)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ChatService>().StoreBatchAsync(jobs, ct, timer);
    }

    /// <summary>Only the writer loop calls this. (A reader of <see cref="RecentTimings"/> may see a slot being overwritten
    /// once the ring is full: diagnostics only.)</summary>
    private void Count(int sends, ChatBatchTiming timing)
    {
        _timings[Interlocked.Read(ref _batches) % _timings.Length] = timing;
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _stored, sends);
    }
}
