using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Kefu.Platform.Http;

/// <summary>Makes the OpenAPI document say what the API does, for someone reading /api/docs or generating a client:
/// <list type="bullet">
/// <item>a request body's <c>required</c> lists only the fields a request must send ([Required], [JsonRequired]); the
/// generator otherwise lists every constructor parameter of a request record, optional ones included;</item>
/// <item>a body read as a raw JSON object (the merge-patch PATCHes) is documented with the fields it takes
/// (<c>.Accepts&lt;UpdateTicketRequest&gt;</c>) instead of an empty object;</item>
/// <item>the <c>Idempotency-Key</c> and <c>If-Match</c> headers the endpoints honour, and the RFC 9457 problem answered
/// on every 4xx.</item>
/// </list></summary>
public static class OpenApiDocs
{
    public const string ProblemSchema = "Problem";

    public static void Configure(OpenApiOptions o)
    {
        o.AddSchemaTransformer(RequiredOnlyWhenRequired);
        o.AddOperationTransformer(DocumentOperation);
        o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Components ??= new OpenApiComponents();
            doc.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
            doc.Components.Schemas[ProblemSchema] = Problem();
            return Task.CompletedTask;
        });
    }

    private static bool IsRequestType(Type type) =>
        type.Name.EndsWith("Request", StringComparison.Ordinal) || type.Name.EndsWith("Input", StringComparison.Ordinal);

    private static Task RequiredOnlyWhenRequired(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        var info = context.JsonTypeInfo;
        if (!IsRequestType(info.Type) || schema.Required is not { Count: > 0 } required) return Task.CompletedTask;
        foreach (var property in info.Properties)
        {
            var mustSend = property.IsRequired
                || property.AttributeProvider?.IsDefined(typeof(RequiredAttribute), inherit: true) == true;
            if (!mustSend) required.Remove(property.Name);
        }
        return Task.CompletedTask;
    }

    private static async Task DocumentOperation(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var endpoint = context.Description;
        var metadata = endpoint.ActionDescriptor.EndpointMetadata;
        var method = endpoint.HttpMethod ?? "";
        var path = "/" + (endpoint.RelativePath ?? "");

        // A raw JsonObject body (merge patch) documented as the request type the endpoint declares it accepts.
        var accepts = metadata.OfType<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>().LastOrDefault();
        if (accepts?.RequestType is { } requestType && requestType != typeof(JsonObject) && operation.RequestBody?.Content is { } content)
        {
            var schema = await context.GetOrCreateSchemaAsync(requestType, null, ct);
            foreach (var media in content.Values) media.Schema = schema;
        }

        operation.Parameters ??= [];
        if (metadata.OfType<IdempotentMetadata>().Any())
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = IdempotencyFilter.Header, In = ParameterLocation.Header, Required = false,
                Description = "Any unique value (at most 255 characters) per logical request. A retry with the same key and body " +
                    "answers as the first request did (header Idempotent-Replayed: true) without doing it again; the same key " +
                    "with another body is 422.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 255 },
            });
        if (HonoursIfMatch(method, path))
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = "If-Match", In = ParameterLocation.Header, Required = false,
                Description = "The ETag from your last read of this resource (e.g. \"3\"). If the resource changed since, the answer " +
                    "is 412 and nothing is written. Without it the last write wins.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
        if (operation.Parameters.Count == 0) operation.Parameters = null;

        operation.Responses ??= new OpenApiResponses();
        operation.Responses["4XX"] = new OpenApiResponse
        {
            Description = "An RFC 9457 problem detail: `errors` names each wrong field with the rule it breaks. 400 malformed " +
                "JSON, unknown field or enum value, over-long value, invalid status move; 401 not signed in; 403 role or team " +
                "scope; 404 unknown id; 409 conflict (name taken, closed ticket); 412 stale If-Match; 422 Idempotency-Key reused " +
                "with another body. A rejected request writes nothing.",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(ProblemSchema, context.Document) },
            },
        };
    }

    /// <summary>The writes that check If-Match: every PUT/PATCH of a resource and the merges. Not the presence switches
    /// (<c>PUT …/status</c>: the caller's own online state, no ETag) nor a calendar day (<c>PUT /calendars/{id}/days/{date}</c>,
    /// set whole, no version of its own).</summary>
    internal static bool HonoursIfMatch(string method, string path) => method switch
    {
        "PUT" or "PATCH" => !path.EndsWith("/status", StringComparison.Ordinal) && !path.Contains("/days/", StringComparison.Ordinal),
        "POST" => path.EndsWith("/merge", StringComparison.Ordinal),
        _ => false,
    };

    private static OpenApiSchema Problem() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "RFC 9457 problem detail.",
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri" },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "Field (JSON name, dotted for nested fields, `$` for the whole body) → what is wrong with it.",
                AdditionalProperties = new OpenApiSchema
                {
                    Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String },
                },
            },
            ["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String },
        },
        Required = new HashSet<string> { "type", "title", "status" },
    };
}
