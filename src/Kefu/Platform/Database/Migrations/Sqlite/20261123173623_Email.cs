using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Kefu.Platform.Database.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Email : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // email_outbox.ticket_id becomes nullable. SQLite cannot change a column in place, so the table is rebuilt;
            // EF's own rebuild (AlterColumn) wraps it in PRAGMA foreign_keys = 0, which cannot run inside the
            // migration's transaction (warning 20410 at every first start; a crash halfway would leave the migration
            // half applied). email_outbox has no foreign keys and none point to it, so the same rebuild (EF's SQL,
            // same columns and indexes) runs here with foreign keys on, inside the transaction.
            migrationBuilder.Sql("""
                CREATE TABLE "ef_temp_email_outbox" (
                    "id" INTEGER NOT NULL CONSTRAINT "pk_email_outbox" PRIMARY KEY AUTOINCREMENT,
                    "attachment_ids" TEXT NULL,
                    "attempts" INTEGER NOT NULL,
                    "body_html" TEXT NULL,
                    "body_text" TEXT NOT NULL,
                    "created_at" TEXT NOT NULL,
                    "dedupe_key" TEXT NOT NULL,
                    "in_reply_to" TEXT NULL,
                    "kind" INTEGER NOT NULL,
                    "last_error" TEXT NULL,
                    "locked_until" TEXT NULL,
                    "mailbox_id" INTEGER NOT NULL,
                    "message_id" TEXT NOT NULL,
                    "next_attempt_at" TEXT NOT NULL,
                    "references" TEXT NULL,
                    "sent_at" TEXT NULL,
                    "status" INTEGER NOT NULL,
                    "subject" TEXT NOT NULL,
                    "ticket_id" INTEGER NULL,
                    "ticket_message_id" INTEGER NULL,
                    "to" TEXT NOT NULL,
                    "to_name" TEXT NULL
                );
                """);
            migrationBuilder.Sql("""
                INSERT INTO "ef_temp_email_outbox" ("id", "attachment_ids", "attempts", "body_html", "body_text", "created_at", "dedupe_key", "in_reply_to", "kind", "last_error", "locked_until", "mailbox_id", "message_id", "next_attempt_at", "references", "sent_at", "status", "subject", "ticket_id", "ticket_message_id", "to", "to_name")
                SELECT "id", "attachment_ids", "attempts", "body_html", "body_text", "created_at", "dedupe_key", "in_reply_to", "kind", "last_error", "locked_until", "mailbox_id", "message_id", "next_attempt_at", "references", "sent_at", "status", "subject", "ticket_id", "ticket_message_id", "to", "to_name"
                FROM "email_outbox";
                """);
            migrationBuilder.Sql("""DROP TABLE "email_outbox";""");
            migrationBuilder.Sql("""ALTER TABLE "ef_temp_email_outbox" RENAME TO "email_outbox";""");
            migrationBuilder.CreateIndex(name: "ix_email_outbox_dedupe_key", table: "email_outbox", column: "dedupe_key", unique: true);
            migrationBuilder.CreateIndex(name: "ix_email_outbox_status_next_attempt_at", table: "email_outbox", columns: ["status", "next_attempt_at"]);
            migrationBuilder.CreateIndex(name: "ix_email_outbox_ticket_id", table: "email_outbox", column: "ticket_id");

            migrationBuilder.AddColumn<bool>(
                name: "sends_system_mail",
                table: "email_mailboxes",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "sends_system_mail",
                table: "email_mailboxes");

            migrationBuilder.AlterColumn<long>(
                name: "ticket_id",
                table: "email_outbox",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L,
                oldClrType: typeof(long),
                oldType: "INTEGER",
                oldNullable: true);
        }
    }
}
