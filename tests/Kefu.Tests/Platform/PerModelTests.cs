using Kefu.Platform.Database;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Tests.Platform;

/// <summary>A compiled query is bound to one model (decision 0045): <see cref="PerModel{TDelegate}"/> compiles one per
/// model, once, and hands the same one to every context of that model.</summary>
public sealed class PerModelTests
{
    [Fact]
    public void One_delegate_per_model_compiled_once()
    {
        var compiled = 0;
        var holder = new PerModel<object>(() => { compiled++; return new object(); });
        var sqlite = new DbContextOptionsBuilder<SqliteKefuDb>();
        DatabaseSetup.ConfigureSqlite(sqlite, "Data Source=:memory:");
        var postgres = new DbContextOptionsBuilder<PostgresKefuDb>();
        DatabaseSetup.ConfigurePostgres(postgres, "Host=127.0.0.1;Database=none");
        using var a = new SqliteKefuDb(sqlite.Options);
        using var b = new SqliteKefuDb(sqlite.Options);
        using var c = new PostgresKefuDb(postgres.Options);

        var forA = holder.For(a);
        Assert.Same(forA, holder.For(b));
        var forC = holder.For(c);
        Assert.NotSame(forA, forC);
        Assert.Same(forC, holder.For(c));
        Assert.Equal(2, compiled);
    }
}
