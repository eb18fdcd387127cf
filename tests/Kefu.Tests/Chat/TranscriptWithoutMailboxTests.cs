using Kefu.Chat;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Kefu.Tests.Chat;

/// <summary>Without an active mailbox a transcript cannot be sent, and the widget is told why.</summary>
[Collection(ChatSqliteCollection.Name)]
public sealed class TranscriptWithoutMailboxTests(ChatSqliteApp app)
{
    [Fact]
    public async Task A_transcript_request_without_a_mailbox_is_refused_clearly()
    {
        var site = await ChatTestData.CreateSite(app, app.TeamA);
        await using var visitor = new TestVisitor(app);
        await visitor.StartAsync(site.Key);
        var none = await Assert.ThrowsAsync<HubException>(() => visitor.Connection.InvokeAsync<TranscriptAck>("Transcript", "li.lei@customer.test"));
        Assert.Contains("HubException: not_found", none.Message); // nothing said yet
        await visitor.SendAsync("你好");
        var refused = await Assert.ThrowsAsync<HubException>(() => visitor.Connection.InvokeAsync<TranscriptAck>("Transcript", "li.lei@customer.test"));
        Assert.Contains("HubException: no_mailbox", refused.Message);
    }
}
