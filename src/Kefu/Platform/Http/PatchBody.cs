using System.Text.Json;
using System.Text.Json.Nodes;

namespace Kefu.Platform.Http;

/// <summary>
/// A JSON merge-patch body: tells "absent" from "null" (null clears a field), reads each field with the API's JSON
/// rules and reports every bad or unknown field by name.
/// </summary>
public sealed class PatchBody
{
    private readonly JsonObject _json;
    private readonly JsonSerializerOptions _options;
    private readonly Dictionary<string, string[]> _errors = [];

    public PatchBody(JsonObject json, JsonSerializerOptions options, IEnumerable<string> allowed)
    {
        _json = json;
        _options = options;
        var known = allowed.ToHashSet(StringComparer.Ordinal);
        foreach (var (name, _) in json)
            if (!known.Contains(name)) _errors[name] = [$"Unknown field '{name}'. Allowed: {string.Join(", ", known)}."];
    }

    public bool Has(string name) => _json.ContainsKey(name);

    /// <summary>The field's value when present (default when JSON null); Present=false when the field is absent.</summary>
    public (bool Present, T? Value) Get<T>(string name)
    {
        if (!_json.TryGetPropertyValue(name, out var node)) return (false, default);
        if (node is null) return (true, default);
        try { return (true, node.Deserialize<T>(_options)); }
        catch (JsonException)
        {
            _errors[name] = [$"'{name}' has an invalid value ({Describe(node)}) for type {Describe(typeof(T))}."];
            return (false, default);
        }
    }

    public void Error(string name, string message) => _errors[name] = [message];

    /// <summary>Throws one 400 listing every field problem found so far.</summary>
    public void ThrowIfInvalid()
    {
        if (_errors.Count > 0)
            throw new DomainException(400, "Validation failed", "One or more fields are invalid.", _errors);
    }

    private static string Describe(JsonNode node) => node.ToJsonString() is { Length: <= 60 } s ? s : "value";

    private static string Describe(Type t)
    {
        var u = Nullable.GetUnderlyingType(t) ?? t;
        return u.IsEnum ? $"{u.Name} (one of: {string.Join(", ", Enum.GetNames(u).Select(JsonNamingPolicy.SnakeCaseLower.ConvertName))})" : u.Name;
    }
}
