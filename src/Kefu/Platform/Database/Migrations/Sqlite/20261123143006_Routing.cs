using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Kefu.Platform.Database.Migrations.Sqlite
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
                    user_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    status = table.Column<int>(type: "INTEGER", nullable: false),
                    status_since = table.Column<DateTime>(type: "TEXT", nullable: true),
                    chat_capacity = table.Column<int>(type: "INTEGER", nullable: false),
                    ticket_capacity = table.Column<int>(type: "INTEGER", nullable: false),
                    languages = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    product_lines = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    vip = table.Column<bool>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false)
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
                    team_id = table.Column<int>(type: "INTEGER", nullable: false),
                    mode = table.Column<int>(type: "INTEGER", nullable: false),
                    last_agent_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false)
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
                "SELECT user_id, status, updated_at, max_chats, 20, '', '', 0, updated_at FROM chat_agents");

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
                    user_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    max_chats = table.Column<int>(type: "INTEGER", nullable: false),
                    status = table.Column<int>(type: "INTEGER", nullable: false),
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
        }
    }
}
