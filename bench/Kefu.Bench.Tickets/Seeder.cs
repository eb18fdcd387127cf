using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace Kefu.Bench.Tickets;

/// <summary>
/// Fills a migrated (server stopped) Kefu database with a year of tickets straight through SQL: a few teams, customers
/// with e-mail identities, tickets spread over teams, statuses, priorities, categories and dates, some tagged and
/// assigned. Messages are not seeded: the list endpoint does not read them.
/// </summary>
public static class Seeder
{
    public sealed record Result(int[] TeamIds, int Tickets, int Customers, long OpenInFirstTeam, TimeSpan Elapsed, long FileBytes);

    // new, open, pending_customer, on_hold, solved, closed
    private static readonly int[] StatusWeights = [10, 30, 15, 5, 25, 15];
    private static readonly int[] PriorityWeights = [15, 55, 25, 5];
    private static readonly string[] Subjects =
    [
        "快递三天没有更新物流", "申请退款一直没有到账", "下单后无法支付", "会员积分没有到账", "发票抬头开错了想重开",
        "收到的商品有破损", "账号被锁定无法登录", "修改收货地址", "优惠券过期了能否补发", "APP 闪退打不开",
    ];

    public static Result Seed(string path, int tickets, int customers, string adminId, Action<string> progress)
    {
        var sw = Stopwatch.StartNew();
        var rnd = new Random(20261123);
        using var c = new SqliteConnection($"Data Source={path};Pooling=False");
        c.Open();
        // Bulk-load settings for this connection only; the server's own settings apply again when it starts.
        RawSqlite.Exec(c, "PRAGMA synchronous=OFF; PRAGMA cache_size=-262144; PRAGMA temp_store=MEMORY; PRAGMA foreign_keys=OFF;");
        var now = DateTime.UtcNow;

        var teamIds = new int[4];
        var categories = new List<long>();
        using (var tx = c.BeginTransaction())
        {
            using var cmd = c.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = "INSERT INTO platform_teams (name, description, created_at, version) VALUES ($n, NULL, $now, 0) RETURNING id";
            cmd.Parameters.Add(new SqliteParameter("$n", null));
            cmd.Parameters.AddWithValue("$now", now);
            string[] names = ["售前咨询组", "订单售后组", "物流配送组", "账号会员组"];
            for (var i = 0; i < teamIds.Length; i++)
            {
                cmd.Parameters["$n"].Value = names[i];
                teamIds[i] = Convert.ToInt32(cmd.ExecuteScalar());
            }
            // normalized_name: the case-insensitive unique key (decision 0065), as Tag.Normalize makes it.
            cmd.CommandText = "INSERT INTO tickets_tags (name, normalized_name, created_at) VALUES ($n, $k, $now)";
            cmd.Parameters.Add(new SqliteParameter("$k", null));
            foreach (var tag in new[] { "加急", "投诉", "VIP", "回访", "退款" })
            {
                cmd.Parameters["$n"].Value = tag;
                cmd.Parameters["$k"].Value = tag.ToLowerInvariant();
                cmd.ExecuteNonQuery();
            }
            cmd.CommandText = "SELECT id FROM tickets_categories WHERE level = 3";
            using (var r = cmd.ExecuteReader()) while (r.Read()) categories.Add(r.GetInt64(0));
            tx.Commit();
        }
        var tagIds = new List<long>();
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "SELECT id FROM tickets_tags ORDER BY id";
            using var r = cmd.ExecuteReader();
            while (r.Read()) tagIds.Add(r.GetInt64(0));
        }

        var firstCustomer = 0L;
        using (var tx = c.BeginTransaction())
        {
            using var cust = Prepared(c, tx, """
                INSERT INTO tickets_customers (name, address, note, language, created_at, updated_at, merged_into_id, version)
                VALUES ($name, NULL, NULL, 'zh-CN', $at, $at, NULL, 0) RETURNING id
                """, "$name", "$at");
            using var ident = Prepared(c, tx,
                "INSERT INTO tickets_customer_identities (customer_id, kind, value, created_at) VALUES ($cid, 0, $v, $at)", "$cid", "$v", "$at");
            var start = now.AddDays(-400);
            for (var i = 0; i < customers; i++)
            {
                var at = start.AddSeconds(i * 30);
                cust.Parameters["$name"].Value = $"客户{i:D6}";
                cust.Parameters["$at"].Value = at;
                var id = (long)cust.ExecuteScalar()!;
                if (i == 0) firstCustomer = id;
                ident.Parameters["$cid"].Value = id;
                ident.Parameters["$v"].Value = $"c{i}@seed.test";
                ident.Parameters["$at"].Value = at;
                ident.ExecuteNonQuery();
            }
            tx.Commit();
        }
        progress($"  seeded {customers:N0} customers ({sw.Elapsed.TotalSeconds:0.0} s)");

        long openInFirstTeam = 0;
        var span = TimeSpan.FromDays(365);
        var from = now - span;
        const int batch = 100_000;
        for (var done = 0; done < tickets;)
        {
            using var tx = c.BeginTransaction();
            using var ins = Prepared(c, tx, """
                INSERT INTO tickets_tickets (subject, channel, status, priority, category_id, team_id, assignee_id, owner_id, customer_id,
                    created_at, updated_at, first_replied_at, solved_at, closed_at, merged_into_id, external_id, version)
                VALUES ($subject, $channel, $status, $priority, $category, $team, $assignee, $owner, $customer,
                    $created, $updated, $replied, $solved, $closed, NULL, NULL, $version) RETURNING id
                """, "$subject", "$channel", "$status", "$priority", "$category", "$team", "$assignee", "$owner", "$customer",
                "$created", "$updated", "$replied", "$solved", "$closed", "$version");
            using var tag = Prepared(c, tx, "INSERT INTO tickets_ticket_tags (ticket_id, tag_id) VALUES ($t, $tag)", "$t", "$tag");
            var end = Math.Min(tickets, done + batch);
            for (var i = done; i < end; i++)
            {
                var created = from + span * ((double)i / tickets);
                var status = Pick(rnd, StatusWeights);
                var teamIndex = rnd.Next(100) < 5 ? -1 : rnd.Next(teamIds.Length);
                var updated = Min(created.AddMinutes(rnd.Next(1, 4 * 24 * 60)), now);
                var replied = status == 0 ? (DateTime?)null : Min(created.AddMinutes(rnd.Next(1, 240)), updated);
                if (teamIndex == 0 && status == 1) openInFirstTeam++;
                ins.Parameters["$subject"].Value = Subjects[rnd.Next(Subjects.Length)];
                ins.Parameters["$channel"].Value = rnd.Next(7);
                ins.Parameters["$status"].Value = status;
                ins.Parameters["$priority"].Value = Pick(rnd, PriorityWeights);
                ins.Parameters["$category"].Value = categories.Count == 0 ? DBNull.Value : categories[rnd.Next(categories.Count)];
                ins.Parameters["$team"].Value = teamIndex < 0 ? DBNull.Value : teamIds[teamIndex];
                ins.Parameters["$assignee"].Value = status != 0 && rnd.Next(100) < 70 ? adminId : DBNull.Value;
                ins.Parameters["$owner"].Value = status != 0 ? adminId : DBNull.Value;
                ins.Parameters["$customer"].Value = firstCustomer + rnd.Next(customers);
                ins.Parameters["$created"].Value = created;
                ins.Parameters["$updated"].Value = updated;
                ins.Parameters["$replied"].Value = (object?)replied ?? DBNull.Value;
                ins.Parameters["$solved"].Value = status >= 4 ? updated : DBNull.Value;
                ins.Parameters["$closed"].Value = status == 5 ? updated : DBNull.Value;
                ins.Parameters["$version"].Value = 1 + rnd.Next(4);
                var id = (long)ins.ExecuteScalar()!;
                if (rnd.Next(100) < 20)
                {
                    tag.Parameters["$t"].Value = id;
                    tag.Parameters["$tag"].Value = tagIds[rnd.Next(tagIds.Count)];
                    tag.ExecuteNonQuery();
                }
            }
            tx.Commit();
            done = end;
            progress($"  seeded {done:N0} tickets ({sw.Elapsed.TotalSeconds:0.0} s)");
        }
        RawSqlite.Exec(c, "PRAGMA wal_checkpoint(TRUNCATE);");
        c.Close();
        var bytes = new FileInfo(path).Length;
        return new Result(teamIds, tickets, customers, openInFirstTeam, sw.Elapsed, bytes);
    }

    private static SqliteCommand Prepared(SqliteConnection c, SqliteTransaction tx, string sql, params string[] names)
    {
        var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var n in names) cmd.Parameters.Add(new SqliteParameter(n, null));
        cmd.Prepare();
        return cmd;
    }

    private static int Pick(Random rnd, int[] weights)
    {
        var x = rnd.Next(weights.Sum());
        for (var i = 0; i < weights.Length; i++)
        {
            if (x < weights[i]) return i;
            x -= weights[i];
        }
        return weights.Length - 1;
    }

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;
}
