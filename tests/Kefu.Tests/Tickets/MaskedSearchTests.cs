using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Tests.Tickets;

/// <summary>What outsourced (masked) staff can learn through ticket search and customer names (decision 0062);
/// once per provider.</summary>
public abstract class MaskedSearchTests(KefuApp app)
{
    private async Task<bool> Finds(Staff who, string q, long ticketId)
    {
        var page = await KefuApp.Json(await who.Http.GetAsync($"/api/v1/tickets?q={Uri.EscapeDataString(q)}&limit=200"), true);
        return page["items"]!.AsArray().Any(x => x!["id"]!.GetValue<long>() == ticketId);
    }

    [Fact]
    public async Task Outsourced_search_for_a_phone_or_address_in_message_text_finds_nothing_while_in_house_search_does()
    {
        var word = "快递延误" + string.Concat(Enumerable.Range(0, 4).Select(_ => (char)Random.Shared.Next(0x4E00, 0x9FA5)));
        var phone = "139" + Random.Shared.Next(10_000_000, 99_999_999);
        var other = $"backup.{Guid.NewGuid():N}"[..20] + "@example.org";
        var customerEmail = $"c{Guid.NewGuid():N}"[..12] + "@example.com";
        var t = await KefuApp.PostOk(app.Admin, "/api/v1/tickets", new
        {
            subject = word, teamId = app.TeamA, customer = new { email = customerEmail, name = "王先生" },
            message = new { body = $"请打我另一个电话 {phone} 或写信到 {other}" },
        });
        var id = t["id"]!.GetValue<long>();

        // In-house staff find the ticket by the number and the address in its message.
        foreach (var q in new[] { phone, other, phone[..7] })
            Assert.True(await Finds(app.AgentA, q, id), $"in-house search for '{q}'");

        // Outsourced staff see the ticket, and find it by its words and by the customer's whole address, ...
        Assert.True(await Finds(app.Outsourced, word, id));
        Assert.True(await Finds(app.Outsourced, customerEmail, id));
        // ... but a number or an address that is masked for them does not match the text, whole or in part: a search
        // cannot confirm the hidden digits.
        foreach (var q in new[] { phone, other, phone[..7], phone[3..], $"{phone[..3]} {phone[3..7]}", "@example.org" })
            Assert.False(await Finds(app.Outsourced, q, id), $"outsourced search for '{q}'");
    }

    [Fact]
    public async Task A_customer_named_after_an_email_address_shows_no_part_of_it_that_the_mask_hides()
    {
        var local = "zhang.wei.1988." + Guid.NewGuid().ToString("N")[..6];
        var email = local + "@example.com";
        var t = await KefuApp.PostOk(app.Admin, "/api/v1/tickets", new
        {
            subject = "发票抬头", teamId = app.TeamA, customer = new { email }, message = new { body = "请开发票" },
        });
        var id = t["id"]!.GetValue<long>();
        var customerId = t["customer"]!["id"]!.GetValue<long>();
        var name = t["customer"]!["name"]!.GetValue<string>();
        Assert.DoesNotContain("wei", name);
        Assert.StartsWith("zh", name);

        foreach (var url in new[]
        {
            $"/api/v1/tickets/{id}", $"/api/v1/tickets/{id}/messages", $"/api/v1/customers/{customerId}",
            $"/api/v1/tickets?customerId={customerId}", $"/api/v1/customers?q={Uri.EscapeDataString(email)}",
        })
        {
            var body = await app.Outsourced.Http.GetStringAsync(url);
            Assert.DoesNotContain("zhang.wei", body);
            Assert.Contains(name, body);
        }
        // In-house staff still see the address itself.
        Assert.Contains(email, await app.AgentA.Http.GetStringAsync($"/api/v1/customers/{customerId}"));

        // A mail client's display name that is the address itself is no name either.
        var other = "wang.fang." + Guid.NewGuid().ToString("N")[..6] + "@example.com";
        var t2 = await KefuApp.PostOk(app.Admin, "/api/v1/tickets", new
        {
            subject = "发票抬头", teamId = app.TeamA, customer = new { email = other, name = other.ToUpperInvariant() }, message = new { body = "请开发票" },
        });
        Assert.Equal("wa***", t2["customer"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_migration_renames_customers_named_after_their_address_and_leaves_other_names()
    {
        // Customers as the old default named them (the local part), and one whose name is something else.
        var local = "li.na." + Guid.NewGuid().ToString("N")[..6];
        var a = await KefuApp.PostOk(app.Admin, "/api/v1/tickets", new
        {
            subject = "旧默认名", teamId = app.TeamA, customer = new { email = local + "@example.com", name = local }, message = new { body = "你好" },
        });
        var shortLocal = "q" + Random.Shared.Next(0, 10);
        var b = await KefuApp.PostOk(app.Admin, "/api/v1/tickets", new
        {
            subject = "旧默认名", teamId = app.TeamA, customer = new { email = $"{shortLocal}@{Guid.NewGuid():N}.example.com", name = shortLocal }, message = new { body = "你好" },
        });
        var c = await KefuApp.PostOk(app.Admin, "/api/v1/tickets", new
        {
            subject = "真名", teamId = app.TeamA, customer = new { email = $"{Guid.NewGuid():N}@example.com", name = "李娜" }, message = new { body = "你好" },
        });
        var sql = app.Provider == "Sqlite"
            ? Kefu.Platform.Database.Migrations.Sqlite.CustomerDefaultNames.Sql
            : Kefu.Platform.Database.Migrations.Postgres.CustomerDefaultNames.Sql;
        await app.DbAsync(db => db.Database.ExecuteSqlRawAsync(sql));

        async Task<string> Name(JsonNode t)
        {
            var id = t["customer"]!["id"]!.GetValue<long>();
            return await app.DbAsync(db => db.Set<Kefu.Tickets.Customer>().Where(x => x.Id == id).Select(x => x.Name).SingleAsync());
        }
        Assert.Equal("li***", await Name(a));
        Assert.Equal("q***", await Name(b));
        Assert.Equal("李娜", await Name(c));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteMaskedSearchTests(SqliteApp app) : MaskedSearchTests(app);

[Collection(PostgresCollection.Name)]
public sealed class PostgresMaskedSearchTests(PostgresApp app) : MaskedSearchTests(app);
