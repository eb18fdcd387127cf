using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace Kefu.Bench.Email;

/// <summary>
/// What any implementation must spend per mail, measured on this machine in the same run: MIME parsing and sanitising
/// (warm, on all cores), and the rows Kefu wrote per mail inserted raw — prepared statements, one transaction per
/// batch, the same SQLite settings, no ORM — into a copy of the bench's database (same schema and indexes, foreign
/// keys off because the values are synthetic). Together with the bare fetch they bound the rate and say whether the
/// 70 %-of-bare-fetch target is reachable at all.
/// </summary>
public static class Ceiling
{
    public static double ParseRate(List<BenchMail> corpus)
    {
        var rate = 0.0;
        for (var i = 0; i < 3; i++) // the last of three runs: tier-1 code, like the steady-state pass
        {
            var sw = Stopwatch.StartNew();
            var n = corpus.AsParallel().Select(m => Kefu.Email.EmailParser.Parse(m.Raw)).Count();
            rate = n / sw.Elapsed.TotalSeconds;
        }
        return rate;
    }

    public static double ParseCpuMs(List<BenchMail> corpus)
    {
        var cpu = Environment.CpuUsage.TotalTime; // process-wide: approximate while background loops run
        foreach (var m in corpus) Kefu.Email.EmailParser.Parse(m.Raw);
        return (Environment.CpuUsage.TotalTime - cpu).TotalMilliseconds / corpus.Count;
    }

    /// <summary>Inserts <paramref name="inserts"/> ("INSERT table" → rows) raw in <paramref name="batches"/>
    /// transactions; returns the wall time and the CPU time of the process.</summary>
    public static (TimeSpan Elapsed, TimeSpan Cpu) RawInsert(string kefuDb, string copy, IReadOnlyDictionary<string, int> inserts, int batches)
    {
        using (var src = new SqliteConnection($"Data Source={kefuDb};Pooling=False"))
        {
            src.Open();
            using var vacuum = src.CreateCommand();
            vacuum.CommandText = "VACUUM INTO $f";
            vacuum.Parameters.AddWithValue("$f", copy);
            vacuum.ExecuteNonQuery();
        }
        using var c = new SqliteConnection($"Data Source={copy};Pooling=False");
        c.Open();
        Exec(c, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=OFF;");
        var seq = 2_000_000_000L;
        var body = string.Concat(Enumerable.Repeat("您好，我在贵店购买的商品（订单号 100000）出现了问题，麻烦尽快处理。谢谢！\n\n", 8));
        var tables = new List<(SqliteCommand Insert, List<(SqliteParameter P, string Name, string Type)> Columns, int Rows)>();
        foreach (var (kind, rows) in inserts)
        {
            if (!kind.StartsWith("INSERT ", StringComparison.Ordinal)) continue;
            var table = kind[7..];
            var cols = new List<(string Name, string Type, int Pk)>();
            using (var info = c.CreateCommand())
            {
                info.CommandText = $"PRAGMA table_info(\"{table}\")";
                using var r = info.ExecuteReader();
                while (r.Read()) cols.Add((r.GetString(1), r.GetString(2).ToUpperInvariant(), r.GetInt32(5)));
            }
            if (cols.Count(x => x.Pk > 0) == 1 && cols.Single(x => x.Pk > 0).Type == "INTEGER") cols.RemoveAll(x => x.Pk > 0);
            var cmd = c.CreateCommand();
            cmd.CommandText = $"INSERT INTO \"{table}\" ({string.Join(", ", cols.Select(x => $"\"{x.Name}\""))}) VALUES ({string.Join(", ", cols.Select((_, i) => "$p" + i))})";
            var ps = cols.Select((x, i) => (cmd.Parameters.Add(new SqliteParameter("$p" + i, null)), x.Name, x.Type)).ToList();
            tables.Add((cmd, ps, rows));
        }
        var cpu = Environment.CpuUsage.TotalTime;
        var sw = Stopwatch.StartNew();
        for (var b = 0; b < batches; b++)
        {
            using var tx = c.BeginTransaction();
            foreach (var (insert, columns, rows) in tables)
            {
                insert.Transaction = tx;
                if (b == 0) insert.Prepare();
                var n = (long)rows * (b + 1) / batches - (long)rows * b / batches;
                for (var i = 0; i < n; i++)
                {
                    seq++;
                    foreach (var (p, name, type) in columns)
                        p.Value = type.Contains("INT") ? seq : type.Contains("REAL") ? (double)seq : type.Contains("BLOB") ? BitConverter.GetBytes(seq)
                            : name.Contains("body", StringComparison.OrdinalIgnoreCase) || name.Contains("html", StringComparison.OrdinalIgnoreCase)
                              || name.Contains("payload", StringComparison.OrdinalIgnoreCase) || name.Contains("data", StringComparison.OrdinalIgnoreCase)
                                ? body : $"raw-{seq}-{name}";
                    insert.ExecuteNonQuery();
                }
            }
            tx.Commit();
        }
        var elapsed = sw.Elapsed;
        cpu = Environment.CpuUsage.TotalTime - cpu;
        foreach (var t in tables) t.Insert.Dispose();
        return (elapsed, cpu);
    }

    private static void Exec(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
