using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kefu.Platform;
using Kefu.Platform.Audit;
using Kefu.Platform.Auth;
using Kefu.Platform.Database;
using Kefu.Platform.Presence;
using Kefu.Platform.Text;
using Kefu.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;

namespace Kefu.Chat;

/// <summary>A started widget connection: which visitor of which site, from where.</summary>
public sealed record VisitorSession(Guid VisitorId, int SiteId, string? RemoteAddress);

/// <summary>
/// The chat channel's commands. Every chat is a ticket on channel chat, written through TicketService; this service
/// keeps the live part (queue, agent, per-conversation sequence, client-id de-duplication) in the chat_ tables, in the
/// same transaction as the ticket change, and pushes to both sides only after commit.
/// </summary>
public sealed class ChatService(
    UnitOfWork uow, TicketService tickets, CustomerService customers, VisitorTokens tokens, ChatPush push,
    StaffDirectory directory, AuditLog audit, IOptions<ChatOptions> options, TimeProvider time,
    IEnumerable<IChatBot> bots, IAgentPresence presence, IAgentPicker picker, ILogger<ChatService> log)
{
    /// <summary>Acts for the customer (and the system) inside Tickets; never an author of replies.</summary>
    public static readonly StaffContext System = new(Guid.Empty, "Chat", FrozenSet<string>.Empty, FrozenSet<string>.Empty,
        FrozenSet<int>.Empty, false, true);

    /// <summary>Assigns chats the picker chose (Routing's policy), which needs no permission of the visitor's.</summary>
    private static readonly StaffContext Assigner = System with { Permissions = new[] { Permissions.TicketsAssignAny }.ToFrozenSet() };

    private KefuDb Db => uow.Db;
    /// <summary>The answer bot that serves a site's chats, if any (the first registered one that serves it).</summary>
    private IChatBot? BotFor(int siteId) => bots.FirstOrDefault(b => b.Serves(siteId));

    // ---------------------------------------------------------------- visitor side

    public async Task<(StartResult Result, VisitorSession Session)> StartAsync(
        StartRequest r, string? origin, string? remoteAddress, string? userAgent, CancellationToken ct)
    {
        var site = await Db.Set<ChatSite>().AsNoTracking().FirstOrDefaultAsync(s => s.Key == r.SiteKey, ct)
            ?? throw new ChatException("unknown_site", "This chat widget is not configured (unknown site key).");
        if (site.DeletedAt is not null) throw SiteDeleted();
        if (!OriginAllowed(site, origin))
            throw new ChatException("origin_not_allowed", "This web site may not embed the chat widget.");
        if (r.User is { } u && (string.IsNullOrWhiteSpace(u.Id) || u.Id.Length > 128 || !VisitorTokens.VerifyUser(site.Secret, u.Id, u.Signature)))
            throw new ChatException("identity_rejected", "The user's identity could not be verified.");

        var tokenVisitor = tokens.Validate(r.VisitorToken, site.Id);
        var visitor = await uow.RunAsync(async c =>
        {
            var now = time.UtcNow();
            ChatVisitor? v = null;
            var fromToken = tokenVisitor is { } tv ? await Db.Set<ChatVisitor>().FirstOrDefaultAsync(x => x.Id == tv, c) : null;
            if (r.User is { } user)
            {
                v = await Db.Set<ChatVisitor>().FirstOrDefaultAsync(x => x.SiteId == site.Id && x.AppUserId == user.Id, c);
                // An anonymous visitor who signs in keeps the conversation he started.
                if (v is null && fromToken is { AppUserId: null }) { v = fromToken; v.AppUserId = user.Id; }
            }
            else if (fromToken is { AppUserId: null })
            {
                v = fromToken; // a token of a signed-in user without the user's signature (after logout) is not enough
            }
            if (v is null)
            {
                v = new ChatVisitor { Id = Guid.NewGuid(), SiteId = site.Id, AppUserId = r.User?.Id, CreatedAt = now };
                Db.Add(v);
            }
            v.LastSeenAt = now;
            v.PageUrl = Cut(r.PageUrl, 1000) ?? v.PageUrl;
            v.Locale = Cut(r.Locale, 20) ?? v.Locale;
            v.UserAgent = Cut(userAgent, 500) ?? v.UserAgent;
            v.RemoteAddress = Cut(remoteAddress, 64);
            if (r.User is { } signed)
            {
                v.Name = Cut(signed.Name, 200) ?? v.Name;
                v.Email = Cut(signed.Email, 320) ?? v.Email;
                // A verified user is linked to the customer with that app user id (and his other tickets).
                var customer = await customers.ResolveAsync(
                    new CustomerInput(null, v.Name, null, null, null, signed.Id, v.Id.ToString("N")), c);
                await Db.SaveChangesAsync(c);
                v.CustomerId = customer.Id;
            }
            return v;
        }, ct);

        var conversation = await Db.Set<ChatConversation>().AsNoTracking().Where(x => x.VisitorId == visitor.Id)
            .OrderByDescending(x => x.Id).FirstOrDefaultAsync(ct);
        var settings = new SiteSettingsDto(site.Name, site.Color, site.Greeting, site.OfflineMessage, Fields(site.PreChatFields),
            await AgentsOnlineAsync(site.TeamId, ct) > 0, BotFor(site.Id) is not null,
            ChatSiteService.Texts(site.GreetingZhCn, site.GreetingEn), ChatSiteService.Texts(site.OfflineMessageZhCn, site.OfflineMessageEn));
        var result = new StartResult(tokens.Issue(visitor.Id, site.Id), visitor.Id, settings,
            conversation is null ? null : await ToDtoAsync(conversation, ct));
        return (result, new VisitorSession(visitor.Id, site.Id, remoteAddress));
    }

    /// <summary>What a deleted site's widget is told (decision 0019): permanent, so it stops retrying.</summary>
    internal static ChatException SiteDeleted() =>
        new("site_deleted", "Chat has been turned off on this web site (its chat site was deleted).");

    /// <summary>
    /// Refuses a call from a widget connected before its site was deleted (rating, transcript) with the same
    /// permanent <c>site_deleted</c> as Start and Send. A restored site works again at once.
    /// </summary>
    internal static async Task EnsureSiteNotDeletedAsync(KefuDb db, VisitorSession s, CancellationToken ct)
    {
        if (await db.Set<ChatSite>().AnyAsync(x => x.Id == s.SiteId && x.DeletedAt != null, ct)) throw SiteDeleted();
    }

    public static bool OriginAllowed(ChatSite site, string? origin)
    {
        // Browsers always send Origin on the WebSocket request; other clients (apps, servers) have no page to protect.
        if (string.IsNullOrEmpty(origin)) return true;
        var allowed = Fields(site.AllowedOrigins, '\n', ' ', ',');
        return allowed.Length == 0 || allowed.Contains("*") ||
               allowed.Any(a => string.Equals(a.TrimEnd('/'), origin, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>What follows a stored send besides the pushes, which only some sends need (see <see cref="ChatSends"/>):
    /// the first message's state push, the bot's answer.</summary>
    internal async Task AfterSendAsync(ChatConversation conversation, bool started, string text, CancellationToken ct)
    {
        if (started) await PushStateAsync(conversation.Id, ct);
        if (conversation.State == ConversationState.Bot && BotFor(conversation.SiteId) is { } bot) await AskBotAsync(bot, conversation, text, ct);
    }

    /// <summary>Whether a send's aftermath needs this service (<see cref="AfterSendAsync"/>).</summary>
    internal static bool NeedsAfterSend(ChatConversation conversation, bool started) => started || conversation.State == ConversationState.Bot;

    /// <summary>Stores the sends in one unit of work, in order (the writer's batch; see <see cref="ChatWriter"/>).</summary>
    internal Task<List<StoredSend>> StoreBatchAsync(IReadOnlyList<ChatSendJob> jobs, CancellationToken ct, ChatBatchTimer? timer = null) =>
        uow.RunAsync(async c =>
        {
            timer?.Began();
            var stored = new List<StoredSend>(jobs.Count);
            foreach (var j in jobs)
            {
                var (conversation, message, started) = await StoreVisitorMessageAsync(j.Session, j.Request, j.Text, j.AttachmentIds, c);
                stored.Add(new StoredSend(conversation, message, started));
                // Each send's rows are written now (inside the batch's transaction) and then forgotten: every SaveChanges
                // (Tickets saves once per message) scans all tracked entities, so a batch that kept its earlier sends
                // tracked cost O(n²) change detection — 11 % of the server's CPU at saturation. The returned
                // entities are read for their values and ids only.
                await Db.SaveChangesAsync(c);
                Db.ChangeTracker.Clear();
            }
            timer?.Stored();
            return stored;
        }, ct);

    private async Task<(ChatConversation, ChatMessage, bool)> StoreVisitorMessageAsync(
        VisitorSession s, SendRequest r, string text, long[] attachmentIds, CancellationToken ct)
    {
        var now = time.UtcNow();
        // The open conversation and its visitor in one query (both tracked); the visitor alone when there is none.
        // SQLite: the ticket too (the write gate admits one writer, so the ticket cannot change before the lock below).
        var queries = ChatQueries.For(Db);
        var open = Db.IsSqlite ? await queries.OpenConversationWithTicket(Db, s.VisitorId, ct) : await queries.OpenConversation(Db, s.VisitorId, ct);
        var conversation = open?.Conversation;
        var visitor = open?.Visitor ?? await queries.Visitor(Db, s.VisitorId, ct)
            ?? throw new ChatException("not_started", "Unknown visitor: call Start again.");
        var attachments = await CheckUploadsAsync(s.VisitorId, attachmentIds, ct);
        if (r.PreChat is { } pre)
        {
            visitor.Name = Cut(pre.Name?.Trim(), 200) ?? visitor.Name;
            visitor.Email = Cut(pre.Email?.Trim(), 320) ?? visitor.Email;
            visitor.Phone = Cut(pre.Phone?.Trim(), 32) ?? visitor.Phone;
        }
        // PostgreSQL: the conversation row lock comes first, then the ticket is read: every writer of a chat's ticket
        // takes the locks in that order (no deadlock) and sees the ticket as the previous writer committed it (its version).
        var seq = conversation is null ? 0 : await NextSeqAsync(conversation.Id, ct);
        Ticket? ticket = conversation is null ? null : open!.Ticket ?? await queries.Ticket(Db, conversation.TicketId, ct)
            ?? throw new InvalidOperationException($"Chat {conversation.Id} has no ticket {conversation.TicketId}.");
        if (conversation is not null && (ticket!.Status == TicketStatus.Closed || ticket.MergedIntoId is not null))
        {
            conversation.State = ConversationState.Ended; // the ticket was closed in the workspace: a new chat begins
            conversation.EndedAt = now;
            conversation = null;
        }

        var body = text.Length > 0 ? text : string.Join(", ", attachments.Select(a => a.FileName));
        ChatMessage message;
        if (conversation is null)
        {
            var site = await Db.Set<ChatSite>().AsNoTracking().FirstAsync(x => x.Id == s.SiteId, ct);
            // A widget connected before its site was deleted: the site's chats ended then, and no new one starts.
            if (site.DeletedAt is not null) throw SiteDeleted();
            var customerInput = visitor.CustomerId is { } cid
                ? new CustomerInput(cid, null, null, null, null, null, null)
                : new CustomerInput(null, visitor.Name, null, null, null, null, visitor.Id.ToString("N"));
            var subject = body.ReplaceLineEndings(" ");
            var (created, _) = await tickets.CreateAsync(new CreateTicketRequest(
                subject.Length > 80 ? subject[..80] + "…" : subject, customerInput, new MessageInput(body, null, attachmentIds),
                Channel.Chat, null, null, null, site.TeamId, null, null, null), System, ct);
            ticket = created;
            visitor.CustomerId = created.CustomerId;
            await AddContactIdentitiesAsync(visitor, ct);
            var state = BotFor(s.SiteId) is not null ? ConversationState.Bot
                : await AgentsOnlineAsync(site.TeamId, ct) > 0 ? ConversationState.Queued : ConversationState.Offline;
            conversation = new ChatConversation
            {
                SiteId = s.SiteId, VisitorId = s.VisitorId, TicketId = created.Id, TeamId = site.TeamId, State = state,
                QueuedAt = state == ConversationState.Queued ? now : null, LastSeq = 1, PageUrl = visitor.PageUrl,
                UserAgent = visitor.UserAgent, Locale = visitor.Locale, CreatedAt = now,
            };
            Db.Add(conversation);
            await Db.SaveChangesAsync(ct);
            var ticketMessageId = await Db.Set<Message>().Where(m => m.TicketId == created.Id).OrderBy(m => m.Id).Select(m => m.Id).FirstAsync(ct);
            message = NewMessage(conversation.Id, 1, r.ClientId, ChatSender.Visitor, null, visitor.Name, body, attachments, ticketMessageId, now);
            Db.Add(message);
            await AutoAssignAsync(conversation, ct);
            return (conversation, message, true);
        }

        var (ticketMessage, _) = await tickets.AddMessageAsync(ticket!, new AddMessageRequest(
            MessageKind.Customer, body, null, attachmentIds, ExternalId(conversation.Id, r.ClientId)), System,
            externalIdIsNew: true, ct); // SendAsync looked the client id up; the unique indexes refuse a racing duplicate
        message = NewMessage(conversation.Id, seq, r.ClientId, ChatSender.Visitor, null, visitor.Name, body, attachments, ticketMessage.Id, now);
        Db.Add(message);
        return (conversation, message, false);
    }

    /// <summary>Pre-chat e-mail/phone join the customer as identities unless they belong to someone else (then the
    /// agent still sees them on the chat, unverified): typing an address must not attach a chat to another customer.</summary>
    private async Task AddContactIdentitiesAsync(ChatVisitor visitor, CancellationToken ct)
    {
        if (visitor.CustomerId is not { } id || (visitor.Email is null && visitor.Phone is null)) return;
        var customer = await customers.FindLiveAsync(id, ct);
        if (customer is null) return;
        foreach (var (kind, value) in new[] { (IdentityKind.Email, visitor.Email), (IdentityKind.Phone, visitor.Phone) })
        {
            if (string.IsNullOrWhiteSpace(value)) continue;
            var normalized = CustomerIdentity.Normalize(kind, value);
            if (normalized.Length == 0 || await Db.Set<CustomerIdentity>().AnyAsync(i => i.Kind == kind && i.Value == normalized, ct)) continue;
            await customers.AddIdentityAsync(customer, new AddIdentityRequest(kind, value), ct);
        }
    }

    private async Task<List<Attachment>> CheckUploadsAsync(Guid visitorId, long[] ids, CancellationToken ct)
    {
        if (ids.Length == 0) return [];
        var mine = await Db.Set<ChatUpload>().Where(u => ids.Contains(u.AttachmentId) && u.VisitorId == visitorId).CountAsync(ct);
        if (mine != ids.Distinct().Count()) throw new ChatException("invalid", "A file is not one this visitor uploaded.");
        return await Db.Set<Attachment>().AsNoTracking().Where(a => ids.Contains(a.Id)).ToListAsync(ct);
    }

    /// <summary>Messages of the visitor's conversation after a sequence number (catch-up after a reconnect).</summary>
    public async Task<ChatMessageDto[]> SinceAsync(VisitorSession s, long conversationId, long afterSeq, CancellationToken ct)
    {
        if (!await Db.Set<ChatConversation>().AnyAsync(c => c.Id == conversationId && c.VisitorId == s.VisitorId, ct))
            throw new ChatException("not_found", "No such conversation.");
        return await MessagesAsync(conversationId, afterSeq, 500, ct);
    }

    public async Task<ChatMessageDto[]> MessagesAsync(long conversationId, long afterSeq, int limit, CancellationToken ct)
    {
        var rows = await Db.Set<ChatMessage>().AsNoTracking().Where(m => m.ConversationId == conversationId && m.Seq > afterSeq)
            .OrderBy(m => m.Seq).Take(limit).ToListAsync(ct);
        return [.. rows.Select(ToDto)];
    }

    public async Task<ConversationDto?> CurrentAsync(VisitorSession s, CancellationToken ct)
    {
        var c = await Db.Set<ChatConversation>().AsNoTracking().Where(x => x.VisitorId == s.VisitorId).OrderByDescending(x => x.Id).FirstOrDefaultAsync(ct);
        return c is null ? null : await ToDtoAsync(c, ct);
    }

    public async Task TypingAsync(VisitorSession s, bool typing, CancellationToken ct)
    {
        var c = await Db.Set<ChatConversation>().AsNoTracking().Where(x => x.VisitorId == s.VisitorId && x.State != ConversationState.Ended)
            .OrderByDescending(x => x.Id).Select(x => new { x.Id, x.TicketId }).FirstOrDefaultAsync(ct);
        if (c is not null) push.ToAgents(new ChatSignal(c.Id, c.TicketId, "typing", Typing: typing));
    }

    public async Task VisitorReadAsync(VisitorSession s, long conversationId, long seq, CancellationToken ct)
    {
        var c = await Db.Set<ChatConversation>().FirstOrDefaultAsync(x => x.Id == conversationId && x.VisitorId == s.VisitorId, ct);
        if (c is null || seq <= c.VisitorReadSeq) return;
        var upTo = Math.Min(seq, c.LastSeq);
        await uow.RunAsync(async ct2 =>
            await Db.Set<ChatConversation>().Where(x => x.Id == conversationId && x.VisitorReadSeq < upTo)
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.VisitorReadSeq, upTo), ct2), ct);
        push.ToAgents(new ChatSignal(c.Id, c.TicketId, "read"));
    }

    /// <summary>转人工: leaves the bot for the team queue (or "leave a message" when nobody is online).</summary>
    public async Task<ConversationDto?> TalkToPersonAsync(VisitorSession s, CancellationToken ct)
    {
        var id = await uow.RunAsync(async c =>
        {
            var conv = await Db.Set<ChatConversation>().Where(x => x.VisitorId == s.VisitorId && x.State == ConversationState.Bot)
                .OrderByDescending(x => x.Id).FirstOrDefaultAsync(c);
            if (conv is null) return (long?)null;
            await HandOverAsync(conv, c);
            return conv.Id;
        }, ct);
        if (id is { } cid) await PushStateAsync(cid, ct);
        return await CurrentAsync(s, ct);
    }

    private async Task HandOverAsync(ChatConversation conv, CancellationToken ct)
    {
        var online = await AgentsOnlineAsync(conv.TeamId, ct) > 0;
        conv.State = online ? ConversationState.Queued : ConversationState.Offline;
        conv.QueuedAt = online ? time.UtcNow() : null;
        // On a team with automatic assignment the chat goes straight to an agent; otherwise the visitor is told his
        // place and the expected wait (the state pushed after commit carries both).
        if (online && await AutoAssignAsync(conv, ct)) return;
        await AddSystemMessageAsync(conv, online ? "queued" : "offline", null, ct);
    }

    public async Task EndByVisitorAsync(VisitorSession s, CancellationToken ct)
    {
        var id = await Db.Set<ChatConversation>().Where(x => x.VisitorId == s.VisitorId && x.State != ConversationState.Ended)
            .OrderByDescending(x => x.Id).Select(x => (long?)x.Id).FirstOrDefaultAsync(ct);
        if (id is { } cid) await EndAsync(cid, System, ct);
    }

    public async Task RateAsync(VisitorSession s, int rating, string? comment, CancellationToken ct)
    {
        if (rating is < 1 or > 5) throw new ChatException("invalid", "A rating is 1 to 5.");
        await EnsureSiteNotDeletedAsync(Db, s, ct);
        // The ticket is read before the write begins, so a change that lands in between (an outbox handler's note on
        // the ended chat, an agent's edit) fails the version check: read again and retry, as a send does.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await RateOnceAsync(s, rating, comment, ct);
                return;
            }
            catch (DbUpdateConcurrencyException) when (attempt < 3) { }
        }
    }

    private Task RateOnceAsync(VisitorSession s, int rating, string? comment, CancellationToken ct) =>
        uow.RunAsync(async c =>
        {
            var conv = await Db.Set<ChatConversation>().Where(x => x.VisitorId == s.VisitorId && x.State == ConversationState.Ended)
                .OrderByDescending(x => x.Id).FirstOrDefaultAsync(c) ?? throw new ChatException("invalid", "There is no ended chat to rate.");
            conv.Rating = rating;
            conv.RatingComment = Cut(comment?.Trim(), 1000);
            var ticket = await Db.Set<Ticket>().FirstAsync(t => t.Id == conv.TicketId, c);
            await tickets.AddMessageAsync(ticket, new AddMessageRequest(MessageKind.InternalNote,
                $"满意度 / Satisfaction: {rating}/5" + (conv.RatingComment is { } rc ? $" — {rc}" : ""), null, null, null), System, c);
            Db.Publish(new ChatRated(conv.Id, conv.TicketId, rating), time);
        }, ct);

    internal async Task FlagAsync(VisitorSession s, CancellationToken ct)
    {
        var reason = $"More than {options.Value.FlagPerMinute} messages in a minute";
        log.LogWarning("Chat visitor {Visitor} flagged for review: {Reason}", s.VisitorId, reason);
        await uow.RunAsync(async c =>
        {
            var v = await Db.Set<ChatVisitor>().FirstAsync(x => x.Id == s.VisitorId, c);
            v.FlaggedAt = time.UtcNow();
            v.FlagReason = reason;
            await audit.RecordAsync("chat_visitor", v.Id, "flagged", new { reason, remoteAddress = s.RemoteAddress }, c);
            Db.Publish(new ChatVisitorFlagged(v.Id, v.SiteId, reason), time);
        }, ct);
    }

    private async Task AskBotAsync(IChatBot bot, ChatConversation conv, string text, CancellationToken ct)
    {
        BotReply? reply;
        if (AsksForPerson(text)) reply = new BotReply(null, true);
        else try { reply = await bot.ReplyAsync(new BotTurn(conv.Id, conv.TicketId, conv.SiteId, text, conv.Locale), ct); }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.LogError(ex, "Answer bot failed on conversation {Id}; handing over", conv.Id);
            reply = new BotReply(null, true);
        }
        if (reply is null) return;
        ChatMessage? botMessage = null;
        await uow.RunAsync(async c =>
        {
            await LockAsync(conv.Id, c);
            var tracked = await Db.Set<ChatConversation>().FirstAsync(x => x.Id == conv.Id, c);
            if (tracked.State != ConversationState.Bot) return;
            if (!string.IsNullOrWhiteSpace(reply.Text))
            {
                var ticket = await Db.Set<Ticket>().FirstAsync(t => t.Id == tracked.TicketId, c);
                // The bot is no staff member: its answers go on the ticket as notes, so agents read the whole exchange.
                var (note, _) = await tickets.AddMessageAsync(ticket, new AddMessageRequest(MessageKind.InternalNote,
                    "[Bot] " + reply.Text, null, null, null), System, c);
                botMessage = NewMessage(tracked.Id, await NextSeqAsync(tracked.Id, c), null, ChatSender.Bot, null, "Bot", reply.Text, [], note.Id, time.UtcNow());
                Db.Add(botMessage);
            }
            if (reply.HandOver) await HandOverAsync(tracked, c);
        }, ct);
        if (botMessage is not null) await PushMessageAsync(conv, ToDto(botMessage));
        if (reply.HandOver) await PushStateAsync(conv.Id, ct);
    }

    /// <summary>转人工 typed in a bot-handled chat: these words hand over without asking the bot.</summary>
    private static readonly string[] PersonWordsZh = ["转人工", "人工客服", "人工服务", "找人工", "真人客服", "接人工"];
    private static readonly HashSet<string> PersonWordsShort = new(StringComparer.OrdinalIgnoreCase)
        { "人工", "真人", "客服", "human", "agent", "person", "operator", "representative", "real person", "live agent",
          "talk to a human", "talk to a person", "talk to an agent", "speak to a human", "speak to an agent", "human please", "agent please" };

    /// <summary>Does the visitor ask for a person? Chinese key phrases anywhere; short messages that are (nearly)
    /// only such a word ("human", "agent please"), so a question that merely mentions an agent stays with the bot.</summary>
    public static bool AsksForPerson(string text)
    {
        var t = text.Trim().TrimEnd('!', '！', '.', '。', '?', '？', ' ').Trim();
        if (PersonWordsZh.Any(w => t.Contains(w, StringComparison.Ordinal))) return true;
        if (t.Length > 40) return false;
        var words = t.ToLowerInvariant().Replace(",", " ").Replace("，", " ").Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(w => w is not ("a" or "an" or "the" or "i" or "want" or "need" or "to" or "please" or "pls" or "can" or "could" or "speak" or "talk" or "with" or "me" or "get"))
            .ToArray();
        return PersonWordsShort.Contains(t) || (words.Length is > 0 and <= 2 && words.Any(w => PersonWordsShort.Contains(w)) &&
            words.All(w => PersonWordsShort.Contains(w) || w is "real" or "live"));
    }

    /// <summary>Offers a queued chat to the agent Routing picks (team on automatic assignment, agent online, under his
    /// chat limit, skilled): it becomes his at once. Call inside the unit of work holding the conversation's lock.</summary>
    private async Task<bool> AutoAssignAsync(ChatConversation conv, CancellationToken ct)
    {
        if (conv.State != ConversationState.Queued) return false;
        if (await picker.PickAsync(conv.TicketId, ct) is not { } agentId) return false;
        conv.State = ConversationState.Active;
        conv.AgentId = agentId;
        conv.AcceptedAt = time.UtcNow();
        var ticket = await Db.Set<Ticket>().FirstAsync(t => t.Id == conv.TicketId, ct);
        if (ticket.AssigneeId != agentId)
            await tickets.UpdateAsync(ticket, new JsonObject { ["assigneeId"] = agentId }, KefuJson.Stored, Assigner, ct);
        await AddSystemMessageAsync(conv, "joined", (await directory.GetAsync(agentId, ct))?.DisplayName, ct);
        return true;
    }

    /// <summary>How many queued chats one offer looks through for one some online agent can take.</summary>
    internal const int QueueLookAhead = 50;

    /// <summary>Gives the longest-waiting queued chat of the teams that an online agent can take to the picked agent (one per transaction, so no
    /// transaction ever waits for a second conversation's lock while holding the assignment lock). Returns whether
    /// one was assigned; the caller then asks again (a follow-up event) for the next.</summary>
    internal async Task<long?> OfferNextQueuedAsync(int[] teamIds, CancellationToken ct)
    {
        // FIFO, but a chat nobody online may take (a language or skill the online agents lack) does not block the
        // ones behind it: the first chat some agent could take is offered; the skipped one keeps its place and is
        // first in line when a suitable agent comes. The look-ahead takes no lock; the real pick below decides.
        var waiting = await Db.Set<ChatConversation>().AsNoTracking()
            .Where(x => x.State == ConversationState.Queued && x.TeamId != null && teamIds.Contains(x.TeamId.Value))
            .OrderBy(x => x.QueuedAt).ThenBy(x => x.Id).Select(x => new { x.Id, x.TicketId }).Take(QueueLookAhead).ToListAsync(ct);
        if (waiting.Count == 0) return null;
        var ticketId = waiting.Count == 1 ? waiting[0].TicketId : await picker.FirstAssignableAsync([.. waiting.Select(w => w.TicketId)], ct);
        if (ticketId is null) return null;
        var cid = waiting.First(w => w.TicketId == ticketId).Id;
        await LockAsync(cid, ct);
        var conv = await Db.Set<ChatConversation>().FirstAsync(x => x.Id == cid, ct);
        if (!await AutoAssignAsync(conv, ct)) return null;
        Db.Publish(new ChatAutoAssigned(conv.Id, conv.TicketId, teamIds), time);
        return conv.Id;
    }

    // ---------------------------------------------------------------- agent side

    /// <summary>Sets the agent's status (Routing's, the same for every channel) and optionally the chat limit.</summary>
    public async Task SetStatusAsync(StaffContext staff, AgentStatus status, int? maxChats, CancellationToken ct)
    {
        await presence.SetStatusAsync(staff.UserId, status, maxChats, ct);
        push.ToAgents(new ChatSignal(0, 0, "queue"));
    }

    public Task<AgentPresence> AgentAsync(Guid userId, CancellationToken ct) => presence.GetAsync(userId, ct);

    /// <summary>Chats waiting for an agent in the given teams (all teams when null), oldest first.</summary>
    public async Task<List<QueueItemDto>> QueueAsync(IReadOnlyCollection<int>? teams, CancellationToken ct)
    {
        // A left message (offline) leaves the list once Routing assigned its ticket like any other ticket.
        var q = Db.Set<ChatConversation>().AsNoTracking().Where(c => c.State == ConversationState.Queued
            || (c.State == ConversationState.Offline && !Db.Set<Ticket>().Any(t => t.Id == c.TicketId && t.AssigneeId != null)));
        if (teams is not null) q = q.Where(c => c.TeamId == null || teams.Contains(c.TeamId.Value));
        var rows = await q.OrderBy(c => c.State).ThenBy(c => c.QueuedAt ?? c.CreatedAt).ThenBy(c => c.Id).Take(100)
            .Join(Db.Set<ChatVisitor>(), c => c.VisitorId, v => v.Id, (c, v) => new { c, v.Name }).ToListAsync(ct);
        return [.. rows.Select(x => new QueueItemDto(x.c.Id, x.c.TicketId, x.c.TeamId, x.Name ?? "访客", x.c.QueuedAt ?? x.c.CreatedAt, x.c.State))];
    }

    public async Task AcceptAsync(long conversationId, StaffContext staff, CancellationToken ct)
    {
        staff.Demand(Permissions.TicketsWrite);
        await uow.RunAsync(async c =>
        {
            await LockAsync(conversationId, c);
            var conv = await Db.Set<ChatConversation>().FirstOrDefaultAsync(x => x.Id == conversationId, c)
                ?? throw DomainException.NotFound("Chat");
            if (conv.State == ConversationState.Ended) throw DomainException.Conflict("This chat has ended.");
            if (conv.State == ConversationState.Active && conv.AgentId == staff.UserId) return;
            if (conv.State == ConversationState.Active) throw DomainException.Conflict("Another agent has already accepted this chat.");
            var agent = await AgentAsync(staff.UserId, c);
            var active = await Db.Set<ChatConversation>().CountAsync(x => x.AgentId == staff.UserId && x.State == ConversationState.Active, c);
            if (active >= agent.ChatCapacity)
                throw DomainException.Conflict($"You already have {active} chats, your limit is {agent.ChatCapacity}; end one first.");
            conv.State = ConversationState.Active;
            conv.AgentId = staff.UserId;
            conv.AcceptedAt = time.UtcNow();
            var ticket = await Db.Set<Ticket>().FirstAsync(t => t.Id == conv.TicketId, c);
            if (ticket.AssigneeId != staff.UserId)
                await tickets.UpdateAsync(ticket, new JsonObject { ["assigneeId"] = staff.UserId }, KefuJson.Stored, staff, c);
            await AddSystemMessageAsync(conv, "joined", staff.DisplayName, c);
        }, ct);
        await PushStateAsync(conversationId, ct);
        await PushQueueAsync(ct);
    }

    /// <summary>Hands the chat to another agent or to a team's queue, with an internal note; the ticket's owner
    /// (首问负责, the first agent who replied) stays the owner.</summary>
    public async Task TransferAsync(long conversationId, Guid? toAgent, int? toTeam, string note, StaffContext staff, CancellationToken ct)
    {
        staff.Demand(Permissions.TicketsWrite);
        if (toAgent is null == toTeam is null) throw DomainException.Validation("to", "Transfer to one agent or one team.");
        if (string.IsNullOrWhiteSpace(note)) throw DomainException.Validation("note", "Say why, for the colleague who takes over.");
        // Passing a chat on is part of every chat agent's job, so it does not need tickets.assign_any.
        var acting = staff with { Permissions = staff.Permissions.Append(Permissions.TicketsAssignAny).ToFrozenSet() };
        await uow.RunAsync(async c =>
        {
            await LockAsync(conversationId, c);
            var conv = await Db.Set<ChatConversation>().FirstOrDefaultAsync(x => x.Id == conversationId, c)
                ?? throw DomainException.NotFound("Chat");
            if (conv.State == ConversationState.Ended) throw DomainException.Conflict("This chat has ended.");
            var ticket = await Db.Set<Ticket>().FirstAsync(t => t.Id == conv.TicketId, c);
            string target;
            if (toAgent is { } agentId)
            {
                target = (await directory.GetAsync(agentId, c))?.DisplayName ?? throw DomainException.Validation("toAgent", "No such agent.");
                conv.State = ConversationState.Active;
                conv.AgentId = agentId;
                conv.AcceptedAt = time.UtcNow();
                await tickets.UpdateAsync(ticket, new JsonObject { ["assigneeId"] = agentId }, KefuJson.Stored, acting, c);
            }
            else
            {
                var team = await Db.Teams.AsNoTracking().FirstOrDefaultAsync(t => t.Id == toTeam, c)
                    ?? throw DomainException.Validation("toTeam", "No such team.");
                target = team.Name;
                conv.TeamId = team.Id;
                conv.AgentId = null;
                var online = await AgentsOnlineAsync(team.Id, c) > 0;
                conv.State = online ? ConversationState.Queued : ConversationState.Offline;
                conv.QueuedAt = time.UtcNow();
                await tickets.UpdateAsync(ticket, new JsonObject { ["teamId"] = team.Id, ["assigneeId"] = null }, KefuJson.Stored, acting, c);
            }
            await tickets.AddMessageAsync(ticket, new AddMessageRequest(MessageKind.InternalNote,
                $"转接 / Transferred to {target}: {note.Trim()}", null, null, null), staff, c);
            await AddSystemMessageAsync(conv, "transferred", target, c);
            // A team with an eligible agent takes the chat at once (its policy, status, chat limit, skills); else it
            // waits in that team's queue and the visitor is told the place and the wait (the state pushed below).
            if (conv.State == ConversationState.Queued)
            {
                await Db.SaveChangesAsync(c);
                await AutoAssignAsync(conv, c);
            }
        }, ct);
        await PushStateAsync(conversationId, ct);
        await PushQueueAsync(ct);
    }

    public async Task EndAsync(long conversationId, StaffContext staff, CancellationToken ct)
    {
        var ended = await uow.RunAsync(async c =>
        {
            await LockAsync(conversationId, c);
            var conv = await Db.Set<ChatConversation>().FirstOrDefaultAsync(x => x.Id == conversationId, c)
                ?? throw DomainException.NotFound("Chat");
            if (conv.State == ConversationState.Ended) return false;
            await EndInsideAsync(conv, staff, solveTicket: true, c);
            return true;
        }, ct);
        if (!ended) return;
        await PushStateAsync(conversationId, ct);
        await PushQueueAsync(ct);
    }

    internal async Task EndInsideAsync(ChatConversation conv, StaffContext staff, bool solveTicket, CancellationToken ct)
    {
        conv.State = ConversationState.Ended;
        conv.EndedAt = time.UtcNow();
        await AddSystemMessageAsync(conv, "ended", staff == System ? null : staff.DisplayName, ct);
        if (solveTicket)
        {
            var ticket = await Db.Set<Ticket>().FirstAsync(t => t.Id == conv.TicketId, ct);
            if (TicketRules.CanMove(ticket.Status, TicketStatus.Solved) && ticket.Status != TicketStatus.Solved && ticket.Status != TicketStatus.Closed)
                await tickets.UpdateAsync(ticket, new JsonObject { ["status"] = "solved" }, KefuJson.Stored, staff, ct);
        }
        Db.Publish(new ChatEnded(conv.Id, conv.TicketId), time);
    }

    /// <summary>Ends every open chat of a deleted site, inside the caller's unit of work; each ticket stays as it is
    /// (agents carry on by e-mail). Visitors are told after commit (ChatEnded). Returns the ended conversations.</summary>
    internal async Task<List<long>> EndSiteConversationsAsync(int siteId, CancellationToken ct)
    {
        var ids = await Db.Set<ChatConversation>().Where(x => x.SiteId == siteId && x.State != ConversationState.Ended)
            .OrderBy(x => x.Id).Select(x => x.Id).ToListAsync(ct);
        var ended = new List<long>(ids.Count);
        foreach (var id in ids)
        {
            await LockAsync(id, ct);
            var conv = await Db.Set<ChatConversation>().FirstAsync(x => x.Id == id, ct);
            if (conv.State == ConversationState.Ended) continue;
            await EndInsideAsync(conv, System, solveTicket: false, ct);
            ended.Add(id);
        }
        return ended;
    }

    /// <summary>An agent's chat message from the chat panel: a public reply on the ticket and a chat message, one commit.</summary>
    public async Task<ChatMessageDto> SendAgentMessageAsync(long conversationId, string clientId, string text, StaffContext staff, CancellationToken ct)
    {
        staff.Demand(Permissions.TicketsWrite);
        text = text.Trim();
        if (text.Length == 0) throw DomainException.Validation("text", "The message is empty.");
        if (text.Length > TicketsConfiguration.BodyMax) throw DomainException.Validation("text", "The message is too long.");
        var existing = await Db.Set<ChatMessage>().AsNoTracking().FirstOrDefaultAsync(m => m.ConversationId == conversationId && m.ClientId == clientId, ct);
        if (existing is not null) return ToDto(existing);
        var (conv, message) = await uow.RunAsync(async c =>
        {
            await LockAsync(conversationId, c);
            var conv = await Db.Set<ChatConversation>().FirstOrDefaultAsync(x => x.Id == conversationId, c)
                ?? throw DomainException.NotFound("Chat");
            var seq = await NextSeqAsync(conv.Id, c);
            var ticket = await Db.Set<Ticket>().FirstAsync(t => t.Id == conv.TicketId, c);
            var (reply, _) = await tickets.AddMessageAsync(ticket, new AddMessageRequest(MessageKind.PublicReply, text, null, null,
                ExternalId(conv.Id, clientId)), staff, c);
            var message = NewMessage(conv.Id, seq, clientId, ChatSender.Agent, staff.UserId, staff.DisplayName, text, [], reply.Id, time.UtcNow());
            Db.Add(message);
            conv.AgentReadSeq = seq;
            return (conv, message);
        }, ct);
        var dto = ToDto(message);
        await PushMessageAsync(conv, dto);
        return dto;
    }

    public async Task AgentTypingAsync(long conversationId, StaffContext staff, bool typing, CancellationToken ct)
    {
        var visitor = await Db.Set<ChatConversation>().AsNoTracking().Where(x => x.Id == conversationId).Select(x => (Guid?)x.VisitorId).FirstOrDefaultAsync(ct);
        if (visitor is { } v) await push.ToVisitorAsync(v, "typing", new TypingDto(typing, staff.DisplayName));
    }

    public async Task AgentReadAsync(long conversationId, CancellationToken ct)
    {
        var conv = await Db.Set<ChatConversation>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == conversationId, ct);
        if (conv is null || conv.AgentReadSeq >= conv.LastSeq) return;
        await uow.RunAsync(async c => await Db.Set<ChatConversation>().Where(x => x.Id == conversationId && x.AgentReadSeq < conv.LastSeq)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.AgentReadSeq, conv.LastSeq), c), ct);
        await push.ToVisitorAsync(conv.VisitorId, "read", new ReadDto(conv.Id, conv.LastSeq));
    }

    /// <summary>The chat beside a ticket, for <paramref name="staff"/>: an outsourced reader gets the visitor's contact
    /// details, page address and rating comment masked, as everywhere else.</summary>
    public async Task<ChatInfoDto?> InfoAsync(long ticketId, StaffContext staff, CancellationToken ct)
    {
        var conv = await Db.Set<ChatConversation>().AsNoTracking().FirstOrDefaultAsync(x => x.TicketId == ticketId, ct);
        if (conv is null) return null;
        var visitor = await Db.Set<ChatVisitor>().AsNoTracking().FirstAsync(v => v.Id == conv.VisitorId, ct);
        var previous = await Db.Set<ChatConversation>().AsNoTracking()
            .Where(x => x.Id != conv.Id && (x.VisitorId == visitor.Id ||
                (visitor.CustomerId != null && Db.Set<ChatVisitor>().Any(v => v.Id == x.VisitorId && v.CustomerId == visitor.CustomerId))))
            .OrderByDescending(x => x.Id).Take(10)
            .Select(x => new PreviousChatDto(x.Id, x.TicketId, x.CreatedAt, x.State, x.Rating)).ToListAsync(ct);
        var agentName = conv.AgentId is { } a ? (await directory.GetAsync(a, ct))?.DisplayName : null;
        var mask = staff.MasksPii;
        string? Masked(string? s, Func<string, string> masker) => s is null || !mask ? s : masker(s);
        return new ChatInfoDto(conv.Id, conv.TicketId, conv.State, conv.AgentId, agentName, conv.TeamId, visitor.Id, push.IsOnline(visitor.Id),
            Masked(conv.PageUrl ?? visitor.PageUrl, PiiMasker.Text), conv.UserAgent ?? visitor.UserAgent, conv.Locale ?? visitor.Locale,
            Masked(visitor.Email, PiiMasker.Email), Masked(visitor.AppUserId, v => PiiMasker.Identity("app", v)),
            visitor.FlaggedAt is not null, conv.LastSeq, conv.VisitorReadSeq, conv.Rating, Masked(conv.RatingComment, PiiMasker.Text), conv.CreatedAt, previous);
    }

    /// <summary>Stores an agent's public reply made in the workspace (not through the chat panel) as a chat message.
    /// Idempotent: a ticket message becomes at most one chat message.</summary>
    internal async Task<ChatMessage?> StoreTicketReplyAsync(long ticketId, long ticketMessageId, CancellationToken ct)
    {
        var conv = await Db.Set<ChatConversation>().AsNoTracking().FirstOrDefaultAsync(x => x.TicketId == ticketId, ct);
        if (conv is null || await Db.Set<ChatMessage>().AnyAsync(m => m.TicketMessageId == ticketMessageId, ct)) return null;
        var m = await Db.Set<Message>().AsNoTracking().Include(x => x.Attachments).FirstOrDefaultAsync(x => x.Id == ticketMessageId, ct);
        if (m is null || m.Kind != MessageKind.PublicReply) return null;
        var name = m.AuthorUserId is { } uid ? (await directory.GetAsync(uid, ct))?.DisplayName : null;
        var message = NewMessage(conv.Id, await NextSeqAsync(conv.Id, ct), null, ChatSender.Agent, m.AuthorUserId, name, m.Body, m.Attachments, m.Id, time.UtcNow());
        Db.Add(message);
        Db.Publish(new ChatMessageStored(conv.Id, message.Seq), time);
        return message;
    }

    /// <summary>The ticket was solved or closed in the workspace: the chat ends too.</summary>
    internal async Task<long?> EndForTicketAsync(long ticketId, CancellationToken ct)
    {
        var conv = await Db.Set<ChatConversation>().FirstOrDefaultAsync(x => x.TicketId == ticketId && x.State != ConversationState.Ended, ct);
        if (conv is null) return null;
        await EndInsideAsync(conv, System, solveTicket: false, ct);
        return conv.Id;
    }

    // ---------------------------------------------------------------- pushing

    public async Task PushStoredAsync(long conversationId, long seq, CancellationToken ct)
    {
        var conv = await Db.Set<ChatConversation>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == conversationId, ct);
        var m = await Db.Set<ChatMessage>().AsNoTracking().FirstOrDefaultAsync(x => x.ConversationId == conversationId && x.Seq == seq, ct);
        if (conv is not null && m is not null) await PushMessageAsync(conv, ToDto(m));
    }

    private async Task PushMessageAsync(ChatConversation conv, ChatMessageDto dto)
    {
        await push.ToVisitorAsync(conv.VisitorId, "message", dto);
        push.ToAgents(new ChatSignal(conv.Id, conv.TicketId, "message", dto));
    }

    public async Task PushStateAsync(long conversationId, CancellationToken ct)
    {
        var conv = await Db.Set<ChatConversation>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == conversationId, ct);
        if (conv is null) return;
        // Anything stored while the state changed (system lines) goes out first, then the state.
        foreach (var m in await MessagesAsync(conv.Id, Math.Max(0, conv.LastSeq - 3), 10, ct))
            await push.ToVisitorAsync(conv.VisitorId, "message", m);
        await push.ToVisitorAsync(conv.VisitorId, "state", await ToDtoAsync(conv, ct));
        push.ToAgents(new ChatSignal(conv.Id, conv.TicketId, "state"));
    }

    /// <summary>Queue positions moved: tell every waiting visitor their new place.</summary>
    public async Task PushQueueAsync(CancellationToken ct)
    {
        var waiting = await Db.Set<ChatConversation>().AsNoTracking().Where(x => x.State == ConversationState.Queued).OrderBy(x => x.Id).Take(500).ToListAsync(ct);
        foreach (var conv in waiting) await push.ToVisitorAsync(conv.VisitorId, "state", await ToDtoAsync(conv, ct));
        push.ToAgents(new ChatSignal(0, 0, "queue"));
    }

    // ---------------------------------------------------------------- helpers

    /// <summary>Takes the conversation's row lock for the rest of the transaction (see NextSeqAsync).</summary>
    private Task LockAsync(long conversationId, CancellationToken ct) =>
        Db.Database.ExecuteSqlAsync($"UPDATE chat_conversations SET last_seq = last_seq WHERE id = {conversationId}", ct);

    private async Task<long> NextSeqAsync(long conversationId, CancellationToken ct)
    {
        // One statement both allocates and locks: concurrent senders on PostgreSQL queue on the row until commit,
        // so sequence numbers are gap-free and in commit order (SQLite has one writer anyway).
        // Run as EF's raw SQL command (interceptors, diagnostics and the unit's transaction as for any statement) but
        // without the LINQ query pipeline SqlQuery<long> goes through on every call (expression tree, funcletizing,
        // cache lookup, materializer: ~11 KiB allocated per message in the chat bench, decision 0034).
        var command = Db.GetService<IRawSqlCommandBuilder>().Build(NextSeqSql, [conversationId], Db.Model);
        var value = await command.RelationalCommand.ExecuteScalarAsync(new RelationalCommandParameterObject(
            Db.GetService<IRelationalConnection>(), command.ParameterValues, null, Db, Db.GetService<IRelationalCommandDiagnosticsLogger>()), ct);
        return Convert.ToInt64(value ?? throw new InvalidOperationException($"Chat {conversationId} does not exist."), global::System.Globalization.CultureInfo.InvariantCulture);
    }

    private const string NextSeqSql = "UPDATE chat_conversations SET last_seq = last_seq + 1 WHERE id = {0} RETURNING last_seq";

    private async Task AddSystemMessageAsync(ChatConversation conv, string code, string? name, CancellationToken ct)
    {
        var seq = await NextSeqAsync(conv.Id, ct);
        Db.Add(NewMessage(conv.Id, seq, null, ChatSender.System, null, name, code, [], null, time.UtcNow()));
    }

    // From the visitor's conversations to their messages: both steps use an index ((visitor, id), then
    // (conversation, client id)); filtering messages by client id first scanned the whole chat_messages table per send.
    internal static Task<ChatMessage?> FindByClientIdAsync(KefuDb db, Guid visitorId, string clientId, CancellationToken ct) =>
        ChatQueries.For(db).ByClientId(db, visitorId, clientId, ct);

    private Task<int> AgentsOnlineAsync(int? teamId, CancellationToken ct) => presence.OnlineCountAsync(teamId, ct);

    private async Task<ConversationDto> ToDtoAsync(ChatConversation c, CancellationToken ct)
    {
        int? position = null, wait = null;
        if (c.State == ConversationState.Queued)
        {
            var at = c.QueuedAt ?? c.CreatedAt;
            position = 1 + await Db.Set<ChatConversation>().CountAsync(x => x.State == ConversationState.Queued && x.TeamId == c.TeamId
                && (x.QueuedAt < at || (x.QueuedAt == at && x.Id < c.Id)), ct);
            wait = position * options.Value.AverageHandleSeconds / Math.Max(1, await AgentsOnlineAsync(c.TeamId, ct));
        }
        var agent = c.AgentId is { } a ? (await directory.GetAsync(a, ct))?.DisplayName : null;
        return new ConversationDto(c.Id, c.State, c.LastSeq, c.AgentReadSeq, agent, position, wait, c.Rating);
    }

    private static ChatMessage NewMessage(long conversationId, long seq, string? clientId, ChatSender sender, Guid? author, string? authorName,
        string body, IReadOnlyCollection<Attachment> attachments, long? ticketMessageId, DateTime now) => new()
    {
        ConversationId = conversationId, Seq = seq, ClientId = clientId, Sender = sender, AuthorUserId = author,
        AuthorName = Cut(authorName, 100), Body = body, TicketMessageId = ticketMessageId, CreatedAt = now,
        Attachments = attachments.Count == 0 ? null
            : JsonSerializer.Serialize(attachments.Select(a => new ChatAttachmentDto(a.Id, a.FileName, a.ContentType, a.Size)), KefuJson.Stored),
    };

    public static ChatMessageDto ToDto(ChatMessage m) => new(m.ConversationId, m.Seq, m.Id, m.ClientId, m.Sender, m.AuthorName, m.Body,
        m.Attachments is null ? [] : JsonSerializer.Deserialize<ChatAttachmentDto[]>(m.Attachments, KefuJson.Stored) ?? [], m.CreatedAt);

    internal static SendAck Ack(ChatMessage m, bool duplicate) => new(m.ClientId!, m.ConversationId, m.Seq, m.Id, m.CreatedAt, duplicate);

    private static string ExternalId(long conversationId, string clientId) => $"chat:{conversationId}:{clientId}";

    private static string? Cut(string? s, int max) => string.IsNullOrWhiteSpace(s) ? null : TextCut.Cut(s, max);

    internal static string[] Fields(string? list, params char[] separators) =>
        (list ?? "").Split(separators.Length == 0 ? [','] : separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

public sealed record TypingDto(bool Typing, string? Name);

public sealed record ReadDto(long ConversationId, long Seq);
