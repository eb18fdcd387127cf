using Kefu.Chat;

namespace Kefu.Tests.Chat;

/// <summary>The e-mailed transcript's text: people's lines carry their name, Kefu's own events (joined, transferred,
/// queued, offline, ended) are plain lines in the customer's language — never "—: ended".</summary>
public sealed class TranscriptRenderingTests
{
    private static readonly DateTime At = new(2026, 3, 2, 1, 5, 0, DateTimeKind.Utc); // 09:05 in Shanghai

    private static ChatMessage M(long seq, ChatSender sender, string body, string? author = null, string? attachments = null) => new()
    {
        ConversationId = 1, Seq = seq, Sender = sender, Body = body, AuthorName = author, Attachments = attachments, CreatedAt = At.AddMinutes(seq),
    };

    private static readonly ChatMessage[] Chat =
    [
        M(1, ChatSender.Visitor, "快递到哪了？\nSF123"),
        M(2, ChatSender.System, "queued"),
        M(3, ChatSender.System, "joined", "王芳"),
        M(4, ChatSender.Agent, "我帮您查一下", "王芳"),
        M(5, ChatSender.System, "transferred", "技术组"),
        M(6, ChatSender.Visitor, "photo.png", attachments: "[]"),
        M(7, ChatSender.Bot, "自动回复", "Bot"),
        M(8, ChatSender.System, "offline"),
        M(9, ChatSender.System, "ended", "王芳"),
    ];

    private static string[] Lines(string text) => text.Split('\n');

    [Fact]
    public void A_chinese_customer_reads_every_line_in_chinese_and_system_events_without_a_sender()
    {
        var text = ChatTranscripts.Render(false, "示例商店", 100042, "李雷", Chat, new DateTimeOffset(At.AddHours(1)));
        var lines = Lines(text);
        Assert.Equal("您与 示例商店 的聊天记录（#100042）", lines[0]);
        Assert.Contains("[2026-03-02 09:06] 李雷: 快递到哪了？", lines);
        Assert.Contains("    SF123", lines); // a second line of a message is indented under it
        Assert.Contains("[2026-03-02 09:07] 已为您转接人工客服", lines);
        Assert.Contains("[2026-03-02 09:08] 王芳 为您服务", lines);
        Assert.Contains("[2026-03-02 09:09] 王芳: 我帮您查一下", lines);
        Assert.Contains("[2026-03-02 09:10] 已转接给 技术组", lines);
        Assert.Contains("[2026-03-02 09:11] 李雷: photo.png [附件]", lines);
        Assert.Contains("[2026-03-02 09:12] 智能助手: 自动回复", lines);
        Assert.Contains("[2026-03-02 09:13] 客服不在线，您的留言已记录", lines);
        Assert.Contains("[2026-03-02 09:14] 对话已结束", lines);
        Assert.Contains("发送于 2026-03-02 10:05", lines);
        Assert.DoesNotContain("—", text);
        Assert.DoesNotContain(" / ", text); // one language, not both side by side
    }

    [Fact]
    public void An_english_customer_reads_every_line_in_english()
    {
        var text = ChatTranscripts.Render(true, "Demo shop", 100042, null, Chat, new DateTimeOffset(At.AddHours(1)));
        var lines = Lines(text);
        Assert.Equal("Your chat with Demo shop (#100042)", lines[0]);
        Assert.Contains("[2026-03-02 09:06] You: 快递到哪了？", lines); // customer content stays as sent
        Assert.Contains("[2026-03-02 09:07] Connecting you to a person", lines);
        Assert.Contains("[2026-03-02 09:08] 王芳 joined the chat", lines);
        Assert.Contains("[2026-03-02 09:10] Transferred to 技术组", lines);
        Assert.Contains("[2026-03-02 09:11] You: photo.png [attachment]", lines);
        Assert.Contains("[2026-03-02 09:12] Assistant: 自动回复", lines);
        Assert.Contains("[2026-03-02 09:13] Nobody is online; your message is recorded", lines);
        Assert.Contains("[2026-03-02 09:14] The chat has ended", lines);
        Assert.DoesNotContain("—", text);
        Assert.DoesNotContain("对话已结束", text);
    }

    [Theory]
    [InlineData("zh-CN", true)]
    [InlineData("zh-TW", true)]
    [InlineData("ZH", true)]
    [InlineData(null, true)]
    [InlineData("en-US", false)]
    [InlineData("fr-FR", false)]
    public void The_language_follows_the_widget_locale(string? locale, bool chinese) =>
        Assert.Equal(chinese, ChatTranscripts.IsChinese(locale));
}
