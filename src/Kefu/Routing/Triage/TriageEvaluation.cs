namespace Kefu.Routing.Triage;

/// <summary>Accuracy of a model on labelled texts: leaf, level 1, and recall of the texts that must be urgent.</summary>
public sealed record TriageEvaluation(int Count, int LeafCorrect, int Level1Correct, int UrgentTotal, int UrgentFound, List<string> Misses)
{
    public double LeafAccuracy => Count == 0 ? 0 : (double)LeafCorrect / Count;
    public double Level1Accuracy => Count == 0 ? 0 : (double)Level1Correct / Count;
    public double UrgentRecall => UrgentTotal == 0 ? 1 : (double)UrgentFound / UrgentTotal;

    /// <summary>Evaluates the model alone, or the model with rules when <paramref name="isUrgent"/> is given.</summary>
    public static TriageEvaluation Run(TriageModel model, IEnumerable<TriageExample> examples, Func<string, TriagePrediction, bool>? isUrgent = null)
    {
        int n = 0, leaf = 0, l1 = 0, ut = 0, uf = 0;
        var misses = new List<string>();
        foreach (var e in examples)
        {
            var p = model.Predict(e.Text);
            n++;
            if (p.Leaf == e.Leaf) leaf++;
            else misses.Add($"{e.Leaf} → {p.Leaf} ({p.Confidence:0.00}): {e.Text}");
            if (p.Level1 == e.Leaf.Split('/')[0]) l1++;
            if (e.Urgent)
            {
                ut++;
                if (isUrgent?.Invoke(e.Text, p) ?? (p.UrgentProbability >= TriageModel.UrgentThreshold || p.UrgentWord)) uf++;
                else misses.Add($"MISSED URGENT: {e.Text}");
            }
        }
        return new TriageEvaluation(n, leaf, l1, ut, uf, misses);
    }

    public override string ToString() =>
        $"leaf {LeafAccuracy:P1} ({LeafCorrect}/{Count}), level-1 {Level1Accuracy:P1}, urgent recall {UrgentRecall:P0} ({UrgentFound}/{UrgentTotal})";
}
