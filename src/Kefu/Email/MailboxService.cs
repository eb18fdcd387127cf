using Kefu.Platform;
using Kefu.Platform.Audit;
using Kefu.Platform.Database;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Email;

/// <summary>Mailbox administration: create/update (passwords encrypted), connection test.</summary>
public sealed class MailboxService(UnitOfWork uow, EmailSecrets secrets, MailConnector connector, AuditLog audit, MailboxChanges changes,
    TimeProvider time)
{
    public Task<Mailbox> CreateAsync(MailboxRequest r, CancellationToken ct) => uow.RunAsync(async c =>
    {
        var now = time.UtcNow();
        var m = new Mailbox
        {
            Name = "", Address = "", ImapHost = "", ImapUser = "", SmtpHost = "", CreatedAt = now, Version = 1,
        };
        await ApplyAsync(m, r, c);
        uow.Db.Add(m);
        await uow.Db.SaveChangesAsync(c);
        await audit.RecordAsync("mailbox", m.Id, "created", new { m.Name, m.Address, m.ImapHost, m.SmtpHost }, c);
        uow.AfterCommit(changes.Notify);
        return m;
    }, ct);

    public Task<Mailbox> UpdateAsync(int id, MailboxRequest r, Action<int> checkVersion, CancellationToken ct) => uow.RunAsync(async c =>
    {
        var m = await uow.Db.Set<Mailbox>().FirstOrDefaultAsync(x => x.Id == id, c) ?? throw DomainException.NotFound($"Mailbox {id}");
        checkVersion(m.Version);
        await ApplyAsync(m, r, c);
        m.Version++;
        await audit.RecordAsync("mailbox", m.Id, "updated", new { m.Name, m.Address, m.ImapHost, m.SmtpHost, m.IsActive, m.TeamId, m.SendsSystemMail,
            imapPassword = r.ImapPassword is null ? "kept" : "changed", smtpPassword = r.SmtpPassword is null ? "kept" : "changed" }, c);
        uow.AfterCommit(changes.Notify);
        return m;
    }, ct);

    /// <summary>Deletes a mailbox that never received or sent mail; one with history is disabled instead (its records
    /// and tickets keep pointing at it).</summary>
    public Task DeleteAsync(int id, CancellationToken ct) => uow.RunAsync(async c =>
    {
        var m = await uow.Db.Set<Mailbox>().FirstOrDefaultAsync(x => x.Id == id, c) ?? throw DomainException.NotFound($"Mailbox {id}");
        if (await uow.Db.Set<EmailRecord>().AnyAsync(r => r.MailboxId == id, c) || await uow.Db.Set<OutboundEmail>().AnyAsync(o => o.MailboxId == id, c))
            throw DomainException.Validation("mailbox", "This mailbox has mail history: disable it instead of deleting it.");
        uow.Db.Remove(m);
        await audit.RecordAsync("mailbox", id, "deleted", new { m.Name, m.Address }, c);
        uow.AfterCommit(changes.Notify);
    }, ct);

    private async Task ApplyAsync(Mailbox m, MailboxRequest r, CancellationToken ct)
    {
        var address = r.Address.Trim().ToLowerInvariant();
        if (await uow.Db.Set<Mailbox>().AnyAsync(x => x.Address == address && x.Id != m.Id, ct))
            throw DomainException.Validation("address", "Another mailbox already uses this address.");
        if (r.TeamId is { } t && !await uow.Db.Teams.AnyAsync(x => x.Id == t, ct))
            throw DomainException.Validation("teamId", $"Team {t} does not exist.");
        if (r.ProcessedAction == ProcessedAction.Move && string.IsNullOrWhiteSpace(r.ProcessedFolder))
            throw DomainException.Validation("processedFolder", "Name the folder processed mail moves to.");
        m.Name = r.Name.Trim();
        m.Address = address;
        m.SenderName = Blank(r.SenderName);
        m.Signature = Blank(r.Signature);
        m.TeamId = r.TeamId;
        m.ImapHost = r.ImapHost.Trim();
        m.ImapPort = r.ImapPort;
        m.ImapSecurity = r.ImapSecurity;
        m.ImapUser = r.ImapUser.Trim();
        if (r.ImapPassword is not null) m.ImapPasswordProtected = secrets.Protect(r.ImapPassword);
        m.ImapFolder = Blank(r.ImapFolder) ?? "INBOX";
        m.UseIdle = r.UseIdle ?? true;
        m.PollSeconds = r.PollSeconds ?? 60;
        m.ProcessedAction = r.ProcessedAction ?? ProcessedAction.MarkSeen;
        m.ProcessedFolder = Blank(r.ProcessedFolder);
        m.SmtpHost = r.SmtpHost.Trim();
        m.SmtpPort = r.SmtpPort;
        m.SmtpSecurity = r.SmtpSecurity;
        m.SmtpUser = Blank(r.SmtpUser);
        if (r.SmtpPassword is not null) m.SmtpPasswordProtected = secrets.Protect(r.SmtpPassword);
        m.AllowInvalidCertificates = r.AllowInvalidCertificates ?? false;
        m.AutoAcknowledge = r.AutoAcknowledge ?? false;
        m.SubjectThreadingDays = r.SubjectThreadingDays ?? 0;
        m.IsActive = r.IsActive ?? true;
        // A request without the field keeps the choice; choosing this mailbox un-chooses the previous one.
        if (r.SendsSystemMail is { } system)
        {
            if (system && !m.SendsSystemMail)
                await uow.Db.Set<Mailbox>().Where(x => x.SendsSystemMail && x.Id != m.Id)
                    .ExecuteUpdateAsync(u => u.SetProperty(x => x.SendsSystemMail, false).SetProperty(x => x.Version, x => x.Version + 1), ct);
            m.SendsSystemMail = system;
        }
        m.UpdatedAt = time.UtcNow();
    }

    /// <summary>Connects to both servers with the stored settings and says which step failed.</summary>
    public async Task<ConnectionTestResult> TestAsync(Mailbox m, CancellationToken ct)
    {
        var imap = await CheckAsync(async () =>
        {
            using var client = await connector.OpenImapAsync(m, ct);
            await connector.OpenFolderAsync(client, m, ct);
            if (m.ProcessedAction == ProcessedAction.Move && m.ProcessedFolder is { } target)
            {
                try { await MailboxFetcher.TargetFolderAsync(client, target, ct); }
                catch (Exception e) when (e is MailKit.FolderNotFoundException or MailKit.Net.Imap.ImapCommandException)
                {
                    throw new MailConnectionException(MailFailureStage.Folder, $"Folder '{target}' cannot be created: {e.Message}", e);
                }
            }
            await client.DisconnectAsync(true, ct);
        });
        var smtp = await CheckAsync(async () =>
        {
            using var client = await connector.OpenSmtpAsync(m, ct);
            await client.DisconnectAsync(true, ct);
        });
        return new(imap, smtp);
    }

    private static async Task<ConnectionCheck> CheckAsync(Func<Task> check)
    {
        try
        {
            await check();
            return new(true, null, null);
        }
        catch (MailConnectionException e) { return new(false, e.Stage.ToString().ToLowerInvariant(), e.Message); }
        catch (Exception e) when (e is not OperationCanceledException) { return new(false, "other", e.Message); }
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
