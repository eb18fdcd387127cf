using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Kefu.Platform.Database.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Sla : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "sla_approval_requests",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ticket_id = table.Column<long>(type: "INTEGER", nullable: false),
                    kind = table.Column<int>(type: "INTEGER", nullable: false),
                    amount = table.Column<decimal>(type: "TEXT", precision: 12, scale: 2, nullable: true),
                    reason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    requested_by = table.Column<Guid>(type: "TEXT", nullable: false),
                    requested_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    approver_tier = table.Column<int>(type: "INTEGER", nullable: false),
                    state = table.Column<int>(type: "INTEGER", nullable: false),
                    decided_by = table.Column<Guid>(type: "TEXT", nullable: true),
                    decided_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    decision_note = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sla_approval_requests", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "sla_calendars",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    time_zone_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    is_default = table.Column<bool>(type: "INTEGER", nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sla_calendars", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "sla_escalation_tiers",
                columns: table => new
                {
                    tier = table.Column<int>(type: "INTEGER", nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    role = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    team_scoped = table.Column<bool>(type: "INTEGER", nullable: false),
                    time_limit_minutes = table.Column<int>(type: "INTEGER", nullable: false),
                    approval_limit = table.Column<decimal>(type: "TEXT", precision: 12, scale: 2, nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sla_escalation_tiers", x => x.tier);
                });

            migrationBuilder.CreateTable(
                name: "sla_escalations",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ticket_id = table.Column<long>(type: "INTEGER", nullable: false),
                    tier = table.Column<int>(type: "INTEGER", nullable: false),
                    trigger = table.Column<int>(type: "INTEGER", nullable: false),
                    reason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    raised_by = table.Column<Guid>(type: "TEXT", nullable: true),
                    raised_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    holder_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    team_id = table.Column<int>(type: "INTEGER", nullable: true),
                    notified_user_ids = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    state = table.Column<int>(type: "INTEGER", nullable: false),
                    due_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    handled_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    handled_by = table.Column<Guid>(type: "TEXT", nullable: true),
                    handled_note = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    next_due_at = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sla_escalations", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "sla_settings",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false),
                    escalate_on_breach = table.Column<bool>(type: "INTEGER", nullable: false),
                    escalate_urgent_on_create = table.Column<bool>(type: "INTEGER", nullable: false),
                    agent_approval_limit = table.Column<decimal>(type: "TEXT", precision: 12, scale: 2, nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sla_settings", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "sla_calendar_days",
                columns: table => new
                {
                    calendar_id = table.Column<int>(type: "INTEGER", nullable: false),
                    date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    kind = table.Column<int>(type: "INTEGER", nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sla_calendar_days", x => new { x.calendar_id, x.date });
                    table.ForeignKey(
                        name: "fk_sla_calendar_days_sla_calendars_calendar_id",
                        column: x => x.calendar_id,
                        principalTable: "sla_calendars",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "sla_calendar_hours",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    calendar_id = table.Column<int>(type: "INTEGER", nullable: false),
                    day = table.Column<int>(type: "INTEGER", nullable: false),
                    start_minute = table.Column<int>(type: "INTEGER", nullable: false),
                    end_minute = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sla_calendar_hours", x => x.id);
                    table.ForeignKey(
                        name: "fk_sla_calendar_hours_sla_calendars_calendar_id",
                        column: x => x.calendar_id,
                        principalTable: "sla_calendars",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "sla_policies",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    position = table.Column<int>(type: "INTEGER", nullable: false),
                    is_active = table.Column<bool>(type: "INTEGER", nullable: false),
                    priorities = table.Column<string>(type: "TEXT", nullable: false),
                    channels = table.Column<string>(type: "TEXT", nullable: false),
                    category_ids = table.Column<string>(type: "TEXT", nullable: false),
                    tags = table.Column<string>(type: "TEXT", nullable: false),
                    first_response_minutes = table.Column<int>(type: "INTEGER", nullable: true),
                    next_response_minutes = table.Column<int>(type: "INTEGER", nullable: true),
                    resolution_minutes = table.Column<int>(type: "INTEGER", nullable: true),
                    business_hours = table.Column<bool>(type: "INTEGER", nullable: false),
                    calendar_id = table.Column<int>(type: "INTEGER", nullable: true),
                    warn_at_percent = table.Column<int>(type: "INTEGER", nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sla_policies", x => x.id);
                    table.ForeignKey(
                        name: "fk_sla_policies_sla_calendars_calendar_id",
                        column: x => x.calendar_id,
                        principalTable: "sla_calendars",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "sla_ticket_clocks",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ticket_id = table.Column<long>(type: "INTEGER", nullable: false),
                    metric = table.Column<int>(type: "INTEGER", nullable: false),
                    cycle = table.Column<int>(type: "INTEGER", nullable: false),
                    policy_id = table.Column<int>(type: "INTEGER", nullable: false),
                    target_minutes = table.Column<int>(type: "INTEGER", nullable: false),
                    business_hours = table.Column<bool>(type: "INTEGER", nullable: false),
                    calendar_id = table.Column<int>(type: "INTEGER", nullable: true),
                    warn_at_percent = table.Column<int>(type: "INTEGER", nullable: false),
                    state = table.Column<int>(type: "INTEGER", nullable: false),
                    started_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    warn_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    due_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    paused_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    remaining_warn_seconds = table.Column<long>(type: "INTEGER", nullable: true),
                    remaining_due_seconds = table.Column<long>(type: "INTEGER", nullable: true),
                    warned_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    breached_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    breached_holder_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    completed_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    next_due_at = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sla_ticket_clocks", x => x.id);
                    table.ForeignKey(
                        name: "fk_sla_ticket_clocks_sla_policy_policy_id",
                        column: x => x.policy_id,
                        principalTable: "sla_policies",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_sla_approval_requests_state_approver_tier",
                table: "sla_approval_requests",
                columns: new[] { "state", "approver_tier" });

            migrationBuilder.CreateIndex(
                name: "ix_sla_approval_requests_ticket_id_id",
                table: "sla_approval_requests",
                columns: new[] { "ticket_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_sla_calendar_hours_calendar_id",
                table: "sla_calendar_hours",
                column: "calendar_id");

            migrationBuilder.CreateIndex(
                name: "ix_sla_calendars_name",
                table: "sla_calendars",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_sla_escalations_next_due_at",
                table: "sla_escalations",
                column: "next_due_at");

            migrationBuilder.CreateIndex(
                name: "ix_sla_escalations_ticket_id_id",
                table: "sla_escalations",
                columns: new[] { "ticket_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_sla_policies_calendar_id",
                table: "sla_policies",
                column: "calendar_id");

            migrationBuilder.CreateIndex(
                name: "ix_sla_policies_name",
                table: "sla_policies",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_sla_ticket_clocks_next_due_at",
                table: "sla_ticket_clocks",
                column: "next_due_at");

            migrationBuilder.CreateIndex(
                name: "ix_sla_ticket_clocks_policy_id",
                table: "sla_ticket_clocks",
                column: "policy_id");

            migrationBuilder.CreateIndex(
                name: "ix_sla_ticket_clocks_ticket_id_metric",
                table: "sla_ticket_clocks",
                columns: new[] { "ticket_id", "metric" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "sla_approval_requests");

            migrationBuilder.DropTable(
                name: "sla_calendar_days");

            migrationBuilder.DropTable(
                name: "sla_calendar_hours");

            migrationBuilder.DropTable(
                name: "sla_escalation_tiers");

            migrationBuilder.DropTable(
                name: "sla_escalations");

            migrationBuilder.DropTable(
                name: "sla_settings");

            migrationBuilder.DropTable(
                name: "sla_ticket_clocks");

            migrationBuilder.DropTable(
                name: "sla_policies");

            migrationBuilder.DropTable(
                name: "sla_calendars");
        }
    }
}
