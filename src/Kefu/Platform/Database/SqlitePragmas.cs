using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Kefu.Platform.Database;

/// <summary>Per-connection SQLite settings: WAL is durable at commit with synchronous=NORMAL; FKs enforced.</summary>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    private const string Sql = "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = Sql;
        cmd.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken ct = default)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = Sql;
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
