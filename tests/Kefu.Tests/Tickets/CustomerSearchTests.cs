using Kefu.Platform.Auth;
using Kefu.Tickets;

namespace Kefu.Tests.Tickets;

/// <summary>The workspace search's customers (TicketQueries.SearchCustomersAsync) on a real database; once per provider.</summary>
public abstract class CustomerSearchTests(KefuApp app)
{
    private async Task<IReadOnlyList<CustomerHit>> Search(Staff who, string q)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var staff = await scope.ServiceProvider.GetRequiredService<StaffDirectory>().GetAsync(who.Id, CancellationToken.None);
        return await scope.ServiceProvider.GetRequiredService<TicketQueries>().SearchCustomersAsync(q, staff!, 50, CancellationToken.None);
    }

    /// <summary>A customer of a team-A ticket, with a name no other test uses (four random CJK characters after 客户).</summary>
    private async Task<(long Id, string Name, string Email, string Phone)> Customer()
    {
        var unique = string.Concat(Enumerable.Range(0, 4).Select(_ => (char)Random.Shared.Next(0x4E00, 0x9FA5)));
        var name = "客户" + unique;
        var email = $"{Guid.NewGuid():N}"[..12] + "@example.com";
        var phone = "139" + Random.Shared.Next(10_000_000, 99_999_999);
        var t = await KefuApp.PostOk(app.Admin, "/api/v1/tickets", new
        {
            subject = "查询订单", teamId = app.TeamA, customer = new { email, phone, name }, message = new { body = "你好" },
        });
        return (t["customer"]!["id"]!.GetValue<long>(), name, email, phone);
    }

    [Fact]
    public async Task Finds_a_customer_by_a_chinese_name_substring_an_email_part_and_a_phone_written_any_way()
    {
        var c = await Customer();
        var queries = new[]
        {
            c.Name[3..5], c.Name, c.Email.ToUpperInvariant(), c.Email[..8],
            c.Phone, $"{c.Phone[..3]} {c.Phone[3..7]} {c.Phone[7..]}", $"+86-{c.Phone[..3]}-{c.Phone[3..7]}-{c.Phone[7..]}", c.Phone[3..],
        };
        foreach (var q in queries)
        {
            var hit = Assert.Single(await Search(app.AgentA, q), h => h.Id == c.Id);
            Assert.Equal(c.Name, hit.Name);
            Assert.Equal(c.Email, hit.Email);
            Assert.Equal(c.Phone, hit.Phone);
            Assert.Equal(1, hit.Tickets);
        }
        Assert.DoesNotContain(await Search(app.AgentA, c.Name + "乙"), h => h.Id == c.Id);
        // A ticket number names a ticket, not a customer.
        Assert.Empty(await Search(app.AgentA, "#100001"));
    }

    [Fact]
    public async Task Staff_find_only_customers_of_tickets_they_may_see()
    {
        var c = await Customer();
        Assert.DoesNotContain(await Search(app.AgentB, c.Name), h => h.Id == c.Id); // team B: the ticket is team A's
        Assert.DoesNotContain(await Search(app.AgentB, c.Phone), h => h.Id == c.Id);
        Assert.Contains(await Search(app.Supervisor, c.Name), h => h.Id == c.Id); // sees all tickets
    }

    [Fact]
    public async Task Outsourced_staff_see_identities_masked_and_find_them_only_whole()
    {
        var c = await Customer();
        var hit = Assert.Single(await Search(app.Outsourced, c.Name[2..]), h => h.Id == c.Id);
        Assert.Equal(c.Name, hit.Name);
        Assert.NotNull(hit.Email);
        Assert.NotNull(hit.Phone);
        Assert.DoesNotContain(c.Email, hit.Email);
        Assert.DoesNotContain(c.Phone, hit.Phone);
        Assert.Contains('*', hit.Phone);
        // A whole address or number finds the customer; a part of one (which would let a search spell it out) does not.
        Assert.Contains(await Search(app.Outsourced, c.Email), h => h.Id == c.Id);
        Assert.Contains(await Search(app.Outsourced, $"{c.Phone[..3]} {c.Phone[3..7]} {c.Phone[7..]}"), h => h.Id == c.Id);
        Assert.DoesNotContain(await Search(app.Outsourced, c.Email[..8]), h => h.Id == c.Id);
        Assert.DoesNotContain(await Search(app.Outsourced, c.Phone[3..]), h => h.Id == c.Id);
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteCustomerSearchTests(SqliteApp app) : CustomerSearchTests(app);

[Collection(PostgresCollection.Name)]
public sealed class PostgresCustomerSearchTests(PostgresApp app) : CustomerSearchTests(app);
