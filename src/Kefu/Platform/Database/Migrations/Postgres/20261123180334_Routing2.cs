using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Kefu.Platform.Database.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Routing2 : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_sla_ticket_clocks_next_due_at",
                table: "sla_ticket_clocks");

            migrationBuilder.DropIndex(
                name: "ix_sla_escalations_next_due_at",
                table: "sla_escalations");

            // Hand-written default (keep when regenerating): existing policies get an empty condition (EF generated none,
            // and a NOT NULL column without a default cannot be added to a table that has rows).
            migrationBuilder.AddColumn<List<string>>(
                name: "customer_tags",
                table: "sla_policies",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'::text[]");

            // Hand-written default (keep when regenerating): existing staff keep getting escalation e-mails, as new accounts do.
            migrationBuilder.AddColumn<bool>(
                name: "notify_email",
                table: "platform_users",
                type: "boolean",
                nullable: false,
                defaultValue: true);

            migrationBuilder.CreateTable(
                name: "tickets_customer_tags",
                columns: table => new
                {
                    customer_id = table.Column<long>(type: "bigint", nullable: false),
                    name = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_tickets_customer_tags", x => new { x.customer_id, x.name });
                    table.ForeignKey(
                        name: "fk_tickets_customer_tags_tickets_customers_customer_id",
                        column: x => x.customer_id,
                        principalTable: "tickets_customers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_sla_ticket_clocks_next_due_at_id",
                table: "sla_ticket_clocks",
                columns: new[] { "next_due_at", "id" },
                filter: "next_due_at IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_sla_escalations_next_due_at_id",
                table: "sla_escalations",
                columns: new[] { "next_due_at", "id" },
                filter: "next_due_at IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_tickets_customer_tags_name",
                table: "tickets_customer_tags",
                column: "name");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "tickets_customer_tags");

            migrationBuilder.DropIndex(
                name: "ix_sla_ticket_clocks_next_due_at_id",
                table: "sla_ticket_clocks");

            migrationBuilder.DropIndex(
                name: "ix_sla_escalations_next_due_at_id",
                table: "sla_escalations");

            migrationBuilder.DropColumn(
                name: "customer_tags",
                table: "sla_policies");

            migrationBuilder.DropColumn(
                name: "notify_email",
                table: "platform_users");

            migrationBuilder.CreateIndex(
                name: "ix_sla_ticket_clocks_next_due_at",
                table: "sla_ticket_clocks",
                column: "next_due_at");

            migrationBuilder.CreateIndex(
                name: "ix_sla_escalations_next_due_at",
                table: "sla_escalations",
                column: "next_due_at");
        }
    }
}
