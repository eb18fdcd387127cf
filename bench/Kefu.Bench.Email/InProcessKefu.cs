using Kefu.Email;
using Kefu.Platform.Database;
using Kefu.Tickets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Kefu.Bench.Email;

/// <summary>
/// The whole Kefu app (every module, its hosted services, SQLite in a temporary data directory) in this process.
/// The email background workers are off so that the run drives <see cref="MailboxFetcher.PollOnceAsync"/> — the
/// same fetch-and-ingest path the workers run per mailbox — and times it; everything else runs as in production.
/// </summary>
public sealed class InProcessKefu : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _factory;

    private InProcessKefu(WebApplicationFactory<Program> factory, CommandCounter commands)
    {
        _factory = factory;
        Commands = commands;
    }

    /// <summary>SQL commands run by <see cref="PollAsync"/> calls made inside <see cref="CommandCounter.MeasureAsync"/>.</summary>
    public CommandCounter Commands { get; }

    public static Task<InProcessKefu> StartAsync(string dataDir, BenchOptions o)
    {
        var commands = new CommandCounter();
        // Content root = this program's folder (Kefu's settings and assets are copied there), not a solution folder.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_KEFU", AppContext.BaseDirectory);
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Production");
            b.UseSetting("Kefu:DataDir", dataDir);
            b.UseSetting("Kefu:Demo", "false");
            b.UseSetting("Kefu:Email:Workers", "false");
            b.UseSetting("Kefu:Email:BatchSize", o.Batch.ToString());
            b.UseSetting("Kefu:Triage:Enabled", o.Triage ? "true" : "false");
            b.UseSetting("Logging:LogLevel:Default", "Warning");
            b.ConfigureServices(s => s.ConfigureDbContext<SqliteKefuDb>(db => db.AddInterceptors(commands)));
        });
        _ = factory.Services; // builds and starts the host: migrations, seeding, hosted services
        return Task.FromResult(new InProcessKefu(factory, commands));
    }

    public async Task<int> CreateMailboxAsync(string user, int imapPort)
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        var m = await scope.ServiceProvider.GetRequiredService<MailboxService>().CreateAsync(new MailboxRequest(
            "Bench " + user, user + "@bench.test", "客服中心", null, null, "127.0.0.1", imapPort, MailSecurity.None, user, ImapServer.Password,
            "INBOX", false, 60, ProcessedAction.MarkSeen, null, "127.0.0.1", 25, MailSecurity.None, null, null, false, false, 0, false),
            CancellationToken.None);
        return m.Id;
    }

    public Task<FetchResult> PollAsync(int mailboxId) =>
        _factory.Services.GetRequiredService<MailboxFetcher>().PollOnceAsync(mailboxId, CancellationToken.None);

    public async Task<(int Tickets, int Messages)> CountsAsync()
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDb>();
        return (await db.Set<Ticket>().CountAsync(), await db.Set<Message>().CountAsync());
    }

    public async ValueTask DisposeAsync() => await _factory.DisposeAsync();
}
