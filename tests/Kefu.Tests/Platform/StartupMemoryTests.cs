using Kefu.Platform.Database;
using Kefu.Platform.Text;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Tests.Platform;

/// <summary>What start-up must not load (idle memory, decision 0026), and that a restart skips EF's migration pipeline.</summary>
public abstract class StartupMigrationTests(KefuApp app)
{
    [Fact]
    public async Task Migrating_an_up_to_date_database_finds_nothing_pending_and_leaves_it_ready()
    {
        // The fixture's server migrated its fresh database at start: a second start (same database) has nothing to do.
        var pending = await DatabaseSetup.MigrateAsync(app.Factory.Services, CancellationToken.None);
        Assert.Equal(0, pending);
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDb>();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.NotEmpty(await db.Database.GetAppliedMigrationsAsync());
        var ready = await app.Admin.GetAsync("/health/ready");
        Assert.Equal(System.Net.HttpStatusCode.OK, ready.StatusCode);
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteStartupMigrationTests(SqliteApp app) : StartupMigrationTests(app);

[Collection(PostgresCollection.Name)]
public sealed class PostgresStartupMigrationTests(PostgresApp app) : StartupMigrationTests(app);

public sealed class HtmlCleanerLazinessTests
{
    [Fact]
    public void The_sanitizer_is_built_on_first_use_not_with_the_cleaner()
    {
        var cleaner = new HtmlCleaner();
        Assert.False(cleaner.IsBuilt);
        Assert.Equal("<b>hi</b>", cleaner.Sanitize("<b>hi</b><script>alert(1)</script>"));
        Assert.True(cleaner.IsBuilt);
    }
}
