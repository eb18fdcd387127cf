using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using MimeKit;

namespace Kefu.Bench.Email;

/// <summary>The private dovecot of scripts/start-mail.sh: any user name, password "secret", its own INBOX.</summary>
public sealed class ImapServer(int port, string mailDir)
{
    public const string Password = "secret";
    public int Port => port;
    public string MailDir => mailDir;

    private async Task<ImapClient> ConnectAsync(string user)
    {
        var client = new ImapClient { Timeout = 120_000 };
        await client.ConnectAsync("127.0.0.1", port, SecureSocketOptions.None);
        await client.AuthenticateAsync(user, Password);
        return client;
    }

    /// <summary>Puts the messages into the user's INBOX in order (MULTIAPPEND, 500 a command), so UIDs follow the list.</summary>
    public async Task FillAsync(string user, List<BenchMail> mails)
    {
        using var client = await ConnectAsync(user);
        var inbox = client.Inbox;
        foreach (var chunk in mails.Chunk(500))
        {
            var requests = chunk.Select(m => (IAppendRequest)new AppendRequest(MimeMessage.Load(new MemoryStream(m.Raw)))).ToList();
            await inbox.AppendAsync(requests);
        }
        await client.DisconnectAsync(true);
    }

    public async Task WarmAsync(string user)
    {
        using var client = await ConnectAsync(user);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        await client.Inbox.SearchAsync(MailKit.Search.SearchQuery.All);
        await client.DisconnectAsync(true);
    }

    /// <summary>The baseline: what any IMAP consumer has to do — list the UIDs, fetch every full body in batches.</summary>
    public async Task<(int Count, long Bytes)> BareFetchAsync(string user, int batch)
    {
        using var client = await ConnectAsync(user);
        var inbox = (ImapFolder)client.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadOnly);
        var uids = await inbox.SearchAsync(MailKit.Search.SearchQuery.All);
        int count = 0;
        long bytes = 0;
        foreach (var chunk in uids.Chunk(batch))
        {
            var bodies = new List<byte[]>(chunk.Length);
            await inbox.GetStreamsAsync(chunk, async (f, index, uid, stream, c) =>
            {
                using var ms = new MemoryStream();
                await stream.CopyToAsync(ms, c);
                bodies.Add(ms.ToArray());
            });
            count += bodies.Count;
            bytes += bodies.Sum(b => (long)b.Length);
        }
        await client.DisconnectAsync(true);
        return (count, bytes);
    }
}
