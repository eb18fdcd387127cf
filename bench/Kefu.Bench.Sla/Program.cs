using System.Data.Common;
using System.Diagnostics;
using Npgsql;

// Usage: dotnet Kefu.Bench.Sla.dll [--tickets 1000000] [--warnings 1000] [--breaches 1000] [--rounds 10] [--batch 100]
//        [--sqlite-only | --postgres-only]. PostgreSQL runs too when KEFU_BENCH_PG (or KEFU_TEST_PG) holds a server connection string.
namespace Kefu.Bench.Sla
{
    public static class Entry
    {
        public static async Task Main(string[] args)
        {
        var o = BenchOptions.Parse(args);
        Console.WriteLine($"{o.Tickets:N0} open tickets x 2 clocks (first response, resolution); each round makes {o.Warnings:N0} warnings + "
            + $"{o.Breaches:N0} breaches due; {o.Rounds} rounds; sweeper batch {o.Batch}; {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        var results = new List<string>();
        var dataDir = Path.Combine(Path.GetTempPath(), $"kefu-bench-sla-{Environment.ProcessId}");
        try
        {
            if (!o.PostgresOnly) await new SweepBench("SQLite", "Sqlite", null, dataDir, o).RunAsync();
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dataDir, true); } catch (IOException) { }
        }

        var pg = Environment.GetEnvironmentVariable("KEFU_BENCH_PG") ?? Environment.GetEnvironmentVariable("KEFU_TEST_PG");
        if (pg is not null && !o.SqliteOnly)
        {
            var name = $"kefu_bench_sla_{Environment.ProcessId}";
            await using (var c = new NpgsqlConnection(pg))
            {
                await c.OpenAsync();
                await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", c);
                await cmd.ExecuteNonQueryAsync();
            }
            try
            {
                var cs = new NpgsqlConnectionStringBuilder(pg) { Database = name }.ToString();
                await new SweepBench("PostgreSQL", "Postgres", cs, dataDir + "-pg", o).RunAsync();
            }
            finally
            {
                NpgsqlConnection.ClearAllPools();
                await using var c = new NpgsqlConnection(pg);
                await c.OpenAsync();
                await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", c);
                await cmd.ExecuteNonQueryAsync();
                try { Directory.Delete(dataDir + "-pg", true); } catch (IOException) { }
            }
        }
        else Console.WriteLine("PostgreSQL: skipped (set KEFU_BENCH_PG or KEFU_TEST_PG to a server connection string)");
        }
    }

    public sealed record BenchOptions(int Tickets, int Warnings, int Breaches, int Rounds, int Batch, bool SqliteOnly, bool PostgresOnly)
    {
        public static BenchOptions Parse(string[] args)
        {
            int Int(string name, int fallback)
            {
                var i = Array.IndexOf(args, name);
                return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : fallback;
            }
            return new(Int("--tickets", 1_000_000), Int("--warnings", 1000), Int("--breaches", 1000), Int("--rounds", 10),
                Int("--batch", 100), args.Contains("--sqlite-only"), args.Contains("--postgres-only"));
        }
    }

    public static class Stats
    {
        public static double P(IReadOnlyCollection<double> xs, double q)
        {
            if (xs.Count == 0) return double.NaN;
            var s = xs.Order().ToArray();
            return s[(int)Math.Min(s.Length - 1, Math.Round(q * (s.Length - 1)))];
        }

        public static string Line(string what, List<double> ms, int items) =>
            $"  {what,-34} n={ms.Count,3}  p50 {P(ms, .5),7:0.00} ms  p99 {P(ms, .99),7:0.00} ms  max {ms.DefaultIfEmpty().Max(),7:0.00} ms"
            + (items > 0 ? $"  {items / (ms.Sum() / 1000):N0} items/s" : "");
    }

    public static class Sql
    {
        public static async Task<int> ExecAsync(DbConnection c, string sql, DbTransaction? tx = null)
        {
            await using var cmd = c.CreateCommand();
            cmd.CommandText = sql;
            cmd.Transaction = tx;
            cmd.CommandTimeout = 1200;
            return await cmd.ExecuteNonQueryAsync();
        }

        public static async Task<object?> ScalarAsync(DbConnection c, string sql)
        {
            await using var cmd = c.CreateCommand();
            cmd.CommandText = sql;
            cmd.CommandTimeout = 1200;
            return await cmd.ExecuteScalarAsync();
        }

        public static async Task<List<string>> RowsAsync(DbConnection c, string sql)
        {
            await using var cmd = c.CreateCommand();
            cmd.CommandText = sql;
            await using var r = await cmd.ExecuteReaderAsync();
            var rows = new List<string>();
            while (await r.ReadAsync())
                rows.Add(string.Join(" | ", Enumerable.Range(0, r.FieldCount).Select(i => r.IsDBNull(i) ? "" : r.GetValue(i).ToString())));
            return rows;
        }

        public static DbParameter Param(DbCommand cmd, string name)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            cmd.Parameters.Add(p);
            return p;
        }
    }

    public sealed class Timer
    {
        private readonly Stopwatch _sw = Stopwatch.StartNew();
        public double Ms => _sw.Elapsed.TotalMilliseconds;
    }
}
