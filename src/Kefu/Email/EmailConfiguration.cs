using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kefu.Email;

public sealed class EmailConfiguration :
    IEntityTypeConfiguration<Mailbox>, IEntityTypeConfiguration<EmailRecord>, IEntityTypeConfiguration<OutboundEmail>
{
    public void Configure(EntityTypeBuilder<Mailbox> b)
    {
        b.ToTable("email_mailboxes");
        b.Property(x => x.Name).HasMaxLength(100);
        b.Property(x => x.Address).HasMaxLength(320);
        b.Property(x => x.SenderName).HasMaxLength(200);
        b.Property(x => x.Signature).HasMaxLength(4000);
        b.Property(x => x.ImapHost).HasMaxLength(255);
        b.Property(x => x.ImapUser).HasMaxLength(320);
        b.Property(x => x.ImapPasswordProtected).HasMaxLength(2000);
        b.Property(x => x.ImapFolder).HasMaxLength(255);
        b.Property(x => x.ProcessedFolder).HasMaxLength(255);
        b.Property(x => x.SmtpHost).HasMaxLength(255);
        b.Property(x => x.SmtpUser).HasMaxLength(320);
        b.Property(x => x.SmtpPasswordProtected).HasMaxLength(2000);
        b.Property(x => x.LastError).HasMaxLength(1000);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.HasIndex(x => x.Address).IsUnique();
    }

    public void Configure(EntityTypeBuilder<EmailRecord> b)
    {
        b.ToTable("email_messages");
        b.Property(x => x.MessageId).HasMaxLength(300);
        b.Property(x => x.Classification).HasMaxLength(20);
        b.Property(x => x.FromAddress).HasMaxLength(320);
        b.Property(x => x.Subject).HasMaxLength(300);
        b.Property(x => x.ThreadSubject).HasMaxLength(300);
        b.Property(x => x.Reason).HasMaxLength(1000);
        b.Property(x => x.RawKey).HasMaxLength(300);
        b.HasIndex(x => new { x.MailboxId, x.UidValidity, x.Uid }).IsUnique().HasFilter("uid IS NOT NULL");
        b.HasIndex(x => x.MessageId);
        b.HasIndex(x => new { x.FromAddress, x.CreatedAt });
        b.HasIndex(x => x.TicketId);
        b.HasIndex(x => new { x.Status, x.Id });
    }

    public void Configure(EntityTypeBuilder<OutboundEmail> b)
    {
        b.ToTable("email_outbox");
        b.Property(x => x.DedupeKey).HasMaxLength(100);
        b.Property(x => x.To).HasMaxLength(320);
        b.Property(x => x.ToName).HasMaxLength(200);
        b.Property(x => x.Subject).HasMaxLength(400);
        b.Property(x => x.MessageId).HasMaxLength(300);
        b.Property(x => x.InReplyTo).HasMaxLength(300);
        b.Property(x => x.References).HasMaxLength(4000);
        b.Property(x => x.LastError).HasMaxLength(1000);
        b.Property(x => x.AttachmentIds).HasMaxLength(1000);
        b.HasIndex(x => x.DedupeKey).IsUnique();
        b.HasIndex(x => new { x.Status, x.NextAttemptAt });
        b.HasIndex(x => x.TicketId);
    }
}
