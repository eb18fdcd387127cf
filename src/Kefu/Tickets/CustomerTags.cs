using Kefu.Platform;
using Kefu.Platform.Audit;
using Kefu.Platform.Database;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Tickets;

/// <summary>
/// Customers' tags (e.g. "vip"): read in bulk for lists, replaced as a whole list (API, workspace customer panel).
/// Runs inside the caller's unit of work; a change bumps the customer's version (ETag), is audited and publishes
/// <see cref="CustomerTagsChanged"/>. Kept apart from CustomerService so tags stay one small, separate concern.
/// </summary>
public sealed class CustomerTags(KefuDb db, AuditLog audit, TimeProvider time)
{
    public const int NameMax = 50;
    public const int MaxCount = 20;
    public const string Vip = "vip";

    public async Task<string[]> GetAsync(long customerId, CancellationToken ct) =>
        await db.Set<CustomerTag>().AsNoTracking().Where(t => t.CustomerId == customerId).OrderBy(t => t.Name).Select(t => t.Name).ToArrayAsync(ct);

    public async Task<Dictionary<long, string[]>> GetManyAsync(IReadOnlyCollection<long> customerIds, CancellationToken ct)
    {
        if (customerIds.Count == 0) return [];
        var rows = await db.Set<CustomerTag>().AsNoTracking().Where(t => customerIds.Contains(t.CustomerId))
            .Select(t => new { t.CustomerId, t.Name }).ToListAsync(ct);
        return rows.GroupBy(r => r.CustomerId).ToDictionary(g => g.Key, g => g.Select(r => r.Name).Order(StringComparer.Ordinal).ToArray());
    }

    /// <summary>Trimmed, lower-cased, distinct; validation errors name the field "tags".</summary>
    public static string[] Normalize(IEnumerable<string?> tags)
    {
        var result = new List<string>();
        foreach (var raw in tags)
        {
            var name = raw?.Trim().ToLowerInvariant() ?? "";
            if (name.Length is 0 or > NameMax || name.Contains(','))
                throw DomainException.Validation("tags", $"Each tag is 1 to {NameMax} characters, without commas.");
            if (!result.Contains(name)) result.Add(name);
        }
        if (result.Count > MaxCount) throw DomainException.Validation("tags", $"A customer has at most {MaxCount} tags.");
        result.Sort(StringComparer.Ordinal);
        return [.. result];
    }

    /// <summary>Replaces the customer's tags; returns whether anything changed. The customer must be tracked.</summary>
    public async Task<bool> SetAsync(Customer customer, IEnumerable<string?> tags, CancellationToken ct)
    {
        var wanted = Normalize(tags);
        var current = await db.Set<CustomerTag>().Where(t => t.CustomerId == customer.Id).ToListAsync(ct);
        var before = current.Select(t => t.Name).Order(StringComparer.Ordinal).ToArray();
        if (before.SequenceEqual(wanted)) return false;
        var now = time.UtcNow();
        foreach (var t in current.Where(t => !wanted.Contains(t.Name))) db.Remove(t);
        foreach (var name in wanted.Where(n => !before.Contains(n))) db.Add(new CustomerTag { CustomerId = customer.Id, Name = name, CreatedAt = now });
        customer.Version++;
        customer.UpdatedAt = now;
        await audit.RecordAsync("customer", customer.Id, "tags_changed", new { tags = new[] { before, wanted } }, ct);
        db.Publish(new CustomerTagsChanged(customer.Id, wanted), time);
        return true;
    }
}

/// <summary>Merging customers keeps the merged one's tags on the survivor (a VIP stays VIP), as its identities move.</summary>
public sealed class CustomerTagsOnMerge(KefuDb db, CustomerTags tags) : Kefu.Platform.Events.IEventHandler<CustomersMerged>
{
    public async Task HandleAsync(CustomersMerged e, Kefu.Platform.Events.EventContext context, CancellationToken ct)
    {
        var source = await tags.GetAsync(e.SourceCustomerId, ct);
        if (source.Length == 0) return;
        var target = await db.Set<Customer>().FirstOrDefaultAsync(c => c.Id == e.TargetCustomerId, ct);
        if (target is null) return;
        var merged = (await tags.GetAsync(target.Id, ct)).Union(source).Take(CustomerTags.MaxCount).ToArray();
        await tags.SetAsync(target, merged, ct); // idempotent: a second delivery finds nothing to change
    }
}
