using Kefu.Platform.Auth;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kefu.Tickets;

internal sealed class TicketsConfiguration :
    IEntityTypeConfiguration<Customer>, IEntityTypeConfiguration<CustomerIdentity>, IEntityTypeConfiguration<Ticket>,
    IEntityTypeConfiguration<Message>, IEntityTypeConfiguration<Attachment>, IEntityTypeConfiguration<Tag>,
    IEntityTypeConfiguration<TicketTag>, IEntityTypeConfiguration<Category>, IEntityTypeConfiguration<CustomerTag>
{
    public const int SubjectMax = 300;
    public const int BodyMax = 100_000;

    public void Configure(EntityTypeBuilder<Customer> b)
    {
        b.ToTable("tickets_customers");
        b.Property(x => x.Name).HasMaxLength(200);
        b.Property(x => x.Address).HasMaxLength(500);
        b.Property(x => x.Note).HasMaxLength(4000);
        b.Property(x => x.Language).HasMaxLength(10);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.HasMany(x => x.Identities).WithOne(i => i.Customer).HasForeignKey(i => i.CustomerId);
        // "Who was merged into this customer": only merged rows are indexed. Indexing the NULLs of every other customer
        // also made SQLite answer the customer list's "merged_into_id IS NULL" with this index and sort the whole
        // result, rather than walk one of the sort indexes below.
        b.HasIndex(x => x.MergedIntoId).HasFilter("merged_into_id IS NOT NULL");
        // The keyset orders of GET /api/v1/customers (sort=createdAt|updatedAt|name, ties by id) over the customers it
        // lists (not merged away): a page is read in index order instead of sorting every customer.
        b.HasIndex(x => new { x.CreatedAt, x.Id }).HasFilter("merged_into_id IS NULL");
        b.HasIndex(x => new { x.UpdatedAt, x.Id }).HasFilter("merged_into_id IS NULL");
        b.HasIndex(x => new { x.Name, x.Id }).HasFilter("merged_into_id IS NULL");
    }

    public void Configure(EntityTypeBuilder<CustomerIdentity> b)
    {
        b.ToTable("tickets_customer_identities");
        b.Property(x => x.Value).HasMaxLength(320);
        b.HasIndex(x => new { x.Kind, x.Value }).IsUnique();
        b.HasIndex(x => x.CustomerId);
    }

    public void Configure(EntityTypeBuilder<Ticket> b)
    {
        b.ToTable("tickets_tickets");
        b.Ignore(x => x.Number);
        b.Property(x => x.Subject).HasMaxLength(SubjectMax);
        b.Property(x => x.ExternalId).HasMaxLength(200);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.HasOne(x => x.Customer).WithMany().HasForeignKey(x => x.CustomerId);
        b.HasOne<Team>().WithMany().HasForeignKey(x => x.TeamId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<StaffUser>().WithMany().HasForeignKey(x => x.AssigneeId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<StaffUser>().WithMany().HasForeignKey(x => x.OwnerId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<Category>().WithMany().HasForeignKey(x => x.CategoryId).OnDelete(DeleteBehavior.SetNull);
        b.HasMany(x => x.Tags).WithOne().HasForeignKey(t => t.TicketId);
        // The list views: by team+status, assignee, owner, customer; newest first.
        b.HasIndex(x => new { x.TeamId, x.Status, x.CreatedAt, x.Id });
        b.HasIndex(x => new { x.Status, x.CreatedAt, x.Id });
        b.HasIndex(x => new { x.AssigneeId, x.Status });
        b.HasIndex(x => new { x.OwnerId, x.Status });
        b.HasIndex(x => new { x.CustomerId, x.CreatedAt });
        b.HasIndex(x => new { x.CreatedAt, x.Id });
        b.HasIndex(x => new { x.UpdatedAt, x.Id });
        b.HasIndex(x => new { x.Channel, x.ExternalId }).IsUnique().HasFilter("external_id IS NOT NULL");
    }

    public void Configure(EntityTypeBuilder<Message> b)
    {
        b.ToTable("tickets_messages");
        b.Property(x => x.Body).HasMaxLength(BodyMax);
        b.Property(x => x.BodyHtml).HasMaxLength(BodyMax * 2);
        b.Property(x => x.ExternalId).HasMaxLength(300);
        b.HasOne<Ticket>().WithMany().HasForeignKey(x => x.TicketId);
        b.HasMany(x => x.Attachments).WithOne().HasForeignKey(a => a.MessageId);
        b.HasIndex(x => new { x.TicketId, x.Id });
        b.HasIndex(x => new { x.Channel, x.ExternalId }).IsUnique().HasFilter("external_id IS NOT NULL");
    }

    public void Configure(EntityTypeBuilder<Attachment> b)
    {
        b.ToTable("tickets_attachments");
        b.Property(x => x.FileName).HasMaxLength(255);
        b.Property(x => x.ContentType).HasMaxLength(100);
        b.Property(x => x.Sha256).HasMaxLength(64);
        b.Property(x => x.StorageKey).HasMaxLength(300);
        // The sweep of files without a row looks keys up in batches; one file is one row's.
        b.HasIndex(x => x.StorageKey).IsUnique();
    }

    public void Configure(EntityTypeBuilder<Tag> b)
    {
        b.ToTable("tickets_tags");
        b.Property(x => x.Name).HasMaxLength(50);
        b.HasIndex(x => x.Name).IsUnique();
        b.Property(x => x.NormalizedName).HasMaxLength(50);
        // One tag per name whatever its case (decision 0065); name lookups go through this index.
        b.HasIndex(x => x.NormalizedName).IsUnique();
    }

    public void Configure(EntityTypeBuilder<TicketTag> b)
    {
        b.ToTable("tickets_ticket_tags");
        b.HasKey(x => new { x.TicketId, x.TagId });
        b.HasOne(x => x.Tag).WithMany().HasForeignKey(x => x.TagId);
        b.HasIndex(x => x.TagId);
    }

    public void Configure(EntityTypeBuilder<CustomerTag> b)
    {
        b.ToTable("tickets_customer_tags");
        b.HasKey(x => new { x.CustomerId, x.Name });
        b.Property(x => x.Name).HasMaxLength(CustomerTags.NameMax);
        b.HasOne<Customer>().WithMany().HasForeignKey(x => x.CustomerId).OnDelete(DeleteBehavior.Cascade);
        // "Which customers are VIP" (SLA reports, filters) without scanning.
        b.HasIndex(x => x.Name);
    }

    public void Configure(EntityTypeBuilder<Category> b)
    {
        b.ToTable("tickets_categories");
        b.Property(x => x.Name).HasMaxLength(50);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.HasOne<Category>().WithMany().HasForeignKey(x => x.ParentId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Team>().WithMany().HasForeignKey(x => x.DefaultTeamId).OnDelete(DeleteBehavior.SetNull);
        b.HasIndex(x => new { x.ParentId, x.Name }).IsUnique();
    }
}
