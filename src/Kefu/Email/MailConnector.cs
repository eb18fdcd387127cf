using System.Net.Sockets;
using System.Security.Authentication;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;

namespace Kefu.Email;

/// <summary>Which step of a connection failed, for a message an admin can act on.</summary>
public enum MailFailureStage { Dns, Connect, Tls, Auth, Folder, Other }

public sealed class MailConnectionException(MailFailureStage stage, string message, Exception? inner = null) : Exception(message, inner)
{
    public MailFailureStage Stage { get; } = stage;
}

/// <summary>Opens authenticated IMAP and SMTP connections for a mailbox, turning failures into clear stages.</summary>
public sealed class MailConnector(EmailSecrets secrets, IOptions<EmailOptions> options)
{
    public async Task<ImapClient> OpenImapAsync(Mailbox m, CancellationToken ct)
    {
        var client = new ImapClient { Timeout = options.Value.ConnectTimeoutSeconds * 1000 };
        if (m.AllowInvalidCertificates) client.ServerCertificateValidationCallback = (_, _, _, _) => true;
        try
        {
            await ConnectAsync(() => client.ConnectAsync(m.ImapHost, m.ImapPort, Socket(m.ImapSecurity), ct), m.ImapHost, m.ImapPort);
            await AuthenticateAsync(() => client.AuthenticateAsync(m.ImapUser, secrets.Unprotect(m.ImapPasswordProtected) ?? "", ct));
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public async Task<IMailFolder> OpenFolderAsync(ImapClient client, Mailbox m, CancellationToken ct)
    {
        try
        {
            var folder = await client.GetFolderAsync(m.ImapFolder, ct);
            await folder.OpenAsync(FolderAccess.ReadWrite, ct);
            return folder;
        }
        catch (Exception e) when (e is FolderNotFoundException or ImapCommandException)
        {
            throw new MailConnectionException(MailFailureStage.Folder, $"Folder '{m.ImapFolder}' cannot be opened: {e.Message}", e);
        }
    }

    public async Task<SmtpClient> OpenSmtpAsync(Mailbox m, CancellationToken ct)
    {
        var client = new SmtpClient { Timeout = options.Value.ConnectTimeoutSeconds * 1000 };
        if (m.AllowInvalidCertificates) client.ServerCertificateValidationCallback = (_, _, _, _) => true;
        try
        {
            await ConnectAsync(() => client.ConnectAsync(m.SmtpHost, m.SmtpPort, Socket(m.SmtpSecurity), ct), m.SmtpHost, m.SmtpPort);
            if (!string.IsNullOrEmpty(m.SmtpUser))
                await AuthenticateAsync(() => client.AuthenticateAsync(m.SmtpUser, secrets.Unprotect(m.SmtpPasswordProtected) ?? "", ct));
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private static SecureSocketOptions Socket(MailSecurity s) => s switch
    {
        MailSecurity.Tls => SecureSocketOptions.SslOnConnect,
        MailSecurity.StartTls => SecureSocketOptions.StartTls,
        _ => SecureSocketOptions.None,
    };

    private static async Task ConnectAsync(Func<Task> connect, string host, int port)
    {
        try { await connect(); }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain)
        {
            throw new MailConnectionException(MailFailureStage.Dns, $"The host name '{host}' cannot be resolved (DNS).", e);
        }
        catch (SocketException e)
        {
            throw new MailConnectionException(MailFailureStage.Connect, $"Cannot connect to {host}:{port}: {e.Message}", e);
        }
        catch (Exception e) when (e is SslHandshakeException or System.Security.Authentication.AuthenticationException)
        {
            throw new MailConnectionException(MailFailureStage.Tls, $"TLS with {host}:{port} failed (certificate or protocol): {FirstLine(e.Message)}", e);
        }
        catch (Exception e) when (e is ProtocolException or IOException or TimeoutException or OperationCanceledException && e is not TaskCanceledException)
        {
            throw new MailConnectionException(MailFailureStage.Connect, $"{host}:{port} did not answer as a mail server: {FirstLine(e.Message)}", e);
        }
        catch (NotSupportedException e)
        {
            throw new MailConnectionException(MailFailureStage.Tls, $"{host}:{port} does not support the chosen security (STARTTLS): {e.Message}", e);
        }
    }

    private static async Task AuthenticateAsync(Func<Task> auth)
    {
        try { await auth(); }
        catch (Exception e) when (e is MailKit.Security.AuthenticationException or ImapCommandException or SmtpCommandException or NotSupportedException)
        {
            throw new MailConnectionException(MailFailureStage.Auth, $"Sign-in refused: {FirstLine(e.Message)}", e);
        }
    }

    private static string FirstLine(string s) => s.Split('\n')[0].Trim();
}
