using Kefu.Chat;
using Kefu.Tests.Chat;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;

namespace Kefu.Tests.Routing;

/// <summary>An answer bot for the tests: answers every question itself and never hands over on its own, so only
/// the visitor's 转人工 / "human" (or the button) brings a person.</summary>
public sealed class EchoBot : IChatBot
{
    public const string Answer = "机器人：请问还有什么可以帮您？";

    public Task<BotReply?> ReplyAsync(BotTurn turn, CancellationToken ct) => Task.FromResult<BotReply?>(new BotReply(Answer, false));
}

internal static class RoutingAppSettings
{
    public static void Apply(IWebHostBuilder b)
    {
        ChatTestSettings.Apply(b);
        b.ConfigureTestServices(s => s.AddSingleton<IChatBot, EchoBot>());
    }
}

public sealed class RoutingSqliteApp : SqliteApp
{
    protected override void Configure(IWebHostBuilder builder) => RoutingAppSettings.Apply(builder);
}

public sealed class RoutingPostgresApp : PostgresApp
{
    protected override void Configure(IWebHostBuilder builder) => RoutingAppSettings.Apply(builder);
}

[CollectionDefinition(Name)]
public sealed class RoutingSqliteCollection : ICollectionFixture<RoutingSqliteApp> { public const string Name = "routing-sqlite"; }

[CollectionDefinition(Name)]
public sealed class RoutingPostgresCollection : ICollectionFixture<RoutingPostgresApp> { public const string Name = "routing-postgres"; }
