using System.ComponentModel;
using Kefu.Platform;
using Kefu.Platform.Auth;
using Kefu.Platform.Database;
using Kefu.Platform.Http;
using Kefu.Platform.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Tickets;

/// <summary>The tickets list's query; the names are the query parameters' (camelCase, as in docs/api.md and OpenAPI).</summary>
public sealed record TicketFilter(
    [property: FromQuery(Name = "status"), Description("Statuses, comma-separated (new, open, pending_customer, on_hold, solved, closed); merged tickets only when given.")] string? Status,
    [property: FromQuery(Name = "teamId")] int? TeamId,
    [property: FromQuery(Name = "assignee"), Description("me, none or a user id.")] string? Assignee,
    [property: FromQuery(Name = "owner"), Description("me or a user id.")] string? Owner,
    [property: FromQuery(Name = "priority"), Description("Priorities, comma-separated (low, normal, high, urgent).")] string? Priority,
    [property: FromQuery(Name = "categoryId"), Description("A category and everything under it.")] int? CategoryId,
    [property: FromQuery(Name = "category"), Description("A category path (订单服务/下单问题) and everything under it.")] string? Category,
    [property: FromQuery(Name = "tag")] string? Tag,
    [property: FromQuery(Name = "channel"), Description("Channels, comma-separated.")] string? Channel,
    [property: FromQuery(Name = "customerId")] long? CustomerId,
    [property: FromQuery(Name = "createdFrom"), Description("Created at or after (inclusive).")] DateTime? CreatedFrom,
    [property: FromQuery(Name = "createdTo"), Description("Created before (exclusive).")] DateTime? CreatedTo,
    [property: FromQuery(Name = "q"), Description("Text in the subject or messages, a ticket number (#100234), or a customer's exact e-mail or phone.")] string? Q,
    [property: FromQuery(Name = "sort"), Description("-createdAt (default), createdAt, updatedAt or priority; prefix '-' for descending.")] string? Sort,
    [property: FromQuery(Name = "cursor"), Description("nextCursor of the previous page.")] string? Cursor,
    [property: FromQuery(Name = "limit"), Description("Rows per page, 1–200 (default 50).")] int? Limit,
    [property: FromQuery(Name = "myTeams"), Description("true: only tickets of the caller's teams.")] bool? MyTeams = null)
{
    public const string OpenStatuses = "new,open,pending_customer,on_hold";
}

/// <summary>The read side: visibility scoping, filters, keyset pages, and DTOs with PII masked where required.</summary>
public sealed class TicketQueries(KefuDb db, TaxonomyCache taxonomy, StaffDirectory directory)
{
    /// <summary>Tickets the staff member may see: all with tickets.scope_all, else their teams', assigned or owned.</summary>
    public IQueryable<Ticket> Visible(StaffContext staff)
    {
        var q = db.Set<Ticket>().AsNoTracking();
        if (!staff.Can(Permissions.TicketsRead)) return q.Where(_ => false);
        if (staff.SeesAllTickets) return q;
        var teams = staff.TeamIds.ToList();
        var me = staff.UserId;
        return q.Where(t => (t.TeamId != null && teams.Contains(t.TeamId.Value)) || t.AssigneeId == me || t.OwnerId == me);
    }

    /// <summary>Loads a ticket for reading or changing: 404 when absent, 403 when outside the caller's scope.</summary>
    public async Task<Ticket> LoadAsync(long id, StaffContext staff, bool track, CancellationToken ct)
    {
        // One query in the usual case (a visible ticket); the second only tells 403 from 404.
        var visible = Visible(staff);
        if (track) visible = visible.AsTracking();
        if (await visible.FirstOrDefaultAsync(t => t.Id == id, ct) is { } ticket) return ticket;
        if (!await db.Set<Ticket>().AnyAsync(t => t.Id == id, ct)) throw DomainException.NotFound($"Ticket {id}");
        throw DomainException.Forbidden($"Ticket #{id + TicketRules.NumberOffset} belongs to a team you are not in.");
    }

    /// <summary>How many visible tickets match the filter (for the workspace's view counts).</summary>
    public async Task<int> CountAsync(TicketFilter f, StaffContext staff, CancellationToken ct) =>
        await (await FilterAsync(f, staff, ct)).CountAsync(ct);

    /// <summary>Checks a filter as a list would read it (unknown statuses, bad ids or sort are 400s) without running it.</summary>
    public async Task ValidateAsync(TicketFilter f, StaffContext staff, CancellationToken ct)
    {
        await FilterAsync(f, staff, ct);
        Keyset.ParseSort(f.Sort, Sorts);
    }

    /// <summary>The list's orders: each by its key, ties by id; newest first when none is asked for.</summary>
    private static readonly ListSort<Ticket>[] Sorts =
    [
        ListSort<Ticket>.By("createdAt", t => t.CreatedAt, t => t.Id).WithDescendingDefault(),
        ListSort<Ticket>.By("updatedAt", t => t.UpdatedAt, t => t.Id),
        ListSort<Ticket>.By("priority", t => (int)t.Priority, t => t.Id),
    ];

    public async Task<Page<TicketDto>> ListAsync(TicketFilter f, StaffContext staff, CancellationToken ct)
    {
        var (rows, next) = await Keyset.PageAsync(await FilterAsync(f, staff, ct), Sorts, f.Sort, f.Cursor, f.Limit, ct);
        return new Page<TicketDto>(await ToDtosAsync(rows, staff, ct), next);
    }

    private async Task<IQueryable<Ticket>> FilterAsync(TicketFilter f, StaffContext staff, CancellationToken ct)
    {
        var tax = await taxonomy.GetAsync(ct);
        var q = Visible(staff);
        // Merged tickets are hidden unless statuses are asked for. Decided here, not in SQL: an "OR @p IS NOT NULL"
        // would keep SQLite from using the (team, status, created) index.
        if (f.Status is null) q = q.Where(t => t.MergedIntoId == null);
        if (f.Status is { } s) { var set = ParseList<TicketStatus>(s, "status"); q = q.Where(t => set.Contains(t.Status)); }
        if (f.Priority is { } p) { var set = ParseList<TicketPriority>(p, "priority"); q = q.Where(t => set.Contains(t.Priority)); }
        if (f.Channel is { } c) { var set = ParseList<Channel>(c, "channel"); q = q.Where(t => set.Contains(t.Channel)); }
        if (f.TeamId is { } team) q = q.Where(t => t.TeamId == team);
        if (f.MyTeams == true)
        {
            var mine = staff.TeamIds.ToList();
            q = q.Where(t => t.TeamId != null && mine.Contains(t.TeamId.Value));
        }
        // Ids are parsed here, not inside the expression: EF would evaluate them lazily and wrap a bad one in a 500.
        if (f.Assignee is { } a)
        {
            if (a == "none") q = q.Where(t => t.AssigneeId == null);
            else { var assignee = a == "me" ? staff.UserId : ParseGuid(a, "assignee"); q = q.Where(t => t.AssigneeId == assignee); }
        }
        if (f.Owner is { } o) { var owner = o == "me" ? staff.UserId : ParseGuid(o, "owner"); q = q.Where(t => t.OwnerId == owner); }
        var categoryFilter = f.CategoryId;
        if (categoryFilter is null && f.Category is { } path)
            categoryFilter = tax.FindPath(path)?.Id ?? throw DomainException.Validation("category", $"Category '{path}' does not exist.");
        if (categoryFilter is { } cid)
        {
            var ids = tax.WithDescendants(cid);
            q = q.Where(t => t.CategoryId != null && ids.Contains(t.CategoryId.Value));
        }
        if (f.Tag is { } tag)
        {
            // Any case of the name (decisions 0063, 0065), by the tag's indexed key.
            var keys = TagMatch.Keys([tag]);
            q = q.Where(t => t.Tags.Any(x => keys.Contains(x.Tag.NormalizedName)));
        }
        if (f.CustomerId is { } cust) q = q.Where(t => t.CustomerId == cust);
        if (f.CreatedFrom is { } from) { var u = from.ToUniversalTime(); q = q.Where(t => t.CreatedAt >= u); }
        if (f.CreatedTo is { } to) { var u = to.ToUniversalTime(); q = q.Where(t => t.CreatedAt < u); }
        if (!string.IsNullOrWhiteSpace(f.Q)) q = ApplyText(q, f.Q.Trim(), staff.MasksPii);
        return q;
    }

    private IQueryable<Ticket> ApplyText(IQueryable<Ticket> q, string text, bool masked)
    {
        var identities = db.Set<CustomerIdentity>();
        // A phone number however it is written ("138 0013 8000", "+86 138-0013-8000"), normalised the way phone
        // identities are stored, so it finds the customer's tickets.
        var phone = LooksLikePhone(text) ? CustomerIdentity.Normalize(IdentityKind.Phone, text) : null;
        var number = text.TrimStart('#');
        long byNumber = -1; // no ticket has this id
        if (long.TryParse(number, out var n) && n > TicketRules.NumberOffset)
        {
            var id = n - TicketRules.NumberOffset;
            // "#100123" is a ticket number; bare digits may be a ticket number or a phone number (of the customer, or
            // written in the text).
            if (phone is null || text.StartsWith('#')) return q.Where(t => t.Id == id);
            byNumber = id;
        }
        var identity = text.ToLowerInvariant();
        // Masked staff (decision 0062): a query that could spell out masked data — two digits or more, or an '@' — does
        // not search the subject and messages (they are shown masked; a match would confirm the hidden characters).
        // It still finds a ticket number and a customer's whole address or number, as customer search does (0054).
        if (masked && CouldSpellMaskedData(text))
            return q.Where(t => t.Id == byNumber || identities.Any(i => i.CustomerId == t.CustomerId
                && (i.Value == identity || (phone != null && i.Kind == IdentityKind.Phone && i.Value == phone))));
        // Case-insensitive ("refund" finds "Refund"): lower() on both sides, the query text folded as the database folds
        // the column (SQLite's lower() only ASCII, PostgreSQL's all of Unicode; Chinese has no case either way).
        var lower = db.Database.IsSqlite() ? AsciiLower(text) : text.ToLowerInvariant();
        var messages = db.Set<Message>();
        return q.Where(t => t.Id == byNumber
            || t.Subject.ToLower().Contains(lower)
            || messages.Any(m => m.TicketId == t.Id && m.Body.ToLower().Contains(lower))
            || identities.Any(i => i.CustomerId == t.CustomerId
                && (i.Value == identity || (phone != null && i.Kind == IdentityKind.Phone && i.Value == phone))));
    }

    /// <summary>Whether a search could confirm characters that masking hides from outsourced staff: it has an '@'
    /// (an e-mail address or part of one) or two digits or more (part of a phone or ID number).</summary>
    internal static bool CouldSpellMaskedData(string text) => text.Contains('@') || text.Count(char.IsAsciiDigit) >= 2;

    private static string AsciiLower(string s) =>
        string.Create(s.Length, s, (span, t) => { for (var k = 0; k < t.Length; k++) span[k] = char.IsAsciiLetterUpper(t[k]) ? (char)(t[k] | 0x20) : t[k]; });

    /// <summary>
    /// Customers for the workspace search (next to its tickets): by a substring of the name (Chinese included), of an
    /// e-mail address, or of a phone number however it is written. Only customers of tickets the staff member may see
    /// (all, with tickets.scope_all). Outsourced staff see identities masked and find customers by a whole address or
    /// number only, so a search cannot spell out one they are not shown. A ticket number ("#100123") finds no customer.
    /// </summary>
    public async Task<IReadOnlyList<CustomerHit>> SearchCustomersAsync(string text, StaffContext staff, int limit, CancellationToken ct)
    {
        text = text.Trim();
        if (text.Length == 0 || !staff.Can(Permissions.TicketsRead)) return [];
        if (text.StartsWith('#') && long.TryParse(text[1..], out _)) return [];
        var visible = Visible(staff).Where(t => t.MergedIntoId == null);
        var customers = db.Set<Customer>().AsNoTracking().Where(c => c.MergedIntoId == null);
        if (!staff.SeesAllTickets) customers = customers.Where(c => visible.Any(t => t.CustomerId == c.Id));
        customers = CustomersEndpoints.Search(customers, text, staff.MasksPii);
        var rows = await customers.OrderByDescending(c => c.Id).Take(limit)
            .Select(c => new
            {
                c.Id, c.Name,
                Identities = c.Identities.OrderBy(i => i.Id).Select(i => new IdentityRow(i.Kind, i.Value)).ToList(),
                Tickets = visible.Count(t => t.CustomerId == c.Id),
            })
            .ToListAsync(ct);
        return [.. rows.Select(c =>
        {
            var (email, phone) = Contact(c.Identities, staff);
            return new CustomerHit(c.Id, c.Name, email, phone, c.Tickets);
        })];
    }

    /// <summary>At least seven digits and nothing but digits and the separators people write phone numbers with.</summary>
    internal static bool LooksLikePhone(string text) =>
        text.Count(char.IsAsciiDigit) >= 7 && text.All(c => char.IsAsciiDigit(c) || c is ' ' or '+' or '-' or '(' or ')' or '.');

    public async Task<TicketDto> ToDtoAsync(Ticket ticket, StaffContext staff, CancellationToken ct) =>
        (await ToDtosAsync([ticket], staff, ct))[0];

    /// <summary>The DTO of a ticket this request has just created and saved, from its tracked entities: its tags are
    /// those it was created with, and a customer created with it has only the identities added with it, so neither is
    /// read back (an existing customer's identities still are).</summary>
    public async Task<TicketDto> ToCreatedDtoAsync(Ticket ticket, StaffContext staff, CancellationToken ct) =>
        (await ToDtosAsync([ticket], staff, ct, created: true))[0];

    public async Task<IReadOnlyList<TicketDto>> ToDtosAsync(IReadOnlyList<Ticket> tickets, StaffContext staff, CancellationToken ct) =>
        await ToDtosAsync(tickets, staff, ct, created: false);

    private async Task<IReadOnlyList<TicketDto>> ToDtosAsync(IReadOnlyList<Ticket> tickets, StaffContext staff, CancellationToken ct, bool created)
    {
        if (tickets.Count == 0) return [];
        var tax = await taxonomy.GetAsync(ct);
        var ids = tickets.Select(t => t.Id).ToList();
        var staffIds = tickets.SelectMany(t => new[] { t.AssigneeId, t.OwnerId }).OfType<Guid>().Distinct().ToList();
        var teamIds = tickets.Select(t => t.TeamId).OfType<int>().Distinct().ToList();

        var tags = created
            ? tickets.SelectMany(t => t.Tags.Select(x => new { TicketId = t.Id, x.Tag.Name })).ToLookup(t => t.TicketId, t => t.Name)
            : (await db.Set<TicketTag>().AsNoTracking().Where(t => ids.Contains(t.TicketId))
                .Select(t => new { t.TicketId, t.Tag.Name }).ToListAsync(ct))
            .ToLookup(t => t.TicketId, t => t.Name);
        // A customer created in this unit carries all its identities (marked loaded by CustomerService).
        var known = created
            ? tickets.Select(t => t.Customer).OfType<Customer>().Where(c => db.Entry(c).Collection(x => x.Identities).IsLoaded)
                .DistinctBy(c => c.Id).ToDictionary(c => c.Id, c => new CustomerRow(c.Id, c.Name, [.. c.Identities.Select(i => new IdentityRow(i.Kind, i.Value))]))
            : [];
        var customerIds = tickets.Select(t => t.CustomerId).Distinct().Where(id => !known.ContainsKey(id)).ToList();
        var customers = known;
        if (customerIds.Count > 0)
        {
            customers = await db.Set<Customer>().AsNoTracking().Where(c => customerIds.Contains(c.Id))
                .Select(c => new CustomerRow(c.Id, c.Name, c.Identities.Select(i => new IdentityRow(i.Kind, i.Value)).ToList()))
                .ToDictionaryAsync(c => c.Id, ct);
            foreach (var (id, row) in known) customers[id] = row;
        }
        var names = await directory.NamesAsync(staffIds, ct);
        var teams = teamIds.Count == 0 ? new Dictionary<int, string>() : await directory.TeamNamesAsync(ct);

        StaffRef? Staff(Guid? id) => id is { } g ? new StaffRef(g, names.GetValueOrDefault(g) ?? "?") : null;
        return tickets.Select(t =>
        {
            var c = customers.GetValueOrDefault(t.CustomerId);
            var (email, phone) = Contact(c?.Identities ?? [], staff);
            var summary = new CustomerSummary(t.CustomerId, c?.Name ?? "?", email, phone);
            return new TicketDto(t.Id, t.Number, MaskText(t.Subject, staff), t.Channel, t.Status, t.Priority, tax.Ref(t.CategoryId),
                t.TeamId is { } tid ? new TeamRef(tid, teams.GetValueOrDefault(tid) ?? "?") : null,
                Staff(t.AssigneeId), Staff(t.OwnerId), summary, [.. tags[t.Id]], t.CreatedAt, t.UpdatedAt, t.FirstRepliedAt,
                t.SolvedAt, t.ClosedAt, t.MergedIntoId, t.ExternalId, t.Version, [.. TicketRules.NextStatuses(t.Status)]);
        }).ToList();
    }

    public async Task<MessageDto[]> MessagesAsync(long ticketId, StaffContext staff, CancellationToken ct)
    {
        var messages = await db.Set<Message>().AsNoTracking().Include(m => m.Attachments)
            .Where(m => m.TicketId == ticketId).OrderBy(m => m.CreatedAt).ThenBy(m => m.Id).ToListAsync(ct);
        return await ToDtosAsync(messages, staff, ct);
    }

    public async Task<MessageDto[]> ToDtosAsync(IReadOnlyList<Message> messages, StaffContext staff, CancellationToken ct)
    {
        var staffIds = messages.Select(m => m.AuthorUserId).OfType<Guid>().Distinct().ToList();
        var customerIds = messages.Select(m => m.AuthorCustomerId).OfType<long>().Distinct().ToList();
        var staffNames = staffIds.Count == 0 ? [] : await db.Users.AsNoTracking().Where(u => staffIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        var customerNames = customerIds.Count == 0 ? [] : await db.Set<Customer>().AsNoTracking().Where(c => customerIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, ct);
        return [.. messages.Select(m => new MessageDto(m.Id, m.TicketId, m.Kind, m.Channel,
            m.AuthorUserId is { } u ? new AuthorDto("staff", u.ToString(), staffNames.GetValueOrDefault(u) ?? "?")
            : m.AuthorCustomerId is { } c ? new AuthorDto("customer", c.ToString(), customerNames.GetValueOrDefault(c) ?? "?")
            : new AuthorDto("system", null, "Kefu"),
            MaskText(m.Body, staff), m.BodyHtml is null ? null : MaskText(m.BodyHtml, staff),
            [.. m.Attachments.Select(a => new AttachmentDto(a.Id, a.FileName, a.ContentType, a.Size, $"/api/v1/attachments/{a.Id}"))],
            m.CreatedAt))];
    }

    public static CustomerDto ToDto(Customer c, StaffContext staff) => new(
        c.Id, c.Name, c.Address is null ? null : staff.MasksPii ? PiiMasker.Address(c.Address) : c.Address,
        c.Note is null ? null : MaskText(c.Note, staff), c.Language,
        [.. c.Identities.OrderBy(i => i.Id).Select(i => new IdentityDto(i.Id, i.Kind,
            staff.MasksPii ? PiiMasker.Identity(i.Kind.ToString().ToLowerInvariant(), i.Value) : i.Value))],
        c.CreatedAt, c.UpdatedAt, c.MergedIntoId, c.Version);

    /// <summary>A customer's first e-mail and first phone number among its identities (in the order given), masked
    /// for staff who see personal data masked: what the ticket list and the customer search show of a customer.</summary>
    private static (string? Email, string? Phone) Contact(IReadOnlyList<IdentityRow> identities, StaffContext staff)
    {
        var email = identities.FirstOrDefault(i => i.Kind == IdentityKind.Email)?.Value;
        var phone = identities.FirstOrDefault(i => i.Kind == IdentityKind.Phone)?.Value;
        return staff.MasksPii
            ? (email is null ? null : PiiMasker.Email(email), phone is null ? null : PiiMasker.Phone(phone))
            : (email, phone);
    }

    private static string MaskText(string text, StaffContext staff) => staff.MasksPii ? PiiMasker.Text(text) : text;

    internal static List<T> ParseList<T>(string csv, string field) where T : struct, Enum
    {
        var result = new List<T>();
        foreach (var part in csv.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var name = part.Replace("_", "", StringComparison.Ordinal);
            if (!Enum.TryParse<T>(name, ignoreCase: true, out var v) || int.TryParse(part, out _))
                throw DomainException.Validation(field, $"'{part}' is not a valid {field}; use one of: " +
                    string.Join(", ", Enum.GetNames<T>().Select(System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName)) + ".");
            result.Add(v);
        }
        return result;
    }

    private static Guid ParseGuid(string value, string field) =>
        Guid.TryParse(value, out var g) ? g : throw DomainException.Validation(field, $"{field} must be 'me', 'none' or a staff id.");

    private sealed record IdentityRow(IdentityKind Kind, string Value);
    private sealed record CustomerRow(long Id, string Name, List<IdentityRow> Identities);
}
