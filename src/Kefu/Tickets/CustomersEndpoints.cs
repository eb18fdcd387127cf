using System.ComponentModel;
using Kefu.Platform;
using Kefu.Platform.Auth;
using Kefu.Platform.Database;
using Kefu.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Tickets;

/// <summary>The customers list's query; the names are the query parameters'.</summary>
public sealed record CustomerFilter(
    [property: FromQuery(Name = "q"), Description("Text in the name, or in an e-mail, phone or other identity (any part of it; for outsourced staff the whole value).")] string? Q,
    [property: FromQuery(Name = "sort"), Description("id (default, descending: newest first), createdAt, updatedAt or name; prefix '-' for descending.")] string? Sort,
    [property: FromQuery(Name = "cursor"), Description("nextCursor of the previous page.")] string? Cursor,
    [property: FromQuery(Name = "limit"), Description("Rows per page, 1–200 (default 50).")] int? Limit);

public static class CustomersEndpoints
{
    /// <summary>Newest first by default (ids are given in creation order; the primary key serves it); the other
    /// orders break ties by id.</summary>
    internal static readonly ListSort<Customer>[] Sorts =
    [
        ListSort<Customer>.By("id", c => c.Id).WithDescendingDefault(),
        ListSort<Customer>.By("createdAt", c => c.CreatedAt, c => c.Id),
        ListSort<Customer>.By("updatedAt", c => c.UpdatedAt, c => c.Id),
        ListSort<Customer>.By("name", c => c.Name, c => c.Id),
    ];

    /// <summary>The customers the list shows (merged ones are gone), with their identities.</summary>
    internal static IQueryable<Customer> Listed(KefuDb db) =>
        db.Set<Customer>().AsNoTracking().Include(c => c.Identities).Where(c => c.MergedIntoId == null);

    public static void MapCustomersEndpoints(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/v1/customers").WithTags("Customers").RequireAuthorization(Permissions.CustomersRead);

        g.MapGet("", async ([AsParameters] CustomerFilter f, CurrentUser user, KefuDb db, CustomerTags tags, CancellationToken ct) =>
        {
            var staff = await user.GetAsync(ct);
            var query = Listed(db);
            if (!string.IsNullOrWhiteSpace(f.Q)) query = Search(query, f.Q.Trim(), staff.MasksPii);
            var (rows, next) = await Keyset.PageAsync(query, Sorts, f.Sort, f.Cursor, f.Limit, ct);
            var tagsOf = await tags.GetManyAsync([.. rows.Select(c => c.Id)], ct);
            return TypedResults.Ok(new Page<CustomerDto>([.. rows.Select(c => TicketQueries.ToDto(c, staff) with { Tags = tagsOf.GetValueOrDefault(c.Id, []) })], next));
        }).WithSummary("Search customers by name, e-mail, phone or other identity (any part of it; for outsourced staff, who see "
            + "identities masked, only the whole normalised value).");

        g.MapGet("/{id:long}", async (long id, CurrentUser user, KefuDb db, CustomerTags tags, HttpContext http, CancellationToken ct) =>
        {
            var staff = await user.GetAsync(ct);
            var c = await Load(db, id, ct);
            ETags.Set(http, c.Version);
            return TypedResults.Ok(TicketQueries.ToDto(c, staff) with { Tags = await tags.GetAsync(id, ct) });
        });

        g.MapPut("/{id:long}/tags", async (long id, SetCustomerTagsRequest request, CurrentUser user, UnitOfWork uow, CustomerTags tags,
            HttpContext http, CancellationToken ct) =>
        {
            var staff = await user.RequireAsync(Permissions.CustomersWrite, ct);
            var c = await uow.RunAsync(async x =>
            {
                var customer = await Load(uow.Db, id, x, track: true);
                ETags.Check(http, customer.Version);
                await tags.SetAsync(customer, request.Tags, x);
                return customer;
            }, ct);
            ETags.Set(http, c.Version);
            return TypedResults.Ok(TicketQueries.ToDto(c, staff) with { Tags = await tags.GetAsync(id, ct) });
        }).RequireAuthorization(Permissions.CustomersWrite)
          .WithSummary("Replace the customer's tags (e.g. vip: routing's VIP skill and SLA policies match it). Lower-cased; audited.");

        g.MapPost("", async (CreateCustomerRequest request, CurrentUser user, UnitOfWork uow, CustomerService customers,
            HttpContext http, CancellationToken ct) =>
        {
            var staff = await user.RequireAsync(Permissions.CustomersWrite, ct);
            var c = await uow.RunAsync(x => customers.CreateAsync(request, x), ct);
            ETags.Set(http, c.Version);
            return TypedResults.Created($"/api/v1/customers/{c.Id}", TicketQueries.ToDto(c, staff) with { Tags = [] });
        }).Idempotent().RequireAuthorization(Permissions.CustomersWrite);

        g.MapPatch("/{id:long}", async (long id, UpdateCustomerRequest request, CurrentUser user, UnitOfWork uow,
            CustomerService customers, CustomerTags tags, HttpContext http, CancellationToken ct) =>
        {
            var staff = await user.RequireAsync(Permissions.CustomersWrite, ct);
            if (staff.IsOutsourced && request.Address is not null)
                throw DomainException.Forbidden("Outsourced accounts cannot change personal data they cannot see.");
            // They read the note masked: saving what they see would write the masked text over it for everyone.
            if (staff.MasksPii && request.Note is not null)
                throw new DomainException(403, "Forbidden", "Outsourced accounts see the customer note masked and cannot change it.",
                    new Dictionary<string, string[]> { ["note"] = ["The note is read-only for outsourced accounts."] });
            var c = await uow.RunAsync(async x =>
            {
                var customer = await Load(uow.Db, id, x, track: true);
                ETags.Check(http, customer.Version);
                if (request.Tags is { } t) await tags.SetAsync(customer, t, x);
                return await customers.UpdateAsync(customer, request, x);
            }, ct);
            ETags.Set(http, c.Version);
            return TypedResults.Ok(TicketQueries.ToDto(c, staff) with { Tags = await tags.GetAsync(id, ct) });
        }).RequireAuthorization(Permissions.CustomersWrite);

        g.MapPost("/{id:long}/identities", async (long id, AddIdentityRequest request, CurrentUser user, UnitOfWork uow,
            CustomerService customers, CustomerTags tags, HttpContext http, CancellationToken ct) =>
        {
            var staff = await user.RequireAsync(Permissions.CustomersWrite, ct);
            var c = await uow.RunAsync(async x =>
            {
                var customer = await Load(uow.Db, id, x, track: true);
                await customers.AddIdentityAsync(customer, request, x);
                return customer;
            }, ct);
            ETags.Set(http, c.Version);
            return TypedResults.Created($"/api/v1/customers/{id}", TicketQueries.ToDto(c, staff) with { Tags = await tags.GetAsync(id, ct) });
        }).Idempotent().RequireAuthorization(Permissions.CustomersWrite);

        g.MapPost("/{id:long}/merge", async (long id, MergeCustomerRequest request, CurrentUser user, UnitOfWork uow,
            CustomerService customers, CustomerTags tags, HttpContext http, CancellationToken ct) =>
        {
            var staff = await user.RequireAsync(Permissions.CustomersMerge, ct);
            var c = await uow.RunAsync(async x =>
            {
                var target = await Load(uow.Db, id, x, track: true);
                ETags.Check(http, target.Version); // the customer of the URL takes the other's identities and tickets
                await customers.MergeAsync(target, request.SourceCustomerId, x);
                return target;
            }, ct);
            var fresh = await Load(uow.Db, c.Id, ct);
            ETags.Set(http, fresh.Version);
            return TypedResults.Ok(TicketQueries.ToDto(fresh, staff) with { Tags = await tags.GetAsync(fresh.Id, ct) });
        }).Idempotent() // a retried merge (lost response) answers as the first did, not 409
          .RequireAuthorization(Permissions.CustomersMerge)
          .WithSummary("Merge another customer into this one: identities and tickets move, the audit trail keeps both. Idempotency-Key honoured; If-Match (this customer's ETag) honoured.");
    }

    /// <summary>Customers whose name holds the text, or with an identity matching it: any part of an identity for staff
    /// who see identities in full; for staff who see them masked only the whole value, normalised as identities are stored
    /// (any way a phone number is written, e-mail in any case). Parts would let them rebuild what the mask hides, digit
    /// by digit ("1380", "13800", …), while a number they already know in full still finds its customer.</summary>
    public static IQueryable<Customer> Search(IQueryable<Customer> query, string text, bool masked)
    {
        // A phone number however it is written ("+86 139-1234-5678"), normalised as phone identities are stored.
        var phone = TicketQueries.LooksLikePhone(text) ? CustomerIdentity.Normalize(IdentityKind.Phone, text) : null;
        if (!masked)
        {
            var lower = text.ToLowerInvariant();
            var digits = new string(text.Where(char.IsDigit).ToArray());
            return query.Where(c => c.Name.Contains(text) || c.Identities.Any(i => i.Value.Contains(lower)
                || (digits.Length >= 4 && i.Value.Contains(digits)) || (phone != null && i.Kind == IdentityKind.Phone && i.Value.Contains(phone))));
        }
        var email = CustomerIdentity.Normalize(IdentityKind.Email, text);
        return query.Where(c => c.Name.Contains(text) || c.Identities.Any(i =>
            (i.Kind == IdentityKind.Email && i.Value == email)
            || (phone != null && i.Kind == IdentityKind.Phone && i.Value == phone)
            || (i.Kind != IdentityKind.Email && i.Kind != IdentityKind.Phone && i.Value == text)));
    }

    private static async Task<Customer> Load(KefuDb db, long id, CancellationToken ct, bool track = false)
    {
        var q = db.Set<Customer>().Include(c => c.Identities).AsQueryable();
        if (!track) q = q.AsNoTracking();
        return await q.FirstOrDefaultAsync(c => c.Id == id, ct) ?? throw DomainException.NotFound($"Customer {id}");
    }
}
