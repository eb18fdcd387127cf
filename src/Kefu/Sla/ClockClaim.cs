using System.Data.Common;
using Kefu.Platform.Database;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace Kefu.Sla;

/// <summary>
/// The sweeper's per-row claim — <c>UPDATE sla_ticket_clocks SET … WHERE id = @id AND next_due_at = @seen AND state =
/// running</c> — as one prepared command on the unit of work's connection and transaction, reused for every row of a
/// sweep. EF's ExecuteUpdate costs about a millisecond of query pipeline per call, which made a 500-row sweep take
/// ~20x the bare SQL (bench/sla). Table, column names and value conversions come from EF's model, so the SQL and the
/// stored formats stay those of the mapping on both providers.
/// </summary>
internal sealed class ClockClaim : IAsyncDisposable
{
    private readonly DbCommand _cmd;
    private readonly DbParameter _warned, _breached, _next, _holder, _id, _seen;
    private readonly RelationalTypeMapping _dateMap, _holderMap, _idMap;

    private ClockClaim(KefuDb db)
    {
        var entity = db.Model.FindEntityType(typeof(SlaClock))!;
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var sql = db.GetService<ISqlGenerationHelper>();
        IProperty P(string name) => entity.FindProperty(name)!;
        string C(string name) => sql.DelimitIdentifier(P(name).GetColumnName(table)!);
        _dateMap = P(nameof(SlaClock.NextDueAt)).GetRelationalTypeMapping();
        _holderMap = P(nameof(SlaClock.BreachedHolderId)).GetRelationalTypeMapping();
        _idMap = P(nameof(SlaClock.Id)).GetRelationalTypeMapping();
        var stateMap = P(nameof(SlaClock.State)).GetRelationalTypeMapping();

        _cmd = db.Database.GetDbConnection().CreateCommand();
        _cmd.Transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("A clock is claimed inside the sweep's unit of work.");
        _warned = Add(_dateMap, "@warned", null);
        _breached = Add(_dateMap, "@breached", null);
        _next = Add(_dateMap, "@next", null);
        _holder = Add(_holderMap, "@holder", null);
        _id = Add(_idMap, "@id", 0L);
        _seen = Add(_dateMap, "@seen", DateTime.UnixEpoch);
        Add(stateMap, "@running", ClockState.Running);
        // COALESCE: the holder is only given when this claim fires the breach; otherwise the column keeps its value.
        _cmd.CommandText = $"UPDATE {sql.DelimitIdentifier(table.Name, table.Schema)} SET {C(nameof(SlaClock.WarnedAt))} = @warned, "
            + $"{C(nameof(SlaClock.BreachedAt))} = @breached, {C(nameof(SlaClock.NextDueAt))} = @next, "
            + $"{C(nameof(SlaClock.BreachedHolderId))} = COALESCE(@holder, {C(nameof(SlaClock.BreachedHolderId))}) "
            + $"WHERE {C(nameof(SlaClock.Id))} = @id AND {C(nameof(SlaClock.NextDueAt))} = @seen AND {C(nameof(SlaClock.State))} = @running";
    }

    private DbParameter Add(RelationalTypeMapping map, string name, object? value)
    {
        var p = map.CreateParameter(_cmd, name, value, nullable: true);
        _cmd.Parameters.Add(p);
        return p;
    }

    private static object Value(RelationalTypeMapping map, object? value) =>
        value is null ? DBNull.Value : map.Converter?.ConvertToProvider(value) ?? value;

    public static async Task<ClockClaim> CreateAsync(KefuDb db, CancellationToken ct)
    {
        await db.BeginWriteAsync(ct);
        var claim = new ClockClaim(db);
        await claim._cmd.PrepareAsync(ct);
        return claim;
    }

    /// <summary>True when this sweep won the row (it was still due at the instant it was read, and still running).</summary>
    public async Task<bool> TryAsync(long id, DateTime seen, DateTime? warnedAt, DateTime? breachedAt, DateTime? next, Guid? holder,
        CancellationToken ct)
    {
        _warned.Value = Value(_dateMap, warnedAt);
        _breached.Value = Value(_dateMap, breachedAt);
        _next.Value = Value(_dateMap, next);
        _holder.Value = Value(_holderMap, holder);
        _id.Value = Value(_idMap, id);
        _seen.Value = Value(_dateMap, seen);
        return await _cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    public ValueTask DisposeAsync() => _cmd.DisposeAsync();
}
