using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Localization;

namespace Kefu.Platform.Web;

/// <summary>Checks a new password against Identity's configured rules before it is sent, so the message is in the
/// user's language and next to the field. The server checks again.</summary>
public static class PasswordRules
{
    /// <summary>The first rule the password breaks, or null.</summary>
    public static string? Check(string? password, PasswordOptions o, IStringLocalizer l)
    {
        if (string.IsNullOrEmpty(password)) return l["Validation.Required"];
        if (password.Length < o.RequiredLength) return l["Validation.PasswordTooShort", o.RequiredLength];
        if (password.Length > 128) return l["Validation.TooLong", 128];
        if (o.RequireDigit && !password.Any(char.IsAsciiDigit)) return l["Validation.PasswordDigit"];
        if (o.RequireLowercase && !password.Any(char.IsAsciiLetterLower)) return l["Validation.PasswordLower"];
        if (o.RequireUppercase && !password.Any(char.IsAsciiLetterUpper)) return l["Validation.PasswordUpper"];
        if (o.RequireNonAlphanumeric && password.All(char.IsLetterOrDigit)) return l["Validation.PasswordSymbol"];
        if (password.Distinct().Count() < o.RequiredUniqueChars) return l["Validation.PasswordUniqueChars", o.RequiredUniqueChars];
        return null;
    }
}
