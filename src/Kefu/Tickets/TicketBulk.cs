using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kefu.Platform;
using Kefu.Platform.Auth;
using Kefu.Platform.Database;
using Kefu.Platform.Http;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Tickets;

/// <summary>
/// POST /api/v1/tickets/bulk: one change for many tickets. <see cref="Set"/> takes the PATCH fields status, priority,
/// teamId, assigneeId (null unassigns / clears the team); tags are added and removed by name; or, alone,
/// <see cref="MergeInto"/> merges every listed ticket into that one.
/// </summary>
public sealed record BulkTicketRequest(
    [property: Required, MaxLength(TicketBulk.MaxTickets)] long[] TicketIds,
    JsonObject? Set = null,
    [property: MaxLength(20)] string[]? AddTags = null,
    [property: MaxLength(20)] string[]? RemoveTags = null,
    long? MergeInto = null);

/// <summary>A ticket the bulk change left alone, and why: <c>not_found</c>, <c>forbidden</c>, <c>status_not_allowed</c>,
/// <c>closed</c>, <c>merged</c>, <c>conflict</c> or <c>invalid</c>; <see cref="Detail"/> says it in English;
/// <see cref="Status"/> is the ticket's status when the skip was decided on it (null when it could not be read).</summary>
public sealed record BulkSkip(long TicketId, long Number, string Reason, string Detail, TicketStatus? Status = null);

/// <summary>Per ticket: changed, already as asked (unchanged), or skipped with a reason.</summary>
public sealed record BulkTicketResult(long[] Updated, long[] Unchanged, BulkSkip[] Skipped);

/// <summary>
/// Applies one change to many tickets, each through <see cref="TicketService"/> in its own unit of work: permission and
/// team scope are checked per ticket, each change is audited and publishes its events, and a ticket that cannot take
/// the change (a status move its status does not allow, another team's ticket, a closed one) is reported while the
/// others proceed. Used by the workspace's bulk bar and by the API, so both behave the same.
/// </summary>
public sealed class TicketBulk(KefuDb db, UnitOfWork uow, TicketService tickets, TicketQueries queries)
{
    public const int MaxTickets = 500;
    private static readonly string[] SetFields = ["status", "priority", "teamId", "assigneeId"];

    /// <param name="ifMatch">The versions the caller read (If-Match: one ETag per entry of <c>ticketIds</c>, in the same
    /// order), or null. A stale one fails the whole request up front with 412, before anything changes; a ticket that
    /// changes after that check and before its turn is skipped as <c>conflict</c>.</param>
    public async Task<BulkTicketResult> RunAsync(BulkTicketRequest r, JsonSerializerOptions json, StaffContext staff, CancellationToken ct,
        IReadOnlyList<int>? ifMatch = null)
    {
        var ids = (r.TicketIds ?? []).Distinct().ToList();
        var (set, addTags, removeTags) = await ValidateAsync(r, ids, json, staff, ct);
        var expected = await CheckVersionsAsync(r.TicketIds ?? [], ifMatch, staff, ct);

        var updated = new List<long>();
        var unchanged = new List<long>();
        var skipped = new List<BulkSkip>();
        if (r.MergeInto is { } targetId)
        {
            foreach (var id in ids.Where(i => i != targetId))
                await OneAsync(id, skipped, async (ticket, c) =>
                {
                    if (Stale(ticket, expected) is { } stale) return stale;
                    if (ticket.MergedIntoId is not null) return Skip(ticket, "merged", $"Ticket #{ticket.Number} is already merged.");
                    await tickets.MergeAsync(ticket, await queries.LoadAsync(targetId, staff, track: true, c), staff, c);
                    updated.Add(ticket.Id);
                    return null;
                }, staff, ct);
            if (updated.Count > 0) updated.Add(targetId);
            return new BulkTicketResult([.. updated], [.. unchanged], [.. skipped]);
        }

        foreach (var id in ids)
            await OneAsync(id, skipped, async (ticket, c) =>
            {
                if (Stale(ticket, expected) is { } stale) return stale;
                // Whether this ticket may take the change is TicketService's decision (UpdateAsync refuses a closed
                // ticket or a status move its status does not allow, before changing anything); its refusal is
                // named by Refused below.
                var patch = (JsonObject?)set?.DeepClone() ?? new JsonObject();
                if (addTags.Count > 0 || removeTags.Count > 0)
                {
                    // Always sent (the service tells a change from none), so a closed ticket is refused as for any field.
                    var current = await db.Set<TicketTag>().Where(t => t.TicketId == ticket.Id).Select(t => t.Tag.Name).ToListAsync(c);
                    var wanted = current.Where(n => !removeTags.Contains(n, StringComparer.OrdinalIgnoreCase))
                        .Concat(addTags).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
                    patch["tags"] = new JsonArray([.. wanted.Select(n => (JsonNode)n!)]);
                }
                var version = ticket.Version;
                await tickets.UpdateAsync(ticket, patch, json, staff, c);
                (ticket.Version == version ? unchanged : updated).Add(ticket.Id);
                return null;
            }, staff, ct, nameRefusals: true);
        return new BulkTicketResult([.. updated], [.. unchanged], [.. skipped]);
    }

    /// <summary>Runs one ticket's change in its own transaction; a refusal becomes a skip, never the whole request's error.</summary>
    private async Task OneAsync(long id, List<BulkSkip> skipped, Func<Ticket, CancellationToken, Task<BulkSkip?>> work, StaffContext staff, CancellationToken ct,
        bool nameRefusals = false)
    {
        (long Number, TicketStatus Status, long? MergedInto)? before = null; // the ticket as read, to name a refusal
        // With an Idempotency-Key the whole bulk is one unit of work (its stored answer commits with the changes): each
        // ticket then gets a savepoint, so one ticket's failure undoes only its own writes (and, on PostgreSQL, does not
        // leave the transaction aborted for the tickets after it).
        await db.BeginWriteAsync(ct); // SQLite: an outer unit that has not written yet begins its transaction now, for the savepoint
        var outer = db.Database.CurrentTransaction;
        if (outer is not null) await outer.CreateSavepointAsync(Savepoint, ct);
        try
        {
            var skip = await uow.RunAsync(async c =>
            {
                var ticket = await queries.LoadAsync(id, staff, track: true, c);
                before = (ticket.Number, ticket.Status, ticket.MergedIntoId);
                return await work(ticket, c);
            }, ct);
            if (skip is not null) skipped.Add(skip);
            if (outer is not null) await outer.ReleaseSavepointAsync(Savepoint, ct);
        }
        catch (DomainException e)
        {
            if (outer is not null) await outer.RollbackToSavepointAsync(Savepoint, ct);
            skipped.Add(nameRefusals && before is { } t ? Refused(t.Number, t.Status, t.MergedInto, e, id) : new BulkSkip(id, id + TicketRules.NumberOffset,
                e.Status switch { 404 => "not_found", 403 => "forbidden", 409 => "conflict", _ => "invalid" }, e.Message));
        }
        catch (DbUpdateConcurrencyException)
        {
            if (outer is not null) await outer.RollbackToSavepointAsync(Savepoint, ct);
            skipped.Add(new BulkSkip(id, id + TicketRules.NumberOffset, "conflict", "The ticket was changed by someone else at the same time; try again."));
        }
        finally { db.ChangeTracker.Clear(); } // each ticket starts from a clean context
    }

    private const string Savepoint = "bulk_ticket";

    /// <summary>Names TicketService's refusal of a ticket it had loaded: merged or closed (it refuses any change to a
    /// closed ticket), a status move its status does not allow (UpdateAsync's error on <c>status</c>; a null status
    /// never gets this far), else forbidden, conflict or invalid with the service's own words.</summary>
    private static BulkSkip Refused(long number, TicketStatus status, long? mergedInto, DomainException e, long id)
    {
        var (reason, detail) = mergedInto is { } into ? ("merged", $"Ticket #{number} was merged into #{into + TicketRules.NumberOffset}.")
            : status == TicketStatus.Closed ? ("closed", $"Ticket #{number} is closed.")
            : e.Errors?.TryGetValue("status", out var why) == true && e.Status == 400 ? ("status_not_allowed", $"Ticket #{number}: {string.Join(" ", why)}")
            : (e.Status switch { 403 => "forbidden", 404 => "not_found", 409 => "conflict", _ => "invalid" },
                e.Errors is { Count: > 0 } errors ? string.Join(" ", errors.SelectMany(x => x.Value)) : e.Message);
        return new BulkSkip(id, number, reason, detail, status);
    }

    /// <summary>Checks what is the same for every ticket once, up front: a bad request is one 400 problem, not N skips.</summary>
    private async Task<(JsonObject? Set, List<string> Add, List<string> Remove)> ValidateAsync(
        BulkTicketRequest r, List<long> ids, JsonSerializerOptions json, StaffContext staff, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (ids.Count == 0) errors["ticketIds"] = ["List at least one ticket."];
        if (ids.Count > MaxTickets) errors["ticketIds"] = [$"At most {MaxTickets} tickets at once."];
        var add = Names(r.AddTags, "addTags", errors);
        var remove = Names(r.RemoveTags, "removeTags", errors);
        var set = r.Set is { Count: > 0 } ? r.Set : null;

        if (set is not null)
        {
            var patch = new PatchBody(set, json, SetFields);
            var status = patch.Get<TicketStatus?>("status");
            var priority = patch.Get<TicketPriority?>("priority");
            var teamId = patch.Get<int?>("teamId");
            var assigneeId = patch.Get<Guid?>("assigneeId");
            if (status is { Present: true, Value: null }) patch.Error("status", "status cannot be null.");
            if (priority is { Present: true, Value: null }) patch.Error("priority", "priority cannot be null.");
            if (teamId.Value is { } t && !await db.Teams.AnyAsync(x => x.Id == t, ct)) patch.Error("teamId", $"Team {t} does not exist.");
            if (assigneeId.Value is { } a && !await db.Users.AnyAsync(u => u.Id == a && u.IsActive, ct))
                patch.Error("assigneeId", $"Staff member {a} does not exist or is deactivated.");
            try { patch.ThrowIfInvalid(); }
            catch (DomainException e) when (e.Errors is not null)
            {
                foreach (var (k, v) in e.Errors) errors["set." + k] = v;
            }
        }

        if (r.MergeInto is { } target)
        {
            if (set is not null || add.Count > 0 || remove.Count > 0)
                errors["mergeInto"] = ["A merge cannot be combined with other changes."];
            else if (!staff.Can(Permissions.TicketsMerge))
                throw DomainException.Forbidden("Merging tickets needs the permission 'tickets.merge'.");
            else
            {
                try
                {
                    var t = await queries.LoadAsync(target, staff, track: false, ct);
                    if (t.MergedIntoId is not null || t.Status == TicketStatus.Closed)
                        errors["mergeInto"] = [$"Ticket #{t.Number} is closed or merged and cannot receive a merge."];
                }
                catch (DomainException e) when (e.Status is 403 or 404)
                {
                    errors["mergeInto"] = [$"Ticket {target} does not exist or you may not see it."];
                }
                if (!ids.Any(i => i != target)) errors["ticketIds"] = ["List at least one ticket besides the merge target."];
            }
        }
        else if (set is null && add.Count == 0 && remove.Count == 0 && errors.Count == 0)
            errors["set"] = ["Nothing to change: give set, addTags, removeTags or mergeInto."];

        if (errors.Count > 0) throw new DomainException(400, "Validation failed", "One or more fields are invalid.", errors);
        return (set, add, remove);
    }

    private static List<string> Names(string[]? names, string field, Dictionary<string, string[]> errors)
    {
        var list = (names ?? []).Select(n => n?.Trim() ?? "").Where(n => n.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (list.Any(n => n.Length > 50)) errors[field] = ["A tag is at most 50 characters."];
        return list;
    }

    /// <summary>If-Match for many tickets: every listed ticket the caller may see must still have the version read.
    /// Tickets the caller may not see are left to the per-ticket checks (skipped as not_found/forbidden), so a 412
    /// never tells anything about them.</summary>
    private async Task<Dictionary<long, int>?> CheckVersionsAsync(long[] listed, IReadOnlyList<int>? ifMatch, StaffContext staff, CancellationToken ct)
    {
        if (ifMatch is null) return null;
        if (ifMatch.Count != listed.Length)
            throw DomainException.Validation("If-Match", $"If-Match lists {ifMatch.Count} ETags for {listed.Length} tickets: send one per entry of ticketIds, in the same order.");
        var expected = new Dictionary<long, int>();
        for (var i = 0; i < listed.Length; i++)
        {
            if (expected.TryGetValue(listed[i], out var other) && other != ifMatch[i])
                throw DomainException.Validation("If-Match", $"Ticket {listed[i]} is listed twice with different ETags.");
            expected[listed[i]] = ifMatch[i];
        }
        var ids = expected.Keys.ToList();
        var current = await queries.Visible(staff).Where(t => ids.Contains(t.Id)).Select(t => new { t.Id, t.Version }).ToListAsync(ct);
        var stale = current.Where(t => t.Version != expected[t.Id]).OrderBy(t => t.Id).ToList();
        if (stale.Count > 0)
            throw new DomainException(412, "Precondition failed",
                $"{stale.Count} of the listed tickets changed since they were read; nothing was changed. Fetch them again and retry.",
                stale.ToDictionary(t => $"ticketIds.{t.Id}", t => new[] { $"If-Match {ETags.For(expected[t.Id])} does not match the current ETag {ETags.For(t.Version)}." }));
        return expected;
    }

    private static BulkSkip? Stale(Ticket t, Dictionary<long, int>? expected) =>
        expected is not null && expected.TryGetValue(t.Id, out var v) && v != t.Version
            ? Skip(t, "conflict", $"Ticket #{t.Number} was changed by someone else after the check; fetch it again and retry.")
            : null;

    private static BulkSkip Skip(Ticket t, string reason, string detail) => new(t.Id, t.Number, reason, detail, t.Status);
}
