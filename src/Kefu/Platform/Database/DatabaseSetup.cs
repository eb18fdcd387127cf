using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.Extensions.Options;

namespace Kefu.Platform.Database;

public static class DatabaseSetup
{
    public static void AddKefuDatabase(this WebApplicationBuilder builder, KefuOptions options)
    {
        var services = builder.Services;
        if (options.Database.IsPostgres)
        {
            var cs = options.Database.ConnectionString
                ?? throw new InvalidOperationException("Kefu:Database:ConnectionString is required when Provider=Postgres.");
            services.AddDbContextPool<PostgresKefuDb>(o => ConfigurePostgres(o, cs));
            services.AddScoped<KefuDb>(sp => sp.GetRequiredService<PostgresKefuDb>());
            services.AddSingleton<WriteGate>(new WriteGate(serialize: false));
        }
        else
        {
            var cs = options.Database.ConnectionString ?? SqliteConnectionString(options.DataDir);
            var background = options.Database.Checkpoint.Background;
            services.AddDbContextPool<SqliteKefuDb>(o => ConfigureSqlite(o, cs, autoCheckpoint: !background));
            services.AddScoped<KefuDb>(sp => sp.GetRequiredService<SqliteKefuDb>());
            // SQLite has one writer; queueing writers in-process beats SQLITE_BUSY retries.
            services.AddSingleton(sp => new WriteGate(serialize: true, sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
            // Registered before every module's background service, so it stops after them (final checkpoint).
            if (background)
            {
                services.AddSingleton(sp => new SqliteCheckpointer(cs, options.Database.Checkpoint, sp.GetRequiredService<WriteGate>(),
                    sp.GetRequiredService<ILogger<SqliteCheckpointer>>(), sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
                services.AddHostedService(sp => sp.GetRequiredService<SqliteCheckpointer>());
            }
        }
        services.AddScoped<UnitOfWork>();
    }

    public static string SqliteConnectionString(string dataDir)
    {
        Directory.CreateDirectory(dataDir);
        return new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(dataDir, "kefu.db"),
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    internal static void ConfigureSqlite(DbContextOptionsBuilder o, string cs, bool autoCheckpoint = true) =>
        o.UseSqlite(cs, s => s.MigrationsHistoryTable("platform_migrations"))
         .UseSnakeCaseNamingConvention()
         .AddInterceptors(new SqlitePragmas(autoCheckpoint), WriteOnFirstWrite.Instance);

    internal static void ConfigurePostgres(DbContextOptionsBuilder o, string cs) =>
        o.UseNpgsql(cs, n => n.MigrationsHistoryTable("platform_migrations").EnableRetryOnFailure(0))
         .UseSnakeCaseNamingConvention();

    /// <summary>Applies pending migrations; called once on start before anything else touches the database.
    /// Returns the number of migrations that were pending.</summary>
    /// <remarks>When none is pending (every restart) EF's migration pipeline is not run at all: <c>MigrateAsync</c>
    /// would still build the migrations' snapshot model and diff it against the runtime model (its pending-model-changes
    /// check), code and metadata an idle server then carries for nothing (decision 0026). A fresh database — every test
    /// fixture — still goes through <c>MigrateAsync</c> and its check. With several nodes starting at once, a node that
    /// sees pending migrations calls <c>MigrateAsync</c>, which takes EF's migration lock and re-reads the history.</remarks>
    public static async Task<int> MigrateAsync(IServiceProvider services, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDb>();
        if (db.IsSqlite)
        {
            // WAL is persistent in the file; set it once before migrating.
            await db.Database.OpenConnectionAsync(ct);
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        }
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).Count();
        if (pending > 0) await db.Database.MigrateAsync(ct);
        return pending;
    }
}

/// <summary>Design-time factories for `dotnet ef migrations add ... --context SqliteKefuDb|PostgresKefuDb`.</summary>
public sealed class SqliteDesignFactory : IDesignTimeDbContextFactory<SqliteKefuDb>
{
    public SqliteKefuDb CreateDbContext(string[] args)
    {
        var o = new DbContextOptionsBuilder<SqliteKefuDb>();
        DatabaseSetup.ConfigureSqlite(o, "Data Source=design.db");
        return new SqliteKefuDb(o.Options);
    }
}

public sealed class PostgresDesignFactory : IDesignTimeDbContextFactory<PostgresKefuDb>
{
    public PostgresKefuDb CreateDbContext(string[] args)
    {
        var o = new DbContextOptionsBuilder<PostgresKefuDb>();
        DatabaseSetup.ConfigurePostgres(o, "Host=localhost;Database=kefu_design");
        return new PostgresKefuDb(o.Options);
    }
}
