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
            BadHttpRequestException b => Problem(b.StatusCode, "Bad request", b.Message, null),
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
        if (message.Contains("could not be converted", StringComparison.Ordinal))
            message = $"The value at '{field}' is not valid for its type (unknown enum value, wrong type or bad format).";
        return Problem(400, "Malformed request body", message, new Dictionary<string, string[]> { [FieldName(field)] = [message] });
    }

    /// <summary>A unique index refused the write: two requests raced to create the same row.</summary>
    internal static bool IsUniqueViolation(DbUpdateException e) => e.InnerException switch
    {
        Npgsql.PostgresException pg => pg.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation,
        Microsoft.Data.Sqlite.SqliteException sqlite => sqlite.SqliteErrorCode == 19 && sqlite.SqliteExtendedErrorCode is 2067 or 1555,
        _ => false,
    };

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
