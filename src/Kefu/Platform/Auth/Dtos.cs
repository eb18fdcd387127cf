using System.ComponentModel.DataAnnotations;

namespace Kefu.Platform.Auth;

public sealed record LoginRequest([property: Required, MaxLength(256)] string UserName, [property: Required, MaxLength(256)] string Password);

public sealed record MeDto(Guid Id, string UserName, string DisplayName, string? Email, string[] Roles, string[] Permissions,
    int[] TeamIds, bool IsOutsourced, string Language, string TimeZone);

public sealed record UserDto(Guid Id, string UserName, string DisplayName, string? Email, string[] Roles, int[] TeamIds,
    bool IsOutsourced, bool IsActive, string Language, string TimeZone, DateTime CreatedAt, DateTime? LockedUntil = null);

/// <summary>A new staff account: with <see cref="Password"/>, or with <see cref="Invite"/> (and no password) a mail to
/// <see cref="Email"/> with a link to choose one (valid 7 days).</summary>
public sealed record CreateUserRequest(
    [property: Required, MaxLength(64), RegularExpression(@"^[A-Za-z0-9._@-]+$")] string UserName,
    [property: Required, MaxLength(100)] string DisplayName,
    [property: EmailAddress, MaxLength(256)] string? Email,
    [property: MinLength(8), MaxLength(128)] string? Password,
    [property: Required] string[] Roles,
    int[]? TeamIds,
    bool IsOutsourced,
    [property: MaxLength(10)] string? Language,
    bool Invite = false);

public sealed record UpdateUserRequest(
    [property: MaxLength(100)] string? DisplayName,
    [property: EmailAddress, MaxLength(256)] string? Email,
    string[]? Roles, int[]? TeamIds, bool? IsOutsourced, bool? IsActive,
    [property: MaxLength(10)] string? Language, [property: MaxLength(64)] string? TimeZone,
    [property: MinLength(8), MaxLength(128)] string? Password,
    bool? Unlock = null);

public sealed record TeamDto(int Id, string Name, string? Description, int Members, int Version);
public sealed record CreateTeamRequest([property: Required, MaxLength(100)] string Name, [property: MaxLength(1000)] string? Description);
public sealed record UpdateTeamRequest([property: MaxLength(100)] string? Name, [property: MaxLength(1000)] string? Description);

public sealed record TokenDto(long Id, Guid UserId, string Name, string Prefix, DateTime CreatedAt, DateTime? ExpiresAt,
    DateTime? RevokedAt, DateTime? LastUsedAt);
/// <summary>Returned once, at creation: the only time the token itself is shown.</summary>
public sealed record CreatedTokenDto(TokenDto Token, string Value) : Http.IShownOnce
{
    public Microsoft.AspNetCore.Mvc.ProblemDetails ReplayProblem() => Http.ProblemExceptionHandler.Problem(409, "Token already created",
        $"The first request with this Idempotency-Key created token {Token.Id} ('{Token.Name}', starting {Token.Prefix}). Its value is " +
        "shown only once and is not kept: if the first answer was lost, revoke that token and create a new one.", null);
}
public sealed record CreateTokenRequest([property: Required, MaxLength(100)] string Name, DateTime? ExpiresAt);

public sealed record ForgotPasswordRequest([property: Required, MaxLength(320)] string Email);

public sealed record ResetPasswordRequest(Guid UserId, [property: Required, MaxLength(2000)] string Token, [property: Required, MaxLength(256)] string Password);

public sealed record ForgotPasswordAccepted(string Message);
