using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Kefu.Platform.Database.Migrations.Postgres
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
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "greeting_en",
                table: "chat_sites",
                type: "character varying(500)",
                maxLength: 500,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "greeting_zh_cn",
                table: "chat_sites",
                type: "character varying(500)",
                maxLength: 500,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "offline_message_en",
                table: "chat_sites",
                type: "character varying(500)",
                maxLength: 500,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "offline_message_zh_cn",
                table: "chat_sites",
                type: "character varying(500)",
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
