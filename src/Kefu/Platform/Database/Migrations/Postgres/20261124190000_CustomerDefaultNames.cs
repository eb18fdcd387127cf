using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Kefu.Platform.Database.Migrations.Postgres
{
    /// <summary>Customers named after their e-mail address's local part (the old default name) get the masked form
    /// instead ("zh***"), as new ones do (decision 0062). Data only; no model change.</summary>
    [DbContext(typeof(PostgresKefuDb))]
    [Migration("20261124190000_CustomerDefaultNames")]
    public partial class CustomerDefaultNames : Migration
    {
        /// <summary>Also run by the tests on rows written after the migration.</summary>
        public const string Sql = """
            UPDATE tickets_customers AS c
            SET name = CASE WHEN length(split_part(i.value, '@', 1)) <= 2 THEN left(i.value, 1) ELSE left(i.value, 2) END || '***'
            FROM tickets_customer_identities AS i
            WHERE i.customer_id = c.id AND i.kind = 0 AND position('@' in i.value) > 1
              AND c.name = split_part(i.value, '@', 1);
            """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(Sql);

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) { }
    }
}
