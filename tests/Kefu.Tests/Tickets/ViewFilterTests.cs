using Kefu.Platform.Auth;
using Kefu.Platform.Events;
using Kefu.Tickets;
using Kefu.Tickets.Views;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Tests.Tickets;

/// <summary>
/// A server on a database of its own (so no other test's tickets change the counts) with a small known set of
/// tickets: every status, assignee, owner, team and priority the workspace's views tell apart. Seeded through the API
/// the way agents produce these states (owner by a first public reply, transfer, merge), then the outbox is drained
/// so no background handler is still at work. No team is on automatic assignment: nothing assigns on its own.
/// </summary>
public sealed class ViewsFixture<TApp> : IAsyncLifetime where TApp : KefuApp, new()
{
    public TApp App { get; } = new();
    /// <summary>Seed key → ticket id, and back.</summary>
    public Dictionary<string, long> Ids { get; } = [];
    public Dictionary<long, string> Keys { get; } = [];

    /// <summary>The seeded state: team, assignee, owner (by viewer name), status, priority, merged.</summary>
    public static readonly (string Key, string? Team, string? Assignee, string? Owner, TicketStatus Status, TicketPriority Priority, bool Merged)[] Seed =
    [
        ("a-new", "A", null, null, TicketStatus.New, TicketPriority.Normal, false),
        ("a-hold", "A", null, null, TicketStatus.OnHold, TicketPriority.Urgent, false),
        ("a-mine", "A", "agent.a", "agent.a", TicketStatus.Open, TicketPriority.Normal, false),
        ("a-pending", "A", "agent.a", "agent.a", TicketStatus.PendingCustomer, TicketPriority.High, false),
        ("a-handed", "A", "agent.a2", "agent.a", TicketStatus.Open, TicketPriority.Urgent, false),
        ("a-solved", "A", "agent.a", "agent.a", TicketStatus.Solved, TicketPriority.Urgent, false),
        ("a-closed", "A", null, null, TicketStatus.Closed, TicketPriority.Normal, false),
        ("a-merged", "A", null, null, TicketStatus.Closed, TicketPriority.Urgent, true),
        ("b-new", "B", null, null, TicketStatus.New, TicketPriority.Urgent, false),
        ("b-pending", "B", "agent.b", "agent.b", TicketStatus.PendingCustomer, TicketPriority.Normal, false),
        ("b-owned-by-a", "B", "agent.b", "agent.a", TicketStatus.Open, TicketPriority.Normal, false),
        ("b-for-a2", "B", "agent.a2", null, TicketStatus.New, TicketPriority.Low, false),
        ("none-new", null, null, null, TicketStatus.New, TicketPriority.Low, false),
        ("none-lead", null, "lead.a", null, TicketStatus.Open, TicketPriority.High, false),
    ];

    public Staff Viewer(string name) => name switch
    {
        "agent.a" => App.AgentA,
        "agent.a2" => App.AgentA2,
        "agent.b" => App.AgentB,
        "out.a" => App.Outsourced,
        "lead.a" => App.Lead,
        "super" => App.Supervisor,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    private int? Team(string? t) => t switch { "A" => App.TeamA, "B" => App.TeamB, _ => null };

    public async Task InitializeAsync()
    {
        await App.InitializeAsync();
        var admin = App.Admin;

        async Task<long> Create(string key, string? team, string priority, string? assignee = null)
        {
            var id = (await KefuApp.PostOk(admin, "/api/v1/tickets", new
            {
                subject = $"视图 {key}", channel = "email", teamId = Team(team), priority,
                assigneeId = assignee is null ? (Guid?)null : Viewer(assignee).Id,
                customer = new { email = $"{key}-{Guid.NewGuid():N}@views.test" }, message = new { body = "我的订单还没到" },
            }))["id"]!.GetValue<long>();
            Ids[key] = id;
            Keys[id] = key;
            return id;
        }
        async Task Reply(long id, string agent) =>
            await KefuApp.PostOk(Viewer(agent).Http, $"/api/v1/tickets/{id}/messages", new { kind = "public_reply", body = "正在处理" });
        async Task Patch(long id, object body)
        {
            var response = await admin.PatchAsJsonAsync($"/api/v1/tickets/{id}", body);
            await KefuApp.Json(response, expectSuccess: true);
        }

        await Create("a-new", "A", "normal");
        await Patch(await Create("a-hold", "A", "urgent"), new { status = "on_hold" });
        var mine = await Create("a-mine", "A", "normal", "agent.a");
        await Reply(mine, "agent.a"); // owner, and new → open
        var pending = await Create("a-pending", "A", "high", "agent.a");
        await Reply(pending, "agent.a");
        await Patch(pending, new { status = "pending_customer" });
        var handed = await Create("a-handed", "A", "normal", "agent.a");
        await Reply(handed, "agent.a");
        await Patch(handed, new { assigneeId = App.AgentA2.Id, priority = "urgent" }); // the owner stays
        var solved = await Create("a-solved", "A", "urgent", "agent.a");
        await Reply(solved, "agent.a");
        await Patch(solved, new { status = "solved" });
        var closed = await Create("a-closed", "A", "normal");
        await Patch(closed, new { status = "solved" });
        await Patch(closed, new { status = "closed" });
        var merged = await Create("a-merged", "A", "urgent");
        await KefuApp.PostOk(admin, $"/api/v1/tickets/{merged}/merge", new { targetTicketId = Ids["a-new"] });
        await Create("b-new", "B", "urgent");
        var bPending = await Create("b-pending", "B", "normal", "agent.b");
        await Reply(bPending, "agent.b");
        await Patch(bPending, new { status = "pending_customer" });
        var transferred = await Create("b-owned-by-a", "A", "normal");
        await Reply(transferred, "agent.a");
        await Patch(transferred, new { teamId = App.TeamB, assigneeId = App.AgentB.Id }); // transferred: A stays owner
        await Create("b-for-a2", "B", "low", "agent.a2");
        await Create("none-new", null, "low");
        var lead = await Create("none-lead", null, "high", "lead.a");
        await Patch(lead, new { status = "open" });

        // Every handler has run (calls in one process run one batch at a time, so an empty batch here means the
        // dispatcher's own loop is idle too).
        var dispatcher = App.Service<OutboxDispatcher>();
        while (await dispatcher.DispatchBatchAsync(CancellationToken.None) > 0) { }

        // The seed is what the views are checked against: make sure it is exactly that.
        var rows = await App.DbAsync(db => db.Set<Ticket>().AsNoTracking().ToListAsync());
        Assert.Equal(Seed.Length, rows.Count);
        string? Name(Guid? id) => id is null ? null
            : new[] { "agent.a", "agent.a2", "agent.b", "out.a", "lead.a", "super" }.Single(n => Viewer(n).Id == id);
        foreach (var s in Seed)
        {
            var t = rows.Single(r => r.Id == Ids[s.Key]);
            Assert.Equal((s.Key, Team(s.Team), s.Assignee, s.Owner, s.Status, s.Priority, s.Merged),
                (s.Key, t.TeamId, Name(t.AssigneeId), Name(t.OwnerId), t.Status, t.Priority, t.MergedIntoId is not null));
        }
    }

    public Task DisposeAsync() => App.DisposeAsync();
}

/// <summary>The workspace's built-in views (<see cref="TicketViews"/>) and personal saved views over the known tickets
/// of <see cref="ViewsFixture{TApp}"/>: exactly which tickets each returns, and its count, for each kind of viewer —
/// agents of two teams, an outsourced agent, a team lead (all scoped to their team, plus what they are assigned or
/// own) and a supervisor (every ticket, no team of his own).</summary>
public abstract class ViewFilterTests<TApp>(ViewsFixture<TApp> data) where TApp : KefuApp, new()
{
    private KefuApp App => data.App;

    // Open statuses: new, open, pending customer, on hold. "All" hides merged tickets; "Pending customer" is the
    // status alone. A team lead and an outsourced agent see their team like any agent (the flag masks PII only).
    public static TheoryData<string, TicketView, string> BuiltIn => new()
    {
        { "agent.a", TicketView.Unassigned, "a-new a-hold" },
        { "agent.a", TicketView.Mine, "a-mine a-pending" },
        { "agent.a", TicketView.Owned, "a-mine a-pending a-handed b-owned-by-a" },
        { "agent.a", TicketView.MyTeam, "a-new a-hold a-mine a-pending a-handed" },
        { "agent.a", TicketView.Pending, "a-pending" },
        { "agent.a", TicketView.Urgent, "a-hold a-handed" },
        { "agent.a", TicketView.All, "a-new a-hold a-mine a-pending a-handed a-solved a-closed b-owned-by-a" },

        { "agent.a2", TicketView.Unassigned, "a-new a-hold" },
        { "agent.a2", TicketView.Mine, "a-handed b-for-a2" },
        { "agent.a2", TicketView.Owned, "" },
        { "agent.a2", TicketView.MyTeam, "a-new a-hold a-mine a-pending a-handed" },
        { "agent.a2", TicketView.Pending, "a-pending" },
        { "agent.a2", TicketView.Urgent, "a-hold a-handed" },
        { "agent.a2", TicketView.All, "a-new a-hold a-mine a-pending a-handed a-solved a-closed b-for-a2" },

        { "agent.b", TicketView.Unassigned, "b-new" },
        { "agent.b", TicketView.Mine, "b-pending b-owned-by-a" },
        { "agent.b", TicketView.Owned, "b-pending" },
        { "agent.b", TicketView.MyTeam, "b-new b-pending b-owned-by-a b-for-a2" },
        { "agent.b", TicketView.Pending, "b-pending" },
        { "agent.b", TicketView.Urgent, "b-new" },
        { "agent.b", TicketView.All, "b-new b-pending b-owned-by-a b-for-a2" },

        { "out.a", TicketView.Unassigned, "a-new a-hold" },
        { "out.a", TicketView.Mine, "" },
        { "out.a", TicketView.Owned, "" },
        { "out.a", TicketView.MyTeam, "a-new a-hold a-mine a-pending a-handed" },
        { "out.a", TicketView.Pending, "a-pending" },
        { "out.a", TicketView.Urgent, "a-hold a-handed" },
        { "out.a", TicketView.All, "a-new a-hold a-mine a-pending a-handed a-solved a-closed" },

        { "lead.a", TicketView.Unassigned, "a-new a-hold" },
        { "lead.a", TicketView.Mine, "none-lead" },
        { "lead.a", TicketView.Owned, "" },
        { "lead.a", TicketView.MyTeam, "a-new a-hold a-mine a-pending a-handed" },
        { "lead.a", TicketView.Pending, "a-pending" },
        { "lead.a", TicketView.Urgent, "a-hold a-handed" },
        { "lead.a", TicketView.All, "a-new a-hold a-mine a-pending a-handed a-solved a-closed none-lead" },

        { "super", TicketView.Unassigned, "a-new a-hold b-new none-new" },
        { "super", TicketView.Mine, "" },
        { "super", TicketView.Owned, "" },
        { "super", TicketView.MyTeam, "" },
        { "super", TicketView.Pending, "a-pending b-pending" },
        { "super", TicketView.Urgent, "a-hold a-handed b-new" },
        { "super", TicketView.All, "a-new a-hold a-mine a-pending a-handed a-solved a-closed b-new b-pending b-owned-by-a b-for-a2 none-new none-lead" },
    };

    private static readonly Dictionary<string, SavedViewFilters> Saved = new()
    {
        // No status: every status but merged tickets.
        ["urgent-or-high-of-my-teams"] = new(Priority: "urgent,high", MyTeams: true),
        ["i-own-and-solved"] = new(Owner: "me", Status: "solved,closed"),
        // Statuses asked for: merged tickets (closed) are shown too.
        ["closed"] = new(Status: "closed"),
        ["unassigned-of-team-b"] = new(Assignee: "none", TeamId: -1),
        ["open-low-or-normal-mine"] = new(Status: TicketFilter.OpenStatuses, Priority: "low,normal", Assignee: "me"),
    };

    public static TheoryData<string, string, string> SavedCases => new()
    {
        { "agent.a", "urgent-or-high-of-my-teams", "a-hold a-pending a-handed a-solved" },
        { "agent.b", "urgent-or-high-of-my-teams", "b-new" },
        { "super", "urgent-or-high-of-my-teams", "" },
        { "agent.a", "i-own-and-solved", "a-solved" },
        { "agent.a2", "i-own-and-solved", "" },
        { "agent.a", "closed", "a-closed a-merged" },
        { "agent.b", "closed", "" },
        { "super", "closed", "a-closed a-merged" },
        { "agent.a", "unassigned-of-team-b", "" },
        { "agent.b", "unassigned-of-team-b", "b-new" },
        { "super", "unassigned-of-team-b", "b-new" },
        { "agent.a", "open-low-or-normal-mine", "a-mine" },
        { "agent.a2", "open-low-or-normal-mine", "b-for-a2" },
        { "agent.b", "open-low-or-normal-mine", "b-pending b-owned-by-a" },
    };

    private async Task<StaffContext> Context(string viewer) =>
        (await App.Service<StaffDirectory>().GetAsync(data.Viewer(viewer).Id, CancellationToken.None))!;

    private static string[] Split(string keys) => [.. keys.Split(' ', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal)];

    private string[] KeysOf(Kefu.Platform.Http.Page<TicketDto> page)
    {
        Assert.Null(page.NextCursor);
        return [.. page.Items.Select(t => data.Keys[t.Id]).Order(StringComparer.Ordinal)];
    }

    [Theory]
    [MemberData(nameof(BuiltIn), MemberType = typeof(ViewFilterTests<SqliteApp>))]
    public async Task A_built_in_view_shows_exactly_its_tickets(string viewer, TicketView view, string expected)
    {
        var keys = Split(expected);
        var staff = await Context(viewer);
        await using var scope = App.Factory.Services.CreateAsyncScope();
        var queries = scope.ServiceProvider.GetRequiredService<TicketQueries>();
        var filter = TicketViews.Filter(view);

        // The list the workspace shows, its count, and the count in the side bar (all views in one query).
        Assert.Equal(keys, KeysOf(await queries.ListAsync(filter with { Limit = 100 }, staff, CancellationToken.None)));
        Assert.Equal(keys.Length, await queries.CountAsync(filter, staff, CancellationToken.None));
        Assert.Equal(keys.Length, (await TicketViews.CountsAsync(queries, staff, CancellationToken.None))[view]);

        // Saved as a personal view, it shows the same tickets.
        var saved = SavedViewFilters.From(filter);
        Assert.Equal(keys, KeysOf(await queries.ListAsync(saved.ToTicketFilter() with { Limit = 100 }, staff, CancellationToken.None)));
        Assert.Equal(keys.Length, await scope.ServiceProvider.GetRequiredService<SavedViewService>().CountAsync(saved, staff, CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(SavedCases), MemberType = typeof(ViewFilterTests<SqliteApp>))]
    public async Task A_saved_view_shows_exactly_its_tickets(string viewer, string name, string expected)
    {
        var keys = Split(expected);
        var filters = Saved[name] is { TeamId: -1 } f ? f with { TeamId = App.TeamB } : Saved[name];
        var who = data.Viewer(viewer);

        // Saved over the API (stored as JSON, read back for its count) ...
        var created = await KefuApp.PostOk(who.Http, "/api/v1/me/views", new { name = $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)], filters });
        Assert.Equal(keys.Length, created["count"]!.GetValue<int>());
        var id = created["id"]!.GetValue<long>();
        var stored = await App.DbAsync(db => db.Set<SavedView>().AsNoTracking().SingleAsync(v => v.Id == id));
        Assert.Equal(filters, stored.Filters);

        // ... and opened: the list is exactly its tickets.
        var staff = await Context(viewer);
        await using var scope = App.Factory.Services.CreateAsyncScope();
        var queries = scope.ServiceProvider.GetRequiredService<TicketQueries>();
        Assert.Equal(keys, KeysOf(await queries.ListAsync(stored.Filters.ToTicketFilter() with { Limit = 100 }, staff, CancellationToken.None)));
        Assert.Equal(HttpStatusCode.NoContent, (await who.Http.DeleteAsync($"/api/v1/me/views/{id}")).StatusCode);
    }
}

public sealed class SqliteViewFilterTests(ViewsFixture<SqliteApp> data)
    : ViewFilterTests<SqliteApp>(data), IClassFixture<ViewsFixture<SqliteApp>>;

public sealed class PostgresViewFilterTests(ViewsFixture<PostgresApp> data)
    : ViewFilterTests<PostgresApp>(data), IClassFixture<ViewsFixture<PostgresApp>>;
