using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Kefu.Platform.Database.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Triage : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
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
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "routing_decisions");

            migrationBuilder.DropTable(
                name: "routing_examples");

            migrationBuilder.DropTable(
                name: "routing_model_versions");

            migrationBuilder.DropTable(
                name: "routing_rules");
        }
    }
}
