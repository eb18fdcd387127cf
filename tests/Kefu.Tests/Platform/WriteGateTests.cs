using Kefu.Platform.Database;
using Kefu.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Tests.Platform;

/// <summary>Decision 0024: on SQLite a unit of work takes the write gate at its first write and keeps it until it ends.</summary>
[Collection(SqliteCollection.Name)]
public sealed class WriteGateTests(SqliteApp app)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_unit_that_has_only_read_lets_other_units_write_and_commit()
    {
        var reading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finish = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var name = "gate-" + Guid.NewGuid().ToString("N")[..8];
        var reader = Task.Run(async () =>
        {
            await using var scope = app.Factory.Services.CreateAsyncScope();
            var uow = scope.ServiceProvider.GetRequiredService<UnitOfWork>();
            return await uow.RunAsync(async ct =>
            {
                await uow.Db.Set<Tag>().CountAsync(ct);
                reading.SetResult();
                await finish.Task;
                return await uow.Db.Set<Tag>().AnyAsync(t => t.Name == name, ct);
            }, CancellationToken.None);
        });
        await reading.Task.WaitAsync(Wait);

        // Before 0024 this writer queued behind the reader's unit until it ended: here it would never finish.
        await using (var scope = app.Factory.Services.CreateAsyncScope())
        {
            var uow = scope.ServiceProvider.GetRequiredService<UnitOfWork>();
            await uow.RunAsync(async ct => { uow.Db.Add(new Tag { Name = name }); await Task.CompletedTask; }, CancellationToken.None).WaitAsync(Wait);
        }
        finish.SetResult();
        Assert.True(await reader.WaitAsync(Wait), "the reader's later read sees the other unit's commit");
    }

    [Fact]
    public async Task After_its_first_write_a_unit_holds_the_gate_until_it_ends()
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var uow = scope.ServiceProvider.GetRequiredService<UnitOfWork>();
        var gate = scope.ServiceProvider.GetRequiredService<WriteGate>();
        await uow.RunAsync(async ct =>
        {
            uow.Db.Add(new Tag { Name = "gate-" + Guid.NewGuid().ToString("N")[..8] });
            await uow.Db.SaveChangesAsync(ct);
            Assert.NotNull(uow.Db.Database.CurrentTransaction);
            using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => (await gate.EnterAsync(timeout.Token)).Dispose());
        }, CancellationToken.None);
        // Released at the end of the unit.
        (await gate.EnterAsync(CancellationToken.None).AsTask().WaitAsync(Wait)).Dispose();
    }

    [Fact]
    public async Task A_raw_sql_write_before_any_save_is_part_of_the_unit_and_rolls_back_with_it()
    {
        var name = "gate-" + Guid.NewGuid().ToString("N")[..8];
        await using (var scope = app.Factory.Services.CreateAsyncScope())
        {
            var uow = scope.ServiceProvider.GetRequiredService<UnitOfWork>();
            uow.Db.Add(new Tag { Name = name });
            await uow.Db.SaveChangesAsync();
        }
        await using (var scope = app.Factory.Services.CreateAsyncScope())
        {
            var uow = scope.ServiceProvider.GetRequiredService<UnitOfWork>();
            await Assert.ThrowsAsync<InvalidOperationException>(() => uow.RunAsync(async ct =>
            {
                await uow.Db.Set<Tag>().Where(t => t.Name == name).ExecuteUpdateAsync(s => s.SetProperty(t => t.Name, name + "-renamed"), ct);
                throw new InvalidOperationException("fails after its first write");
            }, CancellationToken.None));
        }
        await using (var scope = app.Factory.Services.CreateAsyncScope())
            Assert.True(await scope.ServiceProvider.GetRequiredService<KefuDb>().Set<Tag>().AnyAsync(t => t.Name == name));
    }

    [Theory]
    [InlineData("SELECT 1", true)]
    [InlineData("  select \"t\".\"id\" FROM t", true)]
    [InlineData("-- tagged query\n\nSELECT 1", true)]
    [InlineData("UPDATE chat_conversations SET last_seq = last_seq + 1 RETURNING last_seq", false)]
    [InlineData("INSERT INTO t VALUES (1) RETURNING id", false)]
    [InlineData("WITH x AS (SELECT 1) DELETE FROM t", false)]
    [InlineData("-- only a comment", false)]
    public void Only_plain_queries_count_as_reads(string sql, bool read) => Assert.Equal(read, WriteOnFirstWrite.IsRead(sql));
}
