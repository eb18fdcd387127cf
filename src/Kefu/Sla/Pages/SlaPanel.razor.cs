using Kefu.Platform;
using Kefu.Platform.Auth;
using Kefu.Platform.Database;
using Kefu.Platform.Web;
using Kefu.Tickets;
using Kefu.Tickets.Live;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Sla.Pages;

/// <summary>Shown in the ticket pane through Tickets' <see cref="TicketPaneSlot"/>; refreshes itself from the ticket feed.</summary>
public partial class SlaPanel
{
    [Parameter] public long TicketId { get; set; }
    [Inject] private UiScope Ui { get; set; } = default!;
    [Inject] private TicketFeed Feed { get; set; } = default!;

    private TicketSlaDto? _sla;
    private StaffContext? _me;
    private TimeZoneInfo _zone = TimeZoneInfo.Utc;
    private string _reason = "", _approvalReason = "";
    private decimal? _amount;
    private ApprovalKind _kind = ApprovalKind.Refund;
    private string? _error;
    private bool _busy;
    private long _loadedFor;
    private readonly UiCulture _culture = UiCulture.Capture();

    protected override async Task OnInitializedAsync()
    {
        (_me, _zone) = await Ui.RunAsync(async (sp, staff, ct) =>
        {
            var tz = await sp.GetRequiredService<KefuDb>().Users.Where(u => u.Id == staff.UserId).Select(u => u.TimeZone).FirstAsync(ct);
            return (staff, TimeZoneInfo.TryFindSystemTimeZoneById(tz, out var z) ? z : TimeZoneInfo.Utc);
        });
        Feed.Changed += OnFeed;
    }

    protected override async Task OnParametersSetAsync()
    {
        if (_loadedFor != TicketId) await LoadAsync();
    }

    private async Task LoadAsync()
    {
        _loadedFor = TicketId;
        var id = TicketId;
        _sla = await Ui.RunAsync(async (sp, staff, ct) =>
        {
            await sp.GetRequiredService<TicketQueries>().LoadAsync(id, staff, track: false, ct);
            return await sp.GetRequiredService<SlaQueries>().ForTicketAsync(id, staff, ct);
        });
    }

    private void OnFeed(TicketChange change)
    {
        if (change.TicketId != TicketId) return;
        _ = InvokeAsync(async () =>
        {
            _culture.Apply();
            await LoadAsync();
            StateHasChanged();
        });
    }

    private Task EscalateAsync() => RunAsync(async (sp, staff, ct) =>
    {
        if (string.IsNullOrWhiteSpace(_reason)) throw DomainException.Validation("reason", L["Sla.ReasonRequired"]);
        var escalations = sp.GetRequiredService<EscalationService>();
        await sp.GetRequiredService<TicketQueries>().LoadAsync(TicketId, staff, track: false, ct);
        if (!staff.Can(Permissions.TicketsWrite)) throw DomainException.Forbidden(L["Sla.NotAllowed"]);
        await sp.GetRequiredService<UnitOfWork>().RunAsync(async c =>
        {
            var open = await escalations.OpenAsync(TicketId, c);
            if (open?.Tier >= EscalationService.TopTier) throw DomainException.Conflict(L["Sla.AlreadyTop"]);
            await escalations.RaiseAsync(TicketId, (open?.Tier ?? 0) + 1, EscalationTrigger.Manual, _reason.Trim(), staff.UserId, c);
        }, ct);
        _reason = "";
    });

    private Task HandleAsync(long escalationId) => RunAsync(async (sp, staff, ct) =>
        await sp.GetRequiredService<UnitOfWork>().RunAsync(c => sp.GetRequiredService<EscalationService>().HandleAsync(TicketId, escalationId, staff, null, c), ct));

    private Task RequestAsync() => RunAsync(async (sp, staff, ct) =>
    {
        if (!staff.Can(Permissions.TicketsWrite)) throw DomainException.Forbidden(L["Sla.NotAllowed"]);
        await sp.GetRequiredService<UnitOfWork>().RunAsync(c => sp.GetRequiredService<ApprovalService>().RequestAsync(TicketId, _kind, _amount, _approvalReason, staff, c), ct);
        _approvalReason = "";
        _amount = null;
    });

    private Task DecideAsync(long approvalId, bool approve) => RunAsync(async (sp, staff, ct) =>
        await sp.GetRequiredService<UnitOfWork>().RunAsync(c => sp.GetRequiredService<ApprovalService>().DecideAsync(approvalId, approve, null, staff, c), ct));

    private async Task RunAsync(Func<IServiceProvider, StaffContext, CancellationToken, Task> work)
    {
        _busy = true;
        _error = null;
        try
        {
            await Ui.RunAsync(work);
            await LoadAsync();
        }
        catch (DomainException e) { _error = Kefu.Platform.Web.ErrorText.Of(e, L); }
        finally { _busy = false; }
    }

    private string Local(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), _zone).ToString("yyyy-MM-dd HH:mm");

    public void Dispose() => Feed.Changed -= OnFeed;
}
