using Kefu.Platform;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Kefu.Email;

/// <summary>
/// Mailbox passwords are stored encrypted with ASP.NET Core Data Protection; the key ring lives under
/// KEFU_DATA_DIR/keys (share that folder between nodes, or every node needs the same keys).
/// </summary>
public sealed class EmailSecrets
{
    private readonly IDataProtector _protector;

    public EmailSecrets(IOptions<KefuOptions> options)
    {
        var dir = new DirectoryInfo(Path.Combine(options.Value.DataDir, "keys"));
        dir.Create();
        _protector = DataProtectionProvider.Create(dir, b => b.SetApplicationName("Kefu")).CreateProtector("Kefu.Email.Mailbox.Password.v1");
    }

    public string? Protect(string? secret) => string.IsNullOrEmpty(secret) ? null : _protector.Protect(secret);

    public string? Unprotect(string? stored) => string.IsNullOrEmpty(stored) ? null : _protector.Unprotect(stored);
}
