namespace Kefu.Platform.Auth;

public static class StaffContextExtensions
{
    /// <summary>Refuses a UI operation the signed-in person may not do (pages hide such actions; this is the check
    /// that counts, made on the server for every operation).</summary>
    public static StaffContext Demand(this StaffContext staff, string permission) =>
        staff.Can(permission) ? staff : throw DomainException.Forbidden($"This needs the permission '{permission}'.");
}
