using System.Text.Json;
using System.Text.Json.Serialization;

namespace Kefu.Platform;

/// <summary>The JSON shape of everything Kefu writes: camelCase, enums as snake_case strings.</summary>
public static class KefuJson
{
    /// <summary>For data Kefu stores itself (outbox payloads, audit changes): lenient on read, so old rows still load.</summary>
    public static readonly JsonSerializerOptions Stored = Create(strict: false);

    /// <summary>Applies the API's rules: strict on read (unknown fields and integer enums are errors).</summary>
    public static void Configure(JsonSerializerOptions o, bool strict = true)
    {
        o.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        o.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        o.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        if (strict) o.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
    }

    private static JsonSerializerOptions Create(bool strict)
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Configure(o, strict);
        return o;
    }
}
