using System.Net.Sockets;
using System.Text;
using MailKit;
using MailKit.Net.Imap;
using MimeKit;

namespace Kefu.Tests.Email;

/// <summary>
/// The real mail servers ./test.sh starts (scripts/start-mail.sh): a private dovecot where any user logs in with
/// "secret" and gets a fresh Maildir, and an SMTP sink writing each accepted message to a file.
/// </summary>
public static class MailServers
{
    public const string Password = "secret";

    private static string Env(string name) => Environment.GetEnvironmentVariable(name)
        ?? throw new InvalidOperationException($"{name} is not set: run the tests with ./test.sh, which starts dovecot and the SMTP sink.");

    public static int ImapPort => int.Parse(Env("KEFU_TEST_IMAP_PORT"));
    public static int ImapsPort => int.Parse(Env("KEFU_TEST_IMAPS_PORT"));
    public static int SmtpPort => int.Parse(Env("KEFU_TEST_SMTP_PORT"));
    public static string SmtpDir => Path.Combine(Env("KEFU_TEST_SMTP_DIR"), "new");

    /// <summary>A fresh IMAP user (its own empty INBOX).</summary>
    public static string NewUser(string prefix = "u") => $"{prefix}{Guid.NewGuid():N}"[..(prefix.Length + 12)];

    public static async Task AppendAsync(string user, MimeMessage message, string folder = "INBOX")
    {
        using var ms = new MemoryStream();
        await message.WriteToAsync(FormatOptions.Default, ms);
        await AppendRawAsync(user, ms.ToArray(), folder);
    }

    /// <summary>Deletes the folder (when it exists) and creates it again, empty: the server gives it a new UIDVALIDITY,
    /// which it returns.</summary>
    public static async Task<uint> RecreateFolderAsync(string user, string folder)
    {
        using var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", ImapPort, MailKit.Security.SecureSocketOptions.None);
        await client.AuthenticateAsync(user, Password);
        var root = client.GetFolder(client.PersonalNamespaces[0]);
        try { await (await client.GetFolderAsync(folder)).DeleteAsync(); }
        catch (FolderNotFoundException) { }
        var created = await root.CreateAsync(folder, true) ?? throw new InvalidOperationException($"{folder} was not created");
        await created.OpenAsync(FolderAccess.ReadOnly);
        var uidValidity = created.UidValidity;
        await client.DisconnectAsync(true);
        return uidValidity;
    }

    /// <summary>APPENDs bytes exactly as given (a literal8 when they hold NULs), so malformed mail stays malformed.</summary>
    public static async Task AppendRawAsync(string user, byte[] raw, string folder = "INBOX")
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", ImapPort);
        var stream = tcp.GetStream();
        var reader = new StreamReader(stream, Encoding.Latin1);
        await reader.ReadLineAsync(); // greeting
        await Command(stream, reader, "a1", $"a1 LOGIN {user} {Password}\r\n");
        var binary = raw.Contains((byte)0);
        var head = Encoding.ASCII.GetBytes($"a2 APPEND {folder} {(binary ? "~" : "")}{{{raw.Length}+}}\r\n");
        await stream.WriteAsync(head);
        await stream.WriteAsync(raw);
        await Command(stream, reader, "a2", "\r\n");
        await Command(stream, reader, "a3", "a3 LOGOUT\r\n", allowBye: true);
    }

    private static async Task Command(NetworkStream stream, StreamReader reader, string tag, string text, bool allowBye = false)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes(text));
        while (true)
        {
            var line = await reader.ReadLineAsync();
            if (line is null) { if (allowBye) return; throw new IOException("IMAP connection closed"); }
            if (line.StartsWith(tag + " ", StringComparison.Ordinal))
            {
                if (!line.StartsWith(tag + " OK", StringComparison.Ordinal)) throw new IOException($"IMAP {tag}: {line}");
                return;
            }
        }
    }

    /// <summary>The UIDs and flags of the user's INBOX (or another folder).</summary>
    public static async Task<List<(uint Uid, MessageFlags Flags)>> FlagsAsync(string user, string folder = "INBOX")
    {
        using var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", ImapPort, MailKit.Security.SecureSocketOptions.None);
        await client.AuthenticateAsync(user, Password);
        var f = await client.GetFolderAsync(folder);
        await f.OpenAsync(FolderAccess.ReadOnly);
        var items = f.Count == 0 ? [] : await f.FetchAsync(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.Flags);
        await client.DisconnectAsync(true);
        return [.. items.Select(i => (i.UniqueId.Id, i.Flags ?? MessageFlags.None))];
    }

    /// <summary>Messages the SMTP sink accepted whose envelope recipient is the address.</summary>
    public static List<MimeMessage> SentTo(string address, string? sinkDir = null)
    {
        sinkDir ??= SmtpDir;
        if (!Directory.Exists(sinkDir)) return [];
        var result = new List<MimeMessage>();
        foreach (var file in Directory.GetFiles(sinkDir).Order())
        {
            var m = MimeMessage.Load(file);
            if (m.Headers["X-Sink-Rcpt-To"]?.Contains(address, StringComparison.OrdinalIgnoreCase) == true) result.Add(m);
        }
        return result;
    }

    /// <summary>Waits for a condition the system reaches on its own (background handler), failing after a deadline.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, string what, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            if (await probe() is { } value) return value;
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException($"Timed out waiting for {what}");
            await Task.Delay(50);
        }
    }
}
