using System.Globalization;
using System.Text.Json.Nodes;
using Kefu.Platform.Auth;
using Kefu.Platform.Database;
using Kefu.Platform.Web;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.JSInterop;
using MudBlazor;

namespace Kefu.Platform.Pages;

/// <summary>Everyone's own settings: language, time zone, notifications for new assignments, password.</summary>
public partial class Profile
{
    [Inject] private UiScope Ui { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private IJSRuntime JS { get; set; } = default!;
    [Inject] private IOptions<IdentityOptions> Identity { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;

    /// <summary>"1" after saving a language change, which reloads the page through a POST to /account/culture.</summary>
    [SupplyParameterFromQuery(Name = "saved")] public string? Saved { get; set; }

    /// <summary>"changed" after a password change, which reloads the page: the circuit must start again with the
    /// re-issued cookie, since its own principal carries the old security stamp and no longer counts as signed in.</summary>
    [SupplyParameterFromQuery(Name = "password")] public string? PasswordParam { get; set; }

    private sealed record PostResult(int Status, string Body);

    private ProfileDto? _profile;
    private List<string> _roles = [], _teams = [], _zones = [];
    private string _language = "zh-CN", _timeZone = ViewerTime.DefaultZone, _current = "", _new = "", _confirm = "";
    private string _permission = "default";
    private bool _notifyBrowser, _notifySound, _notifyEmail, _busy, _passwordChanged;
    private DateTime _now;
    private IJSObjectReference? _module;
    private readonly FormErrors _errors = new("language", "timeZone", "notifyBrowser", "notifySound");
    private readonly FormErrors _passwordErrors = new("currentPassword", "newPassword", "confirmPassword");

    protected override async Task OnInitializedAsync()
    {
        _now = Time.GetUtcNow().UtcDateTime;
        _passwordChanged = PasswordParam == "changed";
        (_profile, _roles, _teams) = await Ui.RunAsync(async (sp, staff, ct) =>
        {
            var profile = await sp.GetRequiredService<ProfileService>().GetAsync(staff.UserId, ct);
            var ids = staff.TeamIds.ToList();
            var teams = await sp.GetRequiredService<KefuDb>().Teams.AsNoTracking().Where(t => ids.Contains(t.Id))
                .OrderBy(t => t.Name).Select(t => t.Name).ToListAsync(ct);
            return (profile, Roles.All.Where(staff.Roles.Contains).ToList(), teams);
        });
        Fill(_profile);
    }

    private void Fill(ProfileDto p)
    {
        _language = p.Language;
        _timeZone = p.TimeZone;
        _notifyBrowser = p.NotifyBrowser;
        _notifySound = p.NotifySound;
        _notifyEmail = p.NotifyEmail;
        _zones = [.. ViewerTime.CommonZones];
        if (!_zones.Contains(p.TimeZone)) _zones.Insert(0, p.TimeZone);
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender) return;
        _module = await JS.InvokeAsync<IJSObjectReference>("import", "./kefu-ui.js");
        _permission = await _module.InvokeAsync<string>("notificationPermission");
        StateHasChanged();
    }

    private async Task BrowserToggledAsync(ChangeEventArgs e)
    {
        _notifyBrowser = e.Value is true;
        // Ask the browser now, while the person is here to answer, not when the first assignment arrives.
        if (_notifyBrowser && _module is not null && _permission == "default")
            _permission = await _module.InvokeAsync<string>("requestNotificationPermission");
    }

    private async Task TestAsync() =>
        await JS.InvokeVoidAsync("kefu.notify", L["Notify.Assigned"].Value, L["Profile.NotifyTestBody"].Value, _notifyBrowser, _notifySound);

    private async Task SaveAsync()
    {
        if (_busy) return;
        _busy = true;
        try
        {
            var request = new UpdateProfileRequest(_language, _timeZone, _notifyBrowser, _notifySound, _notifyEmail);
            if (!await _errors.RunAsync(() => Ui.RunAsync(async (sp, staff, ct) =>
                {
                    var uow = sp.GetRequiredService<UnitOfWork>();
                    var profiles = sp.GetRequiredService<ProfileService>();
                    await uow.RunAsync(c => profiles.UpdateAsync(staff.UserId, request, c), ct);
                }), L))
                return;
            if (_language != CultureInfo.CurrentUICulture.Name)
            {
                // The language cookie is set by a real request; come back here afterwards, in the new language.
                await JS.InvokeVoidAsync("kefu.submit", "profile-culture-form");
                return;
            }
            Snackbar.Add(L["Profile.Saved"], Severity.Success);
        }
        finally { _busy = false; }
    }

    private async Task ChangePasswordAsync()
    {
        if (_busy) return;
        _passwordChanged = false;
        _passwordErrors.Clear();
        if (string.IsNullOrEmpty(_current)) _passwordErrors.Add("currentPassword", L["Validation.Required"]);
        if (PasswordRules.Check(_new, Identity.Value.Password, L) is { } problem) _passwordErrors.Add("newPassword", problem);
        else if (_new == _current) _passwordErrors.Add("newPassword", L["Validation.PasswordSame"]);
        if (_confirm != _new) _passwordErrors.Add("confirmPassword", L["Validation.PasswordConfirm"]);
        if (_passwordErrors.Any) return;
        _busy = true;
        try
        {
            // Through the API rather than the circuit: the response re-issues this browser's sign-in cookie, which
            // the password change (a new security stamp) would otherwise end.
            _module ??= await JS.InvokeAsync<IJSObjectReference>("import", "./kefu-ui.js");
            var result = await _module.InvokeAsync<PostResult>("postJson", "/api/v1/me/password", new { currentPassword = _current, newPassword = _new });
            if (result.Status is >= 200 and < 300)
            {
                _current = _new = _confirm = "";
                Navigation.NavigateTo("/profile?password=changed", forceLoad: true);
                return;
            }
            _passwordErrors.Add(Problem(result), L);
        }
        finally { _busy = false; }
    }

    /// <summary>The API's problem detail as the exception the services would have thrown.</summary>
    private static DomainException Problem(PostResult result)
    {
        JsonObject? problem = null;
        try { problem = JsonNode.Parse(result.Body) as JsonObject; } catch (System.Text.Json.JsonException) { }
        var errors = problem?["errors"] is JsonObject e
            ? e.ToDictionary(kv => kv.Key, kv => kv.Value is JsonArray a ? a.Select(x => x?.ToString() ?? "").ToArray() : [kv.Value?.ToString() ?? ""])
            : null;
        return new DomainException(result.Status, problem?["title"]?.ToString() ?? "Error", problem?["detail"]?.ToString() ?? $"HTTP {result.Status}", errors);
    }

    public async ValueTask DisposeAsync()
    {
        try { if (_module is not null) await _module.DisposeAsync(); } catch (JSDisconnectedException) { }
    }
}
