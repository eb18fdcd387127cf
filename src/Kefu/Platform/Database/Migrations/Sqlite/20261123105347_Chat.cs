using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Kefu.Platform.Database.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Chat : Migration
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
                name: "chat_conversations");

            migrationBuilder.DropTable(
                name: "chat_visitors");

            migrationBuilder.DropTable(
                name: "chat_sites");
        }
    }
}
