using System.Security.Cryptography;
using Kefu.Platform;
using Kefu.Platform.Audit;
using Kefu.Platform.Database;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Chat;

/// <summary>Widget sites: create, edit, rotate the verification secret. Used by the API and the admin page.</summary>
public sealed class ChatSiteService(UnitOfWork uow, AuditLog audit, TimeProvider time)
{
    private static readonly string[] KnownFields = ["name", "email", "phone"];

    public async Task<List<ChatSiteDto>> ListAsync(CancellationToken ct) =>
        [.. (await uow.Db.Set<ChatSite>().AsNoTracking().OrderBy(s => s.Id).ToListAsync(ct)).Select(ToDto)];

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

    public Task<ChatSiteDto> UpdateAsync(int id, SaveChatSiteRequest r, CancellationToken ct) => uow.RunAsync(async c =>
    {
        var site = await uow.Db.Set<ChatSite>().FirstOrDefaultAsync(s => s.Id == id, c) ?? throw DomainException.NotFound($"Chat site {id}");
        Apply(site, r);
        site.UpdatedAt = time.UtcNow();
        await audit.RecordAsync("chat_site", site.Id, "updated", new { site.Name, site.AllowedOrigins, site.TeamId }, c);
        return ToDto(site);
    }, ct);

    public Task<ChatSiteDto> RotateSecretAsync(int id, CancellationToken ct) => uow.RunAsync(async c =>
    {
        var site = await uow.Db.Set<ChatSite>().FirstOrDefaultAsync(s => s.Id == id, c) ?? throw DomainException.NotFound($"Chat site {id}");
        site.Secret = NewSecret();
        site.UpdatedAt = time.UtcNow();
        await audit.RecordAsync("chat_site", site.Id, "secret_rotated", null, c); // never the secret itself
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
    }

    private static string NewSecret() => "kss_" + RandomNumberGenerator.GetHexString(40, lowercase: true);

    public static ChatSiteDto ToDto(ChatSite s) => new(s.Id, s.Key, s.Name, s.Secret, s.TeamId,
        ChatService.Fields(s.AllowedOrigins, '\n'), s.Color, s.Greeting, s.OfflineMessage, ChatService.Fields(s.PreChatFields));
}
