using Kefu.Chat;
using Kefu.Email;
using Kefu.Tests.Chat;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Tests.Email;

/// <summary>A chat left as a message continues by email (issue 5 §4, decision 0041): the agent's reply leaves through
/// the mail outbox with the ticket's threading headers, and the customer's answer threads back onto the chat ticket.</summary>
public abstract class ChatByEmailTests(KefuApp app) : EmailTestBase(app)
{
    [Fact]
    public async Task A_left_message_is_answered_by_email_and_the_customers_answer_threads_back_onto_the_ticket()
    {
        // Team B's own mailbox (no other email test gives team B one), nobody of team B online.
        var (mailboxId, user, address) = await CreateMailboxAsync(new { isActive = true, teamId = App.TeamB });
        await ChatTestData.SetStatus(App.AgentB, "offline");
        var site = await ChatTestData.CreateSite(App, App.TeamB);
        var email = Customer("lm");
        long ticketId;
        await using (var visitor = new TestVisitor(App))
        {
            await visitor.StartAsync(site.Key);
            var ack = await visitor.SendAsync("晚上下单的，明天能发货吗？", preChat: new PreChat("钱七", email, null));
            Assert.Equal(ConversationState.Offline, (await TestVisitor.Next(visitor.States, _ => true)).State);
            ticketId = await DbAsync(db => db.Set<ChatConversation>().Where(c => c.Id == ack.ConversationId).Select(c => c.TicketId).FirstAsync());
        } // the visitor closes the page

        var replyId = await ReplyAsync(ticketId, "您好，明天上午发货。");
        var outbound = await OutboundForAsync(replyId);
        Assert.Equal(OutboundKind.Reply, outbound.Kind);
        Assert.True(await DispatchAsync() >= 1);
        var sent = Assert.Single(MailServers.SentTo(email));
        Assert.Equal(outbound.MessageId, sent.MessageId);
        Assert.Equal(address, sent.From.Mailboxes.Single().Address); // the ticket team's mailbox
        Assert.Equal("钱七", sent.To.Mailboxes.Single().Name);
        Assert.StartsWith("Re:", sent.Subject);
        Assert.Contains($"[#{ticketId + 100000}]", sent.Subject);
        var text = sent.TextBody!.Replace("\r\n", "\n");
        Assert.Contains("明天上午发货", text);
        Assert.Contains("> 晚上下单的，明天能发货吗？", text); // the left message, quoted
        Assert.Contains("Kefu 客服团队", text);

        // The customer answers the mail: it lands on the same (chat) ticket, by In-Reply-To.
        var answer = Mail(email, address, "Re: " + sent.Subject, "好的，谢谢！", inReplyTo: sent.MessageId, references: [sent.MessageId!]);
        await MailServers.AppendAsync(user, answer);
        await FetchAsync(mailboxId);
        Assert.Equal(ticketId, (await RecordOfAsync(mailboxId, answer.MessageId)).TicketId);
        Assert.Contains(await MessagesAsync(ticketId), m => m!["kind"]!.GetValue<string>() == "customer" && m["body"]!.GetValue<string>().Contains("好的，谢谢"));
        Assert.Equal("chat", (await TicketAsync(ticketId))["channel"]!.GetValue<string>());

        // The next reply continues the thread: In-Reply-To the customer's mail, References the whole thread.
        var second = await ReplyAsync(ticketId, "已发货，单号 SF123。");
        var outbound2 = await OutboundForAsync(second);
        await DispatchAsync();
        var sent2 = Assert.Single(MailServers.SentTo(email), m => m.MessageId == outbound2.MessageId);
        Assert.Equal(answer.MessageId, sent2.InReplyTo);
        Assert.Contains(sent.MessageId, sent2.References);
        Assert.Contains(answer.MessageId, sent2.References);
        Assert.Equal(2, MailServers.SentTo(email).Count);
        Assert.DoesNotContain(await MessagesAsync(ticketId), m => m!["body"]!.GetValue<string>().Contains("not emailed"));
    }

    [Fact]
    public async Task A_reply_after_the_visitor_ended_the_chat_is_emailed_but_a_live_chat_is_not()
    {
        await CreateMailboxAsync(new { isActive = true });
        var site = await ChatTestData.CreateSite(App, App.TeamA);
        var email = Customer("live");
        await using var visitor = new TestVisitor(App);
        await visitor.StartAsync(site.Key);
        var ack = await visitor.SendAsync("在吗？", preChat: new PreChat("赵六", email, null));
        await KefuApp.PostOk(App.AgentA.Http, $"/api/v1/chat/conversations/{ack.ConversationId}/accept", new { });
        var ticketId = await DbAsync(db => db.Set<ChatConversation>().Where(c => c.Id == ack.ConversationId).Select(c => c.TicketId).FirstAsync());

        // In the live chat (accepted by an agent) the reply reaches the widget, not the mailbox.
        var live = await ReplyAsync(ticketId, "在的，请说。");
        await MailServers.EventuallyAsync(async () => await DbAsync(db => db.Set<ChatMessage>().AnyAsync(m => m.TicketMessageId == live)) ? "stored" : null,
            "the reply in the chat");
        await visitor.Connection.InvokeAsync("End");
        var late = await ReplyAsync(ticketId, "补充：您的退款已到账。");
        var outbound = await OutboundForAsync(late);
        await DispatchAsync();
        var sent = Assert.Single(MailServers.SentTo(email));
        Assert.Equal(outbound.MessageId, sent.MessageId);
        Assert.Contains("退款已到账", sent.TextBody);
        Assert.False(await DbAsync(db => db.Set<OutboundEmail>().AnyAsync(o => o.TicketMessageId == live)));
    }
}

[Collection(EmailSqliteCollection.Name)]
public sealed class SqliteChatByEmailTests(EmailSqliteApp app) : ChatByEmailTests(app);

[Collection(EmailPostgresCollection.Name)]
public sealed class PostgresChatByEmailTests(EmailPostgresApp app) : ChatByEmailTests(app);
