using Microsoft.AspNetCore.Identity;

namespace Kefu.Platform.Auth;

public sealed class StaffUser : IdentityUser<Guid>
{
    public required string DisplayName { get; set; }
    /// <summary>Outsourced staff see masked customer PII everywhere and may not export.</summary>
    public bool IsOutsourced { get; set; }
    public bool IsActive { get; set; } = true;
    public string Language { get; set; } = "zh-CN";
    public string TimeZone { get; set; } = "Asia/Shanghai";
    /// <summary>Show a browser notification when a ticket is assigned to this person.</summary>
    public bool NotifyBrowser { get; set; } = true;
    /// <summary>Play a sound when a ticket is assigned to this person.</summary>
    public bool NotifySound { get; set; } = true;
    /// <summary>E-mail this person the notices addressed to him (escalations), besides the in-app notice.</summary>
    public bool NotifyEmail { get; set; } = true;
    public DateTime CreatedAt { get; set; }
    public ICollection<StaffUserRole> Roles { get; set; } = [];
    public ICollection<TeamMember> Teams { get; set; } = [];
}

public sealed class StaffRole : IdentityRole<Guid>
{
    public ICollection<StaffUserRole> Users { get; set; } = [];
}

public sealed class StaffUserRole : IdentityUserRole<Guid>
{
    public StaffUser User { get; set; } = null!;
    public StaffRole Role { get; set; } = null!;
}
