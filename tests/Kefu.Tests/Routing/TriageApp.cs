using Microsoft.AspNetCore.Hosting;

namespace Kefu.Tests.Routing;

/// <summary>A Kefu server with triage on. Trained models are cached in one folder shared by the test runs, so only
/// the first run trains the shipped model.</summary>
public static class TriageAppSettings
{
    public static readonly string ModelCache = Path.Combine(Path.GetTempPath(), "kefu-tests-triage-models");

    public static void Apply(IWebHostBuilder b)
    {
        b.UseSetting("Kefu:Triage:Enabled", "true");
        b.UseSetting("Kefu:Triage:ModelCacheDir", ModelCache);
        // Retraining only when a test asks for it.
        b.UseSetting("Kefu:Triage:RetrainMinExamples", "100000");
    }
}

public sealed class TriageSqliteApp : KefuApp
{
    public override string Provider => "Sqlite";
    protected override Task<string?> CreateDatabaseAsync() => Task.FromResult<string?>(null);
    protected override void Configure(IWebHostBuilder builder) => TriageAppSettings.Apply(builder);
}

public sealed class TriagePostgresApp : KefuApp
{
    private readonly PostgresApp _database = new();
    public override string Provider => "Postgres";
    protected override Task<string?> CreateDatabaseAsync() => _database.CreateForAsync();
    protected override Task DropDatabaseAsync() => _database.DropForAsync();
    protected override void Configure(IWebHostBuilder builder) => TriageAppSettings.Apply(builder);
}

[CollectionDefinition(Name)]
public sealed class TriageSqliteCollection : ICollectionFixture<TriageSqliteApp> { public const string Name = "triage-sqlite"; }

[CollectionDefinition(Name)]
public sealed class TriagePostgresCollection : ICollectionFixture<TriagePostgresApp> { public const string Name = "triage-postgres"; }
