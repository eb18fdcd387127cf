using System.ComponentModel.DataAnnotations;
using System.Data.Common;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace Kefu.Bench.MemBaseline;

// The framework baseline of bench/tickets' create figure: POST /api/v1/tickets answered by the mandated stack alone
// (Kestrel, a minimal API with JSON binding and validation, a bearer check, EF Core on SQLite) writing the rows the raw
// baseline writes (customer, identity, ticket, message, three outbox rows, two audit rows) into a Kefu-migrated database,
// one transaction per ticket behind an in-process write gate. No Kefu code: no customer lookup, no triage, no reactions.
// On only when KEFU_BASELINE_TICKETS_DB names that database.

/// <summary>The Kefu tables the raw baseline writes, mapped with only the columns it writes (snake_case, as Kefu maps them).</summary>
public sealed class TicketRowsDb(DbContextOptions<TicketRowsDb> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder b)
    {
        b.Entity<CustomerRow>().ToTable("tickets_customers");
        b.Entity<IdentityRow>().ToTable("tickets_customer_identities");
        b.Entity<TicketRow>().ToTable("tickets_tickets");
        b.Entity<MessageRow>().ToTable("tickets_messages").HasOne(x => x.AuthorCustomer).WithMany().HasForeignKey(x => x.AuthorCustomerId);
        b.Entity<OutboxRow>().ToTable("platform_outbox");
        b.Entity<AuditRow>().ToTable("platform_audit");
    }
}

public sealed class CustomerRow
{
    public long Id { get; set; }
    public required string Name { get; set; }
    public required string Language { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public int Version { get; set; }
}

public sealed class IdentityRow
{
    public long Id { get; set; }
    public long CustomerId { get; set; }
    public CustomerRow? Customer { get; set; }
    public int Kind { get; set; }
    public required string Value { get; set; }
    public DateTime CreatedAt { get; set; }
}

public sealed class TicketRow
{
    public long Id { get; set; }
    public required string Subject { get; set; }
    public int Channel { get; set; }
    public int Status { get; set; }
    public int Priority { get; set; }
    public long CategoryId { get; set; }
    public long? TeamId { get; set; }
    public long CustomerId { get; set; }
    public CustomerRow? Customer { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public int Version { get; set; }
}

public sealed class MessageRow
{
    public long Id { get; set; }
    public long TicketId { get; set; }
    public TicketRow? Ticket { get; set; }
    public int Kind { get; set; }
    public int Channel { get; set; }
    public long? AuthorCustomerId { get; set; }
    public CustomerRow? AuthorCustomer { get; set; }
    public required string Body { get; set; }
    public DateTime CreatedAt { get; set; }
}

public sealed class OutboxRow
{
    public long Id { get; set; }
    public required string Type { get; set; }
    public required string Payload { get; set; }
    public DateTime OccurredAt { get; set; }
    public int Attempts { get; set; }
}

public sealed class AuditRow
{
    public long Id { get; set; }
    public DateTime At { get; set; }
    public required string ActorId { get; set; }
    public required string ActorName { get; set; }
    public required string Via { get; set; }
    public string? RemoteAddress { get; set; }
    public required string EntityType { get; set; }
    public required string EntityId { get; set; }
    public required string Action { get; set; }
    public required string Changes { get; set; }
}

/// <summary>The create body the bench sends (the fields Kefu's create takes that the bench uses).</summary>
public sealed record NewTicket(
    [property: Required, MaxLength(200)] string Subject,
    [property: Required, MaxLength(20)] string Channel,
    [property: Required] NewTicketCustomer Customer,
    [property: Required] NewTicketMessage Message,
    [property: MaxLength(200)] string? Category);

public sealed record NewTicketCustomer([property: Required, EmailAddress, MaxLength(254)] string Email, [property: MaxLength(100)] string? Name);

public sealed record NewTicketMessage([property: Required, MaxLength(20000)] string Body);

public sealed record CreatedTicket(long Id, string Number, string Subject, string Status, string Priority, CreatedCategory Category,
    long? TeamId, CreatedCustomer Customer, DateTime CreatedAt);

public sealed record CreatedCategory(long Id, string Path);

public sealed record CreatedCustomer(long Id, string Name);

/// <summary>What the endpoint reads once (as an app caches its taxonomy and token): the admin, the category's defaults.</summary>
public sealed record TicketFacts(string AdminId, string AdminName, byte[] TokenHash, long CategoryId, string CategoryPath, int Priority, long? TeamId)
{
    public static TicketFacts Read(string dbPath, string token, string categoryPath)
    {
        using var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = dbPath, Mode = SqliteOpenMode.ReadOnly }.ToString());
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT id, display_name FROM platform_users WHERE id = (SELECT user_id FROM platform_access_tokens ORDER BY id LIMIT 1)";
        string adminId, adminName;
        using (var r = cmd.ExecuteReader())
        {
            if (!r.Read()) throw new InvalidOperationException("No access token in " + dbPath);
            adminId = r.GetString(0);
            adminName = r.GetString(1);
        }
        var names = categoryPath.Split('/');
        cmd.CommandText = """
            SELECT c3.id, c3.default_priority, c3.default_team_id FROM tickets_categories c3
            JOIN tickets_categories c2 ON c2.id = c3.parent_id JOIN tickets_categories c1 ON c1.id = c2.parent_id
            WHERE c1.name = $n1 AND c2.name = $n2 AND c3.name = $n3
            """;
        for (var i = 0; i < 3; i++) cmd.Parameters.AddWithValue($"$n{i + 1}", names[i]);
        using var r2 = cmd.ExecuteReader();
        if (!r2.Read()) throw new InvalidOperationException($"Category {categoryPath} not found in {dbPath}.");
        return new TicketFacts(adminId, adminName, SHA256.HashData(Encoding.UTF8.GetBytes(token)), r2.GetInt64(0), categoryPath,
            r2.IsDBNull(1) ? 1 : r2.GetInt32(1), r2.IsDBNull(2) ? null : r2.GetInt64(2));
    }
}

/// <summary>The per-connection pragmas Kefu and the raw baseline set (WAL is a property of the file).</summary>
public sealed class SqlitePragmas : DbConnectionInterceptor
{
    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken ct = default)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000;";
        await cmd.ExecuteNonQueryAsync(ct);
    }
}

/// <summary>A bearer check of the one configured token by its SHA-256 (what any token scheme does at least).</summary>
public sealed class BearerTokenHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, TicketFacts facts)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string Name = "Bearer";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal)) return Task.FromResult(AuthenticateResult.NoResult());
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(header.AsSpan(7).Trim().ToString()));
        if (!CryptographicOperations.FixedTimeEquals(hash, facts.TokenHash)) return Task.FromResult(AuthenticateResult.Fail("Unknown token."));
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, facts.AdminId), new Claim(ClaimTypes.Name, facts.AdminName)], Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Name)));
    }
}

public static class TicketRowsEndpoint
{
    private static readonly string[] Priorities = ["low", "normal", "high", "urgent"];
    private static readonly SemaphoreSlim WriteGate = new(1, 1);

    public static void AddTicketRows(this IServiceCollection services, string dbPath, string token, string categoryPath)
    {
        var facts = TicketFacts.Read(dbPath, token, categoryPath);
        services.AddSingleton(facts);
        var cs = new SqliteConnectionStringBuilder { DataSource = dbPath, Cache = SqliteCacheMode.Private, Pooling = true, DefaultTimeout = 30 }.ToString();
        services.AddDbContextPool<TicketRowsDb>(o => o.UseSqlite(cs).UseSnakeCaseNamingConvention().AddInterceptors(new SqlitePragmas()));
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenHandler.Name, null);
    }

    public static void MapTicketRows(this WebApplication app) =>
        app.MapPost("/api/v1/tickets", async (NewTicket body, TicketRowsDb db, TicketFacts facts, HttpContext http, CancellationToken ct) =>
        {
            if (body.Category is { } path && path != facts.CategoryPath)
                return Results.Problem(statusCode: 400, title: "Unknown category", detail: $"'{path}' is not a category.");
            var now = DateTime.UtcNow;
            var name = body.Customer.Name ?? body.Customer.Email;
            var customer = new CustomerRow { Name = name, Language = "zh-CN", CreatedAt = now, UpdatedAt = now };
            var ticket = new TicketRow
            {
                Subject = body.Subject, Channel = 3, Priority = facts.Priority, CategoryId = facts.CategoryId, TeamId = facts.TeamId,
                Customer = customer, CreatedAt = now, UpdatedAt = now, Version = 1,
            };
            var remote = http.Connection.RemoteIpAddress?.ToString();
            AuditRow Audit(string type, long id, string changes) => new()
            {
                At = now, ActorId = facts.AdminId, ActorName = facts.AdminName, Via = "api-token", RemoteAddress = remote,
                EntityType = type, EntityId = id.ToString(System.Globalization.CultureInfo.InvariantCulture), Action = "created", Changes = changes,
            };
            await WriteGate.WaitAsync(ct);
            try
            {
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                var message = new MessageRow { Ticket = ticket, AuthorCustomer = customer, Body = body.Message.Body, CreatedAt = now };
                db.AddRange(customer, new IdentityRow { Customer = customer, Value = body.Customer.Email, CreatedAt = now }, ticket, message);
                await db.SaveChangesAsync(ct);
                db.AddRange(
                    new OutboxRow { Type = "CustomerCreated", Payload = $$"""{"customerId":{{customer.Id}}}""", OccurredAt = now },
                    new OutboxRow { Type = "TicketCreated", Payload = $$"""{"ticketId":{{ticket.Id}},"customerId":{{customer.Id}},"channel":"api"}""", OccurredAt = now },
                    new OutboxRow { Type = "MessageAdded", Payload = $$"""{"ticketId":{{ticket.Id}},"messageId":{{message.Id}},"kind":"customer"}""", OccurredAt = now },
                    Audit("customer", customer.Id, System.Text.Json.JsonSerializer.Serialize(new { name })),
                    Audit("ticket", ticket.Id, System.Text.Json.JsonSerializer.Serialize(new
                    {
                        subject = body.Subject, channel = body.Channel, priority = Priorities[facts.Priority], category = facts.CategoryPath,
                        teamId = facts.TeamId, assigneeId = (string?)null,
                    })));
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
            }
            finally { WriteGate.Release(); }
            return Results.Created($"/api/v1/tickets/{ticket.Id}", new CreatedTicket(ticket.Id, $"#{100000 + ticket.Id}", ticket.Subject, "new",
                Priorities[facts.Priority], new CreatedCategory(facts.CategoryId, facts.CategoryPath), facts.TeamId,
                new CreatedCustomer(customer.Id, name), now));
        }).RequireAuthorization(p => p.AddAuthenticationSchemes(BearerTokenHandler.Name).RequireAuthenticatedUser());
}
