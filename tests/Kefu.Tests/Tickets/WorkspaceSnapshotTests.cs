using System.Text;
using Kefu.Tickets;
using Kefu.Tickets.Pages;

namespace Kefu.Tests.Tickets;

/// <summary>The workspace's prerendered state is serialized once: the JSON measured against the size cap is the JSON
/// persisted, and the circuit reads the snapshot back from it.</summary>
public sealed class WorkspaceSnapshotTests
{
    [Fact]
    public void The_persisted_snapshot_writes_the_json_it_measured_and_reads_back_the_snapshot()
    {
        var snapshot = new Workspace.Snapshot(Guid.NewGuid(), new DateTime(2026, 11, 24, 8, 30, 0, DateTimeKind.Utc), "node-1", 42,
            TicketView.Mine, "updated", [], "cursor-2", new() { [TicketView.Mine] = 3, [TicketView.Urgent] = 1 }, [], true, false, "Asia/Shanghai");
        var persisted = Workspace.PersistedSnapshot.Of(snapshot);

        // What PersistAsJson writes (web defaults): the bytes already made, not a second serialization of the snapshot.
        var written = JsonSerializer.SerializeToUtf8Bytes(persisted, JsonSerializerOptions.Web);
        Assert.Equal(persisted.Json, written);
        Assert.Contains("\"feedInstance\":\"node-1\"", Encoding.UTF8.GetString(written));

        var back = JsonSerializer.Deserialize<Workspace.PersistedSnapshot>(written, JsonSerializerOptions.Web)!.Value!;
        Assert.Equal(snapshot.UserId, back.UserId);
        Assert.Equal(snapshot.TakenUtc, back.TakenUtc);
        Assert.Equal((snapshot.FeedInstance, snapshot.FeedSequence, snapshot.View, snapshot.Sort, snapshot.Next),
            (back.FeedInstance, back.FeedSequence, back.View, back.Sort, back.Next));
        Assert.Equal(snapshot.Counts, back.Counts);
        Assert.Equal((true, false, "Asia/Shanghai"), (back.NotifyBrowser, back.NotifySound, back.TimeZone));
        Assert.Empty(back.Tickets);
    }
}
