namespace Kefu.Platform;

public static class TimeProviderExtensions
{
    /// <summary>UTC now as a DateTime (Kind=Utc), the form every table stores.</summary>
    public static DateTime UtcNow(this TimeProvider time) => time.GetUtcNow().UtcDateTime;
}
