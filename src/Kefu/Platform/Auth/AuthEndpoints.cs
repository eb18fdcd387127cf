using Kefu.Platform.Audit;
using Kefu.Platform.Database;
using Kefu.Platform.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Platform.Auth;

/// <summary>Sign-in (cookie), the caller's own profile, staff, teams and personal access tokens.</summary>
public static class AuthEndpoints
{
    public static void MapAuthEndpoints(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/v1/auth").WithTags("Auth");
        auth.MapPost("/login", async (LoginRequest r, SignInManager<StaffUser> signIn, UserManager<StaffUser> users,
            UnitOfWork uow, AuditLog audit, CancellationToken ct) =>
        {
            var (found, user) = await Pages.LoginHelpers.FindAsync(users, r.UserName, ct);
            if (found == Pages.LoginHelpers.Found.SharedEmail)
                throw new DomainException(401, "Sign-in failed", "This e-mail address belongs to several accounts; sign in with your user name.",
                    new Dictionary<string, string[]> { ["userName"] = ["This e-mail address belongs to several accounts; use your user name."] });
            if (user is null || !user.IsActive)
                throw new DomainException(401, "Sign-in failed", "Wrong user name or password.");
            var result = await signIn.PasswordSignInAsync(user, r.Password, isPersistent: true, lockoutOnFailure: true);
            if (result.IsLockedOut)
                throw new DomainException(423, "Account locked", "Too many failed sign-ins; the account is locked for 15 minutes.");
            await uow.RunAsync(c => audit.RecordAsync("user", user.Id, result.Succeeded ? "signed_in" : "sign_in_failed", null, c), ct);
            if (!result.Succeeded) throw new DomainException(401, "Sign-in failed", "Wrong user name or password.");
            return TypedResults.NoContent();
        }).RequireRateLimiting(PlatformModule.LoginRateLimit).WithSummary("Cookie sign-in for staff (5 failures lock the account for 15 minutes).");

        auth.MapPost("/password/forgot", async (ForgotPasswordRequest r, PasswordResetService resets, HttpContext http, CancellationToken ct) =>
        {
            if (await resets.RequestAsync(r.Email, http.Request, ct) == ResetRequestOutcome.RateLimited)
                throw new DomainException(429, "Too many requests", "Too many password reset requests from this address; try again in 15 minutes.");
            return TypedResults.Accepted((string?)null, new ForgotPasswordAccepted("If the address belongs to an account, a reset link valid for one hour was sent to it."));
        }).WithSummary("Mail a password reset link (always 202, known address or not; 10 requests per 15 minutes per client, 3 links per account and hour).");

        auth.MapPost("/password/reset", async (ResetPasswordRequest r, PasswordResetService resets, CancellationToken ct) =>
        {
            var errors = await resets.ResetAsync(r.UserId, r.Token, r.Password, ct);
            if (errors.Count > 0)
                return Results.ValidationProblem(errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
                    title: "Password not reset");
            return Results.NoContent();
        }).RequireRateLimiting(PlatformModule.LoginRateLimit).WithSummary("Set a new password with the token from a reset link (valid one hour, once).");

        auth.MapPost("/logout", async (SignInManager<StaffUser> signIn) =>
        {
            await signIn.SignOutAsync();
            return TypedResults.NoContent();
        }).RequireAuthorization();

        app.MapGet("/api/v1/me", async (CurrentUser current, KefuDb db, CancellationToken ct) =>
        {
            var staff = await current.GetAsync(ct);
            var u = await db.Users.AsNoTracking().FirstAsync(x => x.Id == staff.UserId, ct);
            return TypedResults.Ok(new MeDto(u.Id, u.UserName!, u.DisplayName, u.Email, [.. staff.Roles], [.. staff.Permissions.Order()],
                [.. staff.TeamIds], u.IsOutsourced, u.Language, u.TimeZone));
        }).WithTags("Auth").RequireAuthorization();

        app.MapPost("/api/v1/me/password", async (ChangePasswordRequest r, CurrentUser current, UnitOfWork uow,
            SignInManager<StaffUser> signIn, ProfileService profile, StaffDirectory directory, HttpContext http, CancellationToken ct) =>
        {
            var staff = await current.GetAsync(ct);
            var user = await uow.RunAsync(c => profile.ChangePasswordAsync(staff.UserId, r, c), ct);
            directory.Invalidate(staff.UserId); // after the commit: no request can cache the old stamp again
            // The security stamp changed: re-issue this browser's cookie so it stays signed in (other sessions end).
            if (http.User.Identity?.AuthenticationType == IdentityConstants.ApplicationScheme) await signIn.RefreshSignInAsync(user);
            return TypedResults.NoContent();
        }).WithTags("Auth").RequireAuthorization().WithSummary("Change your own password (the current one is required).");

        MapTokens(app);
    }

    private static void MapTokens(IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/v1").WithTags("Tokens").RequireAuthorization();
        g.MapGet("/me/tokens", async (CurrentUser current, AccessTokenService tokens, CancellationToken ct) =>
        {
            var staff = await current.GetAsync(ct);
            return TypedResults.Ok(await tokens.ListForAsync(staff.UserId, ct));
        });
        g.MapPost("/me/tokens", async (CreateTokenRequest r, CurrentUser current, UnitOfWork uow, AccessTokenService tokens, CancellationToken ct) =>
        {
            var staff = await current.GetAsync(ct);
            var created = await uow.RunAsync(c => tokens.CreateAsync(staff.UserId, r, c), ct);
            return TypedResults.Created($"/api/v1/me/tokens/{created.Token.Id}", created);
        }).Idempotent().WithSummary("Create a personal access token; the value is shown only in this response.");
        g.MapPost("/users/{userId:guid}/tokens", async (Guid userId, CreateTokenRequest r, UnitOfWork uow, AccessTokenService tokens, CancellationToken ct) =>
        {
            if (!await uow.Db.Users.AnyAsync(u => u.Id == userId, ct)) throw DomainException.NotFound($"User {userId}");
            var created = await uow.RunAsync(c => tokens.CreateAsync(userId, r, c), ct);
            return TypedResults.Created($"/api/v1/users/{userId}/tokens/{created.Token.Id}", created);
        }).Idempotent().RequireAuthorization(Permissions.UsersManage).WithSummary("Admin: create a token for an integration account.");
        g.MapDelete("/me/tokens/{id:long}", async (long id, CurrentUser current, UnitOfWork uow, AccessTokenService tokens, CancellationToken ct) =>
        {
            var staff = await current.GetAsync(ct);
            await uow.RunAsync(c => tokens.RevokeAsync(id, staff, c), ct);
            return TypedResults.NoContent();
        }).WithSummary("Revoke a token (your own, or any with users.manage).");
    }
}
