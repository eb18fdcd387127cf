using Kefu.Platform.Audit;
using Kefu.Platform.Database;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace Kefu.Platform.Auth;

/// <summary>A token with the account it belongs to, for the admin list.</summary>
public sealed record TokenWithOwner(TokenDto Token, string OwnerName, string OwnerUserName);

/// <summary>Personal access tokens, for the API and the admin console. Runs inside the caller's unit of work.</summary>
public sealed class AccessTokenService(KefuDb db, AuditLog audit, TimeProvider time, IMemoryCache cache)
{

    /// <summary>Creates a token for a user; the value is returned here and never again (only its hash is kept).</summary>
    public Task<CreatedTokenDto> CreateAsync(Guid userId, CreateTokenRequest r, CancellationToken ct, string? value = null) =>
        Create(db, audit, time, userId, r, ct, value);

    internal static async Task<CreatedTokenDto> Create(KefuDb db, AuditLog audit, TimeProvider time, Guid userId, CreateTokenRequest r,
        CancellationToken ct, string? value = null)
    {
        if (string.IsNullOrWhiteSpace(r.Name)) throw DomainException.Validation("name", "name must not be empty.");
        if (r.ExpiresAt is { } e && e.ToUniversalTime() <= time.UtcNow())
            throw DomainException.Validation("expiresAt", "expiresAt must be in the future.");
        value ??= TokenAuthentication.NewToken();
        var token = new AccessToken
        {
            UserId = userId, Name = r.Name.Trim(), Hash = TokenAuthentication.Hash(value), Prefix = value[..8],
            CreatedAt = time.UtcNow(), ExpiresAt = r.ExpiresAt?.ToUniversalTime(),
        };
        db.AccessTokens.Add(token);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync("token", token.Id, "created", new { token.Name, userId }, ct);
        return new CreatedTokenDto(ToDto(token), value);
    }

    /// <summary>Revokes a token: the caller's own, or anyone's with users.manage. Takes effect at once on this node.</summary>
    public async Task RevokeAsync(long id, StaffContext actor, CancellationToken ct)
    {
        var t = await db.AccessTokens.FirstOrDefaultAsync(x => x.Id == id, ct);
        if (t is null || (t.UserId != actor.UserId && !actor.Can(Permissions.UsersManage))) throw DomainException.NotFound($"Token {id}");
        if (t.RevokedAt is not null) return;
        t.RevokedAt = time.UtcNow();
        TokenAuthentication.Forget(cache, t.Hash);
        await audit.RecordAsync("token", id, "revoked", new { t.Name, t.UserId }, ct);
    }

    public Task<List<TokenDto>> ListForAsync(Guid userId, CancellationToken ct) =>
        db.AccessTokens.AsNoTracking().Where(t => t.UserId == userId).OrderBy(t => t.Id).Select(t => ToDto(t)).ToListAsync(ct);

    /// <summary>Every token with its owner, newest first (admin view).</summary>
    public async Task<List<TokenWithOwner>> ListAllAsync(CancellationToken ct) =>
        (await db.AccessTokens.AsNoTracking().OrderByDescending(t => t.Id)
            .Select(t => new { Token = t, t.User.DisplayName, t.User.UserName }).ToListAsync(ct))
        .Select(x => new TokenWithOwner(ToDto(x.Token), x.DisplayName, x.UserName!)).ToList();

    public static TokenDto ToDto(AccessToken t) => new(t.Id, t.UserId, t.Name, t.Prefix, t.CreatedAt, t.ExpiresAt, t.RevokedAt, t.LastUsedAt);
}
