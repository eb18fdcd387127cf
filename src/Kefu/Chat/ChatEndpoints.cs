using Kefu.Platform;
using Kefu.Platform.Auth;
using Kefu.Platform.Database;
using Kefu.Platform.Http;
using Kefu.Platform.Presence;
using Kefu.Platform.Text;
using Kefu.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kefu.Chat;

public sealed record AgentStatusRequest(AgentStatus Status, int? MaxChats);
public sealed record TransferRequest(Guid? ToAgentId, int? ToTeamId, string Note);
public sealed record AgentMessageRequest(string ClientId, string Text);

public static class ChatEndpoints
{
    public const string WidgetCors = "widget";

    /// <summary>What the widget may upload: pictures and common documents, checked by extension and content.</summary>
    private static readonly Dictionary<string, string> AllowedTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".png"] = "image/png", [".jpg"] = "image/jpeg", [".jpeg"] = "image/jpeg", [".gif"] = "image/gif", [".webp"] = "image/webp",
        [".pdf"] = "application/pdf", [".txt"] = "text/plain", [".docx"] = "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        [".xlsx"] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", [".zip"] = "application/zip",
    };

    public static void MapChatEndpoints(this IEndpointRouteBuilder app)
    {
        // --- widget (visitors: authenticated by site key + signed visitor token, cross-origin)
        var widget = app.MapGroup("/api/v1/widget").WithTags("Chat widget").RequireCors(WidgetCors).AllowAnonymous();

        widget.MapPost("/uploads", async (HttpRequest request, IFormFile file, KefuDb db, VisitorTokens tokens, AttachmentStore store,
            UnitOfWork uow, IOptions<ChatOptions> options, TimeProvider time, CancellationToken ct) =>
        {
            var (site, visitorId) = await VisitorAsync(request, db, tokens, ct);
            var max = Math.Min(options.Value.MaxUploadBytes, store.MaxBytes);
            if (file.Length > max) throw new DomainException(413, "File too large", $"Files are limited to {max / 1024 / 1024} MB.");
            var ext = Path.GetExtension(file.FileName);
            if (!AllowedTypes.TryGetValue(ext, out var type))
                throw DomainException.Validation("file", $"This type of file cannot be sent; allowed: {string.Join(", ", AllowedTypes.Keys)}.");
            await using var content = file.OpenReadStream();
            if (!await ContentMatchesAsync(content, type, ct)) throw DomainException.Validation("file", "The file's content does not match its type.");
            content.Position = 0;
            var a = await store.SaveAsync(content, file.FileName, type, file.Length, ChatService.System, ct);
            await uow.RunAsync(c => { db.Add(new ChatUpload { AttachmentId = a.Id, VisitorId = visitorId, CreatedAt = time.UtcNow() }); return Task.CompletedTask; }, ct);
            return TypedResults.Ok(new ChatAttachmentDto(a.Id, a.FileName, a.ContentType, a.Size));
        }).DisableAntiforgery().WithSummary("Visitor upload (headers X-Kefu-Site and X-Kefu-Visitor); send its id in a message's attachmentIds.");

        widget.MapGet("/attachments/{id:long}", async (long id, string site, string token, KefuDb db, VisitorTokens tokens,
            AttachmentStore store, CancellationToken ct) =>
        {
            var s = await db.Set<ChatSite>().AsNoTracking().FirstOrDefaultAsync(x => x.Key == site, ct) ?? throw DomainException.NotFound("Site");
            if (s.DeletedAt is not null) throw SiteGone();
            var visitorId = tokens.Validate(token, s.Id) ?? throw new DomainException(401, "Unauthorized", "Invalid visitor token.");
            var a = await db.Set<Attachment>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw DomainException.NotFound("Attachment");
            var mine = await db.Set<ChatUpload>().AnyAsync(u => u.AttachmentId == id && u.VisitorId == visitorId, ct)
                || (a.MessageId is { } mid && await db.Set<ChatConversation>().AnyAsync(c => c.VisitorId == visitorId &&
                    db.Set<Message>().Any(m => m.Id == mid && m.TicketId == c.TicketId && m.Kind != MessageKind.InternalNote), ct));
            if (!mine) throw DomainException.NotFound("Attachment");
            return Results.File(store.PathOf(a), a.ContentType, a.FileName);
        });

        // --- agents
        var agents = app.MapGroup("/api/v1/chat").WithTags("Chat").RequireAuthorization(Permissions.TicketsWrite);
        agents.MapPut("/status", async (AgentStatusRequest r, CurrentUser user, ChatService chat, CancellationToken ct) =>
        {
            await chat.SetStatusAsync(await user.GetAsync(ct), r.Status, r.MaxChats, ct);
            return TypedResults.NoContent();
        }).WithSummary("Set my chat status (online, away, offline) and concurrent-chat limit.");
        agents.MapGet("/queue", async (CurrentUser user, ChatService chat, CancellationToken ct) =>
        {
            var staff = await user.GetAsync(ct);
            return await chat.QueueAsync(staff.SeesAllTickets ? null : staff.TeamIds, ct);
        }).WithSummary("Chats waiting for an agent (queued first, then left messages), oldest first.");
        agents.MapGet("/tickets/{ticketId:long}", async (long ticketId, CurrentUser user, TicketQueries queries, ChatService chat, CancellationToken ct) =>
        {
            var staff = await user.GetAsync(ct);
            await queries.LoadAsync(ticketId, staff, track: false, ct); // same visibility as the ticket
            return await chat.InfoAsync(ticketId, staff, ct) is { } info ? Results.Ok(info) : Results.NotFound();
        });
        agents.MapGet("/conversations/{id:long}/messages", async (long id, long? after, CurrentUser user, ChatService chat, KefuDb db, TicketQueries queries, CancellationToken ct) =>
        {
            await CheckVisibleAsync(id, user, db, queries, ct);
            var messages = await chat.MessagesAsync(id, after ?? 0, 500, ct);
            // What the customer typed is masked for outsourced staff, as in the ticket's thread.
            return (await user.GetAsync(ct)).MasksPii ? [.. messages.Select(m => m with { Body = PiiMasker.Text(m.Body) })] : messages;
        });
        agents.MapPost("/conversations/{id:long}/accept", async (long id, CurrentUser user, ChatService chat, KefuDb db, TicketQueries queries, CancellationToken ct) =>
        {
            await CheckVisibleAsync(id, user, db, queries, ct);
            await chat.AcceptAsync(id, await user.GetAsync(ct), ct);
            return TypedResults.NoContent();
        });
        agents.MapPost("/conversations/{id:long}/transfer", async (long id, TransferRequest r, CurrentUser user, ChatService chat, KefuDb db, TicketQueries queries, CancellationToken ct) =>
        {
            await CheckVisibleAsync(id, user, db, queries, ct);
            await chat.TransferAsync(id, r.ToAgentId, r.ToTeamId, r.Note, await user.GetAsync(ct), ct);
            return TypedResults.NoContent();
        });
        agents.MapPost("/conversations/{id:long}/end", async (long id, CurrentUser user, ChatService chat, KefuDb db, TicketQueries queries, CancellationToken ct) =>
        {
            await CheckVisibleAsync(id, user, db, queries, ct);
            await chat.EndAsync(id, await user.GetAsync(ct), ct);
            return TypedResults.NoContent();
        });
        agents.MapPost("/conversations/{id:long}/messages", async (long id, AgentMessageRequest r, CurrentUser user, ChatService chat, KefuDb db, TicketQueries queries, CancellationToken ct) =>
        {
            await CheckVisibleAsync(id, user, db, queries, ct);
            return await chat.SendAgentMessageAsync(id, r.ClientId, r.Text, await user.GetAsync(ct), ct);
        }).WithSummary("Send a chat message (a public reply on the chat's ticket), deduplicated by clientId.");

        // --- admin
        var admin = app.MapGroup("/api/v1/chat/sites").WithTags("Chat").RequireAuthorization(Permissions.ChannelsManage);
        admin.MapGet("", (ChatSiteService sites, CancellationToken ct) => sites.ListAsync(ct));
        admin.MapPost("", async (SaveChatSiteRequest r, ChatSiteService sites, HttpContext http, CancellationToken ct) =>
        {
            var site = await sites.CreateAsync(r, ct);
            ETags.SetStamp(http, ChatSiteService.Stamp(site));
            return TypedResults.Created($"/api/v1/chat/sites/{site.Id}", site);
        }).Idempotent();
        admin.MapGet("/{id:int}", async (int id, ChatSiteService sites, HttpContext http, CancellationToken ct) =>
        {
            var site = await sites.GetAsync(id, ct);
            ETags.SetStamp(http, ChatSiteService.Stamp(site));
            return TypedResults.Ok(site);
        }).WithSummary("One site, with its ETag for If-Match on PUT.");
        admin.MapPut("/{id:int}", async (int id, SaveChatSiteRequest r, ChatSiteService sites, HttpContext http, CancellationToken ct) =>
        {
            var site = await sites.UpdateAsync(id, r, ct, stamp => ETags.CheckStamp(http, stamp));
            ETags.SetStamp(http, ChatSiteService.Stamp(site));
            return TypedResults.Ok(site);
        }).WithSummary("Replace a site's settings; send If-Match with the ETag you read (412 when it changed since).");
        admin.MapPost("/{id:int}/rotate-secret", (int id, ChatSiteService sites, CancellationToken ct) => sites.RotateSecretAsync(id, ct));
        admin.MapDelete("/{id:int}", async (int id, ChatSiteService sites, CancellationToken ct) =>
        {
            await sites.DeleteAsync(id, ct);
            return TypedResults.NoContent();
        }).WithSummary("Delete a site: its key stops working (the widget is told site_deleted), its open chats end, its conversations stay as tickets (decision 0019).");
        admin.MapGet("/deleted", (ChatSiteService sites, CancellationToken ct) => sites.ListDeletedAsync(ct))
            .WithSummary("Deleted sites, newest deletion first (to restore one).");
        admin.MapPost("/{id:int}/restore", (int id, ChatSiteService sites, CancellationToken ct) => sites.RestoreAsync(id, ct))
            .WithSummary("Restore a deleted site: its key and secret work again; the chats its deletion ended stay ended (409 if it is not deleted).");
    }

    private static async Task CheckVisibleAsync(long conversationId, CurrentUser user, KefuDb db, TicketQueries queries, CancellationToken ct)
    {
        var ticketId = await db.Set<ChatConversation>().Where(c => c.Id == conversationId).Select(c => (long?)c.TicketId).FirstOrDefaultAsync(ct)
            ?? throw DomainException.NotFound("Chat");
        await queries.LoadAsync(ticketId, await user.GetAsync(ct), track: false, ct);
    }

    private static async Task<(ChatSite Site, Guid VisitorId)> VisitorAsync(HttpRequest request, KefuDb db, VisitorTokens tokens, CancellationToken ct)
    {
        var key = request.Headers["X-Kefu-Site"].ToString();
        var site = await db.Set<ChatSite>().AsNoTracking().FirstOrDefaultAsync(s => s.Key == key, ct)
            ?? throw new DomainException(401, "Unauthorized", "Unknown site key.");
        if (site.DeletedAt is not null) throw SiteGone();
        if (!ChatService.OriginAllowed(site, request.Headers.Origin.ToString()))
            throw DomainException.Forbidden("This web site may not embed the chat widget.");
        var visitor = tokens.Validate(request.Headers["X-Kefu-Visitor"].ToString(), site.Id)
            ?? throw new DomainException(401, "Unauthorized", "Invalid visitor token.");
        return (site, visitor);
    }

    private static DomainException SiteGone() => new(410, "Chat site deleted", "Chat has been turned off on this web site (its chat site was deleted).");

    /// <summary>Magic numbers of the binary types, so a renamed executable is not accepted as a picture.</summary>
    private static async Task<bool> ContentMatchesAsync(Stream s, string type, CancellationToken ct)
    {
        var head = new byte[12];
        var n = await s.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
        bool Starts(params byte[] sig) => n >= sig.Length && head.AsSpan(0, sig.Length).SequenceEqual(sig);
        return type switch
        {
            "image/png" => Starts(0x89, 0x50, 0x4E, 0x47),
            "image/jpeg" => Starts(0xFF, 0xD8, 0xFF),
            "image/gif" => Starts(0x47, 0x49, 0x46, 0x38),
            "image/webp" => Starts(0x52, 0x49, 0x46, 0x46) && n >= 12 && head.AsSpan(8, 4).SequenceEqual("WEBP"u8),
            "application/pdf" => Starts(0x25, 0x50, 0x44, 0x46),
            "application/zip" or "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                or "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => Starts(0x50, 0x4B, 0x03, 0x04),
            "text/plain" => !head.AsSpan(0, n).Contains((byte)0),
            _ => false,
        };
    }
}
