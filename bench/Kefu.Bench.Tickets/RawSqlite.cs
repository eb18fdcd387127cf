using Microsoft.Data.Sqlite;

namespace Kefu.Bench.Tickets;

/// <summary>Direct Microsoft.Data.Sqlite access to a Kefu database file, set up as the app sets up its connections.</summary>
public static class RawSqlite
{
    /// <summary>The app's connection string (DatabaseSetup.SqliteConnectionString) and per-connection pragmas (SqlitePragmas).</summary>
    public static SqliteConnection Open(string path)
    {
        var cs = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        var c = new SqliteConnection(cs);
        c.Open();
        Exec(c, "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000;");
        return c;
    }

    public static void Exec(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    public static T Scalar<T>(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return (T)Convert.ChangeType(cmd.ExecuteScalar()!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Outbox rows the server has not dispatched yet (read through WAL while the server runs).</summary>
    public static long OutboxBacklog(string path)
    {
        using var c = Open(path);
        return Scalar<long>(c, "SELECT count(*) FROM platform_outbox WHERE dispatched_at IS NULL");
    }

    public static string SqliteVersion()
    {
        using var c = new SqliteConnection("Data Source=:memory:");
        c.Open();
        return Scalar<string>(c, "SELECT sqlite_version()");
    }
}

/// <summary>What the API would look up once and then reuse: the admin behind the token, the category's defaults.</summary>
public sealed record SchemaFacts(string AdminId, string AdminName, long CategoryId, int Priority, long? DefaultTeamId, string PriorityName)
{
    public static SchemaFacts Read(string path)
    {
        using var c = RawSqlite.Open(path);
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT u.id, u.display_name FROM platform_access_tokens t JOIN platform_users u ON u.id = t.user_id ORDER BY t.id LIMIT 1";
        string adminId, adminName;
        using (var r = cmd.ExecuteReader())
        {
            if (!r.Read()) throw new InvalidOperationException("No access token in the migrated database.");
            adminId = r.GetString(0);
            adminName = r.GetString(1);
        }
        var names = Workload.CategoryPath.Split('/');
        cmd.CommandText = """
            SELECT c3.id, c3.default_priority, c3.default_team_id FROM tickets_categories c3
            JOIN tickets_categories c2 ON c2.id = c3.parent_id JOIN tickets_categories c1 ON c1.id = c2.parent_id
            WHERE c1.name = $n1 AND c2.name = $n2 AND c3.name = $n3
            """;
        cmd.Parameters.AddWithValue("$n1", names[0]);
        cmd.Parameters.AddWithValue("$n2", names[1]);
        cmd.Parameters.AddWithValue("$n3", names[2]);
        using var r2 = cmd.ExecuteReader();
        if (!r2.Read()) throw new InvalidOperationException($"Category {Workload.CategoryPath} not found.");
        var priority = r2.IsDBNull(1) ? 1 : r2.GetInt32(1);
        return new SchemaFacts(adminId, adminName, r2.GetInt64(0), priority, r2.IsDBNull(2) ? null : r2.GetInt64(2),
            new[] { "low", "normal", "high", "urgent" }[priority]);
    }
}

/// <summary>
/// The raw write baseline: the rows one API create writes (customer, e-mail identity, ticket, first message, three
/// outbox rows, two audit rows), as plain parameterised INSERTs in one transaction on one connection. Writers share
/// an in-process gate, as the app's WriteGate does, so SQLite's single writer is queued rather than retried.
/// </summary>
public sealed class RawTicketWriter : IDisposable
{
    private readonly SqliteConnection _c;
    private readonly SemaphoreSlim _gate;
    private readonly SchemaFacts _facts;
    private readonly SqliteCommand _customer, _identity, _ticket, _message, _outbox, _audit;

    public RawTicketWriter(string path, SemaphoreSlim gate, SchemaFacts facts, string? extraPragmas = null)
    {
        _c = RawSqlite.Open(path);
        if (extraPragmas is not null) RawSqlite.Exec(_c, string.Join(' ', extraPragmas.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => $"PRAGMA {p};")));
        _gate = gate;
        _facts = facts;
        _customer = Command("""
            INSERT INTO tickets_customers (name, address, note, language, created_at, updated_at, merged_into_id, version)
            VALUES ($name, NULL, NULL, 'zh-CN', $now, $now, NULL, 0) RETURNING id
            """, "$name", "$now");
        _identity = Command("""
            INSERT INTO tickets_customer_identities (customer_id, kind, value, created_at) VALUES ($cid, 0, $value, $now)
            """, "$cid", "$value", "$now");
        _ticket = Command("""
            INSERT INTO tickets_tickets (subject, channel, status, priority, category_id, team_id, assignee_id, owner_id, customer_id,
                created_at, updated_at, first_replied_at, solved_at, closed_at, merged_into_id, external_id, version)
            VALUES ($subject, 3, 0, $priority, $category, $team, NULL, NULL, $cid, $now, $now, NULL, NULL, NULL, NULL, NULL, 1)
            RETURNING id
            """, "$subject", "$priority", "$category", "$team", "$cid", "$now");
        _message = Command("""
            INSERT INTO tickets_messages (ticket_id, kind, channel, author_user_id, author_customer_id, body, body_html, external_id, created_at)
            VALUES ($tid, 0, 3, NULL, $cid, $body, NULL, NULL, $now) RETURNING id
            """, "$tid", "$cid", "$body", "$now");
        _outbox = Command("""
            INSERT INTO platform_outbox (type, payload, occurred_at, dispatched_at, attempts, next_attempt_at, last_error)
            VALUES ($type, $payload, $now, NULL, 0, NULL, NULL)
            """, "$type", "$payload", "$now");
        _audit = Command("""
            INSERT INTO platform_audit (at, actor_id, actor_name, via, remote_address, entity_type, entity_id, action, changes)
            VALUES ($now, $actor, $actorName, 'api-token', '127.0.0.1', $type, $id, 'created', $changes)
            """, "$now", "$actor", "$actorName", "$type", "$id", "$changes");
        _audit.Parameters["$actor"].Value = facts.AdminId;
        _audit.Parameters["$actorName"].Value = facts.AdminName;
        _ticket.Parameters["$priority"].Value = facts.Priority;
        _ticket.Parameters["$category"].Value = facts.CategoryId;
        _ticket.Parameters["$team"].Value = (object?)facts.DefaultTeamId ?? DBNull.Value;
    }

    private SqliteCommand Command(string sql, params string[] parameters)
    {
        var cmd = _c.CreateCommand();
        cmd.CommandText = sql;
        foreach (var p in parameters) cmd.Parameters.Add(new SqliteParameter(p, null));
        cmd.Prepare();
        return cmd;
    }

    public Operation Operation() => async (seq, ct) =>
    {
        await _gate.WaitAsync(ct);
        try { Insert(seq); }
        finally { _gate.Release(); }
        return null;
    };

    private void Insert(long i)
    {
        using var tx = _c.BeginTransaction();
        InsertRows(i, tx);
        tx.Commit();
    }

    /// <summary>
    /// Group commit: one writer drains whatever tickets are queued (up to <paramref name="maxBatch"/>) into a single
    /// transaction, so N concurrent creates cost one commit. Not what the app does today — it shows the ceiling of
    /// batching writers on this machine.
    /// </summary>
    public async Task RunGroupCommitAsync(System.Threading.Channels.ChannelReader<(long Seq, TaskCompletionSource Done)> queue, int maxBatch, CancellationToken ct)
    {
        var batch = new List<(long Seq, TaskCompletionSource Done)>(maxBatch);
        while (await queue.WaitToReadAsync(ct))
        {
            batch.Clear();
            while (batch.Count < maxBatch && queue.TryRead(out var item)) batch.Add(item);
            if (batch.Count == 0) continue;
            try
            {
                using var tx = _c.BeginTransaction();
                foreach (var (seq, _) in batch) InsertRows(seq, tx);
                tx.Commit();
                foreach (var (_, done) in batch) done.TrySetResult();
            }
            catch (Exception ex) when (ex is SqliteException or InvalidOperationException)
            {
                foreach (var (_, done) in batch) done.TrySetException(ex);
            }
        }
    }

    private void InsertRows(long i, SqliteTransaction tx)
    {
        foreach (var cmd in new[] { _customer, _identity, _ticket, _message, _outbox, _audit }) cmd.Transaction = tx;
        var now = DateTime.UtcNow;
        var name = Workload.Name(i);
        var subject = Workload.Subject(i);

        _customer.Parameters["$name"].Value = name;
        _customer.Parameters["$now"].Value = now;
        var customerId = (long)_customer.ExecuteScalar()!;
        Outbox("CustomerCreated", $$"""{"customerId":{{customerId}}}""", now);
        Audit("customer", customerId, $$"""{"name":"{{name}}"}""", now);

        _identity.Parameters["$cid"].Value = customerId;
        _identity.Parameters["$value"].Value = Workload.Email(i);
        _identity.Parameters["$now"].Value = now;
        _identity.ExecuteNonQuery();

        _ticket.Parameters["$subject"].Value = subject;
        _ticket.Parameters["$cid"].Value = customerId;
        _ticket.Parameters["$now"].Value = now;
        var ticketId = (long)_ticket.ExecuteScalar()!;

        _message.Parameters["$tid"].Value = ticketId;
        _message.Parameters["$cid"].Value = customerId;
        _message.Parameters["$body"].Value = Workload.Body(i);
        _message.Parameters["$now"].Value = now;
        var messageId = (long)_message.ExecuteScalar()!;

        Outbox("TicketCreated", $$"""{"ticketId":{{ticketId}},"customerId":{{customerId}},"channel":"api"}""", now);
        Outbox("MessageAdded", $$"""{"ticketId":{{ticketId}},"messageId":{{messageId}},"kind":"customer"}""", now);
        var team = _facts.DefaultTeamId is { } t ? t.ToString() : "null";
        Audit("ticket", ticketId, $$"""{"subject":"{{subject}}","channel":"api","priority":"{{_facts.PriorityName}}","category":"{{Workload.CategoryPath}}","teamId":{{team}},"assigneeId":null}""", now);
    }

    private void Outbox(string type, string payload, DateTime now)
    {
        _outbox.Parameters["$type"].Value = type;
        _outbox.Parameters["$payload"].Value = payload;
        _outbox.Parameters["$now"].Value = now;
        _outbox.ExecuteNonQuery();
    }

    private void Audit(string type, long id, string changes, DateTime now)
    {
        _audit.Parameters["$now"].Value = now;
        _audit.Parameters["$type"].Value = type;
        _audit.Parameters["$id"].Value = id.ToString();
        _audit.Parameters["$changes"].Value = changes;
        _audit.ExecuteNonQuery();
    }

    public void Dispose()
    {
        foreach (var cmd in new[] { _customer, _identity, _ticket, _message, _outbox, _audit }) cmd.Dispose();
        _c.Dispose();
    }
}

/// <summary>
/// The raw read baseline for GET /api/v1/tickets?teamId=&amp;status=open&amp;limit=50: the same statements the API's
/// query and DTO mapping issue (page by the team/status/created index, then tags, customers with identities,
/// staff names and team names of that page), read into memory.
/// </summary>
public sealed class RawTicketLister : IDisposable
{
    private readonly SqliteConnection _c;
    private readonly SqliteCommand _page;

    public RawTicketLister(string path)
    {
        _c = RawSqlite.Open(path);
        _page = _c.CreateCommand();
        _page.CommandText = """
            SELECT id, subject, channel, status, priority, category_id, team_id, assignee_id, owner_id, customer_id, created_at,
                updated_at, first_replied_at, solved_at, closed_at, merged_into_id, external_id, version
            FROM tickets_tickets WHERE team_id = $team AND status = 1
            ORDER BY created_at DESC, id DESC LIMIT $take
            """;
        _page.Parameters.Add(new SqliteParameter("$team", null));
        _page.Parameters.Add(new SqliteParameter("$take", null));
        _page.Prepare();
    }

    public Operation Operation(int[] teamIds, int limit) => (seq, _) =>
    {
        var rows = List(teamIds[seq % teamIds.Length], limit);
        return ValueTask.FromResult(rows == limit ? null : $"raw page had {rows} rows");
    };

    private int List(int team, int limit)
    {
        _page.Parameters["$team"].Value = team;
        _page.Parameters["$take"].Value = limit + 1;
        var tickets = new List<object?[]>(limit + 1);
        using (var r = _page.ExecuteReader())
        {
            while (r.Read())
            {
                var row = new object?[r.FieldCount];
                for (var i = 0; i < row.Length; i++)
                    row[i] = r.IsDBNull(i) ? null : i is 10 or 11 or 12 or 13 or 14 ? r.GetDateTime(i) : r.GetValue(i);
                tickets.Add(row);
            }
        }
        if (tickets.Count > limit) tickets.RemoveAt(limit);

        var ids = tickets.Select(t => (long)t[0]!).ToList();
        var customers = tickets.Select(t => (long)t[9]!).Distinct().ToList();
        var staff = tickets.SelectMany(t => new[] { t[7], t[8] }).OfType<string>().Distinct().ToList();
        var teams = tickets.Select(t => t[6]).OfType<long>().Distinct().ToList();
        Read("SELECT tt.ticket_id, t.name FROM tickets_ticket_tags tt JOIN tickets_tags t ON t.id = tt.tag_id WHERE tt.ticket_id IN ({0})", ids);
        Read("""
            SELECT c.id, c.name, i.kind, i.value FROM tickets_customers c
            LEFT JOIN tickets_customer_identities i ON i.customer_id = c.id WHERE c.id IN ({0}) ORDER BY c.id, i.id
            """, customers);
        if (staff.Count > 0) Read("SELECT id, display_name FROM platform_users WHERE id IN ({0})", staff);
        if (teams.Count > 0) Read("SELECT id, name FROM platform_teams WHERE id IN ({0})", teams);
        return tickets.Count;
    }

    private void Read<T>(string sql, List<T> values)
    {
        using var cmd = _c.CreateCommand();
        cmd.CommandText = string.Format(sql, string.Join(',', values.Select((_, i) => "$p" + i)));
        for (var i = 0; i < values.Count; i++) cmd.Parameters.AddWithValue("$p" + i, values[i]);
        using var r = cmd.ExecuteReader();
        var buffer = new object[8];
        while (r.Read()) r.GetValues(buffer);
    }

    public void Dispose()
    {
        _page.Dispose();
        _c.Dispose();
    }
}
