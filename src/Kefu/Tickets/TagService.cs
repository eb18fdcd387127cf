using Kefu.Platform;
using Kefu.Platform.Audit;
using Kefu.Platform.Database;
using Kefu.Platform.Http;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Tickets;

/// <summary>The tag list for the API and the admin console: each change is one audited unit of work (joining the
/// caller's, if any).</summary>
public sealed class TagService(UnitOfWork uow, AuditLog audit, TimeProvider time)
{

    public Task<List<TagDto>> ListAsync(CancellationToken ct)
    {
        var db = uow.Db;
        return db.Set<Tag>().AsNoTracking().OrderBy(t => t.Name)
            .Select(t => new TagDto(t.Id, t.Name, db.Set<TicketTag>().Count(x => x.TagId == t.Id))).ToListAsync(ct);
    }

    private static readonly ListSort<Tag>[] Sorts =
    [
        ListSort<Tag>.By("name", t => t.Name, t => t.Id),
        ListSort<Tag>.By("createdAt", t => t.CreatedAt, t => t.Id),
    ];

    /// <summary>One page of the API's tag list (decision 0052); the admin console lists them all with <see cref="ListAsync"/>.</summary>
    public async Task<Page<TagDto>> PageAsync(TagFilter f, CancellationToken ct)
    {
        var db = uow.Db;
        var q = db.Set<Tag>().AsNoTracking();
        if (!string.IsNullOrWhiteSpace(f.Q))
        {
            var prefix = Tag.Normalize(f.Q.Trim());
            q = q.Where(t => t.NormalizedName.StartsWith(prefix));
        }
        var (rows, next) = await Keyset.PageAsync(q, Sorts, f.Sort, f.Cursor, f.Limit, ct);
        var ids = rows.Select(t => t.Id).ToList();
        var counts = await db.Set<TicketTag>().Where(x => ids.Contains(x.TagId)).GroupBy(x => x.TagId)
            .Select(g => new { TagId = g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.TagId, x => x.Count, ct);
        return new Page<TagDto>([.. rows.Select(t => new TagDto(t.Id, t.Name, counts.GetValueOrDefault(t.Id)))], next);
    }

    public Task<Tag> CreateAsync(string rawName, CancellationToken ct) => uow.RunAsync(async c =>
    {
        var name = rawName.Trim();
        if (name.Length == 0) throw DomainException.Validation("name", "name must not be empty.");
        if (name.Length > 50) throw DomainException.Validation("name", "A tag is at most 50 characters.");
        if (TagMatch.Pick(await uow.Db.Set<Tag>().Matching([name]).ToListAsync(c), name) is { } same)
            throw DomainException.Conflict("name", $"Tag '{same.Name}' exists.");
        // Another request may create the same name (any case) at the same moment: the unique key decides, and the
        // loser gets the same 409 as if it had come second.
        if (!await TagMatch.InsertAsync(uow.Db, name, time.UtcNow(), c)) throw DomainException.Conflict("name", $"Tag '{name}' exists.");
        var key = Tag.Normalize(name);
        var t = await uow.Db.Set<Tag>().SingleAsync(x => x.NormalizedName == key, c);
        await audit.RecordAsync("tag", t.Id, "created", new { name }, c);
        return t;
    }, ct);

    /// <summary>Deletes the tag and takes it off every ticket that had it.</summary>
    public Task DeleteAsync(int id, CancellationToken ct) => uow.RunAsync(async c =>
    {
        var tag = await uow.Db.Set<Tag>().FirstOrDefaultAsync(t => t.Id == id, c) ?? throw DomainException.NotFound($"Tag {id}");
        await uow.Db.Set<TicketTag>().Where(t => t.TagId == id).ExecuteDeleteAsync(c);
        uow.Db.Remove(tag);
        await audit.RecordAsync("tag", id, "deleted", new { tag.Name }, c);
    }, ct);
}
