using Kefu.Chat;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Tests.Chat;

/// <summary>Without an active mailbox the reply to a left message cannot be emailed: it is kept, and an internal note
/// on the ticket tells the agent why (decision 0041; the chat test apps have no mailbox).</summary>
public abstract class LeftMessageWithoutMailboxTests(KefuApp app)
{
    [Fact]
    public async Task The_reply_is_kept_and_the_ticket_says_why_it_was_not_emailed()
    {
        await ChatTestData.SetStatus(app.AgentB, "offline");
        var site = await ChatTestData.CreateSite(app, app.TeamB);
        await using var visitor = new TestVisitor(app);
        await visitor.StartAsync(site.Key);
        var ack = await visitor.SendAsync("没人在线吗？请回邮件给我。", preChat: new PreChat("孙八", $"sun-{Guid.NewGuid():N}@example.com", null));
        Assert.Equal(ConversationState.Offline, (await TestVisitor.Next(visitor.States, _ => true)).State);
        var ticketId = await app.DbAsync(db => db.Set<ChatConversation>().Where(c => c.Id == ack.ConversationId).Select(c => c.TicketId).FirstAsync());

        var reply = await KefuApp.PostOk(app.Admin, $"/api/v1/tickets/{ticketId}/messages", new { kind = "public_reply", body = "您好，已处理。" });
        var note = await Eventually(async () =>
        {
            var messages = (await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/tickets/{ticketId}/messages"), true)).AsArray();
            return messages.FirstOrDefault(m => m!["kind"]!.GetValue<string>() == "internal_note"
                && m["body"]!.GetValue<string>().Contains("not emailed"));
        });
        Assert.Contains("no active mailbox", note!["body"]!.GetValue<string>());
        // The reply itself is kept (on the ticket and in the widget's conversation).
        var replyId = reply["id"]!.GetValue<long>();
        Assert.True(await app.DbAsync(db => db.Set<Kefu.Tickets.Message>().AnyAsync(m => m.Id == replyId)));
        await Eventually(async () => await app.DbAsync(db => db.Set<ChatMessage>().AnyAsync(m => m.TicketMessageId == replyId)) ? "kept" : null);
        // One note per reply, however often the handler runs.
        var notes = (await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/tickets/{ticketId}/messages"), true)).AsArray()
            .Count(m => m!["body"]!.GetValue<string>().Contains("not emailed"));
        Assert.Equal(1, notes);
    }

    private static async Task<T> Eventually<T>(Func<Task<T?>> probe) where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            if (await probe() is { } value) return value;
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException("Timed out");
            await Task.Delay(50);
        }
    }
}

[Collection(ChatSqliteCollection.Name)]
public sealed class SqliteLeftMessageWithoutMailboxTests(ChatSqliteApp app) : LeftMessageWithoutMailboxTests(app);

[Collection(ChatPostgresCollection.Name)]
public sealed class PostgresLeftMessageWithoutMailboxTests(ChatPostgresApp app) : LeftMessageWithoutMailboxTests(app);

public sealed class ChatEmailRuleTests
{
    [Fact]
    public void Left_messages_and_chats_ended_before_the_reply_go_by_email_live_chats_and_chats_ended_by_the_reply_do_not()
    {
        var at = new DateTime(2026, 11, 24, 9, 0, 0, DateTimeKind.Utc);
        Assert.True(ChatEmailReplyHandler.ByEmail(ConversationState.Offline, null, at));
        Assert.True(ChatEmailReplyHandler.ByEmail(ConversationState.Ended, at.AddMinutes(-1), at));
        Assert.False(ChatEmailReplyHandler.ByEmail(ConversationState.Ended, at.AddSeconds(1), at)); // solved with this reply
        Assert.False(ChatEmailReplyHandler.ByEmail(ConversationState.Active, null, at));
        Assert.False(ChatEmailReplyHandler.ByEmail(ConversationState.Queued, null, at));
        Assert.False(ChatEmailReplyHandler.ByEmail(ConversationState.Bot, null, at));
    }
}
