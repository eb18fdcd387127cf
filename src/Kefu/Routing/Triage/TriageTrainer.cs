using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Text;

namespace Kefu.Routing.Triage;

/// <summary>
/// Trains a triage model with ML.NET: character 1–3-grams (Chinese has no spaces) and word 1–2-grams (English) of the
/// normalised text, concatenated with the lexicon features; a maximum-entropy classifier over the leaves and a
/// logistic "urgent" head on the same features. Deterministic for a given input (fixed seed, one thread).
/// </summary>
public static class TriageTrainer
{
    /// <summary>Bump when the pipeline changes, so cached model files of an older pipeline are not reused.</summary>
    public const string PipelineVersion = "p2";

    public static TriageModel Train(IReadOnlyList<TriageExample> examples, TriageLexicon lexicon, int version)
    {
        var ml = new MLContext(seed: 7);
        var rows = examples.Select(e => TriageModel.Input(TextNormalizer.Normalize(e.Text), lexicon, e.Leaf, e.Urgent)).ToList();
        var data = ml.Data.LoadFromEnumerable(rows);

        var text = new TextFeaturizingEstimator.Options
        {
            CaseMode = TextNormalizingEstimator.CaseMode.Lower,
            KeepDiacritics = true,
            KeepPunctuations = false,
            KeepNumbers = false,
            CharFeatureExtractor = new WordBagEstimator.Options { NgramLength = 3, UseAllLengths = true },
            WordFeatureExtractor = new WordBagEstimator.Options { NgramLength = 2, UseAllLengths = true },
            Norm = TextFeaturizingEstimator.NormFunction.L2,
        };
        var featurizer = ml.Transforms.Text.FeaturizeText("TextFeatures", text, nameof(TriageInput.Text))
            .Append(ml.Transforms.Concatenate("Features", "TextFeatures", nameof(TriageInput.Lexicon)))
            .Fit(data);
        var featurized = ml.Data.Cache(featurizer.Transform(data));

        var leafHead = ml.Transforms.Conversion.MapValueToKey("LabelKey", nameof(TriageInput.Label))
            .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(new Microsoft.ML.Trainers.SdcaMaximumEntropyMulticlassTrainer.Options
            {
                LabelColumnName = "LabelKey", FeatureColumnName = "Features", NumberOfThreads = 1, MaximumNumberOfIterations = 30,
                L2Regularization = 1e-4f,
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
