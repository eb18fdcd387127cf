using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Kefu.Platform.Http;

/// <summary>
/// The body of <c>/health/ready</c> for operators: the overall status and, per check, its name, status and
/// description (<c>{"status":"Unhealthy","checks":[{"name":"database","status":"Unhealthy","description":"3
/// migration(s) pending"}]}</c>). Only the descriptions the checks wrote themselves are shown: an exception's message
/// (what the framework puts in the description of a check that threw) can hold a host name or a connection string,
/// so it is replaced by "check failed". Exceptions stay in the log.
/// </summary>
public static class HealthResponse
{
    public const string CheckFailed = "check failed";

    public static async Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(http.Response.Body);
        json.WriteStartObject();
        json.WriteString("status", report.Status.ToString());
        json.WriteStartArray("checks");
        foreach (var (name, entry) in report.Entries)
        {
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteString("status", entry.Status.ToString());
            json.WriteString("description", Describe(entry));
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(http.RequestAborted);
    }

    /// <summary>What an operator may see of a check's result (never an exception's text).</summary>
    public static string? Describe(HealthReportEntry entry) =>
        entry.Exception is { } ex && (entry.Description is null || (ex.Message.Length > 0 && entry.Description.Contains(ex.Message, StringComparison.Ordinal)))
            ? CheckFailed
            : entry.Description;
}
