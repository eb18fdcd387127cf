using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Kefu.Platform;
using Microsoft.Extensions.Options;

namespace Kefu.Chat;

/// <summary>
/// Signed visitor tokens (the anonymous visitor's id, HMAC-SHA256 with a server key) and verification of the host
/// site's signed user ids (HMAC-SHA256 with the site's secret). Nothing a client says about who it is is believed
/// without one of these signatures.
/// </summary>
public sealed class VisitorTokens
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(365);
    private readonly byte[] _key;
    private readonly TimeProvider _time;

    public VisitorTokens(IOptions<ChatOptions> chat, IOptions<KefuOptions> kefu, TimeProvider time)
    {
        _time = time;
        _key = chat.Value.VisitorKey is { Length: > 0 } k ? Convert.FromBase64String(k) : LoadOrCreateKey(kefu.Value.DataDir);
        if (_key.Length < 32) throw new InvalidOperationException("Kefu:Chat:VisitorKey must be at least 32 bytes (base64).");
    }

    private static byte[] LoadOrCreateKey(string dataDir)
    {
        var path = Path.Combine(dataDir, "chat", "visitor.key");
        if (File.Exists(path)) return Convert.FromBase64String(File.ReadAllText(path).Trim());
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var key = RandomNumberGenerator.GetBytes(32);
        try
        {
            using var f = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
            f.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(key)));
            return key;
        }
        catch (IOException) when (File.Exists(path))
        {
            return Convert.FromBase64String(File.ReadAllText(path).Trim()); // another node/process won the race
        }
    }

    public string Issue(Guid visitorId, int siteId)
    {
        Span<byte> payload = stackalloc byte[28];
        visitorId.TryWriteBytes(payload[..16]);
        BinaryPrimitives.WriteInt64BigEndian(payload[16..24], _time.GetUtcNow().ToUnixTimeSeconds());
        BinaryPrimitives.WriteInt32BigEndian(payload[24..28], siteId);
        var mac = HMACSHA256.HashData(_key, payload);
        return Base64Url(payload) + "." + Base64Url(mac);
    }

    /// <summary>The visitor id in a token issued for this site, or null when forged, tampered, expired or foreign.</summary>
    public Guid? Validate(string? token, int siteId)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 200) return null;
        var dot = token.IndexOf('.');
        if (dot <= 0) return null;
        byte[] payload, mac;
        try { payload = FromBase64Url(token[..dot]); mac = FromBase64Url(token[(dot + 1)..]); }
        catch (FormatException) { return null; }
        if (payload.Length != 28 || !CryptographicOperations.FixedTimeEquals(mac, HMACSHA256.HashData(_key, payload))) return null;
        var issued = DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64BigEndian(payload.AsSpan(16, 8)));
        if (_time.GetUtcNow() - issued > Lifetime) return null;
        if (BinaryPrimitives.ReadInt32BigEndian(payload.AsSpan(24, 4)) != siteId) return null;
        return new Guid(payload.AsSpan(0, 16));
    }

    /// <summary>The signature a host site's server computes for its user: hex HMAC-SHA256(site secret, user id).</summary>
    public static string SignUser(string siteSecret, string userId) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(siteSecret), Encoding.UTF8.GetBytes(userId)));

    public static bool VerifyUser(string siteSecret, string userId, string? signature)
    {
        if (string.IsNullOrEmpty(signature) || signature.Length != 64) return false;
        var expected = Encoding.ASCII.GetBytes(SignUser(siteSecret, userId));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature.ToLowerInvariant()));
    }

    private static string Base64Url(ReadOnlySpan<byte> b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string s)
    {
        s = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='));
    }
}
