using Kefu.Platform.Auth;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kefu.Chat;

internal sealed class ChatConfiguration :
    IEntityTypeConfiguration<ChatSite>, IEntityTypeConfiguration<ChatVisitor>, IEntityTypeConfiguration<ChatConversation>,
    IEntityTypeConfiguration<ChatMessage>, IEntityTypeConfiguration<ChatUpload>
{
    public void Configure(EntityTypeBuilder<ChatSite> b)
    {
        b.ToTable("chat_sites");
        b.Property(x => x.Key).HasMaxLength(40);
        b.Property(x => x.Name).HasMaxLength(100);
        b.Property(x => x.Secret).HasMaxLength(100);
        b.Property(x => x.AllowedOrigins).HasMaxLength(4000);
        b.Property(x => x.Color).HasMaxLength(20);
        b.Property(x => x.Greeting).HasMaxLength(500);
        b.Property(x => x.OfflineMessage).HasMaxLength(500);
        b.Property(x => x.GreetingZhCn).HasMaxLength(500);
        b.Property(x => x.GreetingEn).HasMaxLength(500);
        b.Property(x => x.OfflineMessageZhCn).HasMaxLength(500);
        b.Property(x => x.OfflineMessageEn).HasMaxLength(500);
        b.Property(x => x.PreChatFields).HasMaxLength(100);
        b.HasIndex(x => x.Key).IsUnique();
        b.HasOne<Team>().WithMany().HasForeignKey(x => x.TeamId).OnDelete(DeleteBehavior.SetNull);
    }

    public void Configure(EntityTypeBuilder<ChatVisitor> b)
    {
        b.ToTable("chat_visitors");
        b.Property(x => x.AppUserId).HasMaxLength(128);
        b.Property(x => x.Name).HasMaxLength(200);
        b.Property(x => x.Email).HasMaxLength(320);
        b.Property(x => x.Phone).HasMaxLength(32);
        b.Property(x => x.PageUrl).HasMaxLength(1000);
        b.Property(x => x.UserAgent).HasMaxLength(500);
        b.Property(x => x.Locale).HasMaxLength(20);
        b.Property(x => x.RemoteAddress).HasMaxLength(64);
        b.Property(x => x.FlagReason).HasMaxLength(200);
        b.HasOne<ChatSite>().WithMany().HasForeignKey(x => x.SiteId);
        b.HasIndex(x => x.CustomerId);
        b.HasIndex(x => x.FlaggedAt);
    }

    public void Configure(EntityTypeBuilder<ChatConversation> b)
    {
        b.ToTable("chat_conversations");
        b.Property(x => x.RatingComment).HasMaxLength(1000);
        b.Property(x => x.PageUrl).HasMaxLength(1000);
        b.Property(x => x.UserAgent).HasMaxLength(500);
        b.Property(x => x.Locale).HasMaxLength(20);
        b.HasOne<ChatVisitor>().WithMany().HasForeignKey(x => x.VisitorId);
        b.HasIndex(x => new { x.VisitorId, x.Id });
        b.HasIndex(x => x.TicketId).IsUnique();
        b.HasIndex(x => new { x.TeamId, x.State, x.QueuedAt });
        b.HasIndex(x => new { x.AgentId, x.State });
    }

    public void Configure(EntityTypeBuilder<ChatMessage> b)
    {
        b.ToTable("chat_messages");
        b.Property(x => x.ClientId).HasMaxLength(64);
        b.Property(x => x.AuthorName).HasMaxLength(100);
        b.Property(x => x.Body).HasMaxLength(Tickets.TicketsConfiguration.BodyMax);
        b.Property(x => x.Attachments).HasMaxLength(4000);
        b.HasOne<ChatConversation>().WithMany().HasForeignKey(x => x.ConversationId);
        // The two guarantees: one order per conversation, one row per client message id (retries dedupe here).
        b.HasIndex(x => new { x.ConversationId, x.Seq }).IsUnique();
        b.HasIndex(x => new { x.ConversationId, x.ClientId }).IsUnique().HasFilter("client_id IS NOT NULL");
        b.HasIndex(x => x.TicketMessageId).IsUnique().HasFilter("ticket_message_id IS NOT NULL");
    }

    public void Configure(EntityTypeBuilder<ChatUpload> b)
    {
        b.ToTable("chat_uploads");
        b.HasKey(x => x.AttachmentId);
        b.Property(x => x.AttachmentId).ValueGeneratedNever();
        b.HasIndex(x => x.VisitorId);
    }
}
