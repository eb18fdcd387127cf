using System.Text.RegularExpressions;

namespace Kefu.Tests.Architecture;

public sealed partial class LocalizationTests
{
    /// <summary>audit.RecordAsync("entity", id, "action", …) with literal entity type and action.</summary>
    [GeneratedRegex("""RecordAsync\(\s*"([a-z_]+)"\s*,[^;]*?,\s*"([a-z_]+)"\s*,""")]
    private static partial Regex AuditRecord();

    [Fact]
    public void Every_audited_entity_type_and_action_has_a_label_for_the_audit_log_viewer()
    {
        // The audit log viewer shows entity types and actions through AuditEntity.* / AuditAction.*; without a key an
        // administrator reads the raw code ("year_imported", "chat_site").
        var defined = Keys(Neutral);
        var records = SourceFiles().SelectMany(f => AuditRecord().Matches(File.ReadAllText(f))).ToList();
        Assert.Contains(records, m => m.Groups[1].Value == "ticket"); // guards the regex
        var missing = records
            .SelectMany(m => new[] { "AuditEntity." + m.Groups[1].Value, "AuditAction." + m.Groups[2].Value })
            .Where(k => !defined.Contains(k))
            .Distinct()
            .Order()
            .ToList();
        Assert.True(missing.Count == 0, "Audit labels missing from the resx files: " + string.Join(", ", missing));
    }
}
