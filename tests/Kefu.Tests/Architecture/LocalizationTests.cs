using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Kefu.Tests.Architecture;

/// <summary>DESIGN.md: every UI string lives in the resx files, in both languages. These checks keep the two files in
/// step and catch a literal key used in a page that no file defines (it would show the key itself to users).</summary>
public sealed partial class LocalizationTests
{
    private const string Neutral = "src/Kefu/Resources/SharedResource.resx";
    private const string Chinese = "src/Kefu/Resources/SharedResource.zh-CN.resx";

    /// <summary>L["Key"] or L["Key", args…] with a literal key (interpolated keys such as L[$"Status.{s}"] are skipped).</summary>
    [GeneratedRegex("""\bL\[\s*"((?:[^"\\]|\\.)+)"\s*[\],]""")]
    private static partial Regex LiteralKey();

    [Fact]
    public void Both_resource_files_have_the_same_keys()
    {
        var neutral = Keys(Neutral);
        var chinese = Keys(Chinese);
        Assert.True(neutral.SetEquals(chinese),
            $"Only in {Path.GetFileName(Neutral)}: {string.Join(", ", neutral.Except(chinese).Order())}; " +
            $"only in {Path.GetFileName(Chinese)}: {string.Join(", ", chinese.Except(neutral).Order())}");
    }

    [Fact]
    public void Keys_are_unique_ignoring_case()
    {
        // The resx compiler drops keys that differ only in case (with a mere warning), so such a pair loses one text.
        foreach (var file in new[] { Neutral, Chinese })
        {
            var clashes = Keys(file).GroupBy(k => k, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => string.Join("/", g)).ToList();
            Assert.True(clashes.Count == 0, $"{Path.GetFileName(file)} has keys differing only in case: {string.Join(", ", clashes)}");
        }
    }

    [Fact]
    public void Every_literal_key_used_in_the_source_exists()
    {
        var defined = Keys(Neutral);
        var sources = SourceFiles().ToList();
        Assert.NotEmpty(sources);
        var missing = sources
            .SelectMany(f => LiteralKey().Matches(File.ReadAllText(f)).Select(m => (Key: m.Groups[1].Value, File: Path.GetRelativePath(RepoRoot(), f))))
            .Where(x => !defined.Contains(x.Key))
            .Select(x => $"{x.Key} ({x.File})")
            .Distinct()
            .Order()
            .ToList();
        Assert.True(missing.Count == 0, "Keys used but not in the resx files: " + string.Join("; ", missing));
    }

    [Fact]
    public void The_key_scan_finds_keys()
    {
        // Guards the regex: if it stopped matching, the test above would pass vacuously.
        var found = SourceFiles().SelectMany(f => LiteralKey().Matches(File.ReadAllText(f))).Select(m => m.Groups[1].Value).ToHashSet();
        Assert.Contains("Nav.SignOut", found);
        Assert.Contains("Validation.Required", found);
        Assert.DoesNotMatch(LiteralKey(), """L[$"Status.{s}"]""");
        Assert.Equal("Staff.EditOf", LiteralKey().Match("""L["Staff.EditOf", r.DisplayName]""").Groups[1].Value);
    }

    private static HashSet<string> Keys(string relative) =>
        XDocument.Load(Path.Combine(RepoRoot(), relative)).Root!.Elements("data")
            .Select(d => (string)d.Attribute("name")!).ToHashSet(StringComparer.Ordinal);

    private static IEnumerable<string> SourceFiles()
    {
        var src = Path.Combine(RepoRoot(), "src", "Kefu");
        return Directory.EnumerateFiles(src, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".razor", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal))
            .Where(f => !Path.GetRelativePath(src, f).Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"));
    }

    /// <summary>The folder holding Kefu.slnx: found from the test's output folder, or (when the build output lives
    /// outside the repository, e.g. --artifacts-path /tmp/…) from this source file's own path.</summary>
    internal static string RepoRoot([CallerFilePath] string thisFile = "") =>
        FindUp(AppContext.BaseDirectory) ?? FindUp(Path.GetDirectoryName(thisFile)!)
        ?? throw new InvalidOperationException($"Kefu.slnx not found above {AppContext.BaseDirectory} or {thisFile}.");

    private static string? FindUp(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Kefu.slnx"))) return dir.FullName;
        return null;
    }
}
