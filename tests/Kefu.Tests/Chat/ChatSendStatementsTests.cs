using System.Collections.Concurrent;
using System.Diagnostics;
using Kefu.Chat;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Xunit.Abstractions;

namespace Kefu.Tests.Chat;

/// <summary>What one widget message costs in SQL (EF Core's diagnostics, counted for the writer's own context only,
/// so the outbox dispatcher running beside it does not count).</summary>
[Collection(ChatSqliteCollection.Name)]
public sealed class ChatSendStatementsTests(ChatSqliteApp app, ITestOutputHelper output)
{
    [Fact]
    public async Task A_message_in_an_open_chat_costs_at_most_eight_statements_in_one_transaction()
    {
        await ChatTestData.SetStatus(app.AgentA, "online");
        var site = await ChatTestData.CreateSite(app, app.TeamA);
        await using var visitor = new TestVisitor(app);
        await visitor.StartAsync(site.Key);
        await visitor.SendAsync("第一条：开一个对话");

        // The listener is process-wide and other test servers run in parallel: keep this server's database only.
        string ours;
        await using (var scope = app.Factory.Services.CreateAsyncScope())
            ours = scope.ServiceProvider.GetRequiredService<Kefu.Platform.Database.KefuDb>().Database.GetConnectionString()!;
        bool Ours(DbContext? context) => context?.Database.GetConnectionString() == ours;
        var commands = new ConcurrentQueue<(DbContext? Context, string Sql)>();
        using var observer = new Observer(listener =>
        {
            if (listener.Name == DbLoggerCategory.Name)
                return new Observer<KeyValuePair<string, object?>>(e =>
                {
                    if (e.Key == RelationalEventId.CommandExecuted.Name && e.Value is CommandExecutedEventData d && Ours(d.Context))
                        commands.Enqueue((d.Context, d.Command.CommandText));
                    else if (e.Key == RelationalEventId.TransactionStarted.Name && e.Value is TransactionEventData b && Ours(b.Context))
                        commands.Enqueue((b.Context, "BEGIN"));
                    else if (e.Key == RelationalEventId.TransactionCommitted.Name && e.Value is TransactionEventData c && Ours(c.Context))
                        commands.Enqueue((c.Context, "COMMIT"));
                });
            return null;
        });
        using var subscription = DiagnosticListener.AllListeners.Subscribe(observer);
        // EF Core caches, per pooled context, whether anyone listens (about a second), so a send may go unseen or be
        // seen only in part: send until one send's whole transaction (BEGIN … the sequence number … COMMIT) was seen.
        List<string>? mine = null;
        for (var attempt = 0; mine is null; attempt++)
        {
            Assert.True(attempt < 200, "EF Core never reported a whole send transaction to the listener.");
            commands.Clear();
            // Attempts can outnumber the visitor's burst (the limiter's clock stands still in these tests): each send
            // starts a fresh window, so the count is never cut short by rate limiting.
            app.LimiterClock.Advance(TimeSpan.FromSeconds(11));
            var ack = await visitor.SendAsync($"第二条：算一算语句 {attempt}");

            // The writer's context is the one that allocated this message's sequence number.
            // (Contexts are pooled: only its commands between that transaction's BEGIN and COMMIT count.)
            var writerContext = commands.FirstOrDefault(c => c.Sql.Contains("last_seq = last_seq + 1")).Context;
            if (writerContext is null) continue;
            var its = commands.Where(c => ReferenceEquals(c.Context, writerContext)).Select(c => c.Sql).ToList();
            var seqAt = its.FindIndex(c => c.Contains("last_seq = last_seq + 1"));
            var begin = its.FindLastIndex(seqAt, c => c == "BEGIN");
            var commit = its.FindIndex(seqAt, c => c == "COMMIT");
            if (begin < 0 || commit < seqAt) continue;
            mine = its[(begin + 1)..commit];
            output.WriteLine($"{mine.Count} commands for seq {ack.Seq} (attempt {attempt})");
        }
        foreach (var sql in mine) output.WriteLine(sql.ReplaceLineEndings(" ") + "\n");
        // The conversation with its visitor and ticket, the sequence number, Tickets' external-id lookup, the ticket
        // message, the ticket's version, its audit row, the outbox row, the chat message (decision 0013, session 6).
        Assert.InRange(mine.Count, 1, 8);
    }

    private sealed class Observer(Func<DiagnosticListener, IObserver<KeyValuePair<string, object?>>?> pick) : IObserver<DiagnosticListener>, IDisposable
    {
        private readonly List<IDisposable> _subs = [];
        public void Dispose() { lock (_subs) _subs.ForEach(s => s.Dispose()); }
        public void OnNext(DiagnosticListener value) { if (pick(value) is { } o) lock (_subs) _subs.Add(value.Subscribe(o)); }
        public void OnCompleted() { }
        public void OnError(Exception error) { }
    }

    private sealed class Observer<T>(Action<T> next) : IObserver<T>
    {
        public void OnNext(T value) => next(value);
        public void OnCompleted() { }
        public void OnError(Exception error) { }
    }
}
