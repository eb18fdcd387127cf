using Microsoft.AspNetCore.Hosting;

namespace Kefu.Tests.Email;

/// <summary>Kefu with the email background workers off, so each test drives fetching and sending itself.</summary>
public sealed class EmailSqliteApp : SqliteApp
{
    protected override void Configure(IWebHostBuilder builder) => EmailSettings.Apply(builder);
}

public sealed class EmailPostgresApp : PostgresApp
{
    protected override void Configure(IWebHostBuilder builder) => EmailSettings.Apply(builder);
}

internal static class EmailSettings
{
    public const int SenderLimit = 20;

    public static void Apply(IWebHostBuilder b)
    {
        b.UseSetting("Kefu:Email:Workers", "false");
        b.UseSetting("Kefu:Email:BatchSize", "25");
        b.UseSetting("Kefu:Email:SenderLimitPerHour", SenderLimit.ToString());
        b.UseSetting("Kefu:Email:RetryBaseSeconds", "60");
    }
}

[CollectionDefinition(Name)]
public sealed class EmailSqliteCollection : ICollectionFixture<EmailSqliteApp> { public const string Name = "email-sqlite"; }

[CollectionDefinition(Name)]
public sealed class EmailPostgresCollection : ICollectionFixture<EmailPostgresApp> { public const string Name = "email-postgres"; }
