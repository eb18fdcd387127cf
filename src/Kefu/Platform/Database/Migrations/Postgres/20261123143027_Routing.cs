using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Kefu.Platform.Database.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Routing : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "routing_agents",
                columns: table => new
                {
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    status = table.Column<int>(type: "integer", nullable: false),
                    status_since = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    chat_capacity = table.Column<int>(type: "integer", nullable: false),
                    ticket_capacity = table.Column<int>(type: "integer", nullable: false),
                    languages = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    product_lines = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    vip = table.Column<bool>(type: "boolean", nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_routing_agents", x => x.user_id);
                    table.ForeignKey(
                        name: "fk_routing_agents_platform_users_user_id",
                        column: x => x.user_id,
                        principalTable: "platform_users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "routing_team_policies",
                columns: table => new
                {
                    team_id = table.Column<int>(type: "integer", nullable: false),
                    mode = table.Column<int>(type: "integer", nullable: false),
                    last_agent_id = table.Column<Guid>(type: "uuid", nullable: true),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_routing_team_policies", x => x.team_id);
                    table.ForeignKey(
                        name: "fk_routing_team_policies_platform_teams_team_id",
                        column: x => x.team_id,
                        principalTable: "platform_teams",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            // Agents' status and chat limit move from Chat to Routing (one status for every channel).
            migrationBuilder.Sql("INSERT INTO routing_agents (user_id, status, status_since, chat_capacity, ticket_capacity, languages, product_lines, vip, updated_at) " +
                "SELECT user_id, status, updated_at, max_chats, 20, '', '', FALSE, updated_at FROM chat_agents");

            migrationBuilder.DropTable(
                name: "chat_agents");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "routing_agents");

            migrationBuilder.DropTable(
                name: "routing_team_policies");

            migrationBuilder.CreateTable(
                name: "chat_agents",
                columns: table => new
                {
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    max_chats = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<int>(type: "integer", nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
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
        }
    }
}
