using Kefu.Routing.Triage;
using Kefu.Tickets;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace Kefu.Tests.Routing;

/// <summary>The shipped model, trained once for this class from the shipped data only.</summary>
public sealed class ShippedModelFixture
{
    public TriageLexicon Lexicon { get; } = TriageLexicon.LoadEmbedded();
    public TriageModel Model { get; }
    public IReadOnlyList<CompiledRule> DefaultRules { get; }

    public ShippedModelFixture()
    {
        Model = TriageTrainer.Train(TriageExample.Shipped(), Lexicon, 1);
        DefaultRules = [.. TriageTrainingService.DefaultRules.Select((r, i) => new CompiledRule(i + 1, r.Name, r.Pattern, false, null, TicketPriority.Urgent))];
    }

    public static List<TriageExample> Holdout(string file = "triage-holdout.tsv") =>
        TriageExample.ReadTsv(new StreamReader(Path.Combine(AppContext.BaseDirectory, "Routing", "Data", file)));

    /// <summary>The hand-written holdouts: the first (140), the second (155, written before the data's second round), the
    /// third (84, kept blind while the data and lexicons were changed) and the fourth (168, written before the third round
    /// and kept blind during it), the fifth (210, written before the fourth round, blind) and the sixth (84, the fourth
    /// round's development set: its misses were read). A blind holdout's wrong lines are never printed, so it stays blind.</summary>
    public static readonly (string File, int Count, bool Blind)[] Holdouts =
        [("triage-holdout.tsv", 140, false), ("triage-holdout2.tsv", 155, false), ("triage-holdout3.tsv", 84, true), ("triage-holdout4.tsv", 168, true),
         ("triage-holdout5.tsv", 210, true), ("triage-holdout6.tsv", 84, false)];

    public static bool IsBlind(string file) => Holdouts.Any(h => h.File == file && h.Blind);
}

public sealed class TriageModelTests(ShippedModelFixture f, ITestOutputHelper output) : IClassFixture<ShippedModelFixture>
{
    private static TriageClassifier Classifier(double threshold = 0.45) =>
        new(Options.Create(new TriageOptions { ConfidenceThreshold = threshold }));

    private bool UrgentWithRules(string text) => Classifier().Classify(f.Model, text, f.DefaultRules).Urgent;

    [Fact]
    public void Accuracy_on_the_dev_set_and_the_holdouts_is_printed_and_above_a_floor()
    {
        var sets = new List<(string Name, List<TriageExample> Set)> { ("triage-dev.tsv", TriageExample.Dev()) };
        foreach (var (file, count, _) in ShippedModelFixture.Holdouts)
        {
            var set = ShippedModelFixture.Holdout(file);
            Assert.Equal(count, set.Count);
            sets.Add((file, set));
        }
        Assert.Equal(112, sets[0].Set.Count);
        // No evaluation set is part of the training data.
        var trained = TriageExample.Shipped().Select(e => TextNormalizer.Normalize(e.Text)).ToHashSet();
        Assert.DoesNotContain(sets.SelectMany(s => s.Set), e => trained.Contains(TextNormalizer.Normalize(e.Text)));

        foreach (var (name, set) in sets)
        {
            var eval = TriageEvaluation.Run(f.Model, set, (text, _) => UrgentWithRules(text));
            output.WriteLine($"{name} ({set.Count} lines, unseen): {eval}");
            if (!ShippedModelFixture.IsBlind(name)) foreach (var miss in eval.Misses) output.WriteLine("  " + miss);
            Console.WriteLine($"[triage] {name}: {eval}");
            // Floors a little under the measured figures (docs/benchmarks.md): a regression fails, noise does not.
            Assert.True(eval.LeafAccuracy >= 0.90, $"{name} leaf accuracy {eval.LeafAccuracy:P1}");
            Assert.True(eval.Level1Accuracy >= 0.93, $"{name} level-1 accuracy {eval.Level1Accuracy:P1}");
            Assert.Equal(eval.UrgentTotal, eval.UrgentFound); // no missed urgent
        }
    }

    [Fact]
    public void No_urgent_ticket_of_the_dev_set_is_missed()
    {
        var urgent = TriageExample.Dev().Where(e => e.Urgent).ToList();
        Assert.NotEmpty(urgent);
        foreach (var e in urgent)
        {
            var r = Classifier().Classify(f.Model, e.Text, f.DefaultRules);
            Assert.True(r.Urgent, $"not urgent: {e.Text}");
            Assert.Equal(TicketPriority.Urgent, r.Priority);
            Assert.StartsWith("技术支持/账号问题/", r.PredictedLeaf);
        }
    }

    [Fact]
    public void Ordinary_tickets_are_not_made_urgent()
    {
        var sets = ShippedModelFixture.Holdouts.Select(h => (Examples: ShippedModelFixture.Holdout(h.File), h.Blind)).Prepend((Examples: TriageExample.Dev(), Blind: false));
        var ordinary = sets.SelectMany(s => s.Examples.Where(e => !e.Urgent).Select(e => (e.Text, s.Blind))).ToList();
        var flagged = ordinary.Where(e => UrgentWithRules(e.Text)).ToList();
        output.WriteLine($"false urgent: {flagged.Count}/{ordinary.Count}: {string.Join(" | ", flagged.Where(e => !e.Blind).Select(e => e.Text))}"
            + $" (+{flagged.Count(e => e.Blind)} in the blind holdouts, not shown)");
        Assert.True(flagged.Count <= ordinary.Count / 20, $"{flagged.Count} ordinary tickets flagged urgent");
    }

    [Fact]
    public void A_matching_rule_overrides_the_model_category_and_priority()
    {
        const string text = "APP一打开就闪退，暗号ABC";
        var plain = Classifier().Classify(f.Model, text, []);
        Assert.Equal("技术支持/APP故障/闪退", plain.Leaf);
        Assert.Null(plain.RuleId);

        IReadOnlyList<CompiledRule> rules =
        [
            new(7, "keyword", "暗号abc|其他", false, "投诉建议/产品建议/功能优化", TicketPriority.High),
            new(8, "regex", @"闪退.{0,5}暗号", true, null, TicketPriority.Low),
        ];
        var r = Classifier().Classify(f.Model, text, rules);
        Assert.Equal("投诉建议/产品建议/功能优化", r.Leaf);
        Assert.Equal(1.0, r.Confidence);
        Assert.Equal(7, r.RuleId);
        Assert.Equal(TicketPriority.High, r.Priority); // the highest priority of the matching rules

        // A rule's priority wins over the model's urgency too.
        var takeover = "账号被盗了，登录不上";
        Assert.True(Classifier().Classify(f.Model, takeover, []).Urgent);
        var calm = Classifier().Classify(f.Model, takeover, [new CompiledRule(9, "calm", "被盗", false, null, TicketPriority.Normal)]);
        Assert.False(calm.Urgent);
        Assert.Equal(TicketPriority.Normal, calm.Priority);
    }

    [Fact]
    public void Rules_match_traditional_full_width_and_whole_english_words()
    {
        var rule = new CompiledRule(1, "takeover", "账号被盗|hacked|sue", false, null, TicketPriority.Urgent);
        Assert.True(rule.Matches(TextNormalizer.Normalize("我的帳號被盜了"), "我的帳號被盜了"));
        Assert.True(rule.Matches(TextNormalizer.Normalize("ＨＡＣＫＥＤ!!"), "ＨＡＣＫＥＤ!!"));
        Assert.False(rule.Matches(TextNormalizer.Normalize("there is an issue with my order"), "there is an issue with my order"));
    }

    [Fact]
    public void Below_the_confidence_threshold_no_category_is_set()
    {
        var r = Classifier(threshold: 0.999).Classify(f.Model, "订单有点问题", []);
        Assert.True(r.Manual);
        Assert.Null(r.Leaf);
        Assert.NotEmpty(r.PredictedLeaf);
        var vague = Classifier().Classify(f.Model, "hello", []);
        output.WriteLine($"'hello' → {vague.PredictedLeaf} {vague.ModelConfidence:0.00}");
        Assert.True(vague.Manual, $"'hello' was put in {vague.Leaf} at {vague.ModelConfidence:0.00}");
    }

    [Fact]
    public void Normalisation_maps_traditional_full_width_and_case()
    {
        Assert.Equal("登录失败,账号被锁 abc", TextNormalizer.Normalize("登錄失敗，帳號被鎖  ＡＢＣ"));
        Assert.Equal(TextNormalizer.Normalize("帐号"), TextNormalizer.Normalize("账号"));
        Assert.Equal(TextNormalizer.Normalize("退款申请"), TextNormalizer.Normalize("退款申請"));
    }

    [Fact]
    public void Traditional_and_mixed_texts_land_like_their_simplified_form()
    {
        var simplified = f.Model.Predict("申请退款，东西坏了");
        var traditional = f.Model.Predict("申請退款，東西壞了");
        Assert.Equal(simplified.Leaf, traditional.Leaf);
        Assert.Equal("订单服务/售后问题/退款申请", traditional.Leaf);
        Assert.Equal("技术支持/APP故障/闪退", f.Model.Predict("app一直crash，打开就退出").Leaf);
    }

    [Fact]
    public void A_saved_model_loads_and_predicts_the_same()
    {
        var path = Path.Combine(Path.GetTempPath(), $"triage-test-{Guid.NewGuid():N}.zip");
        try
        {
            TriageTrainer.Save(f.Model, path);
            var loaded = TriageTrainer.Load(path, f.Lexicon, 3);
            Assert.Equal(3, loaded.Version);
            Assert.Equal(f.Model.Labels, loaded.Labels);
            foreach (var e in TriageExample.Dev().Take(20))
                Assert.Equal(f.Model.Predict(e.Text).Leaf, loaded.Predict(e.Text).Leaf);
        }
        finally { File.Delete(path); }
    }
}
