using Kefu.Platform.Auth;
using Kefu.Platform.Database;
using Kefu.Platform.Http;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Platform.Audit;

/// <summary>Which audit rows to show. <see cref="SystemOnly"/> selects rows with no actor (start-up, jobs).</summary>
public sealed record AuditFilter(string? EntityType = null, string? EntityId = null, Guid? ActorId = null, bool SystemOnly = false,
    DateTime? FromUtc = null, DateTime? ToUtc = null, string? Action = null);

/// <summary>Reads the audit trail newest first, a keyset page at a time (the cursor is the last id seen).</summary>
public static class AuditQuery
{
    private static readonly ListSort<AuditEntry>[] Sorts = [ListSort<AuditEntry>.By("id", a => a.Id).WithDescendingDefault()];

    /// <summary>A page of the rows the staff member may read: rows of an entity type a module scopes
    /// (<see cref="IAuditEntityScope"/>) only for the entities he may see; personal data masked if he sees it masked.
    /// The services are the request's or circuit's scope (its database context runs the query).</summary>
    public static async Task<Page<AuditDto>> PageAsync(IServiceProvider services, StaffContext staff, AuditFilter f, string? cursor, int? limit,
        CancellationToken ct)
    {
        var q = services.GetRequiredService<KefuDb>().Audit.AsNoTracking();
        foreach (var scope in services.GetServices<IAuditEntityScope>())
        {
            if (scope.VisibleIds(staff) is not { } ids) continue;
            var scoped = scope.EntityType;
            q = q.Where(a => a.EntityType != scoped || ids.Contains(a.EntityId));
        }
        if (f.EntityType is { Length: > 0 } type) q = q.Where(a => a.EntityType == type);
        if (f.EntityId is { Length: > 0 } id) q = q.Where(a => a.EntityId == id);
        if (f.Action is { Length: > 0 } action) q = q.Where(a => a.Action == action);
        if (f.ActorId is { } actor) q = q.Where(a => a.ActorId == actor);
        else if (f.SystemOnly) q = q.Where(a => a.ActorId == null);
        if (f.FromUtc is { } from) q = q.Where(a => a.At >= from);
        if (f.ToUtc is { } to) q = q.Where(a => a.At < to);
        var (rows, next) = await Keyset.PageAsync(q, Sorts, null, cursor, limit, ct);
        return new Page<AuditDto>([.. rows.Select(a => AuditDto.From(a, staff.MasksPii))], next);
    }

    /// <summary>The entity types that occur in the trail, for the filter list.</summary>
    public static Task<List<string>> EntityTypesAsync(KefuDb db, CancellationToken ct) =>
        db.Audit.AsNoTracking().Select(a => a.EntityType).Distinct().OrderBy(t => t).ToListAsync(ct);

    /// <summary>The actions that occur in the trail, for the filter list.</summary>
    public static Task<List<string>> ActionsAsync(KefuDb db, CancellationToken ct) =>
        db.Audit.AsNoTracking().Select(a => a.Action).Distinct().OrderBy(t => t).ToListAsync(ct);
}
