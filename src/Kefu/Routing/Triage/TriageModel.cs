using System.Collections.Concurrent;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Kefu.Routing.Triage;

/// <summary>What the model says about one text. <see cref="Confidence"/> is the leaf's probability;
/// the hierarchy is decided top-down (level 1, then level 2 inside it, then the leaf) on summed probabilities.</summary>
public sealed record TriagePrediction(
    string Leaf, float Confidence, string Level1, float Level1Confidence, float UrgentProbability, bool UrgentWord,
    IReadOnlyList<(string Leaf, float Probability)> Top);

/// <summary>Model input: normalised text and the lexicon features. Label and Urgent are used only in training.</summary>
public sealed class TriageInput
{
    public string Text { get; set; } = "";
    /// <summary>The lexicon words found in the text, space-separated (one token each; spaces inside a word become '_').</summary>
    public string Words { get; set; } = "";
    [VectorType(16)] public float[] Lexicon { get; set; } = [];
    public string Label { get; set; } = "";
    public bool Urgent { get; set; }
}

public sealed class TriageOutput
{
    public float[] LeafScore { get; set; } = [];
    public float Probability { get; set; }
}

/// <summary>
/// A trained triage model: immutable, thread-safe (prediction engines are pooled, one per concurrent caller).
/// Swapped as a whole by <see cref="TriageClassifier"/> when a newer version is trained.
/// </summary>
public sealed class TriageModel
{
    public const int LexiconSlots = 16;
    private readonly MLContext _ml;
    private readonly ITransformer _transformer;
    private readonly TriageLexicon _lexicon;
    private readonly ConcurrentBag<PredictionEngine<TriageInput, TriageOutput>> _engines = [];
    private readonly (string Name, int[] Leaves)[] _level1;
    private readonly (string Name, int[] Leaves)[] _level2;

    public TriageModel(MLContext ml, ITransformer transformer, string[] labels, TriageLexicon lexicon, int version)
    {
        _ml = ml;
        _transformer = transformer;
        _lexicon = lexicon;
        Labels = labels;
        Version = version;
        _level1 = Group(1);
        _level2 = Group(2);
    }

    public string[] Labels { get; }
    public int Version { get; }
    public ITransformer Transformer => _transformer;

    /// <summary>Probability above which the urgent head calls a text urgent.</summary>
    public const float UrgentThreshold = 0.5f;

    public TriagePrediction Predict(string? rawText)
    {
        var input = Input(TextNormalizer.Normalize(rawText), _lexicon);
        var engine = _engines.TryTake(out var e) ? e : _ml.Model.CreatePredictionEngine<TriageInput, TriageOutput>(_transformer);
        TriageOutput output;
        try { output = engine.Predict(input); }
        finally { _engines.Add(engine); }
        return Decide(output.LeafScore, output.Probability, _lexicon.HasUrgentWord(input.Text));
    }

    /// <summary>How much a lexicon list's hit count weighs next to the (L2-normalised) n-gram features. Part of the
    /// pipeline (bump <see cref="TriageTrainer.PipelineVersion"/> when it changes); settable for the bench's experiments only.</summary>
    public static float LexiconWeight { get; set; } = 0.3f;

    internal static TriageInput Input(string normalized, TriageLexicon lexicon, string label = "", bool urgent = false)
    {
        var lex = new float[LexiconSlots];
        var words = new List<string>();
        lexicon.Features(normalized, lex.AsSpan(0, lexicon.Size), words);
        for (var i = 0; i < lex.Length; i++) lex[i] *= LexiconWeight;
        return new TriageInput { Text = normalized, Words = string.Join(' ', words.Select(w => w.Replace(' ', '_'))), Lexicon = lex, Label = label, Urgent = urgent };
    }

    private TriagePrediction Decide(float[] p, float urgent, bool urgentWord)
    {
        // Top-down: the best level-1 branch by total probability, then the best level-2 branch inside it, then the leaf.
        var (l1Name, l1Leaves) = _level1.MaxBy(g => Sum(p, g.Leaves));
        var l1Conf = Sum(p, l1Leaves);
        var l2 = _level2.Where(g => g.Leaves.All(l1Leaves.Contains)).MaxBy(g => Sum(p, g.Leaves));
        var leaf = l2.Leaves.MaxBy(i => p[i]);
        var top = Enumerable.Range(0, p.Length).OrderByDescending(i => p[i]).Take(3).Select(i => (Labels[i], p[i])).ToList();
        return new TriagePrediction(Labels[leaf], p[leaf], l1Name, l1Conf, urgent, urgentWord, top);
    }

    private static float Sum(float[] p, int[] idx)
    {
        var s = 0f;
        foreach (var i in idx) s += p[i];
        return s;
    }

    private (string, int[])[] Group(int depth) => [.. Labels
        .Select((l, i) => (Prefix: string.Join('/', l.Split('/').Take(depth)), i))
        .GroupBy(x => x.Prefix)
        .Select(g => (g.Key, g.Select(x => x.i).ToArray()))];
}
