using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Kefu.Platform.Database.Migrations.Postgres
{
    /// <summary>Tag names unique ignoring case (decision 0065): the normalised key and its unique index.</summary>
    public partial class NormalizedTagNames : Migration
    {
        /// <summary>Folds tags that differ only by case (stored before decision 0063 matched names ignoring case) into the
        /// oldest of them: their tickets' links move to it (a ticket that had several gets one link), then the others go;
        /// then every tag gets its key, SQL <c>lower(name)</c>, so the unique index can be built. Also run by the tests
        /// (inside a transaction they roll back).</summary>
        public const string MergeSql = """
            INSERT INTO tickets_ticket_tags (ticket_id, tag_id)
            SELECT DISTINCT l.ticket_id, k.keep_id
            FROM tickets_ticket_tags AS l
            JOIN tickets_tags AS t ON t.id = l.tag_id
            JOIN (SELECT lower(name) AS folded, min(id) AS keep_id FROM tickets_tags GROUP BY lower(name) HAVING count(*) > 1) AS k
              ON lower(t.name) = k.folded
            WHERE t.id <> k.keep_id
              AND NOT EXISTS (SELECT 1 FROM tickets_ticket_tags AS x WHERE x.ticket_id = l.ticket_id AND x.tag_id = k.keep_id);
            DELETE FROM tickets_ticket_tags
            WHERE tag_id IN (SELECT t.id FROM tickets_tags AS t
                             WHERE EXISTS (SELECT 1 FROM tickets_tags AS o WHERE lower(o.name) = lower(t.name) AND o.id < t.id));
            DELETE FROM tickets_tags
            WHERE EXISTS (SELECT 1 FROM tickets_tags AS o WHERE lower(o.name) = lower(tickets_tags.name) AND o.id < tickets_tags.id);
            UPDATE tickets_tags SET normalized_name = lower(name);
            """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "normalized_name",
                table: "tickets_tags",
                type: "character varying(50)",
                maxLength: 50,
                nullable: false,
                defaultValue: "");

            migrationBuilder.Sql(MergeSql);

            migrationBuilder.CreateIndex(
                name: "ix_tickets_tags_normalized_name",
                table: "tickets_tags",
                column: "normalized_name",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_tickets_tags_normalized_name",
                table: "tickets_tags");

            migrationBuilder.DropColumn(
                name: "normalized_name",
                table: "tickets_tags");
        }
    }
}
