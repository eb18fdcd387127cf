using Kefu.Chat;
using Kefu.Email;
using Kefu.Tests.Chat;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Tests.Email;

/// <summary>The widget's "email me the transcript": queued in the mail outbox, sent by the real SMTP sink, limited.</summary>
public abstract class ChatTranscriptTests(KefuApp app) : EmailTestBase(app)
{
    [Fact]
    public async Task The_visitor_receives_the_conversation_by_mail_once_per_request_and_within_limits()
    {
        await CreateMailboxAsync(new { isActive = true });
        var site = await ChatTestData.CreateSite(App, App.TeamA);
        await using var visitor = new TestVisitor(App);
        await visitor.StartAsync(site.Key);
        var first = await visitor.SendAsync("我的订单还没有发货，单号 8843");
        await KefuApp.PostOk(App.AgentA.Http, $"/api/v1/chat/conversations/{first.ConversationId}/messages",
            new { clientId = Guid.NewGuid().ToString("N"), text = "您好，已为您催促仓库，今天发出。" });
        await visitor.SendAsync("谢谢 👍");
        await visitor.Connection.InvokeAsync("End");

        // No address given before the chat: the widget asks for one.
        var missing = await Assert.ThrowsAsync<HubException>(() => visitor.Connection.InvokeAsync<TranscriptAck>("Transcript", (string?)null));
        Assert.Contains("HubException: email_required", missing.Message);
        var bad = await Assert.ThrowsAsync<HubException>(() => visitor.Connection.InvokeAsync<TranscriptAck>("Transcript", "not an address"));
        Assert.Contains("HubException: invalid_email", bad.Message);

        var to = Customer("t");
        var ack = await visitor.Connection.InvokeAsync<TranscriptAck>("Transcript", to);
        Assert.Equal(to, ack.Email);
        Assert.False(ack.AlreadySent);
        // A double click queues nothing more.
        Assert.True((await visitor.Connection.InvokeAsync<TranscriptAck>("Transcript", to)).AlreadySent);
        await DispatchAsync();

        var sent = Assert.Single(MailServers.SentTo(to));
        var ticketNumber = await DbAsync(db => db.Set<ChatConversation>().Where(c => c.Id == first.ConversationId).Select(c => c.TicketId).FirstAsync()) + 100000;
        Assert.Contains($"[#{ticketNumber}]", sent.Subject);
        Assert.StartsWith("聊天记录", sent.Subject); // in the customer's language (the widget said zh-CN)
        // From team A's first active mailbox (another test's, when that one was created first).
        Assert.EndsWith("@support.test", sent.From.Mailboxes.Single().Address);
        var text = sent.TextBody!.Replace("\r\n", "\n");
        var q = text.IndexOf("我的订单还没有发货，单号 8843", StringComparison.Ordinal);
        var a = text.IndexOf("Agent A: 您好，已为您催促仓库，今天发出。", StringComparison.Ordinal);
        var t = text.IndexOf("谢谢 👍", StringComparison.Ordinal);
        Assert.True(q >= 0 && a > q && t > a, text);
        // Kefu's own events read as the widget words them, in the customer's language, with no sender before them.
        Assert.Matches(@"\] 对话已结束\n", text);
        Assert.DoesNotContain("—:", text);
        Assert.DoesNotContain("The chat", text);
        Assert.Contains("Kefu 客服团队", text); // the mailbox's signature

        // Three requests an hour per visitor (the double click counted); a fourth is refused.
        await visitor.Connection.InvokeAsync<TranscriptAck>("Transcript", Customer("u"));
        var limited = await Assert.ThrowsAsync<HubException>(() => visitor.Connection.InvokeAsync<TranscriptAck>("Transcript", Customer("v")));
        Assert.Contains("HubException: rate_limited", limited.Message);
    }

    [Fact]
    public async Task An_english_speaking_customer_gets_the_transcript_in_english()
    {
        await CreateMailboxAsync(new { isActive = true });
        var site = await ChatTestData.CreateSite(App, App.TeamA);
        await using var visitor = new TestVisitor(App);
        await visitor.StartAsync(site.Key, locale: "en-GB");
        var first = await visitor.SendAsync("Where is my parcel?");
        await KefuApp.PostOk(App.AgentA.Http, $"/api/v1/chat/conversations/{first.ConversationId}/accept", new { });
        await visitor.Connection.InvokeAsync("End");
        var to = Customer("en");
        await visitor.Connection.InvokeAsync<TranscriptAck>("Transcript", to);
        await DispatchAsync();

        var sent = Assert.Single(MailServers.SentTo(to));
        Assert.StartsWith("Chat transcript — ", sent.Subject);
        var text = sent.TextBody!.Replace("\r\n", "\n");
        Assert.Contains($"Your chat with {site.Name}", text);
        Assert.Matches(@"\] You: Where is my parcel\?\n", text);
        Assert.Matches(@"\] Agent A joined the chat\n", text);
        Assert.Matches(@"\] The chat has ended\n", text);
        Assert.DoesNotContain("—:", text);
        Assert.DoesNotContain("对话已结束", text);
    }

    [Fact]
    public async Task The_address_given_before_the_chat_is_used_when_none_is_typed()
    {
        await CreateMailboxAsync(new { isActive = true });
        var site = await ChatTestData.CreateSite(App, App.TeamA);
        await using var visitor = new TestVisitor(App);
        await visitor.StartAsync(site.Key);
        var email = Customer("p");
        await visitor.SendAsync("在吗？", preChat: new PreChat("李雷", email, null));
        var ack = await visitor.Connection.InvokeAsync<TranscriptAck>("Transcript", (string?)null);
        Assert.Equal(email, ack.Email);
        await DispatchAsync();
        Assert.Contains("李雷: 在吗？", Assert.Single(MailServers.SentTo(email)).TextBody);
    }
}

[Collection(EmailSqliteCollection.Name)]
public sealed class SqliteChatTranscriptTests(EmailSqliteApp app) : ChatTranscriptTests(app);

[Collection(EmailPostgresCollection.Name)]
public sealed class PostgresChatTranscriptTests(EmailPostgresApp app) : ChatTranscriptTests(app);
