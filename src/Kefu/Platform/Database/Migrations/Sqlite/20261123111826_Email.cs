using System;
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
            migrationBuilder.CreateTable(
                name: "email_mailboxes",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    address = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    sender_name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    signature = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    team_id = table.Column<int>(type: "INTEGER", nullable: true),
                    imap_host = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    imap_port = table.Column<int>(type: "INTEGER", nullable: false),
                    imap_security = table.Column<int>(type: "INTEGER", nullable: false),
                    imap_user = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    imap_password_protected = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    imap_folder = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    use_idle = table.Column<bool>(type: "INTEGER", nullable: false),
                    poll_seconds = table.Column<int>(type: "INTEGER", nullable: false),
                    processed_action = table.Column<int>(type: "INTEGER", nullable: false),
                    processed_folder = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    smtp_host = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    smtp_port = table.Column<int>(type: "INTEGER", nullable: false),
                    smtp_security = table.Column<int>(type: "INTEGER", nullable: false),
                    smtp_user = table.Column<string>(type: "TEXT", maxLength: 320, nullable: true),
                    smtp_password_protected = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    allow_invalid_certificates = table.Column<bool>(type: "INTEGER", nullable: false),
                    auto_acknowledge = table.Column<bool>(type: "INTEGER", nullable: false),
                    subject_threading_days = table.Column<int>(type: "INTEGER", nullable: false),
                    is_active = table.Column<bool>(type: "INTEGER", nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false),
                    last_checked_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    last_error = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_email_mailboxes", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "email_messages",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    mailbox_id = table.Column<int>(type: "INTEGER", nullable: false),
                    direction = table.Column<int>(type: "INTEGER", nullable: false),
                    message_id = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    uid_validity = table.Column<long>(type: "INTEGER", nullable: true),
                    uid = table.Column<long>(type: "INTEGER", nullable: true),
                    status = table.Column<int>(type: "INTEGER", nullable: false),
                    classification = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    ticket_id = table.Column<long>(type: "INTEGER", nullable: true),
                    ticket_message_id = table.Column<long>(type: "INTEGER", nullable: true),
                    from_address = table.Column<string>(type: "TEXT", maxLength: 320, nullable: true),
                    subject = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    thread_subject = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    reason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    raw_key = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_email_messages", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "email_outbox",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    dedupe_key = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    mailbox_id = table.Column<int>(type: "INTEGER", nullable: false),
                    ticket_id = table.Column<long>(type: "INTEGER", nullable: false),
                    ticket_message_id = table.Column<long>(type: "INTEGER", nullable: true),
                    kind = table.Column<int>(type: "INTEGER", nullable: false),
                    to = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    to_name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    subject = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    message_id = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    in_reply_to = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    references = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    body_text = table.Column<string>(type: "TEXT", nullable: false),
                    body_html = table.Column<string>(type: "TEXT", nullable: true),
                    attachment_ids = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    status = table.Column<int>(type: "INTEGER", nullable: false),
                    attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    next_attempt_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    locked_until = table.Column<DateTime>(type: "TEXT", nullable: true),
                    last_error = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    sent_at = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_email_outbox", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_email_mailboxes_address",
                table: "email_mailboxes",
                column: "address",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_email_messages_from_address_created_at",
                table: "email_messages",
                columns: new[] { "from_address", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_email_messages_mailbox_id_uid_validity_uid",
                table: "email_messages",
                columns: new[] { "mailbox_id", "uid_validity", "uid" },
                unique: true,
                filter: "uid IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_email_messages_message_id",
                table: "email_messages",
                column: "message_id");

            migrationBuilder.CreateIndex(
                name: "ix_email_messages_status_id",
                table: "email_messages",
                columns: new[] { "status", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_email_messages_ticket_id",
                table: "email_messages",
                column: "ticket_id");

            migrationBuilder.CreateIndex(
                name: "ix_email_outbox_dedupe_key",
                table: "email_outbox",
                column: "dedupe_key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_email_outbox_status_next_attempt_at",
                table: "email_outbox",
                columns: new[] { "status", "next_attempt_at" });

            migrationBuilder.CreateIndex(
                name: "ix_email_outbox_ticket_id",
                table: "email_outbox",
                column: "ticket_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "email_mailboxes");

            migrationBuilder.DropTable(
                name: "email_messages");

            migrationBuilder.DropTable(
                name: "email_outbox");
        }
    }
}
