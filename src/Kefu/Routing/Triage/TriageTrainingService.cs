using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Kefu.Platform;
using Kefu.Platform.Database;
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
/// node rebuilds the same model for a version from the database: nothing lives only in one node's memory.
/// </summary>
public sealed class TriageTrainingService(
    IServiceScopeFactory scopes, TriageClassifier classifier, IOptions<TriageOptions> options, IOptions<KefuOptions> kefu,
    TimeProvider time, ILogger<TriageTrainingService> log) : BackgroundService
{
    private readonly SemaphoreSlim _signal = new(0);
    private readonly SemaphoreSlim _training = new(1, 1);
    private readonly TriageLexicon _lexicon = TriageLexicon.LoadEmbedded();
    private readonly Lock _jobLock = new();
    private TriageRetrainJob? _job;
    private TaskCompletionSource<TriageRetrainJob>? _jobDone;

    /// <summary>What this node's model is doing, for the admin page and API.</summary>
    public TriageModelState ModelState =>
        !options.Value.Enabled ? TriageModelState.Disabled
        : classifier.Current is not null ? TriageModelState.Ready
        : classifier.Wanted ? TriageModelState.Loading
        : TriageModelState.NotLoaded;

    /// <summary>Wakes the loop (a correction was recorded).</summary>
    public void Notify() => _signal.Release();

    /// <summary>The latest admin retrain request on this node (null when none was made since start).</summary>
    public TriageRetrainJob? RetrainJob => _job;

    /// <summary>Raised (on the training thread) whenever <see cref="RetrainJob"/> changes state; the admin page listens.</summary>
    public event Action<TriageRetrainJob>? RetrainJobChanged;

    /// <summary>Queues a retrain from every correction so far (admin "retrain now") and returns at once; the loop trains
    /// off the request and swaps the model in on success. A request while one is queued or training returns that one.</summary>
    public TriageRetrainJob RequestRetrain()
    {
        classifier.Demand();
        TriageRetrainJob job;
        lock (_jobLock)
        {
            if (_job is { Done: false } pending) return pending;
            job = _job = new TriageRetrainJob((_job?.Id ?? 0) + 1, TriageRetrainState.Queued, time.GetUtcNow().UtcDateTime, null, null, null, null, null);
            _jobDone = new TaskCompletionSource<TriageRetrainJob>(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        RetrainJobChanged?.Invoke(job);
        _signal.Release();
        return job;
    }

    /// <summary>Completes when the retrain job with this id has finished (succeeded or failed).</summary>
    public Task<TriageRetrainJob> WhenRetrainDoneAsync(int id)
    {
        lock (_jobLock)
        {
            if (_job is null || _job.Id != id) throw new ArgumentException($"No retrain job {id} on this node.", nameof(id));
            return _job.Done ? Task.FromResult(_job) : _jobDone!.Task;
        }
    }

    private void SetJob(TriageRetrainJob job)
    {
        TaskCompletionSource<TriageRetrainJob>? done = null;
        lock (_jobLock)
        {
            _job = job;
            if (job.Done) done = _jobDone;
        }
        try { RetrainJobChanged?.Invoke(job); }
        catch (Exception ex) { log.LogWarning(ex, "A retrain status listener failed"); }
        done?.TrySetResult(job);
    }

    /// <summary>Runs the queued admin retrain, if any: training happens here, on the background loop.</summary>
    private async Task RunQueuedRetrainAsync(CancellationToken ct)
    {
        var job = _job;
        if (job is not { State: TriageRetrainState.Queued }) return;
        SetJob(job = job with { State = TriageRetrainState.Training, StartedAt = time.GetUtcNow().UtcDateTime });
        try
        {
            var v = (await SyncAsync(force: true, ct))!;
            SetJob(job with { State = TriageRetrainState.Succeeded, FinishedAt = time.GetUtcNow().UtcDateTime, Version = v.Version, HoldbackAccuracy = v.HoldbackAccuracy });
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            log.LogError(ex, "Triage retraining (admin request {Job}) failed", job.Id);
            SetJob(job with { State = TriageRetrainState.Failed, FinishedAt = time.GetUtcNow().UtcDateTime, Error = ex.Message });
        }
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
        // Nothing more until something needs the model (an idle server does not carry it).
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
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _signal.WaitAsync(options.Value.PollInterval, stoppingToken);
                if (_job is { State: TriageRetrainState.Queued }) await RunQueuedRetrainAsync(stoppingToken);
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
            if (latest is not null && force && fresh == 0 && classifier.Current?.Version == latest.Version) return latest;

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
