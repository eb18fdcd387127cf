using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Kefu.Platform.Database.Migrations.Sqlite
{
    /// <summary>Customers named after their e-mail address's local part (the old default name) get the masked form
    /// instead ("zh***"), as new ones do (decision 0062). Data only; no model change.</summary>
    [DbContext(typeof(SqliteKefuDb))]
    [Migration("20261124190000_CustomerDefaultNames")]
    public partial class CustomerDefaultNames : Migration
    {
        /// <summary>Also run by the tests on rows written after the migration.</summary>
        public const string Sql = """
            UPDATE tickets_customers SET name = (
                SELECT CASE WHEN instr(i.value, '@') <= 3 THEN substr(i.value, 1, 1) ELSE substr(i.value, 1, 2) END || '***'
                FROM tickets_customer_identities AS i
                WHERE i.customer_id = tickets_customers.id AND i.kind = 0 AND instr(i.value, '@') > 1
                  AND substr(i.value, 1, instr(i.value, '@') - 1) = tickets_customers.name
                LIMIT 1)
            WHERE EXISTS (
                SELECT 1 FROM tickets_customer_identities AS i
                WHERE i.customer_id = tickets_customers.id AND i.kind = 0 AND instr(i.value, '@') > 1
                  AND substr(i.value, 1, instr(i.value, '@') - 1) = tickets_customers.name);
            """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(Sql);

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) { }
    }
}
