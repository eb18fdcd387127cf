using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Kefu.Platform;
using Kefu.Platform.Database;
using Kefu.Platform.Events;
using Kefu.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kefu.Routing.Triage;

/// <summary>
/// Builds and swaps triage models in the background, so startup is not held up. At start only the starter rules are
/// seeded; the model is prepared on first demand (<see cref="TriageClassifier.Demand"/>: the first ticket to triage, a
/// "classify" preview or a retrain), which keeps its ~50 MiB out of an idle server. Then the latest recorded
/// version is rebuilt from the shipped data plus the corrections it covered (or loaded from the model cache file,
/// which takes well under a second). From then on, whenever enough new agent corrections exist, a new
/// version is trained, evaluated on the held-back split, recorded and swapped in. Training is deterministic, so every
/// node rebuilds the same model for a version from the database: nothing lives only in one node's memory — admin retrain
/// jobs included (routing_retrain_jobs): any node's loop may claim a queued job, and any node answers for it.
/// </summary>
public sealed class TriageTrainingService(
    IServiceScopeFactory scopes, TriageClassifier classifier, IOptions<TriageOptions> options, IOptions<KefuOptions> kefu,
    TimeProvider time, ILogger<TriageTrainingService> log) : BackgroundService
{
    private readonly SemaphoreSlim _signal = new(0);
    private readonly SemaphoreSlim _training = new(1, 1);
    private readonly TriageLexicon _lexicon = TriageLexicon.LoadEmbedded();
    /// <summary>Jobs this node's callers wait for (<see cref="WhenRetrainDoneAsync"/>), completed when this node finishes them.</summary>
    private readonly ConcurrentDictionary<int, TaskCompletionSource<TriageRetrainJob>> _waiting = new();

    /// <summary>A job still "training" this long after it started died with its node; it is marked failed.</summary>
    public static readonly TimeSpan TrainingTimeout = TimeSpan.FromHours(1);
    private const long RetrainLockKey = 72657402; // "rout" + 2 (see AssignmentService for + 1)

    private static string NodeName => $"{Environment.MachineName}/{Environment.ProcessId}";

    /// <summary>What this node's model is doing, for the admin page and API.</summary>
    public TriageModelState ModelState =>
        !options.Value.Enabled ? TriageModelState.Disabled
        : classifier.Current is not null ? TriageModelState.Ready
        : classifier.Wanted ? TriageModelState.Loading
        : TriageModelState.NotLoaded;

    /// <summary>Wakes the loop (a correction was recorded).</summary>
    public void Notify() => _signal.Release();

    /// <summary>Raised on every node (with the job's id) after a retrain job was queued, claimed or finished on any node:
    /// the admin page listens (fed by <see cref="TriageRetrainObserver"/> after the change committed).</summary>
    public event Action<int>? RetrainJobChanged;

    /// <summary>The latest admin retrain job (null when none was ever requested).</summary>
    public static async Task<TriageRetrainJob?> LatestRetrainAsync(KefuDb db, CancellationToken ct) =>
        (await db.Set<TriageRetrainRecord>().AsNoTracking().OrderByDescending(j => j.Id).FirstOrDefaultAsync(ct))?.ToJob();

    public static async Task<TriageRetrainJob?> RetrainJobAsync(KefuDb db, int id, CancellationToken ct) =>
        (await db.Set<TriageRetrainRecord>().AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, ct))?.ToJob();

    /// <summary>Queues a retrain from every correction so far (admin "retrain now") and returns at once; a training loop
    /// trains off the request and swaps the model in on success. A request while one is queued or training returns that one.
    /// <paramref name="uow"/> is the caller's (its audit rows commit with the job: <paramref name="onCreated"/> runs inside
    /// the job's transaction when a new job is queued).</summary>
    public async Task<TriageRetrainJob> RequestRetrainAsync(UnitOfWork uow, Func<TriageRetrainJob, CancellationToken, Task> onCreated, CancellationToken ct)
    {
        classifier.Demand();
        var (job, created) = await uow.RunAsync(async c =>
        {
            await uow.Db.SerializeAsync(RetrainLockKey, c); // one request at a time from the check to the insert, on every node
            var pending = await uow.Db.Set<TriageRetrainRecord>().AsNoTracking()
                .Where(j => j.State == TriageRetrainState.Queued || j.State == TriageRetrainState.Training)
                .OrderBy(j => j.Id).FirstOrDefaultAsync(c);
            if (pending is not null) return (pending.ToJob(), false);
            var row = new TriageRetrainRecord { State = TriageRetrainState.Queued, RequestedAt = time.GetUtcNow().UtcDateTime };
            uow.Db.Add(row);
            await uow.Db.SaveChangesAsync(c);
            uow.Db.Publish(new TriageRetrainJobChanged(row.Id), time);
            await onCreated(row.ToJob(), c);
            return (row.ToJob(), true);
        }, ct);
        if (created) _signal.Release();
        return job;
    }

    /// <summary>Completes when the retrain job with this id has finished (succeeded or failed) — at once when it already
    /// has; otherwise when this node finishes it or, on PostgreSQL, hears that another node did.</summary>
    public async Task<TriageRetrainJob> WhenRetrainDoneAsync(int id)
    {
        var waiter = _waiting.GetOrAdd(id, _ => new TaskCompletionSource<TriageRetrainJob>(TaskCreationOptions.RunContinuationsAsynchronously));
        await using var scope = scopes.CreateAsyncScope();
        var job = await RetrainJobAsync(scope.ServiceProvider.GetRequiredService<KefuDb>(), id, CancellationToken.None)
            ?? throw new ArgumentException($"No retrain job {id}.", nameof(id));
        if (job.Done) waiter.TrySetResult(job);
        return await waiter.Task;
    }

    /// <summary>A job changed on some node (its event was delivered): tell the listeners, and complete a caller here
    /// waiting for it when it has finished.</summary>
    internal void OnJobChanged(int id)
    {
        try { RetrainJobChanged?.Invoke(id); }
        catch (Exception ex) { log.LogWarning(ex, "A retrain status listener failed"); }
        if (_waiting.ContainsKey(id)) _ = CompleteWaiterAsync(id);
    }

    private async Task CompleteWaiterAsync(int id)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            if (await RetrainJobAsync(scope.ServiceProvider.GetRequiredService<KefuDb>(), id, CancellationToken.None) is { Done: true } job)
                Finished(job);
        }
        catch (Exception ex) { log.LogWarning(ex, "Could not read retrain job {Job}; its waiters are told when this node sees it next", id); }
    }

    private void Finished(TriageRetrainJob job)
    {
        if (job.Done && _waiting.TryRemove(job.Id, out var waiter)) waiter.TrySetResult(job);
    }

    private async Task<TriageRetrainJob> SaveJobAsync(TriageRetrainRecord row, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var uow = scope.ServiceProvider.GetRequiredService<UnitOfWork>();
        await uow.RunAsync(async c =>
        {
            uow.Db.Attach(row);
            uow.Db.Entry(row).State = EntityState.Modified;
            uow.Db.Publish(new TriageRetrainJobChanged(row.Id), time);
            await uow.Db.SaveChangesAsync(c);
        }, ct);
        var job = row.ToJob();
        Finished(job);
        return job;
    }

    /// <summary>Takes the oldest queued job for this node (a conditional update, so of several nodes exactly one wins),
    /// after failing jobs whose node died while training them.</summary>
    private async Task<TriageRetrainRecord?> ClaimQueuedAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var uow = scope.ServiceProvider.GetRequiredService<UnitOfWork>();
        var now = time.GetUtcNow().UtcDateTime;
        var stale = now - TrainingTimeout;
        var reason = $"Interrupted: the node training it stopped (no result within {TrainingTimeout.TotalMinutes:0} minutes).";
        var expired = await uow.RunAsync(async c =>
        {
            var ids = await uow.Db.Set<TriageRetrainRecord>().Where(j => j.State == TriageRetrainState.Training && j.StartedAt < stale)
                .Select(j => j.Id).ToListAsync(c);
            if (ids.Count == 0) return 0;
            var n = await uow.Db.Set<TriageRetrainRecord>().Where(j => ids.Contains(j.Id) && j.State == TriageRetrainState.Training)
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.State, TriageRetrainState.Failed).SetProperty(j => j.FinishedAt, now)
                    .SetProperty(j => j.Error, reason), c);
            foreach (var id in ids) uow.Db.Publish(new TriageRetrainJobChanged(id), time);
            return n;
        }, ct);
        if (expired > 0) log.LogWarning("{Count} triage retrain job(s) marked failed: their node stopped while training", expired);
        var next = await uow.Db.Set<TriageRetrainRecord>().AsNoTracking().Where(j => j.State == TriageRetrainState.Queued)
            .OrderBy(j => j.Id).Select(j => (int?)j.Id).FirstOrDefaultAsync(ct);
        if (next is not { } id) return null;
        var node = NodeName;
        var claimed = await uow.RunAsync(async c =>
        {
            var n = await uow.Db.Set<TriageRetrainRecord>()
                .Where(j => j.Id == id && j.State == TriageRetrainState.Queued)
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.State, TriageRetrainState.Training).SetProperty(j => j.StartedAt, now)
                    .SetProperty(j => j.Node, node), c);
            if (n > 0) uow.Db.Publish(new TriageRetrainJobChanged(id), time);
            return n;
        }, ct);
        if (claimed == 0) return null; // another node took it
        return await uow.Db.Set<TriageRetrainRecord>().AsNoTracking().FirstAsync(j => j.Id == id, ct);
    }

    /// <summary>Runs a claimed admin retrain: training happens here, on the background loop.</summary>
    private async Task RunRetrainAsync(TriageRetrainRecord row, CancellationToken ct)
    {
        try
        {
            var v = (await SyncAsync(force: true, ct))!;
            row.State = TriageRetrainState.Succeeded;
            row.Version = v.Version;
            row.HoldbackAccuracy = v.HoldbackAccuracy;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down mid-training: queue it again, so this node after its restart (or another node) runs it.
            row.State = TriageRetrainState.Queued;
            row.StartedAt = null;
            row.Node = null;
            await SaveJobAsync(row, CancellationToken.None);
            throw;
        }
        catch (NothingToLearnException ex)
        {
            // An expected outcome the admin sees on the job, not a fault: no stack trace in the log.
            log.LogWarning("Triage retraining (admin request {Job}) refused: {Reason}", row.Id, ex.Message);
            row.State = TriageRetrainState.Failed;
            row.Error = ex.Message;
        }
        catch (Exception ex)
        {
            log.LogError(ex, "Triage retraining (admin request {Job}) failed", row.Id);
            row.State = TriageRetrainState.Failed;
            row.Error = ex.Message.Length > 2000 ? ex.Message[..2000] : ex.Message;
        }
        row.FinishedAt = time.GetUtcNow().UtcDateTime;
        await SaveJobAsync(row, CancellationToken.None);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled) return;
        await Task.Yield();
        var seeded = false;
        try
        {
            await SeedRulesAsync(stoppingToken);
            seeded = true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.LogError(ex, "Triage starter rules could not be seeded; retrying at the first model load");
        }
        // Nothing more until something needs the model (an idle server does not carry it); a retrain job left queued
        // before a restart needs it now.
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            if (await LatestRetrainAsync(scope.ServiceProvider.GetRequiredService<KefuDb>(), stoppingToken) is { Done: false })
                classifier.Demand();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.LogError(ex, "Triage retrain jobs could not be read at start");
        }
        try { await classifier.WhenWanted.WaitAsync(stoppingToken); }
        catch (OperationCanceledException) { return; }
        try
        {
            if (!seeded) await SeedRulesAsync(stoppingToken);
            await SyncAsync(force: false, stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.LogError(ex, "Triage model could not be prepared; retrying in the background");
        }
        _signal.Release(); // a retrain job queued before a restart (or on another node) is taken now, not at the next poll
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _signal.WaitAsync(options.Value.PollInterval, stoppingToken);
                if (await ClaimQueuedAsync(stoppingToken) is { } job) await RunRetrainAsync(job, stoppingToken);
                else await SyncAsync(force: false, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { break; }
            catch (Exception ex) { log.LogError(ex, "Triage retraining failed"); }
        }
    }

    /// <summary>Brings this node up to date: adopts the latest recorded version, and trains a new one when there
    /// are enough new corrections (or when forced).</summary>
    private async Task<TriageModelVersion?> SyncAsync(bool force, CancellationToken ct)
    {
        await _training.WaitAsync(ct);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<KefuDb>();
            var latest = await db.Set<TriageModelVersion>().AsNoTracking().OrderByDescending(v => v.Version).FirstOrDefaultAsync(ct);
            if (latest is not null && classifier.Current?.Version != latest.Version)
                classifier.Swap(await BuildAsync(db, latest.Version, latest.MaxCorrectionId, ct));

            var fresh = await db.Set<TriageCorrection>().CountAsync(c => c.Id > (latest == null ? 0 : latest.MaxCorrectionId), ct);
            if (latest is not null && !force && fresh < options.Value.RetrainMinExamples) return latest;
            // An admin retrain with nothing new to learn from fails with the reason rather than recording an identical version.
            if (latest is not null && force && fresh == 0)
                throw new NothingToLearnException($"No usable examples: no agent corrections since version {latest.Version}, so a new version would learn nothing new.");

            var maxId = await db.Set<TriageCorrection>().MaxAsync(c => (long?)c.Id, ct) ?? 0;
            var version = (latest?.Version ?? 0) + 1;
            var started = Stopwatch.StartNew();
            var model = await BuildAsync(db, version, maxId, ct);
            var ms = (int)started.ElapsedMilliseconds;
            var corrections = await LoadCorrectionsAsync(db, maxId, ct);
            var holdback = TriageExample.Dev().Concat(corrections.Where(IsHeldBack)).ToList();
            var eval = TriageEvaluation.Run(model, holdback);
            var row = new TriageModelVersion
            {
                Version = version, TrainedAt = time.GetUtcNow().UtcDateTime, ShippedExamples = Shipped().Count,
                Corrections = corrections.Count(c => !IsHeldBack(c)), MaxCorrectionId = maxId, HoldbackCount = eval.Count,
                HoldbackAccuracy = eval.LeafAccuracy, HoldbackLevel1Accuracy = eval.Level1Accuracy, TrainMillis = ms,
            };
            db.Add(row);
            try { await db.SaveChangesAsync(ct); }
            catch (DbUpdateException)
            {
                // Another node recorded this version first: it trained the same data, so adopt its row.
                log.LogInformation("Triage model version {Version} was recorded by another node", version);
                db.ChangeTracker.Clear();
                row = await db.Set<TriageModelVersion>().AsNoTracking().FirstAsync(v => v.Version == version, ct);
            }
            classifier.Swap(model);
            log.LogInformation("Triage model v{Version} trained in {Ms} ms on {Shipped} shipped lines + {Corrections} corrections; held-back accuracy {Accuracy:P1} ({Count})",
                version, ms, row.ShippedExamples, row.Corrections, row.HoldbackAccuracy, row.HoldbackCount);
            return row;
        }
        finally { _training.Release(); }
    }

    // Read from the embedded file each time rather than cached: training is rare, and the ~10k lines need not stay in memory.
    private static List<TriageExample> Shipped() => TriageExample.Shipped();

    /// <summary>One correction in five (by a stable hash of the ticket text) is held back for evaluation.</summary>
    private static bool IsHeldBack(TriageExample e) => SHA256.HashData(Encoding.UTF8.GetBytes(e.Text))[0] % 5 == 0;

    private static async Task<List<TriageExample>> LoadCorrectionsAsync(KefuDb db, long maxId, CancellationToken ct) =>
        (await db.Set<TriageCorrection>().AsNoTracking().Where(c => c.Id <= maxId).OrderBy(c => c.Id)
            .Select(c => new { c.Leaf, c.Text }).ToListAsync(ct))
        .Select(c => new TriageExample(c.Leaf, false, c.Text)).ToList();

    /// <summary>The model for a version: from the cache file when this exact training data was seen before, else trained.</summary>
    private async Task<TriageModel> BuildAsync(KefuDb db, int version, long maxCorrectionId, CancellationToken ct)
    {
        var corrections = (await LoadCorrectionsAsync(db, maxCorrectionId, ct)).Where(c => !IsHeldBack(c)).ToList();
        var examples = Shipped().Concat(corrections).ToList();
        var dir = options.Value.ModelCacheDir ?? Path.Combine(kefu.Value.DataDir, "triage");
        var file = Path.Combine(dir, $"triage-{Fingerprint(examples)}.zip");
        if (File.Exists(file))
        {
            try { return TriageTrainer.Load(file, _lexicon, version); }
            catch (Exception ex) { log.LogWarning(ex, "Cached triage model {File} is unreadable; retraining", file); }
        }
        var model = await Task.Run(() => TriageTrainer.Train(examples, _lexicon, version), ct);
        try
        {
            TriageTrainer.Save(model, file);
            // The freshly trained transformer chain keeps ~20 MiB more alive than the same model loaded from its file
            // (measured with GC.GetGCMemoryInfo at idle), so serve the loaded copy and let the trained one go.
            model = TriageTrainer.Load(file, _lexicon, version);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.LogWarning(ex, "Could not cache the triage model in {Dir}; serving the trained copy", dir);
        }
        // Training leaves a large dead heap (ML.NET's featurised copies of the data, ~100 MiB); training is rare (start,
        // retrain), so compact once and return the pages to the OS rather than keeping them for the process's life.
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        return model;
    }

    private static string Fingerprint(IEnumerable<TriageExample> examples)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes(TriageTrainer.PipelineVersion + "\n"));
        using (var lexicon = typeof(TriageLexicon).Assembly.GetManifestResourceStream("Kefu.Routing.Data.triage-lexicon.tsv")!)
        {
            var buffer = new byte[8192];
            int n;
            while ((n = lexicon.Read(buffer)) > 0) sha.AppendData(buffer, 0, n);
        }
        foreach (var e in examples) sha.AppendData(Encoding.UTF8.GetBytes($"{e.Leaf}\t{e.Urgent}\t{e.Text}\n"));
        return Convert.ToHexString(sha.GetHashAndReset())[..16].ToLowerInvariant();
    }

    /// <summary>The starter rules (urgent on account takeover, fraud, legal or media threats), once, on an empty table.</summary>
    private async Task SeedRulesAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var uow = scope.ServiceProvider.GetRequiredService<UnitOfWork>();
        await uow.RunAsync(async c =>
        {
            if (await uow.Db.Set<TriageRule>().AnyAsync(c)) return;
            var now = time.GetUtcNow().UtcDateTime;
            var order = 0;
            foreach (var (name, pattern) in DefaultRules)
                uow.Db.Add(new TriageRule { Name = name, Pattern = pattern, Priority = TicketPriority.Urgent, SortOrder = order += 10, CreatedAt = now, UpdatedAt = now });
        }, ct);
    }

    public static readonly (string Name, string Pattern)[] DefaultRules =
    [
        ("账号被盗 / account takeover", "盗号|被盗|号被盗|盗了我的号|被黑|被骇|骇客|被人盗|盗用|hacked|hijacked|account stolen|stolen account|account was stolen|account got stolen|compromised"),
        ("欺诈 / fraud", "诈骗|骗子|欺诈|钓鱼|盗刷|fraud|scam|phishing"),
        ("法律或媒体威胁 / legal or media threat", "律师|起诉|法院|律师函|诉讼|12315|消协|媒体|曝光|记者|lawyer|lawsuit|legal action|sue|journalist|the press"),
    ];
}

/// <summary>An admin retrain refused because there is nothing new to learn from: the job fails with this reason.</summary>
internal sealed class NothingToLearnException(string message) : InvalidOperationException(message);

/// <summary>Feeds <see cref="TriageTrainingService.RetrainJobChanged"/> on every node from the committed job changes.</summary>
public sealed class TriageRetrainObserver(TriageTrainingService trainer) : IEventObserver<TriageRetrainJobChanged>
{
    public void OnEvent(TriageRetrainJobChanged e, EventContext context) => trainer.OnJobChanged(e.JobId);
}
