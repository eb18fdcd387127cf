using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Kefu.Platform.Database;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Kefu.Platform.Auth;

/// <summary>Personal access tokens: "Authorization: Bearer kfp_…"; looked up by SHA-256 hash.</summary>
public sealed class TokenAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    IServiceScopeFactory scopes, IMemoryCache cache, TimeProvider time, TokenUseRecorder uses)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Token";
    public const string TokenPrefix = "kfp_";
    private static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan UseRecordInterval = TimeSpan.FromMinutes(1);

    public static string NewToken() => TokenPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static void Forget(IMemoryCache cache, string hash) => cache.Remove("pat:" + hash);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.NoResult();
        var token = header["Bearer ".Length..].Trim();
        if (token.Length is < 32 or > 200) return AuthenticateResult.Fail("Malformed token.");

        var hash = Hash(token);
        if (!cache.TryGetValue("pat:" + hash, out CachedToken? entry) || entry is null)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<KefuDb>();
            var now = time.UtcNow();
            var row = await db.AccessTokens.AsNoTracking()
                .Where(t => t.Hash == hash && t.RevokedAt == null && (t.ExpiresAt == null || t.ExpiresAt > now) && t.User.IsActive)
                .Select(t => new { t.UserId, t.Id })
                .FirstOrDefaultAsync(Context.RequestAborted);
            if (row is null) return AuthenticateResult.Fail("Unknown, expired or revoked token.");
            entry = new CachedToken(row.UserId, row.Id);
            cache.Set("pat:" + hash, entry, CacheLifetime);
        }
        MarkUsed(entry.TokenId);
        var userId = entry.UserId;
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, userId.ToString())], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    private sealed record CachedToken(Guid UserId, long TokenId);

    /// <summary>Records when a token was last used (the Tokens page shows it), at most once a minute per token and per
    /// node. The request only notes the use (<see cref="TokenUseRecorder"/> writes it in the background, outside the
    /// request's unit of work, never making the request wait for the write gate); a failed request still counts as a use.</summary>
    private void MarkUsed(long tokenId)
    {
        var key = "pat-used:" + tokenId;
        if (cache.TryGetValue(key, out _)) return;
        cache.Set(key, true, UseRecordInterval);
        uses.Note(tokenId, time.UtcNow());
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) => WriteUnauthorizedAsync(Context);

    /// <summary>The API's 401 (a bearer token that failed, or a request with no credentials reaching the cookie scheme):
    /// RFC 9110 §11.6.1 wants a WWW-Authenticate; the problem's detail tells a script with a mistyped or revoked token
    /// apart from one that sent none.</summary>
    internal static Task WriteUnauthorizedAsync(HttpContext http)
    {
        http.Response.StatusCode = 401;
        http.Response.Headers.WWWAuthenticate = "Bearer";
        var detail = http.Request.Headers.Authorization.Count > 0
            ? "The bearer token is malformed, unknown, expired or revoked; create one with POST /api/v1/me/tokens."
            : "Not signed in: send Authorization: Bearer <personal access token>, or sign in with POST /api/v1/auth/login.";
        return http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http, ProblemDetails = Http.ProblemExceptionHandler.Problem(401, "Unauthorized", detail, null),
        }).AsTask();
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
