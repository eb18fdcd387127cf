using System.Globalization;
using Kefu.Platform;
using Kefu.Platform.Audit;
using Kefu.Platform.Auth;
using Kefu.Platform.Database;
using Kefu.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Demo;

/// <summary>Demo staff, customers and tickets (KEFU_DEMO=false turns it off).</summary>
public static class DemoSeeder
{
    public const int CustomerCount = 300;
    public const int TicketCount = 2000;

    private sealed record DemoStaff(string UserName, string DisplayName, string[] Roles, string[] Teams, bool IsOutsourced = false);

    /// <summary>Everyone signs in with <see cref="Startup.DemoPassword"/>. Tests and docs rely on agent1 being in 技术组
    /// and outsourced1 in 售后组.</summary>
    private static readonly DemoStaff[] Staff =
    [
        new("admin", "陈静", [Roles.Admin], []),
        new("supervisor", "王芳", [Roles.Supervisor], []),
        new("qa", "李娜", [Roles.QualityInspector], []),
        new("editor", "周婷", [Roles.KnowledgeEditor], []),
        new("lead1", "张伟", [Roles.TeamLead], ["技术组", "产品反馈组"]),
        new("lead2", "刘洋", [Roles.TeamLead], ["物流组", "售后组", "投诉组"]),
        new("senior1", "赵敏", [Roles.SeniorAgent], ["投诉组", "售后组"]),
        new("agent1", "李强", [Roles.Agent], ["技术组"]),
        new("agent2", "黄丽", [Roles.Agent], ["物流组"]),
        new("agent3", "吴磊", [Roles.Agent], ["售后组"]),
        new("agent4", "徐敏", [Roles.Agent], ["技术组", "产品反馈组"]),
        new("outsourced1", "孙浩", [Roles.Agent], ["售后组"], IsOutsourced: true),
    ];

    private static readonly Dictionary<string, string> TeamDescriptions = new()
    {
        ["技术组"] = "APP 故障、账号登录与支付技术问题",
        ["物流组"] = "发货、配送、改地址与丢件",
        ["售后组"] = "退款、退货与换货",
        ["投诉组"] = "服务投诉与处理时效投诉",
        ["产品反馈组"] = "功能建议与体验反馈",
    };

    /// <summary>Creates the teams the shipped taxonomy routes to, points each leaf category at its team (the taxonomy
    /// is imported before any team exists), and creates the demo staff.</summary>
    public static async Task SeedStaffAsync(IServiceProvider sp, CancellationToken ct)
    {
        var uow = sp.GetRequiredService<UnitOfWork>();
        var staff = sp.GetRequiredService<StaffService>();
        var audit = sp.GetRequiredService<AuditLog>();
        var time = sp.GetRequiredService<TimeProvider>();
        await uow.RunAsync(async c =>
        {
            var db = uow.Db;
            var teams = await db.Teams.ToDictionaryAsync(t => t.Name, c);
            var created = new List<Team>();
            foreach (var name in Startup.TaxonomyTeams().Concat(Staff.SelectMany(s => s.Teams)).Distinct())
            {
                if (teams.ContainsKey(name)) continue;
                var team = new Team { Name = name, Description = TeamDescriptions.GetValueOrDefault(name), CreatedAt = time.UtcNow(), Version = 1 };
                db.Teams.Add(team);
                teams[name] = team;
                created.Add(team);
            }
            await db.SaveChangesAsync(c);
            foreach (var team in created) await audit.RecordAsync("team", team.Id, "created", new { name = team.Name }, c);

            await LinkTaxonomyToTeamsAsync(db, teams.ToDictionary(t => t.Key, t => t.Value.Id), c);

            foreach (var s in Staff)
                await staff.CreateAsync(new CreateUserRequest(s.UserName, s.DisplayName, $"{s.UserName}@kefu.local", Startup.DemoPassword,
                    s.Roles, [.. s.Teams.Select(n => teams[n].Id)], s.IsOutsourced, "zh-CN"), c);
        }, ct);
        sp.GetService<TaxonomyCache>()?.Invalidate();
    }

    /// <summary>Sets DefaultTeamId on leaves that have none, from the team column of the shipped taxonomy.</summary>
    private static async Task LinkTaxonomyToTeamsAsync(KefuDb db, Dictionary<string, int> teams, CancellationToken ct)
    {
        var teamByPath = Startup.ReadResource("taxonomy.tsv").Split('\n')
            .Where(l => !l.StartsWith('#') && l.Contains('\t'))
            .Select(l => l.TrimEnd('\r').Split('\t'))
            .Where(f => f.Length >= 5)
            .ToDictionary(f => string.Join('/', f[..3]), f => f[4]);
        var categories = await db.Set<Category>().ToListAsync(ct);
        foreach (var (leaf, path) in Paths(categories))
            if (leaf.DefaultTeamId is null && teamByPath.TryGetValue(path, out var teamName) && teams.TryGetValue(teamName, out var teamId))
                leaf.DefaultTeamId = teamId;
    }

    /// <summary>Each leaf (level 3) category with its full path.</summary>
    private static IEnumerable<(Category Leaf, string Path)> Paths(List<Category> categories)
    {
        var byId = categories.ToDictionary(c => c.Id);
        foreach (var c in categories.Where(c => c.Level == 3).OrderBy(c => c.SortOrder))
        {
            var names = new List<string>();
            for (Category? n = c; n is not null; n = n.ParentId is { } p ? byId.GetValueOrDefault(p) : null) names.Insert(0, n.Name);
            yield return (c, string.Join('/', names));
        }
    }

    /// <summary>About 2,000 tickets with their conversations over the last 60 days, from about 300 customers.
    /// Written straight to the tables in one transaction: no domain events (this is history, nothing should react
    /// to it) and a single audit row instead of one per change.</summary>
    public static async Task<int> SeedTicketsAsync(IServiceProvider sp, CancellationToken ct)
    {
        var uow = sp.GetRequiredService<UnitOfWork>();
        var audit = sp.GetRequiredService<AuditLog>();
        var time = sp.GetRequiredService<TimeProvider>();
        var db = uow.Db;

        var categories = await db.Set<Category>().AsNoTracking().ToListAsync(ct);
        var leaves = Paths(categories).Where(x => x.Leaf.IsActive)
            .Select(x => new DemoHistory.Leaf(x.Leaf.Id, x.Path, x.Leaf.DefaultPriority ?? TicketPriority.Normal, x.Leaf.DefaultTeamId))
            .ToList();
        if (leaves.Count == 0) return 0;

        var members = await db.TeamMembers.AsNoTracking()
            .Where(m => m.User.IsActive)
            .OrderBy(m => m.TeamId).ThenBy(m => m.User.UserName)
            .Select(m => new { m.TeamId, m.UserId, m.User.DisplayName, m.User.IsOutsourced, Roles = m.User.Roles.Select(r => r.Role.Name!).ToList() })
            .ToListAsync(ct);
        var workers = members
            .Select(m => (m.TeamId, Worker: new DemoHistory.Worker(m.UserId, m.DisplayName, HandlingRole(m.Roles) ?? "", m.IsOutsourced)))
            .Where(x => x.Worker.Role.Length > 0)
            .GroupBy(x => x.TeamId)
            .ToDictionary(g => g.Key, g => g.Select(x => x.Worker).ToArray());
        var supervisor = await db.Users.AsNoTracking()
            .Where(u => u.IsActive && u.Roles.Any(r => r.Role.Name == Roles.Supervisor))
            .OrderBy(u => u.UserName)
            .Select(u => new DemoHistory.Worker(u.Id, u.DisplayName, Roles.Supervisor, u.IsOutsourced))
            .FirstOrDefaultAsync(ct);

        return await uow.RunAsync(async c =>
        {
            var tags = await db.Set<Tag>().ToDictionaryAsync(t => t.Name, StringComparer.OrdinalIgnoreCase, c);
            var identities = (await db.Set<CustomerIdentity>().AsNoTracking().Select(i => new { i.Kind, i.Value }).ToListAsync(c))
                .Select(i => (i.Kind, i.Value)).ToHashSet();
            var history = DemoHistory.Build(time.UtcNow(), CustomerCount, TicketCount, leaves, workers, supervisor, tags, identities);

            var messages = await SaveAsync(db, history, c);
            await audit.RecordAsync("system", "demo", "demo_seeded", new
            {
                customers = history.Customers.Count,
                tickets = history.Tickets.Count,
                messages,
                from = history.Tickets.Count > 0 ? history.Tickets[0].CreatedAt : (DateTime?)null,
            }, c);
            await db.SaveChangesAsync(c);
            db.ChangeTracker.Clear();
            return history.Tickets.Count;
        }, ct);
    }

    /// <summary>Writes the history; returns the number of messages. SQLite gets prepared bulk inserts (its EF
    /// provider does not batch); other providers get AddRange + SaveChanges, which they batch.</summary>
    private static async Task<int> SaveAsync(KefuDb db, DemoHistory history, CancellationToken ct)
    {
        if (db.IsSqlite)
        {
            await DemoBulkInsert.InsertAsync(db, history.Customers, ct);
            var identities = history.Customers.SelectMany(c => c.Identities.Select(i => { i.CustomerId = c.Id; return i; })).ToList();
            await DemoBulkInsert.InsertAsync(db, identities, ct);
            await DemoBulkInsert.InsertAsync(db, history.NewTags, ct);
            foreach (var t in history.Tickets) t.CustomerId = t.Customer.Id;
            await DemoBulkInsert.InsertAsync(db, history.Tickets, ct);
            var links = history.Tickets.SelectMany(t => t.Tags.Select(l => { l.TicketId = t.Id; l.TagId = l.Tag.Id; return l; })).ToList();
            await DemoBulkInsert.InsertAsync(db, links, ct);
            var rows = Messages(history);
            await DemoBulkInsert.InsertAsync(db, rows, ct);
            return rows.Count;
        }

        var autoDetect = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            // Customers (with identities), tags and tickets (with their tag links) first, for their ids…
            db.AddRange(history.Customers);
            db.AddRange(history.NewTags);
            db.AddRange(history.Tickets);
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            // …then the messages, which point at tickets by id only.
            var rows = Messages(history);
            db.AddRange(rows);
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            return rows.Count;
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = autoDetect;
        }
    }

    private static List<Message> Messages(DemoHistory history) => history.Messages.Select(m => new Message
    {
        TicketId = m.Ticket.Id,
        Kind = m.Kind,
        Channel = m.Ticket.Channel,
        AuthorUserId = m.AuthorUserId,
        AuthorCustomerId = m.AuthorCustomer?.Id,
        Body = m.Mentions is { } prev ? m.Body.Replace("{prevticket}", prev.Number.ToString(CultureInfo.InvariantCulture)) : m.Body,
        CreatedAt = m.CreatedAt,
    }).ToList();

    /// <summary>The role a team member answers tickets in; null for members who do not (e.g. an inspector).</summary>
    private static string? HandlingRole(List<string> roles) =>
        roles.Contains(Roles.Agent) ? Roles.Agent
        : roles.Contains(Roles.SeniorAgent) ? Roles.SeniorAgent
        : roles.Contains(Roles.TeamLead) ? Roles.TeamLead
        : null;
}
