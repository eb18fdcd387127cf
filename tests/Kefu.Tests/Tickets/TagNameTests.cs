using System.Data.Common;
using Kefu.Platform.Database;
using Kefu.Tickets;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Kefu.Tests.Tickets;

/// <summary>Tag names are unique ignoring case in the database (decision 0065): a normalised key with a unique index,
/// creates that race end with one tag, and the migration folds rows an older version stored differing only by case.</summary>
public abstract class TagNameTests(KefuApp app)
{
    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    private Task<JsonNode> CreateTicket(params string[] tags) => KefuApp.PostOk(app.Admin, "/api/v1/tickets", new
    {
        subject = Unique("标签"),
        customer = new { email = $"{Unique("tag")}@example.com", name = "张三" },
        message = new { body = "hello" },
        teamId = app.TeamA,
        tags,
    });

    private Task<List<Tag>> TagsFolding(string name)
    {
        var key = name.ToLowerInvariant();
        return app.DbAsync(db => db.Set<Tag>().AsNoTracking().Where(t => t.NormalizedName == key).ToListAsync());
    }

    [Fact]
    public async Task Concurrent_creates_of_one_name_in_two_cases_end_with_one_tag()
    {
        var name = Unique("VIP").ToUpperInvariant();
        var tickets = await Task.WhenAll(CreateTicket(name), CreateTicket(name.ToLowerInvariant()), CreateTicket(name.ToLowerInvariant()),
            CreateTicket(name));
        var tag = Assert.Single(await TagsFolding(name));
        Assert.All(tickets, t => Assert.Equal([tag.Name], t["tags"]!.AsArray().Select(x => x!.GetValue<string>())));

        // Any case finds it: the list filter, a PATCH, and POST /tags (409).
        var mixed = name[..1] + name[1..].ToLowerInvariant();
        var listed = await ListPages.AllIds(app.Admin, "/api/v1/tickets", $"tag={mixed}");
        Assert.Equal(tickets.Select(t => t["id"]!.ToString()).Order(), listed.Order());
        Assert.Equal(HttpStatusCode.Conflict, (await app.Admin.PostAsJsonAsync("/api/v1/tags", new { name = mixed })).StatusCode);
    }

    [Fact]
    public async Task Concurrent_tag_api_creates_in_two_cases_make_one_tag_and_one_conflict()
    {
        var name = Unique("Gold");
        var responses = await Task.WhenAll(app.Admin.PostAsJsonAsync("/api/v1/tags", new { name = name.ToUpperInvariant() }),
            app.Admin.PostAsJsonAsync("/api/v1/tags", new { name = name.ToLowerInvariant() }));
        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Conflict], responses.Select(r => r.StatusCode).Order());
        Assert.Single(await TagsFolding(name));
    }

    [Fact]
    public async Task The_migration_folds_tags_that_differ_only_by_case_into_the_oldest()
    {
        // Rows as older versions stored them ("LEGACY-x", then "legacy-x", "Legacy-x"), on tickets that had one or several of
        // them; their keys are made distinct so the unique index lets them in. The migration's SQL runs in a transaction
        // that is rolled back, so the database is left as it was.
        var name = Unique("Legacy");
        var ids = new List<long>();
        for (var i = 0; i < 3; i++) ids.Add((await CreateTicket())["id"]!.GetValue<long>());
        var merge = app.Provider == "Sqlite"
            ? Kefu.Platform.Database.Migrations.Sqlite.NormalizedTagNames.MergeSql
            : Kefu.Platform.Database.Migrations.Postgres.NormalizedTagNames.MergeSql;

        await using var scope = app.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDb>();
        await using var tx = await db.Database.BeginTransactionAsync();
        var tagIds = new List<int>();
        foreach (var (spelling, n) in new[] { name.ToUpperInvariant(), name.ToLowerInvariant(), name }.Select((s, n) => (s, n)))
        {
            var key = $"old{n}-{name.ToLowerInvariant()}";
            await db.Database.ExecuteSqlAsync($"INSERT INTO tickets_tags (name, normalized_name, created_at) VALUES ({spelling}, {key}, {DateTime.UtcNow})");
            tagIds.Add(await db.Set<Tag>().Where(t => t.NormalizedName == key).Select(t => t.Id).SingleAsync());
        }
        // Ticket 0: the oldest only; ticket 1: all three; ticket 2: the two newer ones.
        foreach (var (ticket, tag) in new[] { (0, 0), (1, 0), (1, 1), (1, 2), (2, 1), (2, 2) })
            await db.Database.ExecuteSqlAsync($"INSERT INTO tickets_ticket_tags (ticket_id, tag_id) VALUES ({ids[ticket]}, {tagIds[tag]})");

        await db.Database.ExecuteSqlRawAsync(merge);

        var left = await db.Set<Tag>().AsNoTracking().Where(t => tagIds.Contains(t.Id)).ToListAsync();
        var survivor = Assert.Single(left);
        Assert.Equal(tagIds[0], survivor.Id);
        Assert.Equal(name.ToUpperInvariant(), survivor.Name);
        Assert.Equal(name.ToLowerInvariant(), survivor.NormalizedName);
        var links = await db.Set<TicketTag>().AsNoTracking().Where(l => ids.Contains(l.TicketId))
            .Select(l => new { l.TicketId, l.TagId }).ToListAsync();
        Assert.Equal(ids.Select(id => new { TicketId = id, TagId = tagIds[0] }).OrderBy(x => x.TicketId), links.OrderBy(x => x.TicketId));
        await tx.RollbackAsync();
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteTagNameTests(SqliteApp app) : TagNameTests(app);

[Collection(PostgresCollection.Name)]
public sealed class PostgresTagNameTests(PostgresApp app) : TagNameTests(app)
{
    private readonly PostgresApp _app = app;

    [Fact]
    public async Task A_ticket_save_racing_an_uncommitted_tag_of_another_case_waits_for_it_and_uses_it()
    {
        // Another transaction has created "race-x" and not committed: a ticket tagged "RACE-x" does not see it yet. Its
        // insert of the tag waits on the other's key; once that commits, the save uses that tag instead of failing on
        // the unique index or making a second tag.
        var name = $"race-{Guid.NewGuid():N}"[..13];
        await using var other = new NpgsqlConnection(_app.ConnectionString);
        await other.OpenAsync();
        await using var tx = await other.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand("INSERT INTO tickets_tags (name, normalized_name, created_at) VALUES (@n, @n, now())", other, tx))
        {
            insert.Parameters.AddWithValue("n", name);
            await insert.ExecuteNonQueryAsync();
        }
        var save = KefuApp.PostOk(_app.Admin, "/api/v1/tickets", new
        {
            subject = "race", customer = new { email = $"{name}@example.com", name = "张三" }, message = new { body = "hello" },
            teamId = _app.TeamA, tags = new[] { name.ToUpperInvariant() },
        });

        // Wait until the save waits on the other transaction (or has finished without waiting, which fails below).
        await using (var watcher = new NpgsqlConnection(_app.ConnectionString))
        {
            await watcher.OpenAsync();
            await using var blocked = new NpgsqlCommand("SELECT count(*) FROM pg_locks WHERE NOT granted AND @pid = ANY(pg_blocking_pids(pid))", watcher);
            blocked.Parameters.AddWithValue("pid", other.ProcessID);
            while (!save.IsCompleted && (long)(await blocked.ExecuteScalarAsync())! == 0)
                await Task.WhenAny(save, Task.Delay(20));
        }
        Assert.False(save.IsCompleted, "the save did not wait for the other transaction's tag");
        await tx.CommitAsync();

        var ticket = await save;
        Assert.Equal([name], ticket["tags"]!.AsArray().Select(x => x!.GetValue<string>()));
        Assert.Single(await _app.DbAsync(db => db.Set<Tag>().AsNoTracking().Where(t => t.NormalizedName == name).ToListAsync()));
    }
}
