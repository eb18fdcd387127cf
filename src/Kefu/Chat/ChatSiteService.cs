using System.Security.Cryptography;
using Kefu.Platform;
using Kefu.Platform.Audit;
using Kefu.Platform.Database;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Chat;

/// <summary>Widget sites: create, edit, rotate the verification secret, delete. Used by the API and the admin page.</summary>
public sealed class ChatSiteService(UnitOfWork uow, AuditLog audit, TimeProvider time, ChatService chat)
{
    private static readonly string[] KnownFields = ["name", "email", "phone"];

    /// <summary>The widget languages a site can have its own greeting and offline text in.</summary>
    public static readonly string[] Languages = ["zh-CN", "en"];

    public async Task<List<ChatSiteDto>> ListAsync(CancellationToken ct) =>
        [.. (await uow.Db.Set<ChatSite>().AsNoTracking().Where(s => s.DeletedAt == null).OrderBy(s => s.Id).ToListAsync(ct)).Select(ToDto)];

    /// <summary>A site that is not deleted (a deleted one is gone for the API and the admin page).</summary>
    private async Task<ChatSite> FindAsync(int id, CancellationToken ct) =>
        await uow.Db.Set<ChatSite>().FirstOrDefaultAsync(s => s.Id == id && s.DeletedAt == null, ct)
            ?? throw DomainException.NotFound($"Chat site {id}");

    public Task<ChatSiteDto> CreateAsync(SaveChatSiteRequest r, CancellationToken ct, string? key = null) => uow.RunAsync(async c =>
    {
        var now = time.UtcNow();
        var site = new ChatSite
        {
            Key = key ?? "ks_" + RandomNumberGenerator.GetHexString(16, lowercase: true),
            Name = "", Secret = NewSecret(), CreatedAt = now, UpdatedAt = now,
        };
        Apply(site, r);
        uow.Db.Add(site);
        await uow.Db.SaveChangesAsync(c);
        await audit.RecordAsync("chat_site", site.Id, "created", new { site.Name, site.Key }, c);
        return ToDto(site);
    }, ct);

    public async Task<ChatSiteDto> GetAsync(int id, CancellationToken ct) => ToDto(await FindAsync(id, ct));

    /// <summary>The site's ETag stamp: what a PUT sets (not the key or secret, which a PUT never changes).</summary>
    public static string Stamp(ChatSiteDto s) => Kefu.Platform.Http.ETags.ForContent(
        s.Name, s.TeamId, s.AllowedOrigins, s.Color, s.Greeting, s.OfflineMessage, s.PreChatFields, s.Greetings, s.OfflineMessages);

    /// <summary><paramref name="ifMatch"/> gets the stored site's stamp before anything changes (the API's If-Match).</summary>
    public Task<ChatSiteDto> UpdateAsync(int id, SaveChatSiteRequest r, CancellationToken ct, Action<string>? ifMatch = null) => uow.RunAsync(async c =>
    {
        if (ifMatch is not null) await uow.Db.LockRowAsync<ChatSite>(id, c); // the stamp is checked against the latest commit
        var site = await FindAsync(id, c);
        ifMatch?.Invoke(Stamp(ToDto(site)));
        Apply(site, r);
        site.UpdatedAt = time.UtcNow();
        await audit.RecordAsync("chat_site", site.Id, "updated", new { site.Name, site.AllowedOrigins, site.TeamId }, c);
        return ToDto(site);
    }, ct);

    public Task<ChatSiteDto> RotateSecretAsync(int id, CancellationToken ct) => uow.RunAsync(async c =>
    {
        await uow.Db.LockRowAsync<ChatSite>(id, c); // a delete committed meanwhile is seen: 404, not a rotated deleted site
        var site = await FindAsync(id, c);
        site.Secret = NewSecret();
        site.UpdatedAt = time.UtcNow();
        await audit.RecordAsync("chat_site", site.Id, "secret_rotated", null, c); // never the secret itself
        return ToDto(site);
    }, ct);

    /// <summary>
    /// Deletes a site (decision 0019): its key stops working at once (the widget is told "site_deleted"), its open
    /// chats end (the visitor sees the end; each ticket stays as it is, open for the agents to answer by e-mail), and
    /// its conversations, visitors and tickets are kept. The row stays, marked deleted, so history keeps its site and
    /// the key is never handed out again. Returns how many open chats were ended.
    /// </summary>
    public async Task<int> DeleteAsync(int id, CancellationToken ct)
    {
        var ended = await uow.RunAsync(async c =>
        {
            // Two deletes at once: the second waits for the first and finds the site gone (404), instead of deleting
            // it again (a second audit row, the deletion time moved).
            await uow.Db.LockRowAsync<ChatSite>(id, c);
            var site = await FindAsync(id, c);
            site.DeletedAt = time.UtcNow();
            site.UpdatedAt = site.DeletedAt.Value;
            var open = await chat.EndSiteConversationsAsync(site.Id, c);
            await audit.RecordAsync("chat_site", site.Id, "deleted", new { site.Name, site.Key, endedConversations = open.Count }, c);
            return open;
        }, ct);
        // The visitors of the ended chats learn it from ChatEnded (pushed after commit); the agents' queues change now.
        if (ended.Count > 0) await chat.PushQueueAsync(ct);
        return ended.Count;
    }

    /// <summary>The deleted sites, newest deletion first: what an admin can restore.</summary>
    public async Task<List<DeletedChatSiteDto>> ListDeletedAsync(CancellationToken ct) =>
        [.. (await uow.Db.Set<ChatSite>().AsNoTracking().Where(s => s.DeletedAt != null).ToListAsync(ct))
            .OrderByDescending(s => s.DeletedAt).Select(s => new DeletedChatSiteDto(s.Id, s.Key, s.Name, s.DeletedAt!.Value))];

    /// <summary>
    /// Restores a deleted site (undelete): the same key and secret work again at once, so pages that still embed the
    /// snippet get their widget back. The chats that the delete ended stay ended (their tickets went on by e-mail);
    /// visitors start new ones. Audited as <c>chat_site</c> / <c>restored</c>.
    /// </summary>
    public Task<ChatSiteDto> RestoreAsync(int id, CancellationToken ct) => uow.RunAsync(async c =>
    {
        await uow.Db.LockRowAsync<ChatSite>(id, c);
        var site = await uow.Db.Set<ChatSite>().FirstOrDefaultAsync(s => s.Id == id, c) ?? throw DomainException.NotFound($"Chat site {id}");
        if (site.DeletedAt is not { } deletedAt) throw DomainException.Conflict($"Chat site {id} is not deleted.");
        site.DeletedAt = null;
        site.UpdatedAt = time.UtcNow();
        await audit.RecordAsync("chat_site", site.Id, "restored", new { site.Name, site.Key, deletedAt }, c);
        return ToDto(site);
    }, ct);

    private void Apply(ChatSite site, SaveChatSiteRequest r)
    {
        if (string.IsNullOrWhiteSpace(r.Name) || r.Name.Length > 100) throw DomainException.Validation("name", "name must be 1 to 100 characters.");
        var origins = (r.AllowedOrigins ?? []).Select(o => o.Trim().TrimEnd('/')).Where(o => o.Length > 0).Distinct().ToArray();
        foreach (var o in origins)
            if (o != "*" && !(Uri.TryCreate(o, UriKind.Absolute, out var u) && (u.Scheme == "https" || u.Scheme == "http") && u.AbsolutePath == "/"))
                throw DomainException.Validation("allowedOrigins", $"'{o}' is not an origin such as https://shop.example.com.");
        var color = r.Color?.Trim() ?? site.Color;
        if (!System.Text.RegularExpressions.Regex.IsMatch(color, "^#[0-9a-fA-F]{6}$"))
            throw DomainException.Validation("color", "color is a hex colour such as #1565c0.");
        var fields = (r.PreChatFields ?? []).Select(f => f.Trim().ToLowerInvariant()).Distinct().ToArray();
        if (fields.Except(KnownFields).FirstOrDefault() is { } bad) throw DomainException.Validation("preChatFields", $"Unknown field '{bad}'; use name, email, phone.");
        site.Name = r.Name.Trim();
        site.TeamId = r.TeamId;
        site.AllowedOrigins = string.Join('\n', origins);
        site.Color = color;
        site.Greeting = (r.Greeting ?? "").Trim() is var g && g.Length <= 500 ? g : throw DomainException.Validation("greeting", "At most 500 characters.");
        site.OfflineMessage = (r.OfflineMessage ?? "").Trim() is var m && m.Length <= 500 ? m : throw DomainException.Validation("offlineMessage", "At most 500 characters.");
        site.PreChatFields = string.Join(',', fields);
        if (r.Greetings is { } greetings)
        {
            var byLanguage = Localized(greetings, "greetings");
            site.GreetingZhCn = byLanguage.GetValueOrDefault("zh-CN", "");
            site.GreetingEn = byLanguage.GetValueOrDefault("en", "");
        }
        if (r.OfflineMessages is { } offline)
        {
            var byLanguage = Localized(offline, "offlineMessages");
            site.OfflineMessageZhCn = byLanguage.GetValueOrDefault("zh-CN", "");
            site.OfflineMessageEn = byLanguage.GetValueOrDefault("en", "");
        }
    }

    /// <summary>Checks texts by language: known languages only (any letter case), at most 500 characters, trimmed.</summary>
    private static Dictionary<string, string> Localized(Dictionary<string, string?> texts, string field)
    {
        var result = new Dictionary<string, string>();
        foreach (var (key, value) in texts)
        {
            var language = Languages.FirstOrDefault(l => string.Equals(l, key, StringComparison.OrdinalIgnoreCase))
                ?? throw DomainException.Validation(field, $"Unknown language '{key}'; use {string.Join(" or ", Languages)}.");
            var text = (value ?? "").Trim();
            if (text.Length > 500) throw DomainException.Validation(field, $"At most 500 characters ({language}).");
            result[language] = text;
        }
        return result;
    }

    /// <summary>The per-language texts that are set, by language.</summary>
    internal static Dictionary<string, string> Texts(string zhCn, string en)
    {
        var texts = new Dictionary<string, string>();
        if (zhCn.Length > 0) texts["zh-CN"] = zhCn;
        if (en.Length > 0) texts["en"] = en;
        return texts;
    }

    private static string NewSecret() => "kss_" + RandomNumberGenerator.GetHexString(40, lowercase: true);

    public static ChatSiteDto ToDto(ChatSite s) => new(s.Id, s.Key, s.Name, s.Secret, s.TeamId,
        ChatService.Fields(s.AllowedOrigins, '\n'), s.Color, s.Greeting, s.OfflineMessage, ChatService.Fields(s.PreChatFields),
        Texts(s.GreetingZhCn, s.GreetingEn), Texts(s.OfflineMessageZhCn, s.OfflineMessageEn));
}
