using System.Diagnostics;
using System.Threading.Channels;
using Kefu.Chat;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Data.Sqlite;

namespace Kefu.Bench.Chat;

/// <summary>
/// The persisting baseline (decision 0038): the bare echo hub plus the least issue 5 asks of a chat message before
/// its ack — the message committed to SQLite, with its per-conversation sequence number and client-id dedupe key and
/// one outbox row, in WAL mode with synchronous=NORMAL (Kefu's pragmas). Plain Microsoft.Data.Sqlite on one writer
/// connection with prepared statements reused for every message: no EF, no modules, no reactions. Per message:
/// the sequence upsert (UPDATE … RETURNING, as Kefu's), the message INSERT (unique (conversation, client id) and
/// (conversation, seq) indexes, as Kefu's), the outbox INSERT. SQLite's own auto-checkpoint (inline, every 1,000
/// pages) is kept: it costs the writer an fsync now and then, not CPU per message.
/// Two modes: one transaction per message (<see cref="PersistHub"/>), and group commit like decision 0013 — every
/// send waiting when a batch begins in one transaction, each acknowledged after that commit (<see cref="PersistGroupHub"/>).
/// Bench code only.
/// </summary>
public sealed class RawChatStore : IDisposable
{
    private readonly SqliteConnection _db;
    private readonly SqliteCommand _seq, _insert, _outbox, _find, _begin, _commit, _rollback;
    private readonly SqliteParameter _seqConversation;
    private readonly SqliteParameter _mConversation, _mSeq, _mClient, _mBody, _mAt;
    private readonly SqliteParameter _oType, _oPayload, _oAt;
    private readonly SqliteParameter _fConversation, _fClient;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly Channel<Job> _jobs = Channel.CreateUnbounded<Job>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    private const int MaxBatch = 64;

    /// <summary>Transactions committed and messages stored (the report's mean batch).</summary>
    public long Commits, Messages;

    public RawChatStore(string dataDir)
    {
        Directory.CreateDirectory(dataDir);
        _db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(dataDir, "raw-chat.db"), Pooling = false }.ToString());
        _db.Open();
        Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
        Exec("""
            CREATE TABLE IF NOT EXISTS conversations (id INTEGER PRIMARY KEY, last_seq INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY AUTOINCREMENT, conversation_id INTEGER NOT NULL REFERENCES conversations (id),
                seq INTEGER NOT NULL, client_id TEXT, sender INTEGER NOT NULL, body TEXT NOT NULL, created_at TEXT NOT NULL);
            CREATE UNIQUE INDEX IF NOT EXISTS ix_messages_seq ON messages (conversation_id, seq);
            CREATE UNIQUE INDEX IF NOT EXISTS ix_messages_client ON messages (conversation_id, client_id) WHERE client_id IS NOT NULL;
            CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, type TEXT NOT NULL, payload TEXT NOT NULL,
                created_at TEXT NOT NULL, dispatched_at TEXT);
            CREATE INDEX IF NOT EXISTS ix_outbox_pending ON outbox (id) WHERE dispatched_at IS NULL;
            """);
        // Allocates the next number and creates the conversation on its first message (one statement, as Kefu's UPDATE).
        _seq = Prepare("INSERT INTO conversations (id, last_seq) VALUES ($c, 1) ON CONFLICT (id) DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq",
            out _seqConversation, "$c");
        _insert = _db.CreateCommand();
        _insert.CommandText = "INSERT INTO messages (conversation_id, seq, client_id, sender, body, created_at) VALUES ($c, $s, $k, 0, $b, $t) RETURNING id";
        _mConversation = _insert.Parameters.Add("$c", SqliteType.Integer);
        _mSeq = _insert.Parameters.Add("$s", SqliteType.Integer);
        _mClient = _insert.Parameters.Add("$k", SqliteType.Text);
        _mBody = _insert.Parameters.Add("$b", SqliteType.Text);
        _mAt = _insert.Parameters.Add("$t", SqliteType.Text);
        _outbox = _db.CreateCommand();
        _outbox.CommandText = "INSERT INTO outbox (type, payload, created_at) VALUES ($y, $p, $t)";
        _oType = _outbox.Parameters.Add("$y", SqliteType.Text);
        _oPayload = _outbox.Parameters.Add("$p", SqliteType.Text);
        _oAt = _outbox.Parameters.Add("$t", SqliteType.Text);
        _find = _db.CreateCommand();
        _find.CommandText = "SELECT id, seq, created_at FROM messages WHERE conversation_id = $c AND client_id = $k";
        _fConversation = _find.Parameters.Add("$c", SqliteType.Integer);
        _fClient = _find.Parameters.Add("$k", SqliteType.Text);
        _begin = Command("BEGIN IMMEDIATE");
        _commit = Command("COMMIT");
        _rollback = Command("ROLLBACK");
        foreach (var c in new[] { _seq, _insert, _outbox, _find, _begin, _commit, _rollback })
        {
            foreach (SqliteParameter p in c.Parameters) p.Value = DBNull.Value;
            c.Prepare();
        }
        _writer = Task.Run(WriteLoopAsync);
    }

    private SqliteCommand Command(string sql)
    {
        var c = _db.CreateCommand();
        c.CommandText = sql;
        return c;
    }

    private SqliteCommand Prepare(string sql, out SqliteParameter p, string name)
    {
        var c = Command(sql);
        p = c.Parameters.Add(name, SqliteType.Integer);
        return c;
    }

    private void Exec(string sql)
    {
        using var c = Command(sql);
        c.ExecuteNonQuery();
    }

    /// <summary>One message in one transaction of its own, committed before this returns.</summary>
    public async Task<SendAck> StoreAsync(long conversation, string clientId, string body)
    {
        await _lock.WaitAsync();
        try
        {
            _begin.ExecuteNonQuery();
            try
            {
                var ack = Write(conversation, clientId, body);
                _commit.ExecuteNonQuery();
                Commits++;
                Messages++;
                return ack;
            }
            catch (SqliteException ex) when (ex.SqliteErrorCode == 19) // SQLITE_CONSTRAINT: a retry of a stored message
            {
                _rollback.ExecuteNonQuery();
                return Find(conversation, clientId);
            }
            catch
            {
                _rollback.ExecuteNonQuery();
                throw;
            }
        }
        finally { _lock.Release(); }
    }

    /// <summary>Queued for the group-commit writer; completes after the transaction holding it committed.</summary>
    public Task<SendAck> StoreGroupedAsync(long conversation, string clientId, string body)
    {
        var job = new Job(conversation, clientId, body);
        _jobs.Writer.TryWrite(job);
        return job.Done.Task;
    }

    private sealed record Job(long Conversation, string ClientId, string Body)
    {
        public TaskCompletionSource<SendAck> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Job>(MaxBatch);
        var acks = new List<SendAck>(MaxBatch);
        while (await _jobs.Reader.WaitToReadAsync())
        {
            batch.Clear();
            acks.Clear();
            while (batch.Count < MaxBatch && _jobs.Reader.TryRead(out var job)) batch.Add(job);
            await _lock.WaitAsync();
            try
            {
                _begin.ExecuteNonQuery();
                try
                {
                    foreach (var j in batch) acks.Add(Write(j.Conversation, j.ClientId, j.Body));
                    _commit.ExecuteNonQuery();
                    Commits++;
                    Messages += batch.Count;
                    for (var i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult(acks[i]);
                    continue;
                }
                catch (Exception)
                {
                    _rollback.ExecuteNonQuery(); // one bad send (a racing retry): each again on its own, below
                }
            }
            finally { _lock.Release(); }
            foreach (var j in batch)
            {
                try { j.Done.TrySetResult(await StoreAsync(j.Conversation, j.ClientId, j.Body)); }
                catch (Exception ex) { j.Done.TrySetException(ex); }
            }
        }
    }

    private SendAck Write(long conversation, string clientId, string body)
    {
        var now = DateTime.UtcNow;
        var at = now.ToString("O");
        _seqConversation.Value = conversation;
        var seq = (long)_seq.ExecuteScalar()!;
        _mConversation.Value = conversation;
        _mSeq.Value = seq;
        _mClient.Value = clientId;
        _mBody.Value = body;
        _mAt.Value = at;
        var id = (long)_insert.ExecuteScalar()!;
        _oType.Value = "chat.message_stored";
        _oPayload.Value = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{{\"conversationId\":{conversation},\"seq\":{seq},\"messageId\":{id}}}");
        _oAt.Value = at;
        _outbox.ExecuteNonQuery();
        return new SendAck(clientId, conversation, seq, id, now, false);
    }

    private SendAck Find(long conversation, string clientId)
    {
        _fConversation.Value = conversation;
        _fClient.Value = clientId;
        using var r = _find.ExecuteReader();
        if (!r.Read()) throw new InvalidOperationException("A constraint refused a message that is not stored.");
        return new SendAck(clientId, conversation, r.GetInt64(1), r.GetInt64(0), DateTime.Parse(r.GetString(2), null,
            System.Globalization.DateTimeStyles.RoundtripKind), true);
    }

    public void Dispose()
    {
        _jobs.Writer.TryComplete();
        try { _writer.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
        _db.Dispose();
    }
}

/// <summary>Holds the bench server's data folder for the raw store (created on first use).</summary>
public sealed class RawChatStoreHolder(BenchDataDir dir) : IDisposable
{
    private readonly Lazy<RawChatStore> _store = new(() => new RawChatStore(dir.Path));
    public RawChatStore Store => _store.Value;
    public bool Created => _store.IsValueCreated;
    public void Dispose() { if (_store.IsValueCreated) _store.Value.Dispose(); }
}

public sealed record BenchDataDir(string Path);

/// <summary>The echo hub with the message committed first, one transaction per message.</summary>
public sealed class PersistHub(IHubContext<AgentHub> agents, AgentCount count, RawChatStoreHolder store) : Hub
{
    private static long _conversations;

    public StartResult Start(StartRequest request) => EchoHub.StartConversation(Context, ref _conversations);

    public async Task<SendAck> Send(SendRequest request)
    {
        var conversation = Context.Items.TryGetValue("c", out var c) && c is long l ? l : 0;
        var ack = await store.Store.StoreAsync(conversation, request.ClientId, request.Text ?? "");
        await EchoHub.PushAsync(Clients.Caller, agents, count, conversation, ack, request);
        return ack;
    }
}

/// <summary>The echo hub with the message committed first, group commit (decision 0013's scheme).</summary>
public sealed class PersistGroupHub(IHubContext<AgentHub> agents, AgentCount count, RawChatStoreHolder store) : Hub
{
    private static long _conversations;

    public StartResult Start(StartRequest request) => EchoHub.StartConversation(Context, ref _conversations);

    public async Task<SendAck> Send(SendRequest request)
    {
        var conversation = Context.Items.TryGetValue("c", out var c) && c is long l ? l : 0;
        var ack = await store.Store.StoreGroupedAsync(conversation, request.ClientId, request.Text ?? "");
        await EchoHub.PushAsync(Clients.Caller, agents, count, conversation, ack, request);
        return ack;
    }
}
