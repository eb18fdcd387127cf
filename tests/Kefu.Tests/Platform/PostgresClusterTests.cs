using System.Collections.Concurrent;
using Kefu.Platform.Events;
using Kefu.Tickets.Live;

namespace Kefu.Tests.Platform;

/// <summary>Two nodes on one PostgreSQL database: what one node changes reaches the screens open on the other.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresClusterTests(PostgresApp app)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Both_nodes_open_screens_hear_of_every_change_whichever_node_delivered_it()
    {
        await using var nodeB = app.SecondNode();
        // Each node's dispatcher races for the events; only the fan-out lets the node that lost the race hear of them.
        await Task.WhenAll(
            app.Service<PostgresEventFanout>().Listening.WaitAsync(Wait),
            nodeB.Services.GetRequiredService<PostgresEventFanout>().Listening.WaitAsync(Wait));
        var onA = Watch(app.Service<TicketFeed>());
        var onB = Watch(nodeB.Services.GetRequiredService<TicketFeed>());

        var ids = new List<long>();
        for (var i = 0; i < 6; i++)
        {
            var created = await KefuApp.PostOk(app.Admin, "/api/v1/tickets", new
            {
                subject = $"cluster fan-out {i}", channel = "api",
                customer = new { email = $"cluster-{Guid.NewGuid():N}@example.com" }, message = new { body = "hello" },
            });
            ids.Add(created["id"]!.GetValue<long>());
        }

        await Task.WhenAll(ids.SelectMany(id => new[] { onA(id), onB(id) })).WaitAsync(Wait);
    }

    /// <summary>Returns a function giving, per ticket, a task that completes when the feed published its creation.</summary>
    private static Func<long, Task> Watch(TicketFeed feed)
    {
        var created = new ConcurrentDictionary<long, TaskCompletionSource>();
        TaskCompletionSource For(long id) => created.GetOrAdd(id, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));
        feed.Changed += change => { if (change.Kind == "created") For(change.TicketId).TrySetResult(); };
        return id => For(id).Task;
    }
}
