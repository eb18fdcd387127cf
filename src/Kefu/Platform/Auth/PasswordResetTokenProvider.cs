using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;

namespace Kefu.Platform.Auth;

/// <summary>
/// Password reset tokens: data-protected (expiry time, user, purpose, security stamp), valid for
/// <see cref="Lifespan"/>, or <see cref="InvitationLifespan"/> for the link in a new account's invitation. Identity's own DataProtectorTokenProvider reads the system clock; this one reads the
/// injected <see cref="TimeProvider"/> so expiry is testable. Single use: a reset changes the security stamp, which
/// every earlier token carries.
/// </summary>
public sealed class PasswordResetTokenProvider(IDataProtectionProvider protection, TimeProvider time) : IUserTwoFactorTokenProvider<StaffUser>
{
    public const string ProviderName = "KefuPasswordReset";
    public static readonly TimeSpan Lifespan = TimeSpan.FromHours(1);
    public static readonly TimeSpan InvitationLifespan = TimeSpan.FromDays(7);
    private readonly IDataProtector _protector = protection.CreateProtector("Kefu.Auth.PasswordReset.v1");

    public Task<string> GenerateAsync(string purpose, UserManager<StaffUser> manager, StaffUser user) =>
        GenerateAsync(purpose, manager, user, Lifespan);

    public async Task<string> GenerateAsync(string purpose, UserManager<StaffUser> manager, StaffUser user, TimeSpan lifespan)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true))
        {
            w.Write((time.GetUtcNow() + lifespan).UtcTicks);
            w.Write(await manager.GetUserIdAsync(user));
            w.Write(purpose);
            w.Write(await manager.GetSecurityStampAsync(user) ?? "");
        }
        return WebEncoders.Base64UrlEncode(_protector.Protect(ms.ToArray()));
    }

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<StaffUser> manager, StaffUser user)
    {
        try
        {
            using var r = new BinaryReader(new MemoryStream(_protector.Unprotect(WebEncoders.Base64UrlDecode(token))), Encoding.UTF8);
            var expires = new DateTimeOffset(r.ReadInt64(), TimeSpan.Zero);
            if (expires < time.GetUtcNow()) return false;
            if (r.ReadString() != await manager.GetUserIdAsync(user)) return false;
            if (r.ReadString() != purpose) return false;
            return r.ReadString() == (await manager.GetSecurityStampAsync(user) ?? "");
        }
        catch (Exception e) when (e is FormatException or System.Security.Cryptography.CryptographicException or EndOfStreamException or IOException)
        {
            return false; // tampered, truncated or from another key ring
        }
    }

    public Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<StaffUser> manager, StaffUser user) => Task.FromResult(false);
}
