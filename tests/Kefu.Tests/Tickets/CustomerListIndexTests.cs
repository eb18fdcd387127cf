using System.Data.Common;
using Kefu.Platform.Database;
using Kefu.Platform.Http;
using Kefu.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Kefu.Tests.Tickets;

/// <summary>Each sort of GET /api/v1/customers reads its page in the order of an index (sort key, then id) instead of
/// sorting every customer: the database's own plan for the list's SQL, as the endpoint builds it, names the index.</summary>
public abstract class CustomerListIndexTests(KefuApp app)
{
    /// <summary>The plan of one page's query, as text.</summary>
    protected abstract Task<string> PlanAsync(KefuDb db, DbCommand command);

    [Theory]
    [InlineData("createdAt", "ix_tickets_customers_created_at_id")]
    [InlineData("-createdAt", "ix_tickets_customers_created_at_id")]
    [InlineData("updatedAt", "ix_tickets_customers_updated_at_id")]
    [InlineData("-updatedAt", "ix_tickets_customers_updated_at_id")]
    [InlineData("name", "ix_tickets_customers_name_id")]
    [InlineData("-name", "ix_tickets_customers_name_id")]
    public async Task A_sorted_page_of_customers_is_read_through_its_index(string sort, string index)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDb>();
        foreach (var cursor in new string?[] { null, await NextCursorAsync(sort) })
        {
            await using var command = Keyset.PageQuery(CustomersEndpoints.Listed(db), CustomersEndpoints.Sorts, sort, cursor, 20).CreateDbCommand();
            var plan = await PlanAsync(db, command);
            Assert.True(plan.Contains(index, StringComparison.Ordinal), $"sort={sort} cursor={cursor}: plan without {index}:\n{plan}");
        }
    }

    [Fact]
    public async Task The_attachment_sweep_looks_storage_keys_up_in_their_index()
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDb>();
        string[] keys = ["2026/11/0123456789abcdef0123456789abcdef", "2026/11/fedcba9876543210fedcba9876543210"];
        await using var command = AttachmentSweeper.KeysWithRow(db, keys).CreateDbCommand();
        var plan = await PlanAsync(db, command);
        Assert.True(plan.Contains("ix_tickets_attachments_storage_key", StringComparison.Ordinal), $"plan without the storage-key index:\n{plan}");
    }

    /// <summary>A real cursor of the sort (the list has at least two customers once two tickets exist).</summary>
    private async Task<string> NextCursorAsync(string sort)
    {
        for (var i = 0; i < 2; i++)
            await KefuApp.PostOk(app.Admin, "/api/v1/tickets", new
            {
                subject = "index", customer = new { email = $"idx-{Guid.NewGuid():N}@example.com", name = "索引" },
                message = new { body = "hello" }, teamId = app.TeamA,
            });
        var page = await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/customers?sort={sort}&limit=1"), true);
        return page["nextCursor"]!.GetValue<string>();
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteCustomerListIndexTests(SqliteApp app) : CustomerListIndexTests(app)
{
    protected override async Task<string> PlanAsync(KefuDb db, DbCommand command)
    {
        await db.Database.OpenConnectionAsync();
        command.CommandText = "EXPLAIN QUERY PLAN " + command.CommandText;
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) lines.Add(reader.GetString(3));
        return string.Join("\n", lines);
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresCustomerListIndexTests(PostgresApp app) : CustomerListIndexTests(app)
{
    /// <summary>A test database is small, so PostgreSQL would rightly scan and sort it: sequential scans and sorts are
    /// priced out (for this transaction only) so that the plan shows whether an index can serve the order at all.</summary>
    protected override async Task<string> PlanAsync(KefuDb db, DbCommand command)
    {
        await using var tx = await db.Database.BeginTransactionAsync();
        await db.Database.ExecuteSqlRawAsync("SET LOCAL enable_seqscan = off; SET LOCAL enable_sort = off;");
        command.Transaction = tx.GetDbTransaction();
        command.CommandText = "EXPLAIN " + command.CommandText;
        var lines = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync()) lines.Add(reader.GetString(0));
        await tx.RollbackAsync();
        return string.Join("\n", lines);
    }
}
