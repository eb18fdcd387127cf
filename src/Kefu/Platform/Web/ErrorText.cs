using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Localization;

namespace Kefu.Platform.Web;

/// <summary>
/// Puts the services' messages (English, as the API returns them) into the user's language for the UI. Known
/// messages map to resources; an unknown one is shown as sent rather than hidden.
/// </summary>
public static class ErrorText
{
    private static readonly IdentityErrorDescriber Identity = new();

    /// <summary>For UI checks that reject an account which no longer exists or was deactivated meanwhile.</summary>
    public const string AccountGone = "The account does not exist or is deactivated.";

    /// <summary>Templated messages, matched with the values in them captured.</summary>
    private static readonly (Regex Pattern, Func<IStringLocalizer, GroupCollection, string> Text)[] Templates =
    [
        (Template(n => Identity.PasswordTooShort(n).Description), (l, g) => l["Validation.PasswordTooShort", g[1].Value]),
        (Template(n => Identity.PasswordRequiresUniqueChars(n).Description), (l, g) => l["Validation.PasswordUniqueChars", g[1].Value]),
        // TicketService: a reply or note to a ticket merged meanwhile.
        (new(@"^Ticket #(\d+) was merged into #(\d+); write there\.$", RegexOptions.CultureInvariant), (l, g) => l["Error.TicketMerged", g[1].Value, g[2].Value]),
    ];

    private static readonly Dictionary<string, Func<IStringLocalizer, string>> KnownMessages = new()
    {
        [Identity.PasswordRequiresDigit().Description] = l => l["Validation.PasswordDigit"],
        [Identity.PasswordRequiresLower().Description] = l => l["Validation.PasswordLower"],
        [Identity.PasswordRequiresUpper().Description] = l => l["Validation.PasswordUpper"],
        [Identity.PasswordRequiresNonAlphanumeric().Description] = l => l["Validation.PasswordSymbol"],
        [Identity.PasswordMismatch().Description] = l => l["Validation.WrongPassword"],
        // StaffService
        ["Already taken."] = l => l["Validation.UserNameTaken"],
        ["Give at least one role."] = l => l["Validation.RoleRequired"],
        ["You cannot deactivate yourself."] = l => l["Validation.CannotDeactivateSelf"],
        ["You cannot remove your own admin role."] = l => l["Validation.CannotRemoveOwnAdmin"],
        ["One or more teams do not exist."] = l => l["Validation.TeamsMissing"],
        // Teams, tags, taxonomy, tokens
        ["name must not be empty."] = l => l["Validation.Required"],
        ["name must be non-empty and contain no '/'."] = l => l["Validation.CategoryName"],
        ["The taxonomy has three levels; a level-3 category cannot have children."] = l => l["Validation.TooDeep"],
        ["expiresAt must be in the future."] = l => l["Validation.ExpiryInPast"],
        ["A tag is at most 50 characters."] = l => l["Validation.TagTooLong"],
        [AccountGone] = l => l["Validation.AccountGone"],
    };

    public static string Translate(string message, int status, string field, IStringLocalizer l)
    {
        if (Known(message, l) is { } known) return known;
        if (message.StartsWith("Unknown time zone", StringComparison.Ordinal)) return l["Validation.TimeZone"];
        if (message.StartsWith("Unknown language", StringComparison.Ordinal)) return l["Validation.Language"];
        if (status == 409) return l["Validation.NameTaken"];
        return message;
    }

    /// <summary>The message of a service's rejection for the UI, in the user's language: a known message translated,
    /// else the first field error (<see cref="Translate"/>), else one sentence per status (<see cref="ForStatus"/>).</summary>
    public static string Of(DomainException e, IStringLocalizer l)
    {
        if (Known(e.Message, l) is { } known) return known;
        if (e.Errors?.FirstOrDefault(kv => kv.Value.Length > 0) is { Key: { } field, Value: [var first, ..] }) return Translate(first, e.Status, field, l);
        return ForStatus(e, l);
    }

    private static string? Known(string message, IStringLocalizer l)
    {
        if (KnownMessages.TryGetValue(message, out var text)) return text(l);
        foreach (var (pattern, template) in Templates)
            if (pattern.Match(message) is { Success: true } m) return template(l, m.Groups);
        return null;
    }

    /// <summary>A message for a rejection that names no field.</summary>
    public static string ForStatus(DomainException e, IStringLocalizer l) => e.Status switch
    {
        401 or 403 => l["Error.Forbidden"],
        404 => l["Error.NotFound"],
        409 => l["Error.Conflict"],
        412 => l["Error.Stale"],
        _ => e.Message,
    };

    private static Regex Template(Func<int, string> describe) =>
        new("^" + Regex.Escape(describe(424242)).Replace("424242", @"(\d+)", StringComparison.Ordinal) + "$", RegexOptions.CultureInvariant);
}
