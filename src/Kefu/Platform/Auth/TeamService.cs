using Kefu.Platform.Audit;
using Kefu.Platform.Database;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Platform.Auth;

/// <summary>Creates and renames teams for the admin console, with the same rules and audit rows as the teams API.
/// Each call is one unit of work (joining the caller's, if any).</summary>
public sealed class TeamService(UnitOfWork uow, AuditLog audit, TimeProvider time, StaffDirectory directory)
{

    public Task<List<TeamDto>> ListAsync(CancellationToken ct) =>
        uow.Db.Teams.AsNoTracking().OrderBy(t => t.Name)
            .Select(t => new TeamDto(t.Id, t.Name, t.Description, t.Members.Count, t.Version)).ToListAsync(ct);

    public Task<Team> CreateAsync(CreateTeamRequest r, CancellationToken ct) => uow.RunAsync(async c =>
    {
        var name = CheckName(r.Name);
        if (await uow.Db.Teams.AnyAsync(t => t.Name == name, c)) throw DomainException.Conflict("name", $"Team '{name}' exists.");
        var t = new Team { Name = name, Description = Blank(r.Description), CreatedAt = time.UtcNow(), Version = 1 };
        uow.Db.Teams.Add(t);
        await uow.Db.SaveChangesAsync(c);
        await audit.RecordAsync("team", t.Id, "created", new { name }, c);
        directory.InvalidateTeams();
        return t;
    }, ct);

    /// <param name="checkVersion">Called with the stored version first; throws to refuse a stale update.</param>
    public Task<Team> UpdateAsync(int id, UpdateTeamRequest r, Action<int>? checkVersion, CancellationToken ct) => uow.RunAsync(async c =>
    {
        var t = await uow.Db.Teams.FirstOrDefaultAsync(x => x.Id == id, c) ?? throw DomainException.NotFound($"Team {id}");
        checkVersion?.Invoke(t.Version);
        var changes = new ChangeSet();
        if (r.Name is { } raw)
        {
            var name = CheckName(raw);
            if (name != t.Name && await uow.Db.Teams.AnyAsync(x => x.Name == name && x.Id != id, c))
                throw DomainException.Conflict("name", $"Team '{name}' exists.");
            if (changes.Set("name", t.Name, name)) t.Name = name;
        }
        if (r.Description is { } d && changes.Set("description", t.Description, Blank(d))) t.Description = Blank(d);
        if (changes.Any) { t.Version++; await audit.RecordAsync("team", id, "updated", changes.Fields, c); directory.InvalidateTeams(); }
        return t;
    }, ct);

    private static string CheckName(string raw)
    {
        var name = raw.Trim();
        if (name.Length == 0) throw DomainException.Validation("name", "name must not be empty.");
        return name;
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
