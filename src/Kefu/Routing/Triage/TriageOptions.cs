namespace Kefu.Routing.Triage;

/// <summary>Settings under Kefu:Triage (KEFU_TRIAGE__… in the environment).</summary>
public sealed class TriageOptions
{
    /// <summary>Classify new tickets. Off: no model is trained and tickets are left as created.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Below this leaf probability the category stays unset and the ticket goes to manual triage.</summary>
    public double ConfidenceThreshold { get; set; } = 0.45;

    /// <summary>Tag put on tickets that need manual triage.</summary>
    public string ManualTag { get; set; } = "manual-triage";

    /// <summary>Optional team name for the manual-triage queue; when a team of that name exists, such tickets go to it.</summary>
    public string? ManualTeam { get; set; }

    /// <summary>Agent corrections needed before the background retrainer builds a new model version.</summary>
    public int RetrainMinExamples { get; set; } = 20;

    /// <summary>How often a node checks for new corrections and for versions trained by other nodes.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Where trained model files are cached; default &lt;KEFU_DATA_DIR&gt;/triage.</summary>
    public string? ModelCacheDir { get; set; }
}
