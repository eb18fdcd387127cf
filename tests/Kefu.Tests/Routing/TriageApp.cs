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

public sealed class TriageSqliteApp : SqliteApp
{
    protected override void Configure(IWebHostBuilder builder) => TriageAppSettings.Apply(builder);
}

public sealed class TriagePostgresApp : PostgresApp
{
    protected override void Configure(IWebHostBuilder builder) => TriageAppSettings.Apply(builder);
}

[CollectionDefinition(Name)]
public sealed class TriageSqliteCollection : ICollectionFixture<TriageSqliteApp> { public const string Name = "triage-sqlite"; }

[CollectionDefinition(Name)]
public sealed class TriagePostgresCollection : ICollectionFixture<TriagePostgresApp> { public const string Name = "triage-postgres"; }
