using Kefu.Platform;
using Kefu.Platform.Audit;
using Kefu.Platform.Database;
using Kefu.Platform.Text;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Tickets;

/// <summary>Customers and their identities: find-or-create by identity, edit, merge.</summary>
public sealed class CustomerService(KefuDb db, AuditLog audit, TimeProvider time)
{
    /// <summary>Finds the customer an inbound contact belongs to, or creates one; adds identities it did not have.</summary>
    public async Task<Customer> ResolveAsync(CustomerInput input, CancellationToken ct)
    {
        var (customer, created) = await FindOrAddAsync(input, ct);
        if (created)
        {
            await db.SaveChangesAsync(ct);
            await RecordCreatedAsync(customer, ct);
        }
        return customer;
    }

    private sealed record KnownIdentity(IdentityKind Kind, string Value, long CustomerId);

    // Run for every inbound contact (every created ticket): compiled once per model (decision 0045), not rebuilt as an
    // expression tree and looked up in EF's query cache each time.
    private static readonly PerModel<Func<KefuDb, List<string>, IAsyncEnumerable<KnownIdentity>>> KnownIdentitiesQuery = new(() =>
        EF.CompileAsyncQuery((KefuDb db, List<string> values) => db.Set<CustomerIdentity>().Where(i => values.Contains(i.Value))
            .Select(i => new KnownIdentity(i.Kind, i.Value, i.CustomerId))));

    /// <summary>As <see cref="ResolveAsync"/> but without saving: a new customer and new identities are only added
    /// to the unit of work, so the caller can save them with its own rows in one round trip. When Created is true the
    /// caller must call <see cref="RecordCreatedAsync"/> once the customer has its id.</summary>
    internal async Task<(Customer Customer, bool Created)> FindOrAddAsync(CustomerInput input, CancellationToken ct)
    {
        if (input.Id is { } id)
            return (await FindLiveAsync(id, ct) ?? throw DomainException.Validation("customer.id", $"Customer {id} does not exist."), false);

        var identities = IdentitiesOf(input).ToList();
        if (identities.Count == 0)
            throw DomainException.Validation("customer",
                "Identify the customer by id, email, phone, weChatOpenId, appUserId or visitorId.");

        // One query finds every identity the contact gave that is already known.
        var values = identities.Select(i => i.Value).ToList();
        var known = new List<KnownIdentity>(identities.Count);
        await foreach (var k in KnownIdentitiesQuery.For(db)(db, values).WithCancellation(ct))
            if (identities.Contains((k.Kind, k.Value))) known.Add(k);

        Customer? customer = null;
        foreach (var (kind, value) in identities)
        {
            if (known.FirstOrDefault(k => k.Kind == kind && k.Value == value) is { } hit) { customer = await FindLiveAsync(hit.CustomerId, ct); break; }
        }

        var now = time.UtcNow();
        var created = false;
        if (customer is null)
        {
            customer = new Customer { Name = NameFor(input.Name, identities), CreatedAt = now, UpdatedAt = now };
            db.Add(customer);
            // Every identity it will ever have so far is added below: readers of this unit need not query them.
            db.Entry(customer).Collection(c => c.Identities).IsLoaded = true;
            created = true;
        }

        // New identities join this customer; one already owned by another customer stays there (merging is explicit).
        // Linked by navigation, so a new customer needs no save before its identities are added.
        foreach (var (kind, value) in identities.Where(i => !known.Any(k => k.Kind == i.Kind && k.Value == i.Value)))
            db.Add(new CustomerIdentity { Customer = customer, CustomerId = customer.Id, Kind = kind, Value = value, CreatedAt = now });
        return (customer, created);
    }

    /// <summary><see cref="FindOrAddAsync"/> for several contacts at once, with the same result as calling it for each in
    /// order and saving in between (a contact repeating an identity added for an earlier one gets that customer), but one
    /// query for all identities and one for all customers.</summary>
    internal async Task<List<(Customer Customer, bool Created)>> FindOrAddManyAsync(IReadOnlyList<CustomerInput> inputs, CancellationToken ct)
    {
        var identities = inputs.Select(i => i.Id is null ? IdentitiesOf(i).ToList() : []).ToList();
        for (var k = 0; k < inputs.Count; k++)
            if (inputs[k].Id is null && identities[k].Count == 0)
                throw DomainException.Validation("customer",
                    "Identify the customer by id, email, phone, weChatOpenId, appUserId or visitorId.");

        var values = identities.SelectMany(x => x).Select(x => x.Value).Distinct().ToList();
        var owners = new Dictionary<(IdentityKind, string), long>();
        if (values.Count > 0)
            foreach (var k in await db.Set<CustomerIdentity>().Where(i => values.Contains(i.Value))
                         .Select(i => new { i.Kind, i.Value, i.CustomerId }).ToListAsync(ct))
                owners.TryAdd((k.Kind, k.Value), k.CustomerId);
        var ids = inputs.Select(i => i.Id).OfType<long>().Concat(owners.Values).Distinct().ToList();
        var loaded = ids.Count == 0 ? [] : await db.Set<Customer>().Where(c => ids.Contains(c.Id)).ToListAsync(ct);
        var byId = loaded.ToDictionary(c => c.Id);
        async Task<Customer?> LiveAsync(long id) =>
            byId.TryGetValue(id, out var c) && c.MergedIntoId is null ? c : await FindLiveAsync(id, ct);

        var added = new Dictionary<(IdentityKind, string), Customer>(); // identities added for earlier contacts
        var result = new List<(Customer, bool)>(inputs.Count);
        var now = time.UtcNow();
        for (var k = 0; k < inputs.Count; k++)
        {
            if (inputs[k].Id is { } id)
            {
                result.Add((await LiveAsync(id) ?? throw DomainException.Validation("customer.id", $"Customer {id} does not exist."), false));
                continue;
            }
            Customer? customer = null;
            foreach (var identity in identities[k])
            {
                if (owners.TryGetValue(identity, out var owner)) { customer = await LiveAsync(owner); break; }
                if (added.TryGetValue(identity, out var earlier)) { customer = earlier; break; }
            }
            var created = false;
            if (customer is null)
            {
                customer = new Customer { Name = NameFor(inputs[k].Name, identities[k]), CreatedAt = now, UpdatedAt = now };
                db.Add(customer);
                db.Entry(customer).Collection(c => c.Identities).IsLoaded = true;
                created = true;
            }
            foreach (var (kind, value) in identities[k].Where(i => !owners.ContainsKey(i) && !added.ContainsKey(i)))
            {
                db.Add(new CustomerIdentity { Customer = customer, CustomerId = customer.Id, Kind = kind, Value = value, CreatedAt = now });
                added[(kind, value)] = customer;
            }
            result.Add((customer, created));
        }
        return result;
    }

    /// <summary>The event and audit row of a customer created by <see cref="FindOrAddAsync"/>, once it is saved.</summary>
    internal async Task RecordCreatedAsync(Customer customer, CancellationToken ct)
    {
        db.Publish(new CustomerCreated(customer.Id), time);
        await audit.RecordAsync("customer", customer.Id, "created", new { customer.Name }, ct);
    }

    public async Task<Customer> CreateAsync(CreateCustomerRequest r, CancellationToken ct)
    {
        var input = new CustomerInput(null, r.Name, r.Email, r.Phone, null, null, null);
        foreach (var (kind, value) in IdentitiesOf(input))
        {
            if (await db.Set<CustomerIdentity>().AnyAsync(i => i.Kind == kind && i.Value == value, ct))
                throw new DomainException(409, "Conflict", $"A customer with this {kind.ToString().ToLowerInvariant()} already exists.",
                    new Dictionary<string, string[]> { [kind.ToString().ToLowerInvariant()] = ["Already belongs to another customer."] });
        }
        var now = time.UtcNow();
        var customer = new Customer
        {
            Name = r.Name.Trim(), Address = r.Address, Note = r.Note, Language = r.Language ?? "zh-CN", CreatedAt = now, UpdatedAt = now,
        };
        db.Add(customer);
        await db.SaveChangesAsync(ct);
        foreach (var (kind, value) in IdentitiesOf(input))
            db.Add(new CustomerIdentity { CustomerId = customer.Id, Kind = kind, Value = value, CreatedAt = now });
        db.Publish(new CustomerCreated(customer.Id), time);
        await audit.RecordAsync("customer", customer.Id, "created", new { customer.Name }, ct);
        return customer;
    }

    public const int NameMax = 200, AddressMax = 500, NoteMax = 4000, LanguageMax = 10;

    private static void CheckLength(string field, string? value, int max)
    {
        if (value is { Length: var n } && n > max)
            throw DomainException.Validation(field, $"{field} is at most {max} characters.");
    }

    public async Task<Customer> UpdateAsync(Customer customer, UpdateCustomerRequest r, CancellationToken ct)
    {
        // The API validates these lengths too; the workspace calls the service directly, and an over-long value would
        // otherwise reach the database (PostgreSQL refuses it with an error that ends the circuit).
        CheckLength("name", r.Name, NameMax);
        CheckLength("address", r.Address, AddressMax);
        CheckLength("note", r.Note, NoteMax);
        CheckLength("language", r.Language, LanguageMax);
        var changes = new ChangeSet();
        if (r.Name is { } name)
        {
            if (string.IsNullOrWhiteSpace(name)) throw DomainException.Validation("name", "name must not be empty.");
            if (changes.Set("name", customer.Name, name.Trim())) customer.Name = name.Trim();
        }
        if (r.Address is not null && changes.Set("address", customer.Address, r.Address)) customer.Address = r.Address;
        if (r.Note is not null && changes.Set("note", customer.Note, r.Note)) customer.Note = r.Note;
        if (r.Language is not null && changes.Set("language", customer.Language, r.Language)) customer.Language = r.Language;
        if (changes.Any)
        {
            customer.Version++;
            customer.UpdatedAt = time.UtcNow();
            await audit.RecordAsync("customer", customer.Id, "updated", changes.Fields, ct);
        }
        return customer;
    }

    public async Task<CustomerIdentity> AddIdentityAsync(Customer customer, AddIdentityRequest r, CancellationToken ct)
    {
        CheckIdentity(r.Kind, r.Value);
        var value = CustomerIdentity.Normalize(r.Kind, r.Value);
        if (value.Length == 0) throw DomainException.Validation("value", "value must not be empty.");
        if (await db.Set<CustomerIdentity>().AnyAsync(i => i.Kind == r.Kind && i.Value == value, ct))
            throw DomainException.Conflict("value", "This identity already belongs to a customer; merge the customers instead.");
        var identity = new CustomerIdentity { CustomerId = customer.Id, Kind = r.Kind, Value = value, CreatedAt = time.UtcNow() };
        db.Add(identity);
        customer.Version++;
        customer.UpdatedAt = time.UtcNow();
        await audit.RecordAsync("customer", customer.Id, "identity_added", new { kind = r.Kind, value }, ct);
        return identity;
    }

    /// <summary>Moves the source's identities and tickets to the target; the source remains, marked as merged.</summary>
    public async Task MergeAsync(Customer target, long sourceId, CancellationToken ct)
    {
        if (sourceId == target.Id) throw DomainException.Validation("sourceCustomerId", "A customer cannot be merged into itself.");
        if (target.MergedIntoId is not null)
            throw DomainException.Conflict($"Customer {target.Id} was merged into {target.MergedIntoId}; merge into that customer instead.");
        var source = await db.Set<Customer>().FirstOrDefaultAsync(c => c.Id == sourceId, ct)
            ?? throw DomainException.Validation("sourceCustomerId", $"Customer {sourceId} does not exist.");
        if (source.MergedIntoId is not null)
            throw DomainException.Conflict($"Customer {sourceId} was already merged into {source.MergedIntoId}.");

        var identities = await db.Set<CustomerIdentity>().Where(i => i.CustomerId == sourceId).ToListAsync(ct);
        foreach (var i in identities) i.CustomerId = target.Id;
        var moved = await db.Set<Ticket>().Where(t => t.CustomerId == sourceId).Select(t => t.Id).ToListAsync(ct);
        await db.Set<Ticket>().Where(t => t.CustomerId == sourceId)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.CustomerId, target.Id), ct);
        await db.Set<Message>().Where(m => m.AuthorCustomerId == sourceId)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.AuthorCustomerId, target.Id), ct);

        var now = time.UtcNow();
        source.MergedIntoId = target.Id;
        source.Version++;
        source.UpdatedAt = now;
        target.Version++;
        target.UpdatedAt = now;
        if (string.IsNullOrWhiteSpace(target.Note) && !string.IsNullOrWhiteSpace(source.Note)) target.Note = source.Note;

        var details = new { source = sourceId, target = target.Id, identities = identities.Select(i => i.Value).ToArray(), tickets = moved };
        await audit.RecordAsync("customer", target.Id, "merged_in", details, ct);
        await audit.RecordAsync("customer", sourceId, "merged_into", details, ct);
        db.Publish(new CustomersMerged(sourceId, target.Id), time);
    }

    /// <summary>A customer by id, following merges to the surviving record.</summary>
    public async Task<Customer?> FindLiveAsync(long id, CancellationToken ct)
    {
        for (var hops = 0; hops < 10; hops++)
        {
            var c = await db.Set<Customer>().FirstOrDefaultAsync(x => x.Id == id, ct);
            if (c?.MergedIntoId is not { } next) return c;
            id = next;
        }
        return null;
    }

    private static readonly System.ComponentModel.DataAnnotations.EmailAddressAttribute EmailRule = new();
    private static readonly System.ComponentModel.DataAnnotations.PhoneAttribute PhoneRule = new();

    /// <summary>An identity added on its own obeys the rules of the same identity given with a ticket or a new customer
    /// (<see cref="CustomerInput"/>): a valid e-mail address of at most 320 characters, a phone number of at most 32,
    /// other ids of at most 128.</summary>
    private static void CheckIdentity(IdentityKind kind, string raw)
    {
        var value = raw.Trim();
        var (max, valid, rule) = kind switch
        {
            IdentityKind.Email => (320, EmailRule.IsValid(value), "a valid e-mail address"),
            IdentityKind.Phone => (32, PhoneRule.IsValid(value), "a valid phone number"),
            _ => (128, true, "an id"),
        };
        if (value.Length > max)
            throw DomainException.Validation("value", $"A {System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(kind.ToString())} identity is at most {max} characters.");
        if (value.Length > 0 && !valid)
            throw DomainException.Validation("value", $"'{value}' is not {rule}.");
    }

    internal static IEnumerable<(IdentityKind Kind, string Value)> IdentitiesOf(CustomerInput c)
    {
        (IdentityKind, string?)[] all =
        [
            (IdentityKind.Email, c.Email), (IdentityKind.Phone, c.Phone), (IdentityKind.WeChat, c.WeChatOpenId),
            (IdentityKind.App, c.AppUserId), (IdentityKind.Visitor, c.VisitorId),
        ];
        foreach (var (kind, raw) in all)
        {
            if (string.IsNullOrWhiteSpace(raw)) continue;
            var value = CustomerIdentity.Normalize(kind, raw);
            if (value.Length > 0) yield return (kind, value);
        }
    }

    /// <summary>The given name, or the default one when none was given or the "name" is the customer's own e-mail address
    /// or phone number (mail clients often send the address as the display name).</summary>
    private static string NameFor(string? given, IReadOnlyList<(IdentityKind Kind, string Value)> identities)
    {
        var name = given?.Trim();
        if (string.IsNullOrEmpty(name)) return DefaultName(identities[0]);
        foreach (var identity in identities)
            if (identity.Kind is IdentityKind.Email or IdentityKind.Phone && CustomerIdentity.Normalize(identity.Kind, name) == identity.Value)
                return DefaultName(identity);
        return name;
    }

    /// <summary>The name of a customer created without one. From an e-mail address only what its mask shows
    /// (zhang.wei.1988@… → "zh***"): a name is shown unmasked to outsourced staff (decision 0062).</summary>
    internal static string DefaultName((IdentityKind Kind, string Value) identity) => identity.Kind switch
    {
        IdentityKind.Email => PiiMasker.Email(identity.Value) is var m && m.IndexOf('@') is > 0 and var at ? m[..at] : PiiMasker.Email(identity.Value),
        IdentityKind.Phone => identity.Value.Length >= 4 ? "用户" + identity.Value[^4..] : "用户",
        _ => "访客",
    };
}
