using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Text;

namespace Kefu.Routing.Triage;

/// <summary>
/// Trains a triage model with ML.NET: character 1–3-grams (Chinese has no spaces) and word 1–2-grams (English) of the
/// normalised text, a bag of the lexicon words found in it (dictionary segmentation: one feature per word), and the
/// per-leaf lexicon counts (weighted down to 0.3, see TriageModel.LexiconWeight: at full weight one list word such as
/// 忘了 or 跳出 decided the leaf on its own); a maximum-entropy classifier over the leaves and a
/// logistic "urgent" head on the same features. Deterministic for a given input (fixed seed, one thread).
/// </summary>
/// <summary>The trainer's knobs; <see cref="Default"/> is what ships (the bench can try others with --set=name=value).</summary>
public sealed record TriageTrainerSettings(int CharNgrams = 3, int WordNgrams = 2, float L2 = 1e-4f, int Iterations = 30, bool LexiconWords = true)
{
    public static readonly TriageTrainerSettings Default = new();

    public TriageTrainerSettings With(string name, string value) => name.ToLowerInvariant() switch
    {
        "charngrams" => this with { CharNgrams = int.Parse(value) },
        "wordngrams" => this with { WordNgrams = int.Parse(value) },
        "l2" => this with { L2 = float.Parse(value, System.Globalization.CultureInfo.InvariantCulture) },
        "iterations" => this with { Iterations = int.Parse(value) },
        "lexiconwords" => this with { LexiconWords = bool.Parse(value) },
        _ => throw new ArgumentException($"Unknown trainer setting '{name}'."),
    };
}

public static class TriageTrainer
{
    /// <summary>Bump when the pipeline changes, so cached model files of an older pipeline are not reused.</summary>
    public const string PipelineVersion = "p3";

    public static TriageModel Train(IReadOnlyList<TriageExample> examples, TriageLexicon lexicon, int version, TriageTrainerSettings? settings = null)
    {
        var set = settings ?? TriageTrainerSettings.Default;
        var ml = new MLContext(seed: 7);
        var rows = examples.Select(e => TriageModel.Input(TextNormalizer.Normalize(e.Text), lexicon, e.Leaf, e.Urgent)).ToList();
        var data = ml.Data.LoadFromEnumerable(rows);

        var text = new TextFeaturizingEstimator.Options
        {
            CaseMode = TextNormalizingEstimator.CaseMode.Lower,
            KeepDiacritics = true,
            KeepPunctuations = false,
            KeepNumbers = false,
            CharFeatureExtractor = new WordBagEstimator.Options { NgramLength = set.CharNgrams, UseAllLengths = true },
            WordFeatureExtractor = new WordBagEstimator.Options { NgramLength = set.WordNgrams, UseAllLengths = true },
            Norm = TextFeaturizingEstimator.NormFunction.L2,
        };
        var words = new TextFeaturizingEstimator.Options
        {
            CaseMode = TextNormalizingEstimator.CaseMode.None, KeepDiacritics = true, KeepPunctuations = true, KeepNumbers = true,
            CharFeatureExtractor = null, WordFeatureExtractor = new WordBagEstimator.Options { NgramLength = 1 },
            Norm = TextFeaturizingEstimator.NormFunction.L2,
        };
        var featurizer = (set.LexiconWords
                ? ml.Transforms.Text.FeaturizeText("TextFeatures", text, nameof(TriageInput.Text))
                    .Append(ml.Transforms.Text.FeaturizeText("WordFeatures", words, nameof(TriageInput.Words)))
                    .Append(ml.Transforms.Concatenate("Features", "TextFeatures", "WordFeatures", nameof(TriageInput.Lexicon)))
                : ml.Transforms.Text.FeaturizeText("TextFeatures", text, nameof(TriageInput.Text))
                    .Append(ml.Transforms.Concatenate("Features", "TextFeatures", nameof(TriageInput.Lexicon))))
            .Fit(data);
        var featurized = ml.Data.Cache(featurizer.Transform(data));

        var leafHead = ml.Transforms.Conversion.MapValueToKey("LabelKey", nameof(TriageInput.Label))
            .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(new Microsoft.ML.Trainers.SdcaMaximumEntropyMulticlassTrainer.Options
            {
                LabelColumnName = "LabelKey", FeatureColumnName = "Features", NumberOfThreads = 1, MaximumNumberOfIterations = set.Iterations,
                L2Regularization = set.L2,
            }))
            .Fit(featurized);
        var withLeaf = leafHead.Transform(featurized);
        var copy = ml.Transforms.CopyColumns("LeafScore", "Score").Fit(withLeaf);
        var withCopy = copy.Transform(withLeaf);
        var urgentHead = ml.BinaryClassification.Trainers.SdcaLogisticRegression(new Microsoft.ML.Trainers.SdcaLogisticRegressionBinaryTrainer.Options
        {
            LabelColumnName = nameof(TriageInput.Urgent), FeatureColumnName = "Features", NumberOfThreads = 1, MaximumNumberOfIterations = 30,
            // 2, not 4: the urgent lines all sit in the two account leaves, and at 4 they outweighed those leaves' ordinary lines,
            // so the head called any forgotten password urgent. Recall rests on the urgent words and takeover lists first.
            PositiveInstanceWeight = 2f,
        }).Fit(withCopy);

        ITransformer model = featurizer.Append(leafHead).Append(copy).Append(urgentHead);
        return new TriageModel(ml, model, Labels(withLeaf.Schema["Score"]), lexicon, version);
    }

    public static void Save(TriageModel model, string path)
    {
        var ml = new MLContext();
        var schema = SchemaDefinition.Create(typeof(TriageInput));
        var dir = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(dir);
        var tmp = path + ".tmp";
        ml.Model.Save(model.Transformer, ml.Data.LoadFromEnumerable(Array.Empty<TriageInput>(), schema).Schema, tmp);
        File.Move(tmp, path, overwrite: true);
    }

    public static TriageModel Load(string path, TriageLexicon lexicon, int version)
    {
        var ml = new MLContext(seed: 7);
        var transformer = ml.Model.Load(path, out var inputSchema);
        var schema = transformer.GetOutputSchema(inputSchema);
        return new TriageModel(ml, transformer, Labels(schema["LeafScore"]), lexicon, version);
    }

    private static string[] Labels(DataViewSchema.Column score)
    {
        VBuffer<ReadOnlyMemory<char>> names = default;
        score.GetSlotNames(ref names);
        return [.. names.DenseValues().Select(n => n.ToString())];
    }
}
