using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Kefu.Platform.Database.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class NotificationPreferences : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Existing staff keep today's behaviour (notification and sound on); new accounts get the same via StaffUser.
            migrationBuilder.AddColumn<bool>(
                name: "notify_browser",
                table: "platform_users",
                type: "INTEGER",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<bool>(
                name: "notify_sound",
                table: "platform_users",
                type: "INTEGER",
                nullable: false,
                defaultValue: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "notify_browser",
                table: "platform_users");

            migrationBuilder.DropColumn(
                name: "notify_sound",
                table: "platform_users");
        }
    }
}
