using System.Diagnostics;
using Kefu.Routing.Triage;
using Microsoft.ML;

// Usage: dotnet Kefu.Bench.Triage.dll [holdout.tsv …] [--misses] [--eval] [--train=file.tsv] [--lexicon=file.tsv]
//   --eval       accuracy only (no latency loop): the fast loop while editing the training data
//   --misses     also the wrong lines, false urgents, what found each urgent line, and the confusion pairs (never on a blind set)
//   --set=name=value  a trainer setting other than the shipped one (charngrams, wordngrams, l2, iterations)
//   --train/--lexicon  read the training set / lexicon from files instead of the embedded ones (no rebuild needed)
var holdoutPaths = args.Where(a => !a.StartsWith("--")).DefaultIfEmpty("tests/Kefu.Tests/Routing/Data/triage-holdout.tsv").ToList();
var showMisses = args.Contains("--misses");
var evalOnly = args.Contains("--eval");
string? Opt(string name) => args.FirstOrDefault(a => a.StartsWith($"--{name}="))?[(name.Length + 3)..];
var lexicon = Opt("lexicon") is { } lexPath ? TriageLexicon.Read(new StreamReader(lexPath)) : TriageLexicon.LoadEmbedded();
var train = Opt("train") is { } trainPath ? TriageExample.ReadTsv(new StreamReader(trainPath)) : TriageExample.Shipped();
var settings = args.Where(a => a.StartsWith("--set=")).Select(a => a[6..].Split('=', 2))
    .Aggregate(TriageTrainerSettings.Default, (s, kv) => s.With(kv[0], kv[1]));
if (Opt("lexweight") is { } lw) { TriageModel.LexiconWeight = float.Parse(lw, System.Globalization.CultureInfo.InvariantCulture); Console.WriteLine($"lexicon weight {lw}"); }
if (settings != TriageTrainerSettings.Default) Console.WriteLine($"trainer settings: {settings}");
var dev = TriageExample.Dev();
var sets = new List<(string Name, List<TriageExample> Set)> { ("dev (triage-dev.tsv)", dev) };
foreach (var p in holdoutPaths.Where(File.Exists))
    sets.Add(($"holdout ({Path.GetFileName(p)})", TriageExample.ReadTsv(new StreamReader(p))));

// Training cost as the app pays it at first start: wall time and the managed memory it allocates and keeps.
GC.Collect();
var before = GC.GetTotalMemory(true);
var allocatedBefore = GC.GetTotalAllocatedBytes(true);
var sw = Stopwatch.StartNew();
var model = TriageTrainer.Train(train, lexicon, 1, settings);
var trainMs = sw.Elapsed.TotalMilliseconds;
var allocatedTraining = GC.GetTotalAllocatedBytes(true) - allocatedBefore;
var retained = GC.GetTotalMemory(true) - before;
Console.WriteLine($"trained on {train.Count} shipped lines in {trainMs:0} ms ({allocatedTraining / 1048576.0:0} MiB allocated while training, "
    + $"{retained / 1048576.0:0.0} MiB managed memory retained by the trained model, peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:0} MiB)");

var tmp = Path.Combine(Path.GetTempPath(), $"triage-bench-{Environment.ProcessId}.zip");
TriageTrainer.Save(model, tmp);
sw.Restart();
var loaded = TriageTrainer.Load(tmp, lexicon, 1);
Console.WriteLine($"model file {new FileInfo(tmp).Length / 1024.0:0} KiB, load {sw.Elapsed.TotalMilliseconds:0} ms");
File.Delete(tmp);

var confusion = new Dictionary<(string, string), int>();
foreach (var (name, set) in sets)
{
    var eval = TriageEvaluation.Run(loaded, set);
    var falseUrgent = set.Count(e => !e.Urgent && loaded.Predict(e.Text) is var p && (p.UrgentProbability >= TriageModel.UrgentThreshold || p.UrgentWord));
    // Which part of the urgent decision found each urgent line: the head alone, the words/takeover lists alone, or both.
    var urgentBy = set.Where(e => e.Urgent).Select(e => loaded.Predict(e.Text))
        .Select(p => (Head: p.UrgentProbability >= TriageModel.UrgentThreshold, p.UrgentWord)).ToList();
    Console.WriteLine($"{name}: {eval}, {falseUrgent}/{set.Count(e => !e.Urgent)} others flagged urgent "
        + $"(urgent found by head only {urgentBy.Count(u => u.Head && !u.UrgentWord)}, words only {urgentBy.Count(u => !u.Head && u.UrgentWord)}, both {urgentBy.Count(u => u.Head && u.UrgentWord)})");
    foreach (var e in set)
    {
        var p = loaded.Predict(e.Text);
        if (p.Leaf != e.Leaf) confusion[(Short(e.Leaf), Short(p.Leaf))] = confusion.GetValueOrDefault((Short(e.Leaf), Short(p.Leaf))) + 1;
    }
    if (showMisses)
    {
        foreach (var m in eval.Misses) Console.WriteLine("  " + m);
        foreach (var e in set.Where(e => !e.Urgent))
            if (loaded.Predict(e.Text) is var p && (p.UrgentProbability >= TriageModel.UrgentThreshold || p.UrgentWord))
                Console.WriteLine($"  FALSE URGENT (head {p.UrgentProbability:0.00}, word {p.UrgentWord}): {e.Text}");
        foreach (var e in set.Where(e => e.Urgent))
            if (loaded.Predict(e.Text) is var p)
                Console.WriteLine($"  urgent line (head {p.UrgentProbability:0.00}, word {p.UrgentWord}): {e.Text}");
    }
}
// With --misses only: summed over every set given, so it would tell about a blind holdout's errors (run.sh keeps them blind).
if (showMisses && confusion.Count > 0)
    Console.WriteLine("confusion pairs over all sets (expected → predicted × count): "
        + string.Join(", ", confusion.OrderByDescending(c => c.Value).Select(c => $"{c.Key.Item1}→{c.Key.Item2}×{c.Value}")));
if (evalOnly) return;

// Latency: the full classifier call (normalise, lexicon, ML.NET, hierarchy) against the bare ML.NET prediction engine
// on the same, already normalised inputs — what the featurisation around the model costs.
var texts = sets.SelectMany(s => s.Set).Select(e => e.Text).ToArray();
var ml = new MLContext();
var bare = ml.Model.CreatePredictionEngine<TriageInput, TriageOutput>(loaded.Transformer);
var prepared = texts.Select(t => new TriageInput { Text = TextNormalizer.Normalize(t), Lexicon = new float[TriageModel.LexiconSlots] }).ToArray();
for (var i = 0; i < 2000; i++) { loaded.Predict(texts[i % texts.Length]); bare.Predict(prepared[i % prepared.Length]); }
const int N = 20000;
var full = new double[N];
var raw = new double[N];
var gc0 = GC.CollectionCount(0);
var gc2 = GC.CollectionCount(2);
var allocated = GC.GetTotalAllocatedBytes();
for (var i = 0; i < N; i++)
{
    var t0 = Stopwatch.GetTimestamp();
    loaded.Predict(texts[i % texts.Length]);
    var t1 = Stopwatch.GetTimestamp();
    bare.Predict(prepared[i % prepared.Length]);
    var t2 = Stopwatch.GetTimestamp();
    full[i] = (t1 - t0) * 1000.0 / Stopwatch.Frequency;
    raw[i] = (t2 - t1) * 1000.0 / Stopwatch.Frequency;
}
double P(double[] xs, double q) { var s = xs.Order().ToArray(); return s[(int)Math.Min(s.Length - 1, Math.Round(q * (s.Length - 1)))]; }
Console.WriteLine($"latency over {N} classifications ({texts.Length} distinct texts, one thread; {(GC.GetTotalAllocatedBytes() - allocated) / (2.0 * N) / 1024:0.0} KiB allocated per call on average, {GC.CollectionCount(0) - gc0} gen0 / {GC.CollectionCount(2) - gc2} gen2 collections in the loop):");
Console.WriteLine($"  classifier p50 {P(full, .5):0.000} ms  p99 {P(full, .99):0.000} ms  max {full.Max():0.000} ms");
Console.WriteLine($"  bare ML.NET engine p50 {P(raw, .5):0.000} ms  p99 {P(raw, .99):0.000} ms  max {raw.Max():0.000} ms");
Console.WriteLine($"  ratio p50 {P(full, .5) / P(raw, .5):0.00}x  p99 {P(full, .99) / P(raw, .99):0.00}x");

static string Short(string leaf) => leaf[(leaf.LastIndexOf('/') + 1)..];
