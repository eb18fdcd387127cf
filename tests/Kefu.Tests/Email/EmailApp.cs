using Microsoft.AspNetCore.Hosting;
using Npgsql;

namespace Kefu.Tests.Email;

/// <summary>Kefu with the email background workers off, so each test drives fetching and sending itself.</summary>
public sealed class EmailSqliteApp : KefuApp
{
    public override string Provider => "Sqlite";
    protected override Task<string?> CreateDatabaseAsync() => Task.FromResult<string?>(null);
    protected override void Configure(IWebHostBuilder builder) => EmailSettings.Apply(builder);
}

public sealed class EmailPostgresApp : KefuApp
{
    private readonly string _database = "kefu_e_" + Guid.NewGuid().ToString("N")[..12];
    public override string Provider => "Postgres";
    protected override void Configure(IWebHostBuilder builder) => EmailSettings.Apply(builder);

    protected override async Task<string?> CreateDatabaseAsync()
    {
        await using var conn = new NpgsqlConnection(PostgresApp.ServerConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"CREATE DATABASE {_database}", conn);
        await cmd.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(PostgresApp.ServerConnectionString) { Database = _database }.ToString();
    }

    protected override async Task DropDatabaseAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var conn = new NpgsqlConnection(PostgresApp.ServerConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)", conn);
        await cmd.ExecuteNonQueryAsync();
    }
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
