using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Kefu.Platform.Database.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Widget : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "deleted_at",
                table: "chat_sites",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "greeting_en",
                table: "chat_sites",
                type: "TEXT",
                maxLength: 500,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "greeting_zh_cn",
                table: "chat_sites",
                type: "TEXT",
                maxLength: 500,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "offline_message_en",
                table: "chat_sites",
                type: "TEXT",
                maxLength: 500,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "offline_message_zh_cn",
                table: "chat_sites",
                type: "TEXT",
                maxLength: 500,
                nullable: false,
                defaultValue: "");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "deleted_at",
                table: "chat_sites");

            migrationBuilder.DropColumn(
                name: "greeting_en",
                table: "chat_sites");

            migrationBuilder.DropColumn(
                name: "greeting_zh_cn",
                table: "chat_sites");

            migrationBuilder.DropColumn(
                name: "offline_message_en",
                table: "chat_sites");

            migrationBuilder.DropColumn(
                name: "offline_message_zh_cn",
                table: "chat_sites");
        }
    }
}
