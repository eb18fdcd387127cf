using System.Collections.Frozen;
using System.Text.Json.Nodes;
using Kefu.Platform;
using Kefu.Platform.Audit;
using Kefu.Platform.Auth;
using Kefu.Platform.Database;
using Kefu.Platform.Http;
using Kefu.Platform.Presence;
using Kefu.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Routing.Assignment;

/// <summary>
/// Routing's assignment service: agents' status (<see cref="IAgentPresence"/>, the one source of truth every channel
/// reads), the pick for a ticket under its team's policy (<see cref="IAgentPicker"/>), automatic assignment of
/// non-chat tickets through TicketService, and the team queue (priority, then SLA due time, then age).
/// Chat tickets are assigned by Chat (it owns the conversation state: bot, queued, active) through the picker.
/// </summary>
public sealed class AssignmentService(
    UnitOfWork uow, TicketService tickets, TaxonomyCache taxonomy, IEnumerable<ITicketDueTimes> dueTimes, IEnumerable<ILiveChats> liveChats,
    AuditLog audit, TimeProvider time, ILogger<AssignmentService> log) : IAgentPresence, IAgentPicker
{
    /// <summary>The actor automatic assignment works as (the audit trail records "system").</summary>
    public static readonly StaffContext System = new(Guid.Empty, "Routing", FrozenSet<string>.Empty,
        Permissions.All.ToFrozenSet(), FrozenSet<int>.Empty, IsOutsourced: false, IsActive: true);

    /// <summary>How many queued tickets one drain looks at (the rest wait for the next trigger).</summary>
    public const int DrainBatch = 200;

    private KefuDb Db => uow.Db;

    // ---------------------------------------------------------------- presence

    public async Task<AgentPresence> GetAsync(Guid userId, CancellationToken ct)
    {
        var row = await Db.Set<RoutingAgent>().AsNoTracking().FirstOrDefaultAsync(a => a.UserId == userId, ct);
        return row is null ? new AgentPresence(userId, AgentStatus.Offline, null, RoutingDefaults.ChatCapacity)
            : new AgentPresence(userId, row.Status, row.StatusSince, row.ChatCapacity);
    }

    public async Task SetStatusAsync(Guid userId, AgentStatus status, int? chatCapacity, CancellationToken ct)
    {
        if (!Enum.IsDefined(status)) throw DomainException.Validation("status", "Status is online, away or offline.");
        await uow.RunAsync(async c =>
        {
            var row = await RowAsync(userId, c);
            var from = row.Status;
            if (from != status || row.StatusSince is null)
            {
                row.Status = status;
                row.StatusSince = time.UtcNow();
            }
            if (chatCapacity is { } m) row.ChatCapacity = Math.Clamp(m, 1, 20);
            row.UpdatedAt = time.UtcNow();
            if (from != status) Db.Publish(new AgentStatusChanged(userId, from, status), time);
        }, ct);
    }

    public async Task<int> OnlineCountAsync(int? teamId, CancellationToken ct)
    {
        var online = Db.Set<RoutingAgent>().Where(a => a.Status == AgentStatus.Online && Db.Users.Any(u => u.Id == a.UserId && u.IsActive));
        if (teamId is { } t) online = online.Where(a => Db.TeamMembers.Any(m => m.UserId == a.UserId && m.TeamId == t));
        return await online.CountAsync(ct);
    }

    private async Task<RoutingAgent> RowAsync(Guid userId, CancellationToken ct)
    {
        var row = await Db.Set<RoutingAgent>().FirstOrDefaultAsync(a => a.UserId == userId, ct);
        if (row is not null) return row;
        if (!await Db.Users.AnyAsync(u => u.Id == userId, ct)) throw DomainException.NotFound("Staff member");
        row = new RoutingAgent { UserId = userId, UpdatedAt = time.UtcNow() };
        Db.Add(row);
        return row;
    }

    // ---------------------------------------------------------------- profiles and policies

    /// <summary>Routing is managed per team: who does not see every team's tickets (a team lead) sees and changes only
    /// the policies of their own teams and the profiles of their members.</summary>
    private static void DemandTeam(StaffContext staff, int teamId)
    {
        if (!staff.SeesAllTickets && !staff.TeamIds.Contains(teamId))
            throw DomainException.Forbidden("You can only manage the routing of your own teams.");
    }

    private async Task DemandMemberAsync(StaffContext staff, Guid userId, CancellationToken ct)
    {
        if (staff.SeesAllTickets) return;
        var teams = staff.TeamIds.ToList();
        if (!await Db.TeamMembers.AnyAsync(m => m.UserId == userId && teams.Contains(m.TeamId), ct))
            throw DomainException.Forbidden("You can only manage the routing of your own teams' members.");
    }

    public async Task<List<AgentProfileDto>> ProfilesAsync(int? teamId, StaffContext staff, CancellationToken ct)
    {
        var users = Db.Users.AsNoTracking().Where(u => u.IsActive);
        if (teamId is { } t)
        {
            DemandTeam(staff, t);
            users = users.Where(u => Db.TeamMembers.Any(m => m.UserId == u.Id && m.TeamId == t));
        }
        else if (!staff.SeesAllTickets)
        {
            var mine = staff.TeamIds.ToList();
            users = users.Where(u => Db.TeamMembers.Any(m => m.UserId == u.Id && mine.Contains(m.TeamId)));
        }
        var rows = await users.OrderBy(u => u.DisplayName).Take(1000)
            .Select(u => new { u.Id, u.DisplayName, Agent = Db.Set<RoutingAgent>().FirstOrDefault(a => a.UserId == u.Id) }).ToListAsync(ct);
        var ids = rows.Select(r => r.Id).ToList();
        var teams = (await Db.TeamMembers.AsNoTracking().Where(m => ids.Contains(m.UserId)).Select(m => new { m.UserId, m.TeamId }).ToListAsync(ct))
            .ToLookup(m => m.UserId, m => m.TeamId);
        var loads = await LoadsAsync(ids, ct);
        return [.. rows.Select(r => ToDto(r.Id, r.DisplayName, r.Agent, [.. teams[r.Id]], loads))];
    }

    public async Task<AgentProfileDto> ProfileAsync(Guid userId, StaffContext staff, CancellationToken ct)
    {
        await DemandMemberAsync(staff, userId, ct);
        return await ProfileAsync(userId, ct);
    }

    private async Task<AgentProfileDto> ProfileAsync(Guid userId, CancellationToken ct)
    {
        var user = await Db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => new { u.Id, u.DisplayName }).FirstOrDefaultAsync(ct)
            ?? throw DomainException.NotFound("Staff member");
        var agent = await Db.Set<RoutingAgent>().AsNoTracking().FirstOrDefaultAsync(a => a.UserId == userId, ct);
        var teams = await Db.TeamMembers.AsNoTracking().Where(m => m.UserId == userId).Select(m => m.TeamId).ToArrayAsync(ct);
        return ToDto(user.Id, user.DisplayName, agent, teams, await LoadsAsync([userId], ct));
    }

    /// <summary>A profile's ETag stamp: the fields a PUT sets (status included; not the load, which moves all the time).</summary>
    public static string Stamp(AgentProfileDto p) =>
        Kefu.Platform.Http.ETags.ForContent(p.Status, p.ChatCapacity, p.TicketCapacity, p.Languages, p.ProductLines, p.Vip);

    /// <summary>A team policy's ETag stamp: its mode (not the round-robin cursor, which every assignment moves).</summary>
    public static string Stamp(AssignmentMode mode) => Kefu.Platform.Http.ETags.ForContent(mode);

    /// <summary>The stamp of what the admin console sets of a profile: <see cref="Stamp(AgentProfileDto)"/> without the
    /// status, which the agent changes all day (a save from the console leaves it alone and must not fail over it).</summary>
    public static string SettingsStamp(AgentProfileDto p) =>
        Kefu.Platform.Http.ETags.ForContent(p.ChatCapacity, p.TicketCapacity, p.Languages, p.ProductLines, p.Vip);

    /// <summary>Changes an agent's routing profile (audited as <c>routing_agent</c> / <c>updated</c>); <paramref name="ifMatch"/>
    /// gets the stored profile before anything changes, to compare its stamp (the API's If-Match, the console's check).</summary>
    public async Task<AgentProfileDto> SaveProfileAsync(Guid userId, SaveAgentProfileRequest r, StaffContext staff, CancellationToken ct,
        Action<AgentProfileDto>? ifMatch = null)
    {
        var errors = new Dictionary<string, string[]>();
        if (r.ChatCapacity is < 0 or > 20) errors["chatCapacity"] = ["Concurrent chats are 0 to 20."];
        if (r.TicketCapacity is < 0 or > 500) errors["ticketCapacity"] = ["Open tickets are 0 to 500."];
        if (r.Status is { } s && !Enum.IsDefined(s)) errors["status"] = ["Status is online, away or offline."];
        var languages = Join(r.Languages);
        var products = Join(r.ProductLines);
        if (languages.Length > 200) errors["languages"] = ["Too many languages."];
        if (products.Length > 1000) errors["productLines"] = ["Too many product lines."];
        if (errors.Count > 0) throw new DomainException(400, "Validation failed", errors.First().Value[0], errors);
        await DemandMemberAsync(staff, userId, ct);
        await uow.RunAsync(async c =>
        {
            if (ifMatch is not null) await Db.LockRowAsync<RoutingAgent>(userId, c); // the stamp is checked against the latest commit
            var row = await RowAsync(userId, c);
            ifMatch?.Invoke(ToDto(userId, "", row, [], new()));
            var changes = new ChangeSet();
            if (r.ChatCapacity is { } chat && changes.Set("chatCapacity", row.ChatCapacity, chat)) row.ChatCapacity = chat;
            if (r.TicketCapacity is { } tickets && changes.Set("ticketCapacity", row.TicketCapacity, tickets)) row.TicketCapacity = tickets;
            if (r.Languages is not null && changes.Set("languages", row.Languages, languages)) row.Languages = languages;
            if (r.ProductLines is not null && changes.Set("productLines", row.ProductLines, products)) row.ProductLines = products;
            if (r.Vip is { } vip && changes.Set("vip", row.Vip, vip)) row.Vip = vip;
            if (r.Status is { } status && changes.Set("status", row.Status, status))
            {
                Db.Publish(new AgentStatusChanged(userId, row.Status, status), time);
                row.Status = status;
                row.StatusSince = time.UtcNow();
            }
            row.UpdatedAt = time.UtcNow();
            if (changes.Any) await audit.RecordAsync("routing_agent", userId, "updated", changes.Fields, c);
        }, ct);
        return await ProfileAsync(userId, ct);
    }

    public async Task<List<TeamPolicyDto>> PoliciesAsync(CancellationToken ct)
    {
        var teams = await Db.Teams.AsNoTracking().OrderBy(t => t.Name).Select(t => new { t.Id, t.Name }).ToListAsync(ct);
        var policies = await Db.Set<RoutingTeamPolicy>().AsNoTracking().ToDictionaryAsync(p => p.TeamId, ct);
        var result = new List<TeamPolicyDto>();
        foreach (var t in teams)
            result.Add(new TeamPolicyDto(t.Id, t.Name, policies.GetValueOrDefault(t.Id)?.Mode ?? AssignmentMode.Manual,
                await OnlineCountAsync(t.Id, ct), await Queue(t.Id).CountAsync(ct)));
        return result;
    }

    public async Task<TeamPolicyDto> PolicyAsync(int teamId, CancellationToken ct)
    {
        var team = await Db.Teams.AsNoTracking().FirstOrDefaultAsync(t => t.Id == teamId, ct) ?? throw DomainException.NotFound("Team");
        var mode = await Db.Set<RoutingTeamPolicy>().AsNoTracking().Where(p => p.TeamId == teamId).Select(p => (AssignmentMode?)p.Mode).FirstOrDefaultAsync(ct);
        return new TeamPolicyDto(team.Id, team.Name, mode ?? AssignmentMode.Manual, await OnlineCountAsync(teamId, ct), await Queue(teamId).CountAsync(ct));
    }

    /// <summary>Sets a team's assignment mode (audited as <c>team</c> / <c>routing_changed</c>); <paramref name="ifMatch"/>
    /// gets the stored policy's stamp before anything changes (the API's If-Match).</summary>
    public async Task<TeamPolicyDto> SavePolicyAsync(int teamId, SaveTeamPolicyRequest r, StaffContext staff, CancellationToken ct,
        Action<string>? ifMatch = null)
    {
        if (!Enum.IsDefined(r.Mode)) throw DomainException.Validation("mode", "Mode is manual, round_robin or least_load.");
        DemandTeam(staff, teamId);
        var team = await Db.Teams.AsNoTracking().FirstOrDefaultAsync(t => t.Id == teamId, ct) ?? throw DomainException.NotFound("Team");
        var turnedOn = await uow.RunAsync(async c =>
        {
            if (ifMatch is not null) await Db.LockRowAsync<RoutingTeamPolicy>(teamId, c); // the stamp is checked against the latest commit
            var row = await Db.Set<RoutingTeamPolicy>().FirstOrDefaultAsync(p => p.TeamId == teamId, c);
            ifMatch?.Invoke(Stamp(row?.Mode ?? AssignmentMode.Manual));
            if (row is null) Db.Add(row = new RoutingTeamPolicy { TeamId = teamId });
            var was = row.Mode;
            row.Mode = r.Mode;
            row.UpdatedAt = time.UtcNow();
            if (was != r.Mode) await audit.RecordAsync("team", teamId, "routing_changed", new { mode = new[] { was, r.Mode } }, c);
            return was == AssignmentMode.Manual && r.Mode != AssignmentMode.Manual;
        }, ct);
        // Switching a team to automatic assignment hands out what is already waiting.
        if (turnedOn) await DrainAsync([teamId], ct);
        return new TeamPolicyDto(team.Id, team.Name, r.Mode, await OnlineCountAsync(teamId, ct), await Queue(teamId).CountAsync(ct));
    }

    // ---------------------------------------------------------------- the pick

    public async Task<Guid?> PickAsync(long ticketId, CancellationToken ct)
    {
        var ticket = await Db.Set<Ticket>().AsNoTracking().Include(t => t.Tags).ThenInclude(t => t.Tag).FirstOrDefaultAsync(t => t.Id == ticketId, ct);
        if (ticket?.TeamId is not { } teamId) return null;
        var mode = await ModeAsync(teamId, ct);
        if (mode is null or AssignmentMode.Manual) return null;

        // Every automatic pick is serialised until its transaction ends, so loads counted here include every
        // assignment committed before and none can slip in between (SQLite: the write gate, taken here).
        await SerializeAsync(ct);
        var cursor = await Db.Set<RoutingTeamPolicy>().AsNoTracking().Where(p => p.TeamId == teamId).Select(p => p.LastAgentId).FirstOrDefaultAsync(ct);
        var team = await TeamAgentsAsync(teamId, ct);
        if (team.Agents.Count == 0) return null;
        var chat = await IsLiveChatAsync(ticket, ct);
        var needs = await NeedsAsync(ticket, ct);
        var picked = AssignmentEngine.Pick(mode.Value, team.Candidates(chat), needs, cursor);
        if (picked is null)
        {
            log.LogDebug("No eligible agent in team {Team} for ticket {Ticket} ({Needs})", teamId, ticketId, needs);
            return null;
        }
        await Db.Set<RoutingTeamPolicy>().Where(p => p.TeamId == teamId)
            .ExecuteUpdateAsync(u => u.SetProperty(p => p.LastAgentId, picked.UserId), ct);
        return picked.UserId;
    }

    public async Task<long?> FirstAssignableAsync(IReadOnlyList<long> ticketIds, CancellationToken ct)
    {
        if (ticketIds.Count == 0) return null;
        var tickets = await Db.Set<Ticket>().AsNoTracking().Include(t => t.Tags).ThenInclude(t => t.Tag)
            .Where(t => ticketIds.Contains(t.Id)).ToDictionaryAsync(t => t.Id, ct);
        var teams = new Dictionary<int, (AssignmentMode? Mode, TeamAgents Agents)>();
        foreach (var id in ticketIds)
        {
            if (!tickets.TryGetValue(id, out var ticket) || ticket.TeamId is not { } teamId) continue;
            if (!teams.TryGetValue(teamId, out var team))
                teams[teamId] = team = (await ModeAsync(teamId, ct), await TeamAgentsAsync(teamId, ct));
            if (team.Mode is null or AssignmentMode.Manual || team.Agents.Agents.Count == 0) continue;
            var needs = await NeedsAsync(ticket, ct);
            if (AssignmentEngine.Pick(team.Mode.Value, team.Agents.Candidates(await IsLiveChatAsync(ticket, ct)), needs, null) is not null) return id;
        }
        return null;
    }

    private Task<AssignmentMode?> ModeAsync(int teamId, CancellationToken ct) =>
        Db.Set<RoutingTeamPolicy>().AsNoTracking().Where(p => p.TeamId == teamId).Select(p => (AssignmentMode?)p.Mode).FirstOrDefaultAsync(ct);

    /// <summary>A team's online active agents with their loads, as engine candidates for either channel class.</summary>
    private sealed record TeamAgents(List<RoutingAgent> Agents, Dictionary<(Guid, bool), int> Loads)
    {
        public IEnumerable<Candidate> Candidates(bool chat) => Agents.Select(a => new Candidate(a.UserId, a.Status,
            Loads.GetValueOrDefault((a.UserId, chat)), chat ? a.ChatCapacity : a.TicketCapacity,
            AssignmentEngine.ParseList(a.Languages), AssignmentEngine.ParseList(a.ProductLines), a.Vip));
    }

    private async Task<TeamAgents> TeamAgentsAsync(int teamId, CancellationToken ct)
    {
        var agents = await Db.Set<RoutingAgent>().AsNoTracking()
            .Where(a => a.Status == AgentStatus.Online && Db.TeamMembers.Any(m => m.TeamId == teamId && m.UserId == a.UserId)
                && Db.Users.Any(u => u.Id == a.UserId && u.IsActive))
            .ToListAsync(ct);
        return new TeamAgents(agents, agents.Count == 0 ? [] : await LoadsAsync([.. agents.Select(a => a.UserId)], ct));
    }

    /// <summary>A chat ticket Chat is handling live (bot, queued, active) takes a chat place; a left message is a ticket.</summary>
    private async Task<bool> IsLiveChatAsync(Ticket ticket, CancellationToken ct)
    {
        if (ticket.Channel != Channel.Chat) return false;
        var live = LiveChatIds;
        return live is null || await live.ContainsAsync(ticket.Id, ct);
    }

    private IQueryable<long>? LiveChatIds => liveChats.FirstOrDefault()?.LiveTicketIds(Db);

    /// <summary>What the ticket asks of its agent: language of the customer's text, product line (a product:… tag or
    /// the level-1 category), VIP (a vip tag on the ticket or on its customer).</summary>
    public async Task<TicketNeeds> NeedsAsync(Ticket ticket, CancellationToken ct)
    {
        var body = await Db.Set<Message>().AsNoTracking().Where(m => m.TicketId == ticket.Id && m.Kind == MessageKind.Customer)
            .OrderBy(m => m.Id).Select(m => m.Body).FirstOrDefaultAsync(ct);
        var tags = ticket.Tags.Select(t => t.Tag.Name.Trim().ToLowerInvariant()).ToList();
        var product = tags.FirstOrDefault(t => t.StartsWith(RoutingDefaults.ProductTagPrefix, StringComparison.Ordinal))?[RoutingDefaults.ProductTagPrefix.Length..].Trim();
        if (string.IsNullOrEmpty(product) && ticket.CategoryId is { } cat)
            product = (await taxonomy.GetAsync(ct)).NamesOf(cat).FirstOrDefault()?.ToLowerInvariant();
        var vip = tags.Contains(RoutingDefaults.VipTag)
            || await Db.Set<CustomerTag>().AnyAsync(t => t.CustomerId == ticket.CustomerId && t.Name == RoutingDefaults.VipTag, ct);
        return new TicketNeeds(AssignmentEngine.DetectLanguage(ticket.Subject + "\n" + body), string.IsNullOrEmpty(product) ? null : product, vip);
    }

    /// <summary>Open assigned tickets per (agent, is a live chat). A left message counts as a ticket, not a chat.</summary>
    private async Task<Dictionary<(Guid, bool), int>> LoadsAsync(List<Guid> agentIds, CancellationToken ct)
    {
        var open = Db.Set<Ticket>().AsNoTracking()
            .Where(t => t.AssigneeId != null && agentIds.Contains(t.AssigneeId.Value) && t.MergedIntoId == null
                && t.Status != TicketStatus.Solved && t.Status != TicketStatus.Closed);
        var live = LiveChatIds;
        var rows = live is null
            ? await open.Select(t => new { t.AssigneeId, Chat = t.Channel == Channel.Chat }).ToListAsync(ct)
            : await open.Select(t => new { t.AssigneeId, Chat = t.Channel == Channel.Chat && live.Contains(t.Id) }).ToListAsync(ct);
        return rows.GroupBy(r => (r.AssigneeId!.Value, r.Chat)).ToDictionary(g => g.Key, g => g.Count());
    }

    // Begun before the loads are read. The key: "rout" + 1.
    private ValueTask SerializeAsync(CancellationToken ct) => Db.SerializeAsync(72657401, ct);

    // ---------------------------------------------------------------- automatic assignment of tickets

    /// <summary>Assigns an unassigned open ticket of an automatic team to the picked agent (chats are Chat's). Joins
    /// the caller's unit of work. Idempotent: an assigned ticket is left alone.</summary>
    private sealed record TicketWithMode(Ticket Ticket, AssignmentMode? Mode);

    // Run for every created ticket: compiled once per model (decisions 0037, 0045), not rebuilt and looked up in EF's cache each time.
    private static readonly PerModel<Func<KefuDb, long, CancellationToken, Task<TicketWithMode?>>> TicketWithModeQuery = new(() => EF.CompileAsyncQuery(
        (KefuDb db, long ticketId, CancellationToken ct) => db.Set<Ticket>().Where(t => t.Id == ticketId)
            .Select(t => new TicketWithMode(t, db.Set<RoutingTeamPolicy>().Where(p => p.TeamId == t.TeamId).Select(p => (AssignmentMode?)p.Mode).FirstOrDefault()))
            .FirstOrDefault()));

    public async Task<Guid?> TryAssignAsync(long ticketId, CancellationToken ct) => await uow.RunAsync(async c =>
    {
        // The ticket with its team's assignment mode, in one query: a team not on automatic assignment ends here.
        var row = await TicketWithModeQuery.For(Db)(Db, ticketId, c);
        if (row?.Ticket is not { } ticket || !Waiting(ticket) || await IsLiveChatAsync(ticket, c)) return null;
        if (row.Mode is null or AssignmentMode.Manual) return null;
        if (await PickAsync(ticketId, c) is not { } agent) return null;
        await tickets.UpdateAsync(ticket, new JsonObject { ["assigneeId"] = agent }, KefuJson.Stored, System, c);
        return (Guid?)agent;
    }, ct);

    private static bool Waiting(Ticket t) => t.AssigneeId is null && t.TeamId is not null && t.MergedIntoId is null
        && t.Status != TicketStatus.Solved && t.Status != TicketStatus.Closed;

    /// <summary>Hands out the waiting tickets of the given teams (those on automatic), most urgent first, until
    /// nobody eligible is left. Returns how many were assigned.</summary>
    public async Task<int> DrainAsync(IReadOnlyCollection<int> teamIds, CancellationToken ct)
    {
        var auto = await Db.Set<RoutingTeamPolicy>().AsNoTracking().Where(p => teamIds.Contains(p.TeamId) && p.Mode != AssignmentMode.Manual)
            .Select(p => p.TeamId).ToListAsync(ct);
        var assigned = 0;
        foreach (var team in auto)
        {
            foreach (var item in await QueueAsync(team, DrainBatch, ct))
            {
                if (await OnlineCountAsync(team, ct) == 0) break;
                if (await TryAssignAsync(item.TicketId, ct) is not null) assigned++;
            }
        }
        return assigned;
    }

    public async Task<int[]> TeamsOfAsync(Guid userId, CancellationToken ct) =>
        await Db.TeamMembers.AsNoTracking().Where(m => m.UserId == userId).Select(m => m.TeamId).ToArrayAsync(ct);

    // ---------------------------------------------------------------- the queue

    /// <summary>A team's unassigned open tickets, chats included once they are no longer live (left messages).</summary>
    private IQueryable<Ticket> Queue(int teamId)
    {
        var q = Db.Set<Ticket>().AsNoTracking().Where(t => t.TeamId == teamId && t.AssigneeId == null
            && t.MergedIntoId == null && t.Status != TicketStatus.Solved && t.Status != TicketStatus.Closed);
        var live = LiveChatIds;
        return live is null ? q.Where(t => t.Channel != Channel.Chat) : q.Where(t => t.Channel != Channel.Chat || !live.Contains(t.Id));
    }

    /// <summary>A team's unassigned tickets: priority (urgent first), then SLA due time (the earliest running target;
    /// soonest first, none last), then age. The whole order is one SQL query over the whole queue.</summary>
    public async Task<List<QueueEntryDto>> QueueAsync(int teamId, int limit, CancellationToken ct) =>
        [.. (await QueueSorts[0].Apply(QueueRows(teamId), false, null).Take(limit).ToListAsync(ct)).Select(ToDto)];

    /// <summary>A page of the queue in that order (decision 0061: <c>limit</c>, <c>cursor</c>).</summary>
    public async Task<Page<QueueEntryDto>> QueuePageAsync(int teamId, string? cursor, int? limit, CancellationToken ct)
    {
        var (rows, next) = await Keyset.PageAsync(QueueRows(teamId), QueueSorts, null, cursor, limit, ct);
        return new Page<QueueEntryDto>([.. rows.Select(ToDto)], next);
    }

    /// <summary>Stands for "no running target" in the order (after every due time), so the due time is one key that
    /// both databases compare (PostgreSQL reads it as infinity).</summary>
    private static readonly DateTime NoDue = DateTime.SpecifyKind(DateTime.MaxValue, DateTimeKind.Utc);

    private static readonly ListSort<QueueRow>[] QueueSorts =
    [
        ListSort<QueueRow>.By("queue", r => r.Priority, descending: true).Then(r => r.DueAt).Then(r => r.CreatedAt).Then(r => r.Id),
    ];

    /// <summary>A queued ticket with what orders it (a class with setters, so EF composes the page's filter over it).</summary>
    internal sealed class QueueRow
    {
        public long Id { get; init; }
        public string Subject { get; init; } = "";
        public int Priority { get; init; }
        public Channel Channel { get; init; }
        public TicketStatus Status { get; init; }
        public DateTime CreatedAt { get; init; }
        /// <summary>The earliest running SLA due time, <see cref="NoDue"/> when none.</summary>
        public DateTime DueAt { get; init; }
    }

    private IQueryable<QueueRow> QueueRows(int teamId)
    {
        var q = Queue(teamId);
        var due = dueTimes.FirstOrDefault()?.RunningDueTimes(Db);
        return due is null
            ? q.Select(t => new QueueRow { Id = t.Id, Subject = t.Subject, Priority = (int)t.Priority, Channel = t.Channel, Status = t.Status,
                CreatedAt = t.CreatedAt, DueAt = NoDue })
            : q.Select(t => new QueueRow { Id = t.Id, Subject = t.Subject, Priority = (int)t.Priority, Channel = t.Channel, Status = t.Status,
                CreatedAt = t.CreatedAt, DueAt = due.Where(d => d.TicketId == t.Id).Min(d => (DateTime?)d.DueAt) ?? NoDue });
    }

    private static QueueEntryDto ToDto(QueueRow r) => new(r.Id, r.Id + TicketRules.NumberOffset, r.Subject, (TicketPriority)r.Priority,
        r.Channel, r.Status, r.CreatedAt, r.DueAt.Year == 9999 ? null : DateTime.SpecifyKind(r.DueAt, DateTimeKind.Utc));

    private static AgentProfileDto ToDto(Guid id, string name, RoutingAgent? a, int[] teams, Dictionary<(Guid, bool), int> loads) => new(
        id, name, a?.Status ?? AgentStatus.Offline, a?.StatusSince, a?.ChatCapacity ?? RoutingDefaults.ChatCapacity,
        a?.TicketCapacity ?? RoutingDefaults.TicketCapacity, [.. AssignmentEngine.ParseList(a?.Languages).Order()],
        [.. AssignmentEngine.ParseList(a?.ProductLines).Order()], a?.Vip ?? false, teams,
        loads.GetValueOrDefault((id, true)), loads.GetValueOrDefault((id, false)));

    private static string Join(string[]? items) => items is null ? "" : string.Join(',', items.Select(i => i.Trim().ToLowerInvariant())
        .Where(i => i.Length > 0 && !i.Contains(',')).Distinct());
}
