namespace Kefu.Email;

/// <summary>"Kefu:Email" settings.</summary>
public sealed class EmailOptions
{
    /// <summary>Run the background fetchers and the SMTP sender (tests drive them by hand instead).</summary>
    public bool Workers { get; set; } = true;
    /// <summary>Messages fetched and stored per transaction.</summary>
    public int BatchSize { get; set; } = 100;
    /// <summary>More mails than this from one sender within an hour are dropped (mail loop protection).</summary>
    public int SenderLimitPerHour { get; set; } = 30;
    /// <summary>Transient SMTP failures are retried this often (exponential backoff) before the mail fails.</summary>
    public int MaxSendAttempts { get; set; } = 8;
    public int RetryBaseSeconds { get; set; } = 30;
    public int ConnectTimeoutSeconds { get; set; } = 20;
}
