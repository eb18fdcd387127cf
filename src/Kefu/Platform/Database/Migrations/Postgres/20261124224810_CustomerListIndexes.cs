using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Kefu.Platform.Database.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CustomerListIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_tickets_customers_merged_into_id",
                table: "tickets_customers");

            migrationBuilder.CreateIndex(
                name: "ix_tickets_customers_created_at_id",
                table: "tickets_customers",
                columns: new[] { "created_at", "id" },
                filter: "merged_into_id IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_tickets_customers_merged_into_id",
                table: "tickets_customers",
                column: "merged_into_id",
                filter: "merged_into_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_tickets_customers_name_id",
                table: "tickets_customers",
                columns: new[] { "name", "id" },
                filter: "merged_into_id IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_tickets_customers_updated_at_id",
                table: "tickets_customers",
                columns: new[] { "updated_at", "id" },
                filter: "merged_into_id IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_tickets_customers_created_at_id",
                table: "tickets_customers");

            migrationBuilder.DropIndex(
                name: "ix_tickets_customers_merged_into_id",
                table: "tickets_customers");

            migrationBuilder.DropIndex(
                name: "ix_tickets_customers_name_id",
                table: "tickets_customers");

            migrationBuilder.DropIndex(
                name: "ix_tickets_customers_updated_at_id",
                table: "tickets_customers");

            migrationBuilder.CreateIndex(
                name: "ix_tickets_customers_merged_into_id",
                table: "tickets_customers",
                column: "merged_into_id");
        }
    }
}
