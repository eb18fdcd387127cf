namespace Kefu.Platform;

/// <summary>Thrown inside a command to reject it; the transaction rolls back and the client gets a problem detail.</summary>
public class DomainException(int status, string title, string detail, IDictionary<string, string[]>? errors = null) : Exception(detail)
{
    public int Status { get; } = status;
    public string Title { get; } = title;
    public IDictionary<string, string[]>? Errors { get; } = errors;

    public static DomainException NotFound(string what) => new(404, "Not found", $"{what} was not found.");
    public static DomainException Forbidden(string detail) => new(403, "Forbidden", detail);
    public static DomainException Conflict(string detail) => new(409, "Conflict", detail);
    /// <summary>A 409 caused by one field's value (a name taken, an identity owned by someone else): names the field.</summary>
    public static DomainException Conflict(string field, string detail) =>
        new(409, "Conflict", detail, new Dictionary<string, string[]> { [field] = [detail] });
    public static DomainException Validation(string field, string message) =>
        new(400, "Validation failed", message, new Dictionary<string, string[]> { [field] = [message] });
}
