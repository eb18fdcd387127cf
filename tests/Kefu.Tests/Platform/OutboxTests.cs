using System.Collections.Concurrent;
using Kefu.Platform.Database;
using Kefu.Platform.Events;
using Kefu.Tickets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Tests.Platform;

/// <summary>Records every TicketCreated it handles, by subject (the tests' subjects are unique, so the SQLite and
/// PostgreSQL servers, whose ticket ids overlap, can share it); fails once for subjects that ask it to.</summary>
public sealed class RecordingHandler(KefuDb db) : IEventHandler<TicketCreated>
{
    public static readonly ConcurrentDictionary<string, int> Handled = new();
    public static readonly ConcurrentDictionary<string, TaskCompletionSource> Seen = new();
    private static readonly ConcurrentDictionary<string, bool> Failed = new();

    public static Task WaitFor(string subject) => Seen.GetOrAdd(subject, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public async Task HandleAsync(TicketCreated e, EventContext context, CancellationToken ct)
    {
        var subject = await db.Set<Ticket>().Where(t => t.Id == e.TicketId).Select(t => t.Subject).FirstAsync(ct);
        if (subject.Contains("FAIL-ONCE") && Failed.TryAdd(subject, true)) throw new InvalidOperationException("transient failure");
        Handled.AddOrUpdate(subject, 1, (_, n) => n + 1);
        Seen.GetOrAdd(subject, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}

internal static class RecordingSetup
{
    public static void Configure(IWebHostBuilder builder) => builder.ConfigureServices(s =>
    {
        s.AddSingleton(new EventRegistry([typeof(Program).Assembly, typeof(RecordingHandler).Assembly]));
        s.AddScoped<RecordingHandler>();
    });
}

/// <summary>A server of its own with <see cref="RecordingHandler"/> registered, on SQLite.</summary>
public sealed class SqliteOutboxApp : SqliteApp
{
    protected override void Configure(IWebHostBuilder builder) => RecordingSetup.Configure(builder);
}

/// <summary>The same on PostgreSQL.</summary>
public sealed class PostgresOutboxApp : PostgresApp
{
    protected override void Configure(IWebHostBuilder builder) => RecordingSetup.Configure(builder);
}

/// <summary>The transactional outbox and its dispatcher; run once per provider (subclasses below).</summary>
public abstract class OutboxTests(KefuApp app)
{
    private static string Unique(string subject) => $"{subject} {Guid.NewGuid():N}";

    private async Task<(long Id, string Subject)> Create(string subject)
    {
        subject = Unique(subject);
        var id = (await KefuApp.PostOk(app.Admin, "/api/v1/tickets", new
        {
            subject, customer = new { email = $"{Guid.NewGuid():N}@example.com" }, message = new { body = "x" },
        }))["id"]!.GetValue<long>();
        return (id, subject);
    }

    [Fact]
    public async Task A_committed_change_reaches_its_handler()
    {
        var (_, subject) = await Create("outbox delivery");
        await RecordingHandler.WaitFor(subject).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, RecordingHandler.Handled[subject]);
    }

    [Fact]
    public async Task Redelivery_after_a_crash_does_not_run_a_finished_handler_twice()
    {
        var (id, subject) = await Create("outbox redelivery");
        await RecordingHandler.WaitFor(subject).WaitAsync(TimeSpan.FromSeconds(30));
        using (var scope = app.Factory.Services.CreateScope())
        {
            // As if the node died after the handler committed but before the row was marked dispatched.
            var db = scope.ServiceProvider.GetRequiredService<KefuDb>();
            var payload = $"{{\"ticketId\":{id},";
            await db.Outbox.Where(m => m.Type == nameof(TicketCreated) && m.Payload.StartsWith(payload))
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.DispatchedAt, (DateTime?)null));
        }
        await app.Service<OutboxDispatcher>().DispatchBatchAsync(CancellationToken.None);
        Assert.Equal(1, RecordingHandler.Handled[subject]);
        using var check = app.Factory.Services.CreateScope();
        var rows = await check.ServiceProvider.GetRequiredService<KefuDb>().Outbox.AsNoTracking()
            .Where(m => m.Type == nameof(TicketCreated) && m.Payload.StartsWith($"{{\"ticketId\":{id},")).ToListAsync();
        Assert.All(rows, r => Assert.NotNull(r.DispatchedAt));
    }

    [Fact]
    public async Task A_failing_handler_is_retried_until_it_succeeds()
    {
        var (id, subject) = await Create("outbox FAIL-ONCE");
        await RecordingHandler.WaitFor(subject).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, RecordingHandler.Handled[subject]);
        using var scope = app.Factory.Services.CreateScope();
        var row = await scope.ServiceProvider.GetRequiredService<KefuDb>().Outbox.AsNoTracking()
            .FirstAsync(m => m.Type == nameof(TicketCreated) && m.Payload.StartsWith($"{{\"ticketId\":{id},"));
        Assert.True(row.Attempts >= 1);
    }

    [Fact]
    public async Task Dispatchers_racing_for_the_same_rows_run_each_event_once()
    {
        // Besides the app's own loop, two more dispatchers (as on two nodes) poll while tickets are created: a
        // claimed row must be invisible to the others, or a handler runs twice and its receipt insert fails.
        var others = Enumerable.Range(0, 2).Select(_ => ActivatorUtilities.CreateInstance<OutboxDispatcher>(app.Factory.Services)).ToList();
        using var stop = new CancellationTokenSource();
        var loops = others.Select(d => Task.Run(async () =>
        {
            // Polling like a node's loop does (a short pause when idle), not as a means of synchronisation.
            while (!stop.IsCancellationRequested)
                if (await d.DispatchBatchAsync(CancellationToken.None) == 0) await Task.Delay(5);
        })).ToList();
        var created = new List<(long Id, string Subject)>();
        for (var i = 0; i < 25; i++) created.Add(await Create($"outbox race {i}"));
        await Task.WhenAll(created.Select(c => RecordingHandler.WaitFor(c.Subject))).WaitAsync(TimeSpan.FromSeconds(60));
        await stop.CancelAsync();
        await Task.WhenAll(loops);

        Assert.All(created, c => Assert.Equal(1, RecordingHandler.Handled[c.Subject]));
        var ids = created.Select(c => c.Id).ToList();
        using var scope = app.Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDb>();
        var retried = await db.Outbox.AsNoTracking().Where(m => m.Type == nameof(TicketCreated) && m.Attempts > 0)
            .Select(m => m.Payload).ToListAsync();
        Assert.DoesNotContain(retried, p => ids.Any(id => p.StartsWith($"{{\"ticketId\":{id},")));
    }

    [Fact]
    public async Task A_rejected_request_writes_no_event()
    {
        // Handlers of earlier tests' events may still be writing events of their own: let them finish first (calls in
        // one process run one batch at a time, so an empty batch means the dispatcher's own loop is idle too).
        var dispatcher = app.Service<OutboxDispatcher>();
        while (await dispatcher.DispatchBatchAsync(CancellationToken.None) > 0) { }
        using var scope = app.Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDb>();
        var before = await db.Outbox.CountAsync();
        var response = await app.Admin.PostAsJsonAsync("/api/v1/tickets", new
        {
            subject = "x", teamId = 999999, customer = new { email = "rejected@example.com" }, message = new { body = "x" },
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before, await db.Outbox.CountAsync());
    }
}

public sealed class SqliteOutboxTests(SqliteOutboxApp app) : OutboxTests(app), IClassFixture<SqliteOutboxApp>;

public sealed class PostgresOutboxTests(PostgresOutboxApp app) : OutboxTests(app), IClassFixture<PostgresOutboxApp>;
