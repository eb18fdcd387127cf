using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Kefu.Platform;
using Kefu.Platform.Audit;
using Kefu.Platform.Database;
using Kefu.Platform.Http;
using Kefu.Platform.Text;
using Kefu.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Routing.Triage;

public sealed record TriageRuleDto(int Id, string Name, string Pattern, bool IsRegex, string? Category, TicketPriority? Priority,
    bool IsEnabled, int SortOrder, DateTime UpdatedAt);

public sealed record TriageRuleRequest(
    [property: Required, MaxLength(100)] string Name, [property: Required, MaxLength(1000)] string Pattern, bool IsRegex,
    [property: MaxLength(200)] string? Category, TicketPriority? Priority, bool? IsEnabled, int? SortOrder);

public sealed record ClassifyRequest([property: Required, MaxLength(10000)] string Text);

public sealed record ClassifyResponse(string? Category, double Confidence, TicketPriority? Priority, bool Urgent, bool Manual,
    int? RuleId, string? RuleName, string PredictedCategory, double ModelConfidence, int ModelVersion, TopCategory[] Top);

public sealed record TopCategory(string Category, double Probability);

public sealed record ModelVersionDto(int Version, DateTime TrainedAt, int ShippedExamples, int Corrections, int HoldbackCount,
    double HoldbackAccuracy, double HoldbackLevel1Accuracy, int TrainMillis, bool Current);

public sealed record ModelsResponse(int? CurrentVersion, bool Ready, TriageModelState State, int PendingCorrections, int RetrainMinExamples, ModelVersionDto[] Versions,
    TriageRetrainJob? Retrain);

public sealed record DecisionDto(long TicketId, string? Category, string? PredictedCategory, double Confidence, int ModelVersion,
    int? RuleId, TicketPriority? Priority, bool Manual, DateTime DecidedAt);

public sealed record CorrectionDto(long TicketId, string Category, string? PredictedCategory, string Text, DateTime UpdatedAt);

/// <summary>Triage administration shared by the API and the admin page: rules (audited), model versions,
/// corrections, a "try it" classification.</summary>
public sealed class TriageService(
    UnitOfWork uow, AuditLog audit, TaxonomyCache taxonomy, TriageRuleCache ruleCache, TriageClassifier classifier,
    TriageTrainingService trainer, Microsoft.Extensions.Options.IOptions<TriageOptions> options, TimeProvider time)
{
    public async Task<List<TriageRuleDto>> ListRulesAsync(CancellationToken ct)
    {
        var tax = await taxonomy.GetAsync(ct);
        var rows = await uow.Db.Set<TriageRule>().AsNoTracking().OrderBy(r => r.SortOrder).ThenBy(r => r.Id).ToListAsync(ct);
        return [.. rows.Select(r => Dto(r, tax))];
    }

    public Task<TriageRuleDto> CreateRuleAsync(TriageRuleRequest r, CancellationToken ct) => uow.RunAsync(async c =>
    {
        var tax = await taxonomy.GetAsync(c);
        var now = time.GetUtcNow().UtcDateTime;
        var rule = new TriageRule { Name = r.Name.Trim(), Pattern = r.Pattern.Trim(), CreatedAt = now, UpdatedAt = now };
        Apply(rule, r, tax);
        if (r.SortOrder is null)
            rule.SortOrder = (await uow.Db.Set<TriageRule>().MaxAsync(x => (int?)x.SortOrder, c) ?? 0) + 10;
        uow.Db.Add(rule);
        await uow.Db.SaveChangesAsync(c);
        await audit.RecordAsync("triage_rule", rule.Id, "created", r, c);
        ruleCache.Invalidate();
        return Dto(rule, tax);
    }, ct);

    public async Task<TriageRuleDto> GetRuleAsync(int id, CancellationToken ct) =>
        Dto(await uow.Db.Set<TriageRule>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw DomainException.NotFound($"Triage rule {id}"),
            await taxonomy.GetAsync(ct));

    /// <summary>The rule's ETag stamp: every field a PUT sets.</summary>
    public static string Stamp(TriageRuleDto r) => Kefu.Platform.Http.ETags.ForContent(r.Name, r.Pattern, r.IsRegex, r.Category, r.Priority, r.IsEnabled, r.SortOrder);

    /// <summary><paramref name="ifMatch"/> gets the stored rule's stamp before anything changes (the API's If-Match).</summary>
    public Task<TriageRuleDto> UpdateRuleAsync(int id, TriageRuleRequest r, CancellationToken ct, Action<string>? ifMatch = null) => uow.RunAsync(async c =>
    {
        var tax = await taxonomy.GetAsync(c);
        if (ifMatch is not null) await uow.Db.LockRowAsync<TriageRule>(id, c); // the stamp is checked against the latest commit
        var rule = await uow.Db.Set<TriageRule>().FirstOrDefaultAsync(x => x.Id == id, c) ?? throw DomainException.NotFound($"Triage rule {id}");
        ifMatch?.Invoke(Stamp(Dto(rule, tax)));
        rule.Name = r.Name.Trim();
        rule.Pattern = r.Pattern.Trim();
        Apply(rule, r, tax);
        rule.UpdatedAt = time.GetUtcNow().UtcDateTime;
        await audit.RecordAsync("triage_rule", rule.Id, "updated", r, c);
        ruleCache.Invalidate();
        return Dto(rule, tax);
    }, ct);

    public Task DeleteRuleAsync(int id, CancellationToken ct) => uow.RunAsync(async c =>
    {
        var rule = await uow.Db.Set<TriageRule>().FirstOrDefaultAsync(x => x.Id == id, c) ?? throw DomainException.NotFound($"Triage rule {id}");
        uow.Db.Remove(rule);
        await audit.RecordAsync("triage_rule", id, "deleted", new { rule.Name, rule.Pattern }, c);
        ruleCache.Invalidate();
    }, ct);

    public async Task<ClassifyResponse> ClassifyAsync(string text, CancellationToken ct)
    {
        if (!options.Value.Enabled) throw DomainException.Conflict("Triage is disabled (Kefu:Triage:Enabled=false).");
        var model = classifier.Demand() ?? throw new DomainException(503, "Model not ready",
            "The triage model is loading (it is loaded on first use, and trained if it is not cached); try again in a few seconds.");
        var r = classifier.Classify(model, text, await ruleCache.GetAsync(ct));
        return new ClassifyResponse(r.Leaf, Math.Round(r.Confidence, 4), r.Priority, r.Urgent, r.Manual, r.RuleId, r.RuleName,
            r.PredictedLeaf, Math.Round(r.ModelConfidence, 4), r.ModelVersion, [.. r.Top.Select(t => new TopCategory(t.Leaf, Math.Round(t.Probability, 4)))]);
    }

    public async Task<ModelsResponse> ModelsAsync(CancellationToken ct)
    {
        var current = classifier.Current?.Version;
        var versions = await uow.Db.Set<TriageModelVersion>().AsNoTracking().OrderByDescending(v => v.Version).Take(50).ToListAsync(ct);
        var maxId = versions.Count == 0 ? 0 : versions[0].MaxCorrectionId;
        var pending = await uow.Db.Set<TriageCorrection>().CountAsync(c => c.Id > maxId, ct);
        return new ModelsResponse(current, current is not null, trainer.ModelState, pending, options.Value.RetrainMinExamples, [.. versions.Select(v => new ModelVersionDto(
            v.Version, v.TrainedAt, v.ShippedExamples, v.Corrections, v.HoldbackCount, v.HoldbackAccuracy, v.HoldbackLevel1Accuracy,
            v.TrainMillis, v.Version == current))], await TriageTrainingService.LatestRetrainAsync(uow.Db, ct));
    }

    /// <summary>Queues a retrain (it runs in the background, see <see cref="TriageTrainingService.RequestRetrainAsync"/>); audited.</summary>
    public Task<TriageRetrainJob> RetrainAsync(CancellationToken ct)
    {
        if (!options.Value.Enabled) throw DomainException.Conflict("Triage is disabled (Kefu:Triage:Enabled=false).");
        return trainer.RequestRetrainAsync(uow, (job, c) => audit.RecordAsync("triage_model", job.Id, "retrain_requested", null, c), ct);
    }

    /// <summary>From the database: any node answers, and a restart still shows the job.</summary>
    public async Task<TriageRetrainJob> RetrainStatusAsync(int id, CancellationToken ct) =>
        await TriageTrainingService.RetrainJobAsync(uow.Db, id, ct) ?? throw DomainException.NotFound($"Retrain job {id}");

    public async Task<DecisionDto> DecisionAsync(long ticketId, CancellationToken ct)
    {
        var d = await uow.Db.Set<TriageDecision>().AsNoTracking().FirstOrDefaultAsync(x => x.TicketId == ticketId, ct)
            ?? throw DomainException.NotFound($"Triage decision for ticket {ticketId}");
        return new DecisionDto(d.TicketId, d.Leaf, d.PredictedLeaf, d.Confidence, d.ModelVersion, d.RuleId, d.Priority, d.Manual, d.DecidedAt);
    }

    /// <summary>The newest corrections; their text (subject and opening message) masked for staff who see PII masked.</summary>
    public async Task<Page<CorrectionDto>> CorrectionsAsync(string? cursor, int? limit, bool maskPii, CancellationToken ct)
    {
        var (rows, next) = await Keyset.PageAsync(uow.Db.Set<TriageCorrection>().AsNoTracking(), CorrectionSorts, null, cursor, limit, ct);
        return new Page<CorrectionDto>([.. rows.Select(c => new CorrectionDto(c.TicketId, c.Leaf, c.PredictedLeaf,
            maskPii ? PiiMasker.Text(c.Text) : c.Text, c.UpdatedAt))], next);
    }

    // Newest change first, ties by id (decision 0061).
    private static readonly ListSort<TriageCorrection>[] CorrectionSorts =
        [ListSort<TriageCorrection>.By("updatedAt", c => c.UpdatedAt, c => c.Id).WithDescendingDefault()];

    private static void Apply(TriageRule rule, TriageRuleRequest r, TaxonomySnapshot tax)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(r.Name)) errors["name"] = ["name must not be empty."];
        if (string.IsNullOrWhiteSpace(r.Pattern)) errors["pattern"] = ["pattern must not be empty."];
        else if (r.IsRegex)
        {
            try { CompiledRule.Compile(r.Pattern); }
            catch (ArgumentException ex) { errors["pattern"] = [$"Not a valid regular expression: {ex.Message}"]; }
        }
        int? categoryId = null;
        if (!string.IsNullOrWhiteSpace(r.Category))
        {
            var c = tax.FindPath(r.Category);
            if (c is null || c.Level != 3 || !tax.IsUsable(c.Id)) errors["category"] = [$"'{r.Category}' is not an active leaf category (level1/level2/level3)."];
            else categoryId = c.Id;
        }
        if (categoryId is null && r.Priority is null && !errors.ContainsKey("category"))
            errors["category"] = ["A rule sets a category, a priority, or both."];
        if (errors.Count > 0) throw new DomainException(400, "Validation failed", string.Join(" ", errors.Values.SelectMany(v => v)), errors);
        rule.IsRegex = r.IsRegex;
        rule.CategoryId = categoryId;
        rule.Priority = r.Priority;
        rule.IsEnabled = r.IsEnabled ?? true;
        if (r.SortOrder is { } order) rule.SortOrder = order;
    }

    private static TriageRuleDto Dto(TriageRule r, TaxonomySnapshot tax) =>
        new(r.Id, r.Name, r.Pattern, r.IsRegex, tax.PathOf(r.CategoryId), r.Priority, r.IsEnabled, r.SortOrder, r.UpdatedAt);
}
