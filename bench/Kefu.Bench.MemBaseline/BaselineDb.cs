using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Kefu.Bench.MemBaseline;

/// <summary>Identity's own schema and one small table of its own: the least an app on this stack has.</summary>
public sealed class BaselineDb(DbContextOptions<BaselineDb> options) : IdentityDbContext<IdentityUser>(options)
{
    public DbSet<Note> Notes => Set<Note>();
}

public sealed class Note
{
    public long Id { get; set; }
    public required string Text { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>For `dotnet ef migrations add` only.</summary>
public sealed class BaselineDesignFactory : IDesignTimeDbContextFactory<BaselineDb>
{
    public BaselineDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<BaselineDb>().UseSqlite("Data Source=design.db").Options);
}
