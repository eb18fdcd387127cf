using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Kefu.Platform.Database;

/// <summary>
/// Per-connection SQLite settings: WAL is durable at commit with synchronous=NORMAL; foreign keys enforced. Set once
/// per physical connection: pooled connections keep them, and EF opens a connection for every query.
/// With background checkpoints (decision 0028) no connection checkpoints inline at commit (wal_autocheckpoint=0):
/// <see cref="SqliteCheckpointer"/> does it.
/// </summary>
internal sealed class SqlitePragmas(bool autoCheckpoint = true) : DbConnectionInterceptor
{
    private readonly string Sql = "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000;"
        + (autoCheckpoint ? "" : " PRAGMA wal_autocheckpoint=0;");
    private static readonly ConditionalWeakTable<object, object> Configured = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (!NeedsSetup(connection, out var handle)) return;
        using var cmd = connection.CreateCommand();
        cmd.CommandText = Sql;
        cmd.ExecuteNonQuery();
        if (handle is not null) Configured.AddOrUpdate(handle, handle);
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken ct = default)
    {
        if (!NeedsSetup(connection, out var handle)) return;
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = Sql;
        await cmd.ExecuteNonQueryAsync(ct);
        if (handle is not null) Configured.AddOrUpdate(handle, handle);
    }

    private static bool NeedsSetup(DbConnection connection, out object? handle)
    {
        handle = (connection as SqliteConnection)?.Handle;
        return handle is null || !Configured.TryGetValue(handle, out _);
    }
}
