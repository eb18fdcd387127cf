using Microsoft.Extensions.Localization;

namespace Kefu.Platform.Web;

/// <summary>
/// The error messages of one form, by field (camelCase, the keys of <see cref="DomainException.Errors"/>), shown next
/// to the field they belong to; anything that belongs to no field of the form goes to <see cref="Summary"/>.
/// </summary>
public sealed class FormErrors(params string[] fields)
{
    private readonly HashSet<string> _fields = new(fields, StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _messages = new(StringComparer.OrdinalIgnoreCase);

    public string? Summary { get; private set; }

    public string? this[string field] => _messages.GetValueOrDefault(field);

    public bool Any => _messages.Count > 0 || Summary is not null;

    public void Clear()
    {
        _messages.Clear();
        Summary = null;
    }

    /// <summary>Adds a message for a field (the first one per field is kept: one actionable message at a time).</summary>
    public void Add(string field, string message)
    {
        if (_fields.Contains(field)) _messages.TryAdd(field, message);
        else Summary ??= message;
    }

    public void AddSummary(string message) => Summary ??= message;

    /// <summary>Maps a rejected command onto the form, in the user's language. A conflict that names no field (a
    /// duplicate name) goes to <paramref name="conflictField"/>.</summary>
    public void Add(DomainException e, IStringLocalizer l, string? conflictField = null)
    {
        if (e.Errors is { Count: > 0 } errors)
        {
            foreach (var (field, messages) in errors)
                if (messages.FirstOrDefault() is { } m) Add(field, ErrorText.Translate(m, e.Status, field, l));
            return;
        }
        if (e.Status == 409 && conflictField is not null) { Add(conflictField, l["Validation.NameTaken"]); return; }
        AddSummary(ErrorText.ForStatus(e, l));
    }

    /// <summary>Runs one operation of the form: clears old messages, and turns a <see cref="DomainException"/> into
    /// messages. Returns whether it succeeded.</summary>
    public async Task<bool> RunAsync(Func<Task> operation, IStringLocalizer l, string? conflictField = null)
    {
        Clear();
        try
        {
            await operation();
            return true;
        }
        catch (DomainException e)
        {
            Add(e, l, conflictField);
            return false;
        }
    }
}
