using Kefu.Platform.Audit;
using Kefu.Platform.Auth;
using Kefu.Platform.Events;
using Kefu.Platform.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Kefu.Platform.Database;

/// <summary>
/// The one database context. Each module contributes its entity configurations (found by assembly scan, each in
/// the module's own folder); provider subclasses exist only so each provider keeps its own migration set.
/// </summary>
public abstract class KefuDb(DbContextOptions options)
    : IdentityDbContext<StaffUser, StaffRole, Guid, IdentityUserClaim<Guid>, StaffUserRole, IdentityUserLogin<Guid>,
        IdentityRoleClaim<Guid>, IdentityUserToken<Guid>>(options)
{
    public DbSet<Team> Teams => Set<Team>();
    public DbSet<TeamMember> TeamMembers => Set<TeamMember>();
    public DbSet<AccessToken> AccessTokens => Set<AccessToken>();
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();
    public DbSet<EventReceipt> EventReceipts => Set<EventReceipt>();
    public DbSet<AuditEntry> Audit => Set<AuditEntry>();
    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();

    public abstract bool IsSqlite { get; }

    /// <summary>Set while a unit of work on SQLite has not written yet; its first write begins the transaction.</summary>
    internal UnitOfWork? PendingWriter { get; set; }

    /// <summary>For code writing through a DbCommand of its own inside a unit of work: makes sure the unit's
    /// transaction has begun, so <c>Database.CurrentTransaction</c> is the one to enlist in.</summary>
    public ValueTask BeginWriteAsync(CancellationToken ct) => PendingWriter is { } unit ? unit.BeginWriteAsync(ct) : ValueTask.CompletedTask;

    /// <summary>Serialises units of work that check, then write, the same thing (inside a unit of work): on SQLite the
    /// unit's write transaction — the process's write gate — begins now; on PostgreSQL the unit takes a
    /// transaction-scoped advisory lock on <paramref name="key"/>, held until it commits or rolls back.</summary>
    public async ValueTask SerializeAsync(long key, CancellationToken ct)
    {
        if (IsSqlite) await BeginWriteAsync(ct);
        else await Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({key})", ct);
    }

    /// <summary>Locks the row of <typeparamref name="T"/> with primary key <paramref name="key"/> until the unit of work
    /// ends, before it is read for a check-then-write (If-Match against a content stamp, <see cref="ETags.ForContent"/>):
    /// on PostgreSQL <c>SELECT … FOR UPDATE</c>, which waits for any transaction that has changed the row and not yet
    /// committed, so the read after it sees that change (read committed) and a stale If-Match is a 412, not a lost
    /// update; on SQLite the unit's write transaction (the write gate) begins now, before the read. A missing row locks
    /// nothing.</summary>
    public async ValueTask LockRowAsync<T>(object key, CancellationToken ct) where T : class
    {
        if (IsSqlite)
        {
            await BeginWriteAsync(ct);
            return;
        }
        var entity = Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not mapped.");
        var column = entity.FindPrimaryKey()!.Properties.Single().GetColumnName();
        // Table and column come from the model, the key is a parameter.
        var sql = "SELECT 1 FROM " + entity.GetTableName() + " WHERE " + column + " = {0} FOR UPDATE";
        await Database.ExecuteSqlRawAsync(sql, [key], ct);
    }

    /// <summary>Queues a domain event in this unit of work; it is stored in the same transaction as the change.</summary>
    public void Publish(IDomainEvent e, TimeProvider time)
    {
        Append(OutboxMessage.From(e, time.UtcNow()));
        Published = true;
    }

    /// <summary>Set by <see cref="Publish"/>, taken by the unit of work that commits it: only a commit that may have
    /// written events wakes the outbox dispatcher (a handler's commit that published nothing has nothing for it). A
    /// stale true (the rows were rolled back) costs one needless wake-up, no more.</summary>
    internal bool Published { get; set; }

    /// <summary>Queues an audit row in this unit of work (see <see cref="AuditLog"/>).</summary>
    internal void AddAudit(AuditEntry entry) => Append(entry);

    /// <summary>Adds an append-only row (outbox event, audit entry, triage decision) to this unit of work: inside a
    /// transaction it is written by <see cref="RowInserter"/> after EF's own save, so it must not be read, changed or
    /// asked for a generated key in the unit that adds it, and the rows it refers to must be added before it or
    /// saved already.</summary>
    internal void Append(object row)
    {
        Add(row);
        _appended.Add(row);
    }

    /// <summary>Append-only rows added since the last save. Only a hint: a row counts while EF still tracks it as
    /// Added, so a cleared change tracker (rollback, pooled context reset) or a save that already wrote it drops it.</summary>
    private readonly List<object> _appended = [];

    /// <summary>Inside a transaction (a unit of work), append-only rows go in one multi-row INSERT per table after
    /// EF's own save instead of one EF command each (decisions 0025, 0045). Outside one, EF saves them with its own
    /// transaction, as before, so they still commit with the change.</summary>
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        if (_appended.Count == 0 || (Database.CurrentTransaction is null && PendingWriter is null))
        {
            var saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
            _appended.Clear();
            return saved;
        }

        var outbox = new List<object>();
        var audit = new List<object>();
        List<object>? other = null; // other types, inserted per type in the order first added
        foreach (var row in _appended)
        {
            var entry = Entry(row);
            if (entry.State != EntityState.Added) continue;
            entry.State = EntityState.Detached;
            if (row is OutboxMessage) outbox.Add(row);
            else if (row is AuditEntry) audit.Add(row);
            else (other ??= []).Add(row);
        }
        _appended.Clear();
        int count;
        try
        {
            count = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }
        catch
        {
            // The caller may handle the failure and save again: the rows are pending as before.
            foreach (var row in outbox.Concat(audit).Concat(other ?? [])) { Entry(row).State = EntityState.Added; _appended.Add(row); }
            throw;
        }
        await BeginWriteAsync(cancellationToken);
        await RowInserter.InsertAsync(this, outbox, cancellationToken); // nothing to do for an empty list
        await RowInserter.InsertAsync(this, audit, cancellationToken);
        if (other is not null)
            foreach (var group in other.GroupBy(r => r.GetType()))
                await RowInserter.InsertAsync(this, group.ToList(), cancellationToken);
        return count + outbox.Count + audit.Count + (other?.Count ?? 0);
    }

    protected override void OnModelCreating(ModelBuilder b)
    {
        base.OnModelCreating(b);
        b.Entity<StaffUser>().ToTable("platform_users");
        b.Entity<StaffRole>().ToTable("platform_roles");
        b.Entity<StaffUserRole>().ToTable("platform_user_roles");
        b.Entity<IdentityUserClaim<Guid>>().ToTable("platform_user_claims");
        b.Entity<IdentityUserLogin<Guid>>().ToTable("platform_user_logins");
        b.Entity<IdentityRoleClaim<Guid>>().ToTable("platform_role_claims");
        b.Entity<IdentityUserToken<Guid>>().ToTable("platform_user_tokens");
        b.ApplyConfigurationsFromAssembly(typeof(KefuDb).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder c)
    {
        // Every timestamp is stored as UTC and read back as UTC (SQLite keeps no Kind; Npgsql insists on Utc).
        c.Properties<DateTime>().HaveConversion<UtcConverter>();
    }

    private sealed class UtcConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}

public sealed class SqliteKefuDb(DbContextOptions<SqliteKefuDb> options) : KefuDb(options)
{
    public override bool IsSqlite => true;
}

public sealed class PostgresKefuDb(DbContextOptions<PostgresKefuDb> options) : KefuDb(options)
{
    public override bool IsSqlite => false;
}
