namespace Kefu.Chat;

/// <summary>Settings of the chat channel (section "Kefu:Chat").</summary>
public sealed class ChatOptions
{
    /// <summary>Base64 key for visitor tokens; when unset one is generated once under KEFU_DATA_DIR/chat (share it
    /// between nodes, or share the data folder).</summary>
    public string? VisitorKey { get; set; }
    /// <summary>Longest message text a visitor may send, in characters.</summary>
    public int MaxMessageChars { get; set; } = 5000;
    /// <summary>Largest widget upload in bytes (also bounded by Kefu:Attachments:MaxBytes).</summary>
    public long MaxUploadBytes { get; set; } = 10 * 1024 * 1024;
    /// <summary>Messages a visitor may send in any 10 seconds before being asked to slow down.</summary>
    public int VisitorBurst { get; set; } = 10;
    /// <summary>Messages all visitors behind one IP address may send in any 10 seconds.</summary>
    public int IpBurst { get; set; } = 60;
    /// <summary>A visitor who tries to send more than this many messages in a minute is flagged for review.</summary>
    public int FlagPerMinute { get; set; } = 30;
    /// <summary>Transcripts by e-mail a visitor may request per hour.</summary>
    public int TranscriptsPerHour { get; set; } = 3;
    /// <summary>Average handling time used for the estimated wait shown to queued visitors.</summary>
    public int AverageHandleSeconds { get; set; } = 120;
    /// <summary>Most widget sends stored in one transaction (group commit, decision 0013).</summary>
    public int MaxBatch { get; set; } = 64;
}
