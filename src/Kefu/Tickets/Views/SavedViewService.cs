using Kefu.Platform;
using Kefu.Platform.Auth;
using Kefu.Platform.Database;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Tickets.Views;

public sealed record SavedViewDto(long Id, string Name, SavedViewFilters Filters, int? Count, DateTime CreatedAt, DateTime UpdatedAt, int Version);
public sealed record CreateSavedViewRequest(string Name, SavedViewFilters? Filters);
/// <summary>Only what is sent changes; <c>filters</c> replaces the whole filter set.</summary>
public sealed record UpdateSavedViewRequest(string? Name, SavedViewFilters? Filters);

/// <summary>
/// Personal saved views for the API and the workspace alike. A view belongs to one person: another person's view id
/// is simply not found. Counts run through <see cref="TicketQueries"/>, so visibility scoping always applies.
/// </summary>
public sealed class SavedViewService(UnitOfWork uow, TicketQueries queries, TaxonomyCache taxonomy, TimeProvider time)
{
    public const int MaxViews = 50;
    private KefuDb Db => uow.Db;

    /// <summary>The person's views in their order; with counts of the visible tickets each matches (one query each).</summary>
    public async Task<List<SavedViewDto>> ListAsync(StaffContext staff, bool withCounts, CancellationToken ct)
    {
        var views = await Db.Set<SavedView>().AsNoTracking().Where(v => v.UserId == staff.UserId)
            .OrderBy(v => v.SortOrder).ThenBy(v => v.Id).ToListAsync(ct);
        var result = new List<SavedViewDto>(views.Count);
        foreach (var v in views) result.Add(ToDto(v, withCounts ? await CountAsync(v.Filters, staff, ct) : null));
        return result;
    }

    public async Task<SavedViewDto> GetAsync(long id, StaffContext staff, CancellationToken ct)
    {
        var view = await LoadAsync(id, staff, track: false, ct);
        return ToDto(view, await CountAsync(view.Filters, staff, ct));
    }

    /// <summary>How many visible tickets the view shows now; null when its filter no longer applies (say, a team
    /// that was deleted), rather than failing the whole list.</summary>
    public async Task<int?> CountAsync(SavedViewFilters filters, StaffContext staff, CancellationToken ct)
    {
        try { return await queries.CountAsync(filters.ToTicketFilter(), staff, ct); }
        catch (DomainException) { return null; }
    }

    public Task<SavedView> CreateAsync(CreateSavedViewRequest r, StaffContext staff, CancellationToken ct) => uow.RunAsync(async c =>
    {
        var name = CheckName(r.Name);
        var filters = await CheckFiltersAsync(r.Filters ?? SavedViewFilters.None, staff, c);
        var existing = await Db.Set<SavedView>().Where(v => v.UserId == staff.UserId).Select(v => new { v.Name, v.SortOrder }).ToListAsync(c);
        if (existing.Count >= MaxViews) throw DomainException.Conflict($"You have {MaxViews} saved views; delete one first.");
        if (existing.Any(v => v.Name == name)) throw NameTaken(name);
        var now = time.UtcNow();
        var view = new SavedView
        {
            UserId = staff.UserId, Name = name, Filters = filters, CreatedAt = now, UpdatedAt = now,
            SortOrder = existing.Select(v => v.SortOrder + 1).DefaultIfEmpty(0).Max(),
        };
        Db.Add(view);
        await Db.SaveChangesAsync(c);
        return view;
    }, ct);

    /// <param name="checkVersion">Called with the stored version before anything changes (If-Match); throws to refuse.</param>
    public Task<SavedView> UpdateAsync(long id, UpdateSavedViewRequest r, StaffContext staff, Action<int>? checkVersion, CancellationToken ct) =>
        uow.RunAsync(async c =>
        {
            var view = await LoadAsync(id, staff, track: true, c);
            checkVersion?.Invoke(view.Version);
            var changed = false;
            if (r.Name is { } raw)
            {
                var name = CheckName(raw);
                if (name != view.Name)
                {
                    if (await Db.Set<SavedView>().AnyAsync(v => v.UserId == staff.UserId && v.Name == name && v.Id != id, c)) throw NameTaken(name);
                    view.Name = name;
                    changed = true;
                }
            }
            if (r.Filters is { } f)
            {
                var filters = await CheckFiltersAsync(f, staff, c);
                if (filters != view.Filters) { view.Filters = filters; changed = true; }
            }
            if (changed) { view.Version++; view.UpdatedAt = time.UtcNow(); }
            return view;
        }, ct);

    public Task DeleteAsync(long id, StaffContext staff, CancellationToken ct) => uow.RunAsync(async c =>
    {
        Db.Remove(await LoadAsync(id, staff, track: true, c));
        await Db.SaveChangesAsync(c);
    }, ct);

    public static SavedViewDto ToDto(SavedView v, int? count) => new(v.Id, v.Name, v.Filters, count, v.CreatedAt, v.UpdatedAt, v.Version);

    private async Task<SavedView> LoadAsync(long id, StaffContext staff, bool track, CancellationToken ct)
    {
        var q = track ? Db.Set<SavedView>() : Db.Set<SavedView>().AsNoTracking();
        // Someone else's view is "not found", not "forbidden": its existence is nobody else's business.
        return await q.FirstOrDefaultAsync(v => v.Id == id && v.UserId == staff.UserId, ct) ?? throw DomainException.NotFound($"View {id}");
    }

    private static string CheckName(string? raw)
    {
        var name = raw?.Trim() ?? "";
        if (name.Length == 0 || name.Length > SavedViewConfiguration.NameMax)
            throw DomainException.Validation("name", $"name must be 1 to {SavedViewConfiguration.NameMax} characters.");
        return name;
    }

    private static DomainException NameTaken(string name) => DomainException.Conflict($"You already have a view named '{name}'.");

    /// <summary>The filter set as the ticket list would read it; its errors name the field under "filters.".</summary>
    private async Task<SavedViewFilters> CheckFiltersAsync(SavedViewFilters raw, StaffContext staff, CancellationToken ct)
    {
        var f = raw.Normalized();
        if (f.Q is { Length: > 200 }) throw DomainException.Validation("filters.q", "q must be at most 200 characters.");
        if (f.Tag is { Length: > 50 }) throw DomainException.Validation("filters.tag", "tag must be at most 50 characters.");
        if (f.TeamId is { } team && !await Db.Teams.AnyAsync(t => t.Id == team, ct))
            throw DomainException.Validation("filters.teamId", $"Team {team} does not exist.");
        if (f.CategoryId is { } cid && (await taxonomy.GetAsync(ct)).Find(cid) is null)
            throw DomainException.Validation("filters.categoryId", $"Category {cid} does not exist.");
        try { await queries.ValidateAsync(f.ToTicketFilter(), staff, ct); }
        catch (DomainException e) when (e.Errors is not null)
        {
            throw new DomainException(e.Status, e.Title, e.Message, e.Errors.ToDictionary(kv => "filters." + kv.Key, kv => kv.Value));
        }
        return f;
    }
}
