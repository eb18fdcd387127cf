using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Platform.Http;

/// <summary>Turns every failure into an RFC 9457 problem detail that says what was wrong and where.</summary>
public sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        var problem = exception switch
        {
            DomainException d => Problem(d.Status, d.Title, d.Message, d.Errors),
            BadHttpRequestException { InnerException: JsonException json } => JsonProblem(json),
            BadHttpRequestException b => BindingProblem(b),
            DbUpdateConcurrencyException => Problem(412, "Precondition failed",
                "The resource was changed by someone else; fetch it again and retry with its new ETag.", null),
            DbUpdateException u when IsUniqueViolation(u) => Problem(409, "Conflict",
                "A concurrent request created the same thing (e.g. the same customer identity) at the same moment; nothing " +
                "was written. Retry the request (with the same Idempotency-Key, if you sent one).", null),
            _ => null,
        };
        if (problem is null)
        {
            log.LogError(exception, "Unhandled exception for {Method} {Path}", http.Request.Method, http.Request.Path);
            problem = Problem(500, "Internal error", "An unexpected error occurred; it has been logged.", null);
        }
        http.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = exception });
    }

    private static ProblemDetails JsonProblem(JsonException json)
    {
        // System.Text.Json reports the JSON path ("$.priority") of the offending value.
        var field = string.IsNullOrEmpty(json.Path) ? "$" : json.Path;
        var message = json.Message.Split(" Path:", 2)[0];
        // [JsonRequired] members left out: "… was missing required properties including: 'kind', 'value'."
        if (message.Contains("missing required properties", StringComparison.Ordinal))
        {
            var missing = System.Text.RegularExpressions.Regex.Matches(message[message.IndexOf(':')..], "'([^']+)'").Select(m => m.Groups[1].Value).ToList();
            if (missing.Count > 0)
                return Problem(400, "Malformed request body", $"Required: {string.Join(", ", missing)}.",
                    missing.ToDictionary(m => m, _ => new[] { "Required." }));
        }
        if (message.Contains("could not be converted", StringComparison.Ordinal))
            message = $"The value at '{field}' is not valid for its type (unknown enum value, wrong type or bad format).";
        // "The JSON property 'x' could not be mapped to any .NET member contained in type 'Kefu.Tickets.…'": the C# type
        // means nothing to a caller; say it as the PATCH endpoints do.
        if (UnmappedMember.Match(message) is { Success: true } unmapped)
            message = $"Unknown field '{unmapped.Groups["name"].Value}'.";
        return Problem(400, "Malformed request body", message, new Dictionary<string, string[]> { [FieldName(field)] = [message] });
    }

    /// <summary>A unique index refused the write: two requests raced to create the same row.</summary>
    internal static bool IsUniqueViolation(DbUpdateException e) => e.InnerException switch
    {
        Npgsql.PostgresException pg => pg.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation,
        Microsoft.Data.Sqlite.SqliteException sqlite => sqlite.SqliteErrorCode == 19 && sqlite.SqliteExtendedErrorCode is 2067 or 1555,
        _ => false,
    };

    private static readonly System.Text.RegularExpressions.Regex UnmappedMember = new(
        "^The JSON property '(?<name>[^']*)' could not be mapped to any \\.NET member", System.Text.RegularExpressions.RegexOptions.Singleline);

    private static readonly System.Text.RegularExpressions.Regex BindFailure = new(
        "^Failed to bind parameter \"(?<type>[^\" ]+) (?<name>\\w+)\" from \"(?<value>.*)\"\\.?$", System.Text.RegularExpressions.RegexOptions.Singleline);

    /// <summary>A query or route value that did not convert (createdFrom=yesterday, teamId=abc): the minimal API's message
    /// names the C# parameter, so the problem names the query parameter and the format it expects.</summary>
    private static ProblemDetails BindingProblem(BadHttpRequestException b)
    {
        // No body at all where one is expected: the framework's words ("Implicit body inferred for parameter … Did you mean
        // to use a Service instead?") are about C#, not about the request.
        if (b.Message.StartsWith("Implicit body inferred", StringComparison.Ordinal)
            || b.Message.StartsWith("Required parameter", StringComparison.Ordinal) && b.Message.Contains("from body", StringComparison.Ordinal))
        {
            const string missing = "A JSON body is required (Content-Type: application/json).";
            return Problem(400, "Malformed request body", missing, new Dictionary<string, string[]> { ["$"] = [missing] });
        }
        if (BindFailure.Match(b.Message) is not { Success: true } m) return Problem(b.StatusCode, "Bad request", b.Message, null);
        var name = m.Groups["name"].Value;
        var field = char.ToLowerInvariant(name[0]) + name[1..];
        var type = m.Groups["type"].Value.TrimEnd('?');
        if (type.StartsWith("Nullable<", StringComparison.Ordinal)) type = type["Nullable<".Length..^1]; // [AsParameters] filters
        var expected = type switch
        {
            "DateTime" or "DateTimeOffset" => "an ISO 8601 date-time (e.g. 2026-11-24T08:00:00Z)",
            "DateOnly" => "a date (yyyy-MM-dd)",
            "int" or "long" or "short" or "Int32" or "Int64" => "an integer",
            "decimal" or "double" or "float" => "a number",
            "Guid" => "a UUID",
            "bool" or "Boolean" => "true or false",
            var other => $"a valid {other}",
        };
        var message = $"'{m.Groups["value"].Value}' is not {expected}.";
        return Problem(400, "Bad request", $"The parameter '{field}' is invalid: {message}",
            new Dictionary<string, string[]> { [field] = [message] });
    }

    internal static string FieldName(string jsonPath) => jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..] : jsonPath;

    internal static ProblemDetails Problem(int status, string title, string detail, IDictionary<string, string[]>? errors)
    {
        ProblemDetails p = errors is null ? new ProblemDetails() : new HttpValidationProblemDetails(errors);
        p.Status = status;
        p.Title = title;
        p.Detail = detail;
        p.Type = $"https://httpstatuses.io/{status}";
        return p;
    }
}
