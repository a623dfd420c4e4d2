using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Paydesk.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ProviderAccountSettings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "credentials_protected",
                table: "provider_accounts",
                type: "character varying(4000)",
                maxLength: 4000,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "disabled_at",
                table: "provider_accounts",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "hash_algorithm",
                table: "provider_accounts",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "login",
                table: "provider_accounts",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "mode",
                table: "provider_accounts",
                type: "character varying(8)",
                maxLength: 8,
                nullable: false,
                defaultValue: "test");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "updated_at",
                table: "provider_accounts",
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTimeOffset(new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)));

            // Accounts made before this release were last changed when they were made.
            migrationBuilder.Sql("UPDATE provider_accounts SET updated_at = created_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "credentials_protected",
                table: "provider_accounts");

            migrationBuilder.DropColumn(
                name: "disabled_at",
                table: "provider_accounts");

            migrationBuilder.DropColumn(
                name: "hash_algorithm",
                table: "provider_accounts");

            migrationBuilder.DropColumn(
                name: "login",
                table: "provider_accounts");

            migrationBuilder.DropColumn(
                name: "mode",
                table: "provider_accounts");

            migrationBuilder.DropColumn(
                name: "updated_at",
                table: "provider_accounts");
        }
    }
}
