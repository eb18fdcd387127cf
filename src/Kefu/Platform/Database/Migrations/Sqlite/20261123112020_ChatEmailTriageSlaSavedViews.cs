using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Kefu.Platform.Database.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ChatEmailTriageSlaSavedViews : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "chat_agents",
                columns: table => new
                {
                    user_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    status = table.Column<int>(type: "INTEGER", nullable: false),
                    max_chats = table.Column<int>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_chat_agents", x => x.user_id);
                    table.ForeignKey(
                        name: "fk_chat_agents_platform_users_user_id",
                        column: x => x.user_id,
                        principalTable: "platform_users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "chat_sites",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    key = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    secret = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    team_id = table.Column<int>(type: "INTEGER", nullable: true),
                    allowed_origins = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    color = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    greeting = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    offline_message = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    pre_chat_fields = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_chat_sites", x => x.id);
                    table.ForeignKey(
                        name: "fk_chat_sites_teams_team_id",
                        column: x => x.team_id,
                        principalTable: "platform_teams",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "chat_uploads",
                columns: table => new
                {
                    attachment_id = table.Column<long>(type: "INTEGER", nullable: false),
                    visitor_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_chat_uploads", x => x.attachment_id);
                });

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

            migrationBuilder.CreateTable(
                name: "routing_decisions",
                columns: table => new
                {
                    ticket_id = table.Column<long>(type: "INTEGER", nullable: false),
                    leaf = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    predicted_leaf = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    confidence = table.Column<double>(type: "REAL", nullable: false),
                    model_version = table.Column<int>(type: "INTEGER", nullable: false),
                    rule_id = table.Column<int>(type: "INTEGER", nullable: true),
                    priority = table.Column<int>(type: "INTEGER", nullable: true),
                    manual = table.Column<bool>(type: "INTEGER", nullable: false),
                    decided_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_routing_decisions", x => x.ticket_id);
                });

            migrationBuilder.CreateTable(
                name: "routing_examples",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ticket_id = table.Column<long>(type: "INTEGER", nullable: false),
                    text = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    leaf = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    predicted_leaf = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_routing_examples", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "routing_model_versions",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    version = table.Column<int>(type: "INTEGER", nullable: false),
                    trained_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    shipped_examples = table.Column<int>(type: "INTEGER", nullable: false),
                    corrections = table.Column<int>(type: "INTEGER", nullable: false),
                    max_correction_id = table.Column<long>(type: "INTEGER", nullable: false),
                    holdback_count = table.Column<int>(type: "INTEGER", nullable: false),
                    holdback_accuracy = table.Column<double>(type: "REAL", nullable: false),
                    holdback_level1accuracy = table.Column<double>(type: "REAL", nullable: false),
                    train_millis = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_routing_model_versions", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "routing_rules",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    pattern = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    is_regex = table.Column<bool>(type: "INTEGER", nullable: false),
                    category_id = table.Column<int>(type: "INTEGER", nullable: true),
                    priority = table.Column<int>(type: "INTEGER", nullable: true),
                    is_enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    sort_order = table.Column<int>(type: "INTEGER", nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_routing_rules", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "tickets_saved_views",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    user_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    filters = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    sort_order = table.Column<int>(type: "INTEGER", nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_tickets_saved_views", x => x.id);
                    table.ForeignKey(
                        name: "fk_tickets_saved_views_platform_users_user_id",
                        column: x => x.user_id,
                        principalTable: "platform_users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "chat_visitors",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    site_id = table.Column<int>(type: "INTEGER", nullable: false),
                    customer_id = table.Column<long>(type: "INTEGER", nullable: true),
                    app_user_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    email = table.Column<string>(type: "TEXT", maxLength: 320, nullable: true),
                    phone = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    page_url = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    user_agent = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    locale = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    remote_address = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    flagged_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    flag_reason = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    last_seen_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_chat_visitors", x => x.id);
                    table.ForeignKey(
                        name: "fk_chat_visitors_chat_sites_site_id",
                        column: x => x.site_id,
                        principalTable: "chat_sites",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "chat_conversations",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    site_id = table.Column<int>(type: "INTEGER", nullable: false),
                    visitor_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ticket_id = table.Column<long>(type: "INTEGER", nullable: false),
                    team_id = table.Column<int>(type: "INTEGER", nullable: true),
                    state = table.Column<int>(type: "INTEGER", nullable: false),
                    agent_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    queued_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    accepted_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ended_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    last_seq = table.Column<long>(type: "INTEGER", nullable: false),
                    visitor_read_seq = table.Column<long>(type: "INTEGER", nullable: false),
                    agent_read_seq = table.Column<long>(type: "INTEGER", nullable: false),
                    rating = table.Column<int>(type: "INTEGER", nullable: true),
                    rating_comment = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    page_url = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    user_agent = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    locale = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_chat_conversations", x => x.id);
                    table.ForeignKey(
                        name: "fk_chat_conversations_chat_visitors_visitor_id",
                        column: x => x.visitor_id,
                        principalTable: "chat_visitors",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "chat_messages",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    conversation_id = table.Column<long>(type: "INTEGER", nullable: false),
                    seq = table.Column<long>(type: "INTEGER", nullable: false),
                    client_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    sender = table.Column<int>(type: "INTEGER", nullable: false),
                    author_user_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    author_name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    body = table.Column<string>(type: "TEXT", maxLength: 100000, nullable: false),
                    attachments = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    ticket_message_id = table.Column<long>(type: "INTEGER", nullable: true),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_chat_messages", x => x.id);
                    table.ForeignKey(
                        name: "fk_chat_messages_chat_conversations_conversation_id",
                        column: x => x.conversation_id,
                        principalTable: "chat_conversations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_chat_conversations_agent_id_state",
                table: "chat_conversations",
                columns: new[] { "agent_id", "state" });

            migrationBuilder.CreateIndex(
                name: "ix_chat_conversations_team_id_state_queued_at",
                table: "chat_conversations",
                columns: new[] { "team_id", "state", "queued_at" });

            migrationBuilder.CreateIndex(
                name: "ix_chat_conversations_ticket_id",
                table: "chat_conversations",
                column: "ticket_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_chat_conversations_visitor_id_id",
                table: "chat_conversations",
                columns: new[] { "visitor_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_chat_messages_conversation_id_client_id",
                table: "chat_messages",
                columns: new[] { "conversation_id", "client_id" },
                unique: true,
                filter: "client_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_chat_messages_conversation_id_seq",
                table: "chat_messages",
                columns: new[] { "conversation_id", "seq" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_chat_messages_ticket_message_id",
                table: "chat_messages",
                column: "ticket_message_id",
                unique: true,
                filter: "ticket_message_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_chat_sites_key",
                table: "chat_sites",
                column: "key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_chat_sites_team_id",
                table: "chat_sites",
                column: "team_id");

            migrationBuilder.CreateIndex(
                name: "ix_chat_uploads_visitor_id",
                table: "chat_uploads",
                column: "visitor_id");

            migrationBuilder.CreateIndex(
                name: "ix_chat_visitors_customer_id",
                table: "chat_visitors",
                column: "customer_id");

            migrationBuilder.CreateIndex(
                name: "ix_chat_visitors_flagged_at",
                table: "chat_visitors",
                column: "flagged_at");

            migrationBuilder.CreateIndex(
                name: "ix_chat_visitors_site_id",
                table: "chat_visitors",
                column: "site_id");

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

            migrationBuilder.CreateIndex(
                name: "ix_routing_examples_ticket_id",
                table: "routing_examples",
                column: "ticket_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_routing_model_versions_version",
                table: "routing_model_versions",
                column: "version",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_tickets_saved_views_user_id_name",
                table: "tickets_saved_views",
                columns: new[] { "user_id", "name" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "chat_agents");

            migrationBuilder.DropTable(
                name: "chat_messages");

            migrationBuilder.DropTable(
                name: "chat_uploads");

            migrationBuilder.DropTable(
                name: "email_mailboxes");

            migrationBuilder.DropTable(
                name: "email_messages");

            migrationBuilder.DropTable(
                name: "email_outbox");

            migrationBuilder.DropTable(
                name: "routing_decisions");

            migrationBuilder.DropTable(
                name: "routing_examples");

            migrationBuilder.DropTable(
                name: "routing_model_versions");

            migrationBuilder.DropTable(
                name: "routing_rules");

            migrationBuilder.DropTable(
                name: "tickets_saved_views");

            migrationBuilder.DropTable(
                name: "chat_conversations");

            migrationBuilder.DropTable(
                name: "chat_visitors");

            migrationBuilder.DropTable(
                name: "chat_sites");
        }
    }
}
