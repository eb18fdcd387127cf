using System.Reflection;
using System.Security.Cryptography;
using Kefu.Platform;
using Kefu.Platform.Auth;
using Kefu.Platform.Database;
using Kefu.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Demo;

/// <summary>First-start work, run before the server accepts requests: migrate, roles, taxonomy, first admin,
/// bootstrap token, demo data. Every step is idempotent, so restarts are safe.</summary>
public static class Startup
{
    public const string DemoPassword = "Kefu@2026";


    public static async Task InitializeAsync(WebApplication app)
    {
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<KefuOptions>>().Value;
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Kefu.Startup");
        var ct = app.Lifetime.ApplicationStopping;
        await DatabaseSetup.MigrateAsync(app.Services, ct);

        await using var scope = app.Services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var uow = sp.GetRequiredService<UnitOfWork>();
        var staff = sp.GetRequiredService<StaffService>();
        await uow.RunAsync(_ => staff.EnsureRolesAsync(), ct);
        await uow.RunAsync(c => ImportTaxonomyAsync(uow.Db, c), ct);

        string? adminPassword = null;
        if (!await uow.Db.Users.AnyAsync(ct))
        {
            if (options.Demo)
            {
                await DemoSeeder.SeedStaffAsync(sp, ct);
                adminPassword = DemoPassword;
            }
            else
            {
                // Letters and digits from each class, so it always passes the password rules.
                adminPassword = options.AdminPassword ?? RandomNumberGenerator.GetString("abcdefghjkmnpqrstuvwxyz", 6)
                    + RandomNumberGenerator.GetString("ABCDEFGHJKLMNPQRSTUVWXYZ", 3) + RandomNumberGenerator.GetString("23456789", 3);
                await uow.RunAsync(c => staff.CreateAsync(new CreateUserRequest("admin", "Administrator", null, adminPassword,
                    [Roles.Admin], null, false, "zh-CN"), c), ct);
            }
        }

        if (!string.IsNullOrEmpty(options.BootstrapApiToken))
        {
            var hash = TokenAuthentication.Hash(options.BootstrapApiToken);
            if (!await uow.Db.AccessTokens.AnyAsync(t => t.Hash == hash, ct))
            {
                var admin = await uow.Db.Users.Where(u => u.Roles.Any(r => r.Role.Name == Roles.Admin) && u.IsActive)
                    .OrderBy(u => u.CreatedAt).FirstAsync(ct);
                var audit = sp.GetRequiredService<Platform.Audit.AuditLog>();
                var time = sp.GetRequiredService<TimeProvider>();
                await uow.RunAsync(c => AccessTokenService.Create(uow.Db, audit, time, admin.Id,
                    new CreateTokenRequest("bootstrap", null), c, options.BootstrapApiToken), ct);
                log.LogInformation("Created the bootstrap API token for {User}", admin.UserName);
            }
        }

        string? demoToken = null;
        if (options.Demo && adminPassword is not null && string.IsNullOrEmpty(options.BootstrapApiToken))
        {
            // Evaluation convenience: a ready API token for the demo admin, shown once and kept in the data folder.
            var admin = await uow.Db.Users.FirstAsync(u => u.UserName == "admin", ct);
            var audit = sp.GetRequiredService<Platform.Audit.AuditLog>();
            var time = sp.GetRequiredService<TimeProvider>();
            demoToken = (await uow.RunAsync(c => AccessTokenService.Create(uow.Db, audit, time, admin.Id,
                new CreateTokenRequest("demo", null), c), ct)).Value;
            await File.WriteAllTextAsync(Path.Combine(options.DataDir, "demo-api-token.txt"), demoToken + "\n", ct);
        }

        if (options.Demo && !await uow.Db.Set<Ticket>().AnyAsync(ct))
        {
            var started = System.Diagnostics.Stopwatch.StartNew();
            var count = await DemoSeeder.SeedTicketsAsync(sp, ct);
            log.LogInformation("Seeded {Count} demo tickets in {Ms} ms", count, started.ElapsedMilliseconds);
            // The tickets were written in bulk, without events: SLA computes their clocks from their history.
            var timed = await sp.GetRequiredService<Sla.SlaBackfill>().StartClocksForOpenTicketsAsync(ct);
            log.LogInformation("Started SLA clocks for {Count} open demo tickets", timed);
        }

        var tokenFile = Path.Combine(options.DataDir, "demo-api-token.txt");
        demoToken ??= options.Demo && File.Exists(tokenFile) ? (await File.ReadAllTextAsync(tokenFile, ct)).Trim() : null;
        var login = options.Demo
            ? $"Sign in as 'admin' with password '{DemoPassword}'; demo staff (supervisor, lead1, agent1, outsourced1, qa, …) use the same password."
            : adminPassword is not null ? $"Sign in as 'admin' with password '{adminPassword}' (shown only now: change it)." : null;
        app.Lifetime.ApplicationStarted.Register(() => Console.Out.Write(Banner(app.Urls, login, demoToken)));
        NativeHeap.TrimWhenStarted(app.Lifetime);
    }

    /// <summary>What a person at the console needs: where Kefu runs and how to sign in. Written with one call so log
    /// lines (written by the console logger's own thread) cannot land inside it; it goes to the console only, never
    /// to the log, because it may hold the demo password and token.</summary>
    internal static string Banner(ICollection<string> urls, string? login, string? demoToken)
    {
        var url = urls.FirstOrDefault();
        var b = new System.Text.StringBuilder();
        b.AppendLine();
        b.AppendLine($"Kefu is running at {string.Join(", ", urls)}   API docs: {url}/api/docs");
        if (login is not null) b.AppendLine(login);
        if (demoToken is not null) b.AppendLine($"Demo API token: {demoToken}   (curl -H 'Authorization: Bearer {demoToken}' {url}/api/v1/tickets)");
        b.AppendLine("Press Ctrl+C to stop.");
        b.AppendLine();
        return b.ToString();
    }

    /// <summary>Loads the shipped 3-level taxonomy on first start; afterwards admins own it.</summary>
    internal static async Task ImportTaxonomyAsync(KefuDb db, CancellationToken ct)
    {
        if (await db.Set<Category>().AnyAsync(ct)) return;
        var teams = await db.Teams.ToDictionaryAsync(t => t.Name, t => t.Id, ct);
        var byPath = new Dictionary<string, Category>();
        var order = 0;
        foreach (var line in ReadResource("taxonomy.tsv").Split('\n'))
        {
            if (line.StartsWith('#') || string.IsNullOrWhiteSpace(line)) continue;
            var f = line.TrimEnd('\r').Split('\t');
            Category? parent = null;
            for (var level = 1; level <= 3; level++)
            {
                var path = string.Join('/', f[..level]);
                if (!byPath.TryGetValue(path, out var node))
                {
                    node = new Category { Name = f[level - 1], Level = level, SortOrder = order++ };
                    if (parent is not null) node.ParentId = parent.Id;
                    if (level == 3)
                    {
                        node.DefaultPriority = Enum.Parse<TicketPriority>(f[3], ignoreCase: true);
                        node.DefaultTeamId = teams.TryGetValue(f[4], out var tid) ? tid : null;
                    }
                    db.Add(node);
                    await db.SaveChangesAsync(ct);
                    byPath[path] = node;
                }
                parent = node;
            }
        }
    }

    /// <summary>Team names that the shipped taxonomy routes to, in file order.</summary>
    internal static IEnumerable<string> TaxonomyTeams() => ReadResource("taxonomy.tsv").Split('\n')
        .Where(l => !l.StartsWith('#') && l.Contains('\t')).Select(l => l.TrimEnd('\r').Split('\t')[4]).Distinct();

    internal static string ReadResource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Kefu.Demo.Data." + name)
            ?? throw new InvalidOperationException($"Missing embedded resource {name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
