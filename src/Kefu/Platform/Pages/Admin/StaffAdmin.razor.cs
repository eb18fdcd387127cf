using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Kefu.Platform.Auth;
using Kefu.Platform.Database;
using Kefu.Platform.Web;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MudBlazor;

namespace Kefu.Platform.Pages.Admin;

/// <summary>Staff accounts: list with filters, create, edit roles/teams/outsourced, reset password, (de)activate.</summary>
public partial class StaffAdmin
{
    [Inject] private UiScope Ui { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private IOptions<IdentityOptions> Identity { get; set; } = default!;

    internal sealed record Row(Guid Id, string UserName, string DisplayName, string? Email, string[] Roles, int[] TeamIds,
        bool IsOutsourced, bool IsActive, string Language, DateTime? LockedUntil);

    /// <summary>The editor's model: a new account, or the one being edited.</summary>
    private sealed class Editor
    {
        public Guid? Id { get; init; }
        public bool IsNew => Id is null;
        public bool IsActive { get; set; } = true;
        public string UserName { get; set; } = "";
        public string DisplayName { get; set; } = "";
        public string Email { get; set; } = "";
        public string Password { get; set; } = "";
        public bool Invite { get; set; }
        public string Language { get; set; } = "zh-CN";
        public HashSet<string> Roles { get; init; } = [];
        public HashSet<int> TeamIds { get; init; } = [];
        public bool IsOutsourced { get; set; }
        public DateTime? LockedUntil { get; set; }
    }

    private static readonly Regex UserNamePattern = new(@"^[A-Za-z0-9._@-]+$", RegexOptions.CultureInvariant);

    private List<Row> _rows = [];
    private List<TeamDto> _teams = [];
    private bool _loaded;
    private ViewerTime _time = ViewerTime.For(null);
    private string _filterTeam = "", _filterRole = "", _filterStatus = "", _search = "";
    private Editor? _editor;
    private string _resetPassword = "";
    private bool _confirmDeactivate, _busy;
    private readonly FormErrors _errors = new("userName", "displayName", "email", "password", "invite", "roles", "teamIds", "isOutsourced", "isActive");
    private readonly FormErrors _resetErrors = new("password");
    private readonly FormErrors _statusErrors = new("isActive");

    private IEnumerable<Row> Visible => _rows.Where(r =>
        (_filterTeam.Length == 0 || r.TeamIds.Contains(int.Parse(_filterTeam)))
        && (_filterRole.Length == 0 || r.Roles.Contains(_filterRole))
        && (_filterStatus.Length == 0 || (_filterStatus == "active") == r.IsActive)
        && (_search.Length == 0 || r.DisplayName.Contains(_search, StringComparison.OrdinalIgnoreCase)
            || r.UserName.Contains(_search, StringComparison.OrdinalIgnoreCase)
            || (r.Email?.Contains(_search, StringComparison.OrdinalIgnoreCase) ?? false)));

    protected override async Task OnInitializedAsync()
    {
        await LoadAsync();
        _loaded = true;
    }

    private async Task LoadAsync()
    {
        (_rows, _teams, _time) = await Ui.RunAsync(async (sp, staff, ct) =>
        {
            staff.Demand(Permissions.UsersManage);
            var db = sp.GetRequiredService<KefuDb>();
            var users = await db.Users.AsNoTracking().OrderBy(u => u.DisplayName)
                .Select(u => new
                {
                    u.Id, u.UserName, u.DisplayName, u.Email, u.IsOutsourced, u.IsActive, u.Language, u.LockoutEnd,
                    Roles = u.Roles.Select(r => r.Role.Name!).ToList(), Teams = u.Teams.Select(t => t.TeamId).ToList(),
                })
                .AsSingleQuery() // each user's roles × teams is a handful of rows: one query, one consistent read
                .ToListAsync(ct);
            var rows = users.Select(u => new Row(u.Id, u.UserName!, u.DisplayName, u.Email,
                [.. u.Roles.OrderBy(r => Array.IndexOf(Roles.All, r))], [.. u.Teams], u.IsOutsourced, u.IsActive, u.Language,
                StaffService.LockedUntil(u.LockoutEnd))).ToList();
            var zone = await db.Users.Where(u => u.Id == staff.UserId).Select(u => u.TimeZone).FirstAsync(ct);
            return (rows, await sp.GetRequiredService<TeamService>().ListAsync(ct), ViewerTime.For(zone));
        });
    }

    private string TeamName(int id) => _teams.FirstOrDefault(t => t.Id == id)?.Name ?? $"#{id}";

    private void New()
    {
        _editor = new Editor { Roles = [Roles.Agent] };
        ResetEditorState();
    }

    private void Edit(Row r)
    {
        _editor = new Editor
        {
            Id = r.Id, UserName = r.UserName, DisplayName = r.DisplayName, Email = r.Email ?? "", Language = r.Language,
            IsActive = r.IsActive, IsOutsourced = r.IsOutsourced, LockedUntil = r.LockedUntil, Roles = [.. r.Roles], TeamIds = [.. r.TeamIds],
        };
        ResetEditorState();
    }

    private void Close()
    {
        _editor = null;
        ResetEditorState();
    }

    private void ResetEditorState()
    {
        _errors.Clear();
        _resetErrors.Clear();
        _statusErrors.Clear();
        _resetPassword = "";
        _confirmDeactivate = false;
    }

    private static void Toggle<T>(HashSet<T> set, T value, bool on)
    {
        if (on) set.Add(value); else set.Remove(value);
    }

    /// <summary>The checks the server makes too, made here first so the messages are in the user's language.</summary>
    private bool Validate(Editor e)
    {
        _errors.Clear();
        if (e.IsNew)
        {
            if (string.IsNullOrWhiteSpace(e.UserName)) _errors.Add("userName", L["Validation.Required"]);
            else if (e.UserName.Length > 64) _errors.Add("userName", L["Validation.TooLong", 64]);
            else if (!UserNamePattern.IsMatch(e.UserName)) _errors.Add("userName", L["Validation.UserNameFormat"]);
            if (e.Invite)
            {
                if (e.Email.Trim().Length == 0) _errors.Add("email", L["Staff.InviteNeedsEmail"]);
            }
            else if (PasswordRules.Check(e.Password, Identity.Value.Password, L) is { } pw) _errors.Add("password", pw);
        }
        if (string.IsNullOrWhiteSpace(e.DisplayName)) _errors.Add("displayName", L["Validation.Required"]);
        else if (e.DisplayName.Trim().Length > 100) _errors.Add("displayName", L["Validation.TooLong", 100]);
        if (e.Email.Trim().Length > 0 && !new EmailAddressAttribute().IsValid(e.Email.Trim())) _errors.Add("email", L["Validation.Email"]);
        if (e.Roles.Count == 0) _errors.Add("roles", L["Validation.RoleRequired"]);
        return !_errors.Any;
    }

    private async Task SaveAsync()
    {
        if (_editor is not { } e || _busy || !Validate(e)) return;
        _busy = true;
        try
        {
            var email = e.Email.Trim().Length > 0 ? e.Email.Trim() : null;
            var roles = Roles.All.Where(e.Roles.Contains).ToArray();
            var teams = e.TeamIds.Order().ToArray();
            Guid? savedId = null;
            var ok = await _errors.RunAsync(() => Ui.RunAsync(async (sp, staff, ct) =>
            {
                staff.Demand(Permissions.UsersManage);
                var uow = sp.GetRequiredService<UnitOfWork>();
                var service = sp.GetRequiredService<StaffService>();
                if (e.IsNew)
                {
                    var created = await uow.RunAsync(c => service.CreateAsync(new CreateUserRequest(e.UserName.Trim(), e.DisplayName.Trim(), email,
                        e.Invite ? null : e.Password, roles, teams, e.IsOutsourced, e.Language, e.Invite), c), ct);
                    savedId = created.Id;
                }
                else
                {
                    var users = sp.GetRequiredService<UserManager<StaffUser>>();
                    await uow.RunAsync(async c =>
                    {
                        var user = await users.FindByIdAsync(e.Id!.Value.ToString()) ?? throw DomainException.NotFound("User");
                        await service.UpdateAsync(user, new UpdateUserRequest(e.DisplayName.Trim(), email, roles, teams, e.IsOutsourced,
                            null, null, null, null), staff.UserId, c);
                    }, ct);
                    savedId = e.Id;
                }
            }), L);
            if (!ok) return;
            Snackbar.Add(!e.IsNew ? L["Common.Saved"] : e.Invite ? L["Staff.Invited", e.DisplayName.Trim(), e.Email.Trim()] : L["Staff.Created", e.DisplayName.Trim()],
                Severity.Success);
            await LoadAsync();
            if (_rows.FirstOrDefault(r => r.Id == savedId) is { } row) Edit(row); else Close();
        }
        finally { _busy = false; }
    }

    private async Task ResetPasswordAsync()
    {
        if (_editor is not { Id: { } id } || _busy) return;
        _resetErrors.Clear();
        if (PasswordRules.Check(_resetPassword, Identity.Value.Password, L) is { } message)
        {
            _resetErrors.Add("password", message);
            return;
        }
        _busy = true;
        try
        {
            var password = _resetPassword;
            var ok = await _resetErrors.RunAsync(() => UpdateAsync(id, new UpdateUserRequest(null, null, null, null, null, null, null, null, password)), L);
            if (!ok) return;
            _resetPassword = "";
            Snackbar.Add(L["Staff.PasswordReset"], Severity.Success);
            if (_editor.LockedUntil is not null) await ReloadEditorAsync(id); // the reset ended the lockout
        }
        finally { _busy = false; }
    }

    private async Task UnlockAsync()
    {
        if (_editor is not { Id: { } id } || _busy) return;
        _busy = true;
        try
        {
            var ok = await _statusErrors.RunAsync(() => UpdateAsync(id, new UpdateUserRequest(null, null, null, null, null, null, null, null, null, Unlock: true)), L);
            if (!ok) return;
            Snackbar.Add(L["Staff.Unlocked"], Severity.Success);
            await ReloadEditorAsync(id);
        }
        finally { _busy = false; }
    }

    private async Task SetActiveAsync(bool active)
    {
        if (_editor is not { Id: { } id } || _busy) return;
        _busy = true;
        try
        {
            var ok = await _statusErrors.RunAsync(() => UpdateAsync(id, new UpdateUserRequest(null, null, null, null, null, active, null, null, null)), L);
            _confirmDeactivate = false;
            if (!ok) return;
            Snackbar.Add(active ? L["Staff.Reactivated"] : L["Staff.Deactivated"], Severity.Success);
            await ReloadEditorAsync(id);
        }
        finally { _busy = false; }
    }

    /// <summary>Reloads the list and the editor's status fields after a status action.</summary>
    private async Task ReloadEditorAsync(Guid id)
    {
        await LoadAsync();
        if (_editor is not null && _rows.FirstOrDefault(r => r.Id == id) is { } row) (_editor.IsActive, _editor.LockedUntil) = (row.IsActive, row.LockedUntil);
    }

    private Task UpdateAsync(Guid id, UpdateUserRequest request) => Ui.RunAsync(async (sp, staff, ct) =>
    {
        staff.Demand(Permissions.UsersManage);
        var uow = sp.GetRequiredService<UnitOfWork>();
        var users = sp.GetRequiredService<UserManager<StaffUser>>();
        var service = sp.GetRequiredService<StaffService>();
        await uow.RunAsync(async c =>
        {
            var user = await users.FindByIdAsync(id.ToString()) ?? throw DomainException.NotFound("User");
            await service.UpdateAsync(user, request, staff.UserId, c);
        }, ct);
    });
}
