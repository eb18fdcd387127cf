using Kefu.Platform;
using Kefu.Platform.Database;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kefu.Tests.Platform;

/// <summary>
/// Background WAL checkpoints (decision 0028): writers never checkpoint inline, yet the WAL stays bounded under
/// writes that never pause, the last checkpoint at shutdown empties it, and a crash before any checkpoint loses no
/// committed transaction (the WAL is replayed at the next open).
/// </summary>
public sealed class SqliteCheckpointerTests : IDisposable
{
    private const int RowBytes = 3000; // about one page per row (page size 4,096)
    private readonly string _dir = Directory.CreateTempSubdirectory("kefu-ckpt-").FullName;
    private string Db => Path.Combine(_dir, "kefu.db");
    private string Wal => Db + "-wal";
    private string ConnectionString => DatabaseSetup.SqliteConnectionString(_dir);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    /// <summary>A writer connection as the app configures them with background checkpoints (no inline auto-checkpoint).</summary>
    private async Task<SqliteConnection> WriterAsync()
    {
        var c = new SqliteConnection(ConnectionString);
        await c.OpenAsync();
        await Exec(c, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000; PRAGMA wal_autocheckpoint=0;" +
                      "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, body BLOB NOT NULL);");
        return c;
    }

    private static async Task Exec(SqliteConnection c, string sql)
    {
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<long> Scalar(SqliteConnection c, string sql)
    {
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>One write transaction through the write gate, as units of work do.</summary>
    private static async Task InsertAsync(SqliteConnection c, WriteGate gate, int rows)
    {
        using var _ = await gate.EnterAsync(CancellationToken.None);
        await using var tx = (SqliteTransaction)await c.BeginTransactionAsync();
        for (var i = 0; i < rows; i++)
        {
            await using var cmd = c.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = "INSERT INTO t (body) VALUES (randomblob($n))";
            cmd.Parameters.AddWithValue("$n", RowBytes);
            await cmd.ExecuteNonQueryAsync();
        }
        await tx.CommitAsync();
    }

    private long WalBytes() => File.Exists(Wal) ? new FileInfo(Wal).Length : 0;

    [Fact]
    public async Task The_wal_stays_bounded_under_writes_that_never_pause_and_shutdown_empties_it()
    {
        var gate = new WriteGate(serialize: true);
        var options = new SqliteCheckpointOptions { IntervalMs = 10, RestartPages = 64, TruncatePages = 512 };
        await using var writer = await WriterAsync();
        var checkpointer = new SqliteCheckpointer(ConnectionString, options, gate, NullLogger<SqliteCheckpointer>.Instance);
        await checkpointer.StartAsync(CancellationToken.None);

        // ~6,000 pages written; the writers never checkpoint themselves, so without the checkpointer the WAL would hold
        // all of them. Every 100 transactions (~400 pages) the writer lets one checkpointer round happen (it waits for
        // the round counter, not for a time): how far a writer gets between two rounds is then the test's choice, not
        // the machine's load.
        const int transactions = 1500, rowsPerTransaction = 4, perRound = 100;
        long maxWal = 0;
        for (var i = 0; i < transactions; i++)
        {
            if (i % perRound == 0) await NextRoundAsync(checkpointer);
            await InsertAsync(writer, gate, rowsPerTransaction);
            maxWal = Math.Max(maxWal, WalBytes());
        }
        await checkpointer.StopAsync(CancellationToken.None);

        var stats = checkpointer.Stats;
        // The WAL was started over after each round: its file never held much more than one round's writes
        // (~400 pages + index pages), against ~6,000 pages written.
        Assert.True(maxWal < 1000 * 4096L, $"WAL reached {maxWal} bytes; {stats}");
        // The shutdown checkpoint copied everything and truncated the WAL.
        Assert.Equal(0, WalBytes());
        Assert.True(stats.Truncated >= 1, stats.ToString());
        Assert.Equal(transactions * rowsPerTransaction, await Scalar(writer, "SELECT count(*) FROM t"));
    }

    /// <summary>Waits until the checkpointer has finished two more rounds (one full round after this call).</summary>
    private static async Task NextRoundAsync(SqliteCheckpointer checkpointer)
    {
        var target = checkpointer.Stats.Rounds + 2;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (checkpointer.Stats.Rounds < target)
        {
            Assert.True(DateTime.UtcNow < deadline, "no checkpoint round within 60 s: " + checkpointer.Stats);
            await Task.Delay(1);
        }
    }

    [Fact]
    public async Task A_reader_holding_an_old_snapshot_delays_the_restart_but_the_wal_is_truncated_once_it_lets_go()
    {
        var gate = new WriteGate(serialize: true);
        var options = new SqliteCheckpointOptions { IntervalMs = 10, RestartPages = 32, TruncatePages = 128, BusyTimeoutMs = 50 };
        await using var writer = await WriterAsync();
        await InsertAsync(writer, gate, 1);
        var checkpointer = new SqliteCheckpointer(ConnectionString, options, gate, NullLogger<SqliteCheckpointer>.Instance);
        await checkpointer.StartAsync(CancellationToken.None);
        try
        {
            // A reader opens a snapshot and keeps it: no checkpoint can copy past it nor restart the WAL.
            await using (var reader = new SqliteConnection(ConnectionString))
            {
                await reader.OpenAsync();
                await using var tx = reader.BeginTransaction(deferred: true);
                await using (var cmd = reader.CreateCommand())
                {
                    cmd.Transaction = tx;
                    cmd.CommandText = "SELECT count(*) FROM t";
                    Assert.Equal(1L, (long)(await cmd.ExecuteScalarAsync())!);
                }
                for (var i = 0; i < 100; i++) await InsertAsync(writer, gate, 4);
                Assert.True(WalBytes() > 128 * 4096L, "the reader kept the WAL from being restarted");
                // Writers were not starved meanwhile: they went on committing while TRUNCATE gave up on the reader.
            }
            // The reader let go: the next rounds truncate the WAL (TRUNCATE past TruncatePages). Wait for it, no sleeping.
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (checkpointer.Stats.Truncated == 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "no TRUNCATE checkpoint within 60 s: " + checkpointer.Stats);
                await Task.Yield();
                await Task.Delay(5);
            }
            // Writes after it start the WAL from the beginning: it stays small.
            for (var i = 0; i < 10; i++) await InsertAsync(writer, gate, 1);
            Assert.True(WalBytes() < 128 * 4096L, $"WAL {WalBytes()} bytes after the truncate");
        }
        finally { await checkpointer.StopAsync(CancellationToken.None); }
        Assert.Equal(1 + 100 * 4 + 10, await Scalar(writer, "SELECT count(*) FROM t"));
    }

    [Fact]
    public async Task Committed_transactions_survive_a_crash_before_any_checkpoint()
    {
        var gate = new WriteGate(serialize: true);
        await using (var writer = await WriterAsync())
        {
            for (var i = 0; i < 200; i++) await InsertAsync(writer, gate, 1);
            Assert.True(WalBytes() > 0);
            // "Kill" the process here: copy the files as they are while the connection is still open (no checkpoint,
            // no clean close) — what a restarted server finds on disk after kill -9.
            var crashed = Directory.CreateDirectory(Path.Combine(_dir, "crashed")).FullName;
            File.Copy(Db, Path.Combine(crashed, "kefu.db"));
            File.Copy(Wal, Path.Combine(crashed, "kefu.db-wal"));
            await using var reopened = new SqliteConnection(DatabaseSetup.SqliteConnectionString(crashed));
            await reopened.OpenAsync();
            Assert.Equal(200, await Scalar(reopened, "SELECT count(*) FROM t"));
            Assert.Equal("ok", (string)(await new SqliteCommand("PRAGMA integrity_check", reopened).ExecuteScalarAsync())!);
        }
    }
}
