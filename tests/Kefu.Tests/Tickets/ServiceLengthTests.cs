using Kefu.Email;
using Kefu.Platform;
using Kefu.Platform.Database;
using Kefu.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Tests.Tickets;

/// <summary>The services check the stored lengths themselves: the workspace calls them without the API's request
/// validation, and on PostgreSQL an over-long value would fail in the database (ending the agent's circuit) instead of
/// coming back as a validation error naming the field.</summary>
public abstract class ServiceLengthTests(KefuApp app)
{
    private async Task<T> InUnitAsync<T>(Func<TicketService, CustomerService, KefuDb, CancellationToken, Task<T>> work)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var uow = scope.ServiceProvider.GetRequiredService<UnitOfWork>();
        var tickets = scope.ServiceProvider.GetRequiredService<TicketService>();
        var customers = scope.ServiceProvider.GetRequiredService<CustomerService>();
        return await uow.RunAsync(ct => work(tickets, customers, uow.Db, ct), CancellationToken.None);
    }

    private async Task<long> NewTicketAsync() => await InUnitAsync(async (t, _, _, ct) =>
    {
        var customer = new CustomerInput(null, null, $"len-{Guid.NewGuid():N}@len.test", null, null, null, null);
        var request = new CreateTicketRequest("长度检查", customer, new MessageInput("正文", null, null), Channel.Email,
            null, null, null, null, null, null, null);
        return (await t.CreateAsync(request, EmailIngestor.SystemStaff, ct)).Ticket.Id;
    });

    private Task<Message> AddAsync(long ticketId, string? body, string? html) => InUnitAsync(async (t, _, db, ct) =>
    {
        var ticket = await db.Set<Ticket>().SingleAsync(x => x.Id == ticketId, ct);
        return (await t.AddMessageAsync(ticket, new AddMessageRequest(MessageKind.Customer, body, html, null, null), EmailIngestor.SystemStaff, ct)).Message;
    });

    [Fact]
    public async Task A_message_body_over_the_limit_is_a_validation_error_naming_the_field()
    {
        var id = await NewTicketAsync();
        var tooLong = await Assert.ThrowsAsync<DomainException>(() => AddAsync(id, new string('长', TicketsConfiguration.BodyMax + 1), null));
        Assert.Equal(400, tooLong.Status);
        Assert.Equal(["body"], tooLong.Errors!.Keys);
        var html = await Assert.ThrowsAsync<DomainException>(() =>
            AddAsync(id, "短", "<p>" + new string('x', TicketsConfiguration.BodyMax * 2) + "</p>"));
        Assert.Equal(["html"], html.Errors!.Keys);

        var atLimit = await AddAsync(id, new string('长', TicketsConfiguration.BodyMax), null);
        Assert.Equal(TicketsConfiguration.BodyMax, atLimit.Body.Length);
        Assert.Equal(2, await app.DbAsync(db => db.Set<Message>().CountAsync(m => m.TicketId == id)));
    }

    [Fact]
    public async Task A_customer_note_over_the_limit_is_a_validation_error_naming_the_field()
    {
        var id = await NewTicketAsync();
        Task<Customer> UpdateAsync(UpdateCustomerRequest r) => InUnitAsync(async (_, c, db, ct) =>
        {
            var customerId = await db.Set<Ticket>().Where(t => t.Id == id).Select(t => t.CustomerId).SingleAsync(ct);
            return await c.UpdateAsync(await db.Set<Customer>().SingleAsync(x => x.Id == customerId, ct), r, ct);
        });

        var note = await Assert.ThrowsAsync<DomainException>(() => UpdateAsync(new UpdateCustomerRequest(null, null, new string('备', 4001), null)));
        Assert.Equal(400, note.Status);
        Assert.Equal(["note"], note.Errors!.Keys);
        var address = await Assert.ThrowsAsync<DomainException>(() => UpdateAsync(new UpdateCustomerRequest(null, new string('址', 501), null, null)));
        Assert.Equal(["address"], address.Errors!.Keys);

        var saved = await UpdateAsync(new UpdateCustomerRequest(null, null, new string('备', 4000), null));
        Assert.Equal(4000, saved.Note!.Length);
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteServiceLengthTests(SqliteApp app) : ServiceLengthTests(app);

[Collection(PostgresCollection.Name)]
public sealed class PostgresServiceLengthTests(PostgresApp app) : ServiceLengthTests(app);
