namespace Kefu.Tests.Architecture;

/// <summary>A merge that left its conflict markers in a file (it happened once, in docs/benchmarks.md) is caught here
/// rather than by a reader.</summary>
public sealed class MergeMarkerTests
{
    private static readonly string[] Extensions =
        [".cs", ".razor", ".resx", ".md", ".ts", ".mjs", ".css", ".json", ".sh", ".props", ".csproj", ".slnx", ".tsv", ".py"];

    private static readonly HashSet<string> Skipped = ["bin", "obj", "node_modules", ".git", "artifacts", "data", "wwwroot"];

    [Fact]
    public void No_file_holds_merge_conflict_markers()
    {
        var root = LocalizationTests.RepoRoot();
        var found = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => Extensions.Contains(Path.GetExtension(f)))
            .Where(f => !Path.GetRelativePath(root, f).Split(Path.DirectorySeparatorChar).Any(Skipped.Contains))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: Path.GetRelativePath(root, f), Line: i + 1, Text: line)))
            .Where(l => l.Text.StartsWith("<<<<<<< ", StringComparison.Ordinal) || l.Text.StartsWith(">>>>>>> ", StringComparison.Ordinal))
            .Select(l => $"{l.File}:{l.Line}")
            .ToList();
        Assert.Empty(found);
    }
}
