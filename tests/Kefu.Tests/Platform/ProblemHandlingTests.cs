using Kefu.Platform.Http;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Kefu.Tests.Platform;

public sealed class ProblemHandlingTests
{
    [Fact]
    public void A_postgres_unique_violation_is_recognised()
    {
        var pg = new PostgresException("duplicate key", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation);
        Assert.True(ProblemExceptionHandler.IsUniqueViolation(new DbUpdateException("x", pg)));
        var other = new PostgresException("fk", "ERROR", "ERROR", PostgresErrorCodes.ForeignKeyViolation);
        Assert.False(ProblemExceptionHandler.IsUniqueViolation(new DbUpdateException("x", other)));
    }

    [Fact]
    public void A_sqlite_unique_violation_is_recognised()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "CREATE TABLE t (v TEXT UNIQUE); INSERT INTO t VALUES ('a');";
        cmd.ExecuteNonQuery();
        cmd.CommandText = "INSERT INTO t VALUES ('a');";
        var e = Assert.Throws<SqliteException>(() => cmd.ExecuteNonQuery());
        Assert.True(ProblemExceptionHandler.IsUniqueViolation(new DbUpdateException("x", e)));
        Assert.False(ProblemExceptionHandler.IsUniqueViolation(new DbUpdateException("x", new InvalidOperationException())));
    }
}
