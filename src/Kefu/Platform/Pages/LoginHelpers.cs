namespace Kefu.Platform.Pages;

public static class LoginHelpers
{
    /// <summary>Only local paths: a return URL must never send a signed-in user to another site.</summary>
    public static string SafeReturnUrl(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal) ? url : "/";
}
