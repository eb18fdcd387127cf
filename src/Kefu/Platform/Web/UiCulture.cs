using System.Globalization;

namespace Kefu.Platform.Web;

/// <summary>
/// The circuit's language, captured when a component starts. Work that arrives from elsewhere (live updates raised
/// on the outbox dispatcher's thread) must render in the user's language, not in that thread's.
/// </summary>
public sealed record UiCulture(CultureInfo Culture, CultureInfo UiCultureInfo)
{
    public static UiCulture Capture() => new(CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);

    public void Apply()
    {
        CultureInfo.CurrentCulture = Culture;
        CultureInfo.CurrentUICulture = UiCultureInfo;
    }
}
