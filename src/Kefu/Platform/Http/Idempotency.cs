using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Kefu.Platform.Database;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Options;

namespace Kefu.Platform.Http;

public sealed class IdempotencyRecord
{
    public long Id { get; set; }
    public Guid UserId { get; set; }
    public required string Key { get; set; }
    public required string RequestHash { get; set; }
    public int StatusCode { get; set; }
    public string? Location { get; set; }
    /// <summary>The first answer's ETag: a replay carries it with the body it describes.</summary>
    public string? ETag { get; set; }
    public required string ResponseBody { get; set; }
    public DateTime CreatedAt { get; set; }
}

internal sealed class IdempotencyConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> b)
    {
        b.ToTable("platform_idempotency");
        b.Property(x => x.Key).HasMaxLength(255);
        b.Property(x => x.RequestHash).HasMaxLength(64);
        b.Property(x => x.Location).HasMaxLength(500);
        b.Property(x => x.ETag).HasColumnName("etag").HasMaxLength(100);
        b.HasIndex(x => new { x.UserId, x.Key }).IsUnique();
        b.HasIndex(x => x.CreatedAt);
    }
}

/// <summary>A create's answer that holds a secret shown once (a token's value). Its idempotency record keeps no copy of
/// the secret, which would lie in the database in plain text for a day: a retry is answered with
/// <see cref="ReplayProblem"/> (409, naming what the first request created) instead of the first answer.</summary>
public interface IShownOnce
{
    Microsoft.AspNetCore.Mvc.ProblemDetails ReplayProblem();
}

/// <summary>Marks an endpoint that honours Idempotency-Key: <c>.Idempotent()</c> adds <see cref="IdempotencyFilter"/>
/// and this metadata, so a test can check that every create has it (a filter alone leaves no trace on the endpoint).</summary>
public sealed class IdempotentMetadata
{
    public static readonly IdempotentMetadata Instance = new();
    private IdempotentMetadata() { }
}

public static class IdempotencyEndpoints
{
    /// <summary>Honours Idempotency-Key on this endpoint (<see cref="IdempotencyFilter"/>).</summary>
    public static TBuilder Idempotent<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter<TBuilder, IdempotencyFilter>().WithMetadata(IdempotentMetadata.Instance);
}

/// <summary>
/// Honours Idempotency-Key on a create: the create and the stored response commit in one transaction, so a retry
/// after a lost response replays the original result (same status, same body, same ETag) and never creates twice. Reusing a
/// key for a different request is 422.
/// </summary>
public sealed class IdempotencyFilter : IEndpointFilter
{
    public const string Header = "Idempotency-Key";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var key = http.Request.Headers[Header].ToString();
        if (string.IsNullOrEmpty(key)) return await next(context);
        if (key.Length > 255)
            throw DomainException.Validation(Header, "Idempotency-Key must be at most 255 characters.");
        if (!Guid.TryParse(http.User.FindFirstValue(ClaimTypes.NameIdentifier), out var userId)) return await next(context);

        var services = http.RequestServices;
        var json = services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var time = services.GetRequiredService<TimeProvider>();
        var uow = services.GetRequiredService<UnitOfWork>();
        var hash = RequestHash(http, context.Arguments, json);

        var replay = await FindAsync(uow.Db, userId, key, hash, http.RequestAborted);
        if (replay is not null) return replay;

        try
        {
            return await uow.RunAsync(async ct =>
            {
                var result = await next(context);
                var inner = result is INestedHttpResult nested ? nested.Result : result;
                if (inner is IStatusCodeHttpResult { StatusCode: >= 200 and < 300 } ok and IValueHttpResult value)
                {
                    var once = (value.Value as IShownOnce)?.ReplayProblem();
                    uow.Db.IdempotencyRecords.Add(new IdempotencyRecord
                    {
                        UserId = userId, Key = key, RequestHash = hash, StatusCode = once?.Status ?? ok.StatusCode!.Value,
                        Location = inner.GetType().GetProperty("Location")?.GetValue(inner) as string,
                        ETag = once is null && http.Response.Headers.ETag.ToString() is { Length: > 0 and <= 100 } etag ? etag : null,
                        ResponseBody = once is null ? JsonSerializer.Serialize(value.Value, json) : JsonSerializer.Serialize(once, json),
                        CreatedAt = time.UtcNow(),
                    });
                }
                return result;
            }, http.RequestAborted);
        }
        catch (DbUpdateException) when (!http.RequestAborted.IsCancellationRequested)
        {
            // A concurrent retry with the same key won (PostgreSQL, many nodes): answer with its result.
            var raced = await FindAsync(uow.Db, userId, key, hash, http.RequestAborted);
            if (raced is null) throw;
            return raced;
        }
    }

    private static async Task<IResult?> FindAsync(KefuDb db, Guid userId, string key, string hash, CancellationToken ct)
    {
        var record = await db.IdempotencyRecords.AsNoTracking().FirstOrDefaultAsync(r => r.UserId == userId && r.Key == key, ct);
        if (record is null) return null;
        if (record.RequestHash != hash)
            throw new DomainException(422, "Idempotency key reused",
                "This Idempotency-Key was already used for a different request; use a new key for a new request.");
        return new Replay(record);
    }

    private static string RequestHash(HttpContext http, IList<object?> arguments, JsonSerializerOptions json)
    {
        var sb = new StringBuilder().Append(http.Request.Method).Append(' ').Append(http.Request.Path).Append('\n');
        foreach (var arg in arguments)
        {
            // The request's own values: route ids and the body (request DTOs are named *Request by convention).
            if (arg is IFormFile file)
            {
                sb.Append(file.FileName).Append(' ').Append(file.Length).Append(' ').Append(file.ContentType).Append('\n');
                continue;
            }
            var own = arg is string or long or int or Guid || arg?.GetType().Name.EndsWith("Request", StringComparison.Ordinal) == true;
            if (!own) continue;
            sb.Append(JsonSerializer.Serialize(arg, arg!.GetType(), json)).Append('\n');
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    private sealed class Replay(IdempotencyRecord record) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            http.Response.StatusCode = record.StatusCode;
            http.Response.Headers["Idempotent-Replayed"] = "true";
            if (!string.IsNullOrEmpty(record.Location)) http.Response.Headers.Location = record.Location;
            if (!string.IsNullOrEmpty(record.ETag)) http.Response.Headers.ETag = record.ETag;
            http.Response.ContentType = record.StatusCode >= 400 ? "application/problem+json; charset=utf-8" : "application/json; charset=utf-8";
            await http.Response.WriteAsync(record.ResponseBody, http.RequestAborted);
        }
    }
}
