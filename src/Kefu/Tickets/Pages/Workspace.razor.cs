using System.Text.Json;
using System.Text.Json.Nodes;
using Kefu.Platform;
using Kefu.Platform.Auth;
using Kefu.Platform.Database;
using Kefu.Platform.Web;
using Kefu.Tickets.Live;
using Kefu.Tickets.Views;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.JSInterop;
using MudBlazor;

namespace Kefu.Tickets.Pages;

/// <summary>The agent workspace: views with live counts, the ticket list, and the open ticket.</summary>
public partial class Workspace
{
    [Parameter] public long? TicketId { get; set; }
    [Inject] private UiScope Ui { get; set; } = default!;
    [Inject] private TicketFeed Feed { get; set; } = default!;
    [Inject] private NavigationManager Nav { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private IJSRuntime JS { get; set; } = default!;
    [Inject] private PersistentComponentState AppState { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;

    private readonly string _session = Guid.NewGuid().ToString("N");
    private StaffContext? _me;
    private TicketView _view = TicketView.Unassigned;
    private readonly Dictionary<TicketView, int> _counts = [];
    private List<TicketDto> _tickets = [];
    private Dictionary<long, RenderFragment> _slots = []; // other modules' badges per row (ITicketSlotProvider)
    private string? _next;
    private bool _loading = true;
    private TicketDto? _ticket;
    private bool _forbidden, _notFound, _showHelp;
    private string _search = "";
    private string? _searchActive;
    // The search's customers (shown above its tickets), and the one picked: the list then shows that customer's tickets.
    private List<CustomerHit> _customerHits = [];
    private CustomerHit? _customer;
    private int _searchVersion;
    private readonly HashSet<long> _selected = [];
    private TicketPane? _pane;
    private PaneOptions? _options;
    private DotNetObjectReference<Workspace>? _self;
    private CancellationTokenSource? _refreshDebounce;
    private int _ticketVersion; // the same for the open ticket
    private int _listVersion; // loads overlap (they run on the thread pool): only the latest one fills the list
    private string Sort { get; set; } = "-updatedAt";
    private readonly UiCulture _culture = UiCulture.Capture();
    private bool _notifyBrowser = true, _notifySound = true; // the profile's preferences for new assignments
    private ViewerTime _time = ViewerTime.For(null); // the profile's time zone: a row's time, in full, as its tooltip

    // Saved personal views, and the filter bar that narrows whichever list is shown (and can be saved as a view).
    private List<SavedViewDto> _savedViews = [];
    private long? _savedViewId;
    private bool _showFilters, _renaming, _confirmDelete;
    private string _fStatus = "", _fPriority = "", _fChannel = "", _fTeam = "", _fAssignee = "", _fCategory = "", _fTag = "";
    private string _newViewName = "", _renameText = "";
    private string? _viewError;

    private SavedViewDto? ActiveSavedView => _savedViewId is { } id ? _savedViews.FirstOrDefault(v => v.Id == id) : null;

    /// <summary>The filter bar's choices; a blank choice filters nothing.</summary>
    private SavedViewFilters Bar => new SavedViewFilters(Status: _fStatus, Priority: _fPriority, Channel: _fChannel,
        TeamId: int.TryParse(_fTeam, out var team) ? team : null, Assignee: _fAssignee,
        CategoryId: int.TryParse(_fCategory, out var cat) ? cat : null, Tag: _fTag).Normalized();

    private int BarCount => new object?[] { Bar.Status, Bar.Priority, Bar.Channel, Bar.TeamId, Bar.Assignee, Bar.CategoryId, Bar.Tag }.Count(x => x is not null);

    private IEnumerable<TicketView> VisibleViews => Enum.GetValues<TicketView>()
        .Where(v => v != TicketView.MyTeam || _me?.TeamIds.Count > 0);

    protected override async Task OnInitializedAsync()
    {
        _me = await Ui.RunAsync((_, staff, _) => Task.FromResult(staff)); // decides which views show
        if (_me.SeesAllTickets && _me.TeamIds.Count == 0) _view = TicketView.Unassigned;
        if (!RendererInfo.IsInteractive)
        {
            // Prerendering (a full page load of the workspace): the first paint shows the views, their counts and the
            // list, queried here once and handed to the circuit in the page (persisted component state), so the
            // circuit's first render needs no query at all.
            (_snapshotTaken, _snapshotSequence) = (Clock.GetUtcNow().UtcDateTime, Feed.Sequence); // before the queries
            var prefs = LoadPrefsAsync();
            await Task.WhenAll(ReloadListAsync(), ReloadCountsAsync());
            (_notifyBrowser, _notifySound, _time) = await prefs;
            _persisting = AppState.RegisterOnPersisting(PersistAsync, RenderMode.InteractiveServer);
            return;
        }
        Feed.Changed += OnFeed;
        if (TryRestore()) return;
        // No snapshot (reached inside the circuit, or too old): the shell renders now; list, counts and preferences load
        // side by side on the thread pool and each shows as it arrives. Nothing here is awaited, so a ticket opened by
        // its address (OnParametersSetAsync) loads at once, not after the list.
        _ = InBackground(ReloadListAsync);
        _ = InBackground(ReloadCountsAsync);
        _ = InBackground(async () => (_notifyBrowser, _notifySound, _time) = await LoadPrefsAsync());
    }

    private async Task<(bool, bool, ViewerTime)> LoadPrefsAsync()
    {
        var (browser, sound, zone) = await QueryAsync(async (sp, staff, ct) => await sp.GetRequiredService<KefuDb>().Users
            .Where(u => u.Id == staff.UserId).Select(u => ValueTuple.Create(u.NotifyBrowser, u.NotifySound, u.TimeZone)).FirstAsync(ct));
        return (browser, sound, ViewerTime.For(zone));
    }

    /// <summary>Work started from a lifecycle method without awaiting it: re-render when it is done, and let a failure
    /// reach the circuit as it would have from the lifecycle method.</summary>
    private async Task InBackground(Func<Task> work)
    {
        try
        {
            await work();
            StateHasChanged();
        }
        catch (Exception e) { await DispatchExceptionAsync(e); }
    }

    /// <summary>What the prerendered page showed, for the circuit to start from. Only taken when it is this user's, of
    /// the same list, recent, and made by this process's feed; a change published since it was taken schedules the
    /// usual live refresh.</summary>
    internal sealed record Snapshot(Guid UserId, DateTime TakenUtc, string FeedInstance, long FeedSequence, TicketView View, string Sort,
        List<TicketDto> Tickets, string? Next, Dictionary<TicketView, int> Counts, List<SavedViewDto> SavedViews, bool NotifyBrowser, bool NotifySound,
        string TimeZone);

    private const string SnapshotKey = "kefu.workspace";
    private static readonly TimeSpan SnapshotLifetime = TimeSpan.FromSeconds(30);
    private PersistingComponentStateSubscription? _persisting;
    private long _snapshotSequence;
    private DateTime _snapshotTaken;

    private Task PersistAsync()
    {
        var snapshot = new Snapshot(_me!.UserId, _snapshotTaken, Feed.Instance, _snapshotSequence,
            _view, Sort, _tickets, _next, _counts, _savedViews, _notifyBrowser, _notifySound, _time.Zone.Id);
        // The browser sends the state back over the circuit's hub when it starts, protected and base64-encoded (about 1.4
        // times the JSON): a snapshot that could exceed the hub's receive limit is left out, and the circuit queries again.
        // Serialized once: the bytes measured against the cap are the bytes persisted.
        var persisted = PersistedSnapshot.Of(snapshot);
        if (persisted.Json!.Length <= MaxSnapshotBytes) AppState.PersistAsJson(SnapshotKey, persisted);
        return Task.CompletedTask;
    }

    /// <summary>The snapshot as persisted. <c>PersistAsJson</c> serializes what it is given; given the snapshot, it would
    /// serialize it a second time after <see cref="PersistAsync"/> measured it. Given this, it writes the JSON already
    /// made (<see cref="Json"/>); read back, <see cref="Value"/> holds the snapshot.</summary>
    [System.Text.Json.Serialization.JsonConverter(typeof(PersistedSnapshotConverter))]
    internal sealed record PersistedSnapshot(byte[]? Json, Snapshot? Value)
    {
        internal static readonly JsonSerializerOptions Options = JsonSerializerOptions.Web;

        public static PersistedSnapshot Of(Snapshot snapshot) => new(JsonSerializer.SerializeToUtf8Bytes(snapshot, Options), null);
    }

    internal sealed class PersistedSnapshotConverter : System.Text.Json.Serialization.JsonConverter<PersistedSnapshot>
    {
        public override PersistedSnapshot Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            new(null, JsonSerializer.Deserialize<Snapshot>(ref reader, PersistedSnapshot.Options));

        public override void Write(Utf8JsonWriter writer, PersistedSnapshot value, JsonSerializerOptions options) =>
            writer.WriteRawValue(value.Json ?? JsonSerializer.SerializeToUtf8Bytes(value.Value, PersistedSnapshot.Options), skipInputValidation: true);
    }

    private const int MaxSnapshotBytes = Kefu.Platform.Web.WebModule.CircuitReceiveLimit / 2;

    private bool TryRestore()
    {
        if (!AppState.TryTakeFromJson<PersistedSnapshot>(SnapshotKey, out var persisted) || persisted?.Value is not { } s) return false;
        if (s.UserId != _me!.UserId || s.View != _view || s.Sort != Sort || s.FeedInstance != Feed.Instance
            || Clock.GetUtcNow().UtcDateTime - s.TakenUtc > SnapshotLifetime) return false;
        _tickets = s.Tickets;
        _next = s.Next;
        _loading = false;
        foreach (var (k, v) in s.Counts) _counts[k] = v;
        _savedViews = s.SavedViews;
        (_notifyBrowser, _notifySound, _time) = (s.NotifyBrowser, s.NotifySound, ViewerTime.For(s.TimeZone));
        // The other modules' row badges are render fragments (not data): they load again, after the first render.
        _ = InBackground(LoadSlotsAsync);
        if (Feed.Sequence != s.FeedSequence) ScheduleRefresh(); // something changed between the snapshot and now
        return true;
    }

    /// <summary>Runs a query off the circuit. SQLite's ADO.NET "async" calls complete synchronously, so awaited on the
    /// circuit every query of a load ran one after another before anything rendered (the first circuit render of the
    /// workspace waited for the list, the slots, and the counts); on the thread pool they overlap and the render
    /// goes out before them. Continuations still run on the circuit, so fields are only touched there.</summary>
    private Task<T> QueryAsync<T>(Func<IServiceProvider, StaffContext, CancellationToken, Task<T>> work) =>
        Task.Run(() => Ui.RunAsync(work));

    protected override async Task OnParametersSetAsync()
    {
        // The ticket pane is the circuit's (it registers presence and attaches the editor): not prerendered.
        if (RendererInfo.IsInteractive && TicketId is { } id && id != _ticket?.Id) await LoadTicketAsync(id);
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender) return;
        if (_rowBudget < PlainRows)
        {
            _rowBudget = PlainRows; // the rows below the first screenful (see Workspace.razor)
            StateHasChanged();
        }
        _self = DotNetObjectReference.Create(this);
        await JS.InvokeVoidAsync("kefu.workspace.attach", _self);
    }

    /// <summary>The list's filter: the search when one is active, else the saved or built-in view; narrowed by the
    /// filter bar.</summary>
    private TicketFilter CurrentFilter() => Bar.Refine(
        _customer is { } customer ? TicketViews.Base(null) with { CustomerId = customer.Id }
        : _searchActive is { } q ? TicketViews.Base(null) with { Q = q }
        : ActiveSavedView is { } saved ? saved.Filters.ToTicketFilter()
        : TicketViews.Filter(_view)) with { Sort = Sort, Limit = PageRows };

    /// <summary>Built-in view counts (one query) and the saved views with theirs, side by side.</summary>
    private async Task ReloadCountsAsync()
    {
        var builtIn = QueryAsync((sp, staff, ct) => TicketViews.CountsAsync(sp.GetRequiredService<TicketQueries>(), staff, ct));
        var saved = QueryAsync((sp, staff, ct) => sp.GetRequiredService<SavedViewService>().ListAsync(staff, withCounts: true, ct));
        foreach (var (k, v) in await builtIn) _counts[k] = v;
        _savedViews = await saved;
        if (_savedViewId is not null && ActiveSavedView is null) _savedViewId = null; // deleted in another tab
    }

    private void ClearBar() => _fStatus = _fPriority = _fChannel = _fTeam = _fAssignee = _fCategory = _fTag = "";

    private async Task ToggleFiltersAsync()
    {
        _showFilters = !_showFilters;
        if (_showFilters) _options ??= await PaneOptions.LoadAsync(Ui);
    }

    private async Task ClearFiltersAsync()
    {
        ClearBar();
        await ReloadListAsync();
    }

    private async Task SelectSavedViewAsync(long id)
    {
        _savedViewId = id;
        ClearSearch();
        _renaming = _confirmDelete = false;
        _viewError = null;
        ClearBar();
        _selected.Clear();
        Sort = ActiveSavedView?.Filters.Sort ?? "-updatedAt";
        await ReloadListAsync();
    }

    /// <summary>Saves what the list shows now (view or search, the filter bar, the sort) as a new personal view.</summary>
    private async Task SaveViewAsync()
    {
        var request = new CreateSavedViewRequest(_newViewName, SavedViewFilters.From(CurrentFilter()));
        var view = await SavedViewCommandAsync((sp, staff, ct) => sp.GetRequiredService<SavedViewService>().CreateAsync(request, staff, ct));
        if (view is null) return;
        _newViewName = "";
        _showFilters = false;
        await ReloadCountsAsync();
        await SelectSavedViewAsync(view.Id);
    }

    /// <summary>Replaces the open view's filters with what the list shows now (its own plus the filter bar).</summary>
    private async Task UpdateViewAsync()
    {
        if (ActiveSavedView is not { } active) return;
        var request = new UpdateSavedViewRequest(null, SavedViewFilters.From(CurrentFilter()));
        if (await SavedViewCommandAsync((sp, staff, ct) => sp.GetRequiredService<SavedViewService>().UpdateAsync(active.Id, request, staff, null, ct)) is null) return;
        await ReloadCountsAsync();
        await SelectSavedViewAsync(active.Id);
    }

    private void StartRename()
    {
        _renaming = true;
        _confirmDelete = false;
        _renameText = ActiveSavedView?.Name ?? "";
    }

    private async Task RenameViewAsync()
    {
        if (ActiveSavedView is not { } active) return;
        var request = new UpdateSavedViewRequest(_renameText, null);
        if (await SavedViewCommandAsync((sp, staff, ct) => sp.GetRequiredService<SavedViewService>().UpdateAsync(active.Id, request, staff, null, ct)) is null) return;
        _renaming = false;
        await ReloadCountsAsync();
    }

    private async Task RenameKeyDown(KeyboardEventArgs e)
    {
        if (e.Key == "Enter") await RenameViewAsync();
        else if (e.Key == "Escape") _renaming = false;
    }

    private async Task DeleteViewAsync()
    {
        if (ActiveSavedView is not { } active) return;
        if (await SavedViewCommandAsync(async (sp, staff, ct) => { await sp.GetRequiredService<SavedViewService>().DeleteAsync(active.Id, staff, ct); return active; }) is null) return;
        _savedViewId = null;
        _confirmDelete = false;
        await ReloadCountsAsync();
        await ReloadListAsync();
    }

    private async Task<T?> SavedViewCommandAsync<T>(Func<IServiceProvider, StaffContext, CancellationToken, Task<T>> work) where T : class
    {
        _viewError = null;
        try { return await Ui.RunAsync(work); }
        catch (DomainException e)
        {
            _viewError = e.Status == 409 ? L["SavedView.Conflict"] : e.Errors?.ContainsKey("name") == true ? L["SavedView.NameInvalid"] : e.Message;
            return null;
        }
    }

    /// <summary>Rows the list loads at first and per "load more".</summary>
    internal const int PageRows = 100;
    /// <summary>The most rows a live refresh reloads (a list grown by "load more" beyond this shrinks to it).</summary>
    internal const int MaxLiveRows = 500;

    /// <summary>How many rows a live refresh reloads: as many as the list shows, so that a list grown by "load more"
    /// keeps its length and the selection in it; at least a page, at most <see cref="MaxLiveRows"/>.</summary>
    internal static int LiveRefreshRows(int shown) => Math.Clamp(shown, PageRows, MaxLiveRows);

    private Task ReloadListAsync() => ReloadListAsync(PageRows);

    /// <summary>Reloads the same list after a change (live, from the pane, a bulk action): at the length it has.</summary>
    private Task RefreshListAsync() => ReloadListAsync(LiveRefreshRows(_tickets.Count));

    /// <summary>Loads the list's first <paramref name="rows"/> rows (in pages of at most 200, the query's limit).</summary>
    private async Task ReloadListAsync(int rows)
    {
        _loading = true;
        var filter = CurrentFilter();
        var version = ++_listVersion;
        var items = new List<TicketDto>();
        string? next = null;
        do
        {
            var pageFilter = filter with { Limit = Math.Min(200, rows - items.Count), Cursor = next };
            var page = await QueryAsync((sp, staff, ct) => sp.GetRequiredService<TicketQueries>().ListAsync(pageFilter, staff, ct));
            if (version != _listVersion) return; // a newer load (another view, search, live refresh) overtook this one
            items.AddRange(page.Items);
            next = page.NextCursor;
        } while (next is not null && items.Count < rows);
        _tickets = items;
        _next = next;
        _loading = false;
        _selected.IntersectWith(_tickets.Select(t => t.Id));
        await LoadSlotsAsync();
    }

    private async Task LoadSlotsAsync()
    {
        var ids = _tickets.Select(t => t.Id).ToList();
        _slots = await QueryAsync((sp, staff, ct) => TicketSlots.LoadAsync(sp, ids, staff, ct));
    }

    private async Task LoadMoreAsync()
    {
        if (_next is null) return;
        var filter = CurrentFilter() with { Cursor = _next };
        var page = await Ui.RunAsync((sp, staff, ct) => sp.GetRequiredService<TicketQueries>().ListAsync(filter, staff, ct));
        _tickets.AddRange(page.Items);
        _next = page.NextCursor;
        await LoadSlotsAsync();
    }

    private async Task SelectView(TicketView view)
    {
        _view = view;
        _savedViewId = null;
        _renaming = _confirmDelete = false;
        ClearBar();
        ClearSearch();
        _selected.Clear();
        await ReloadListAsync();
    }

    private async Task SearchKeyDown(KeyboardEventArgs e)
    {
        if (e.Key == "Enter")
        {
            _searchActive = string.IsNullOrWhiteSpace(_search) ? null : _search.Trim();
            if (_searchActive is not null) _savedViewId = null;
            _customer = null;
            var version = ++_searchVersion;
            // Customers and tickets load side by side; a newer search (or leaving the search) drops these customers.
            var hits = _searchActive is { } q
                ? QueryAsync((sp, staff, ct) => sp.GetRequiredService<TicketQueries>().SearchCustomersAsync(q, staff, CustomerHits, ct))
                : Task.FromResult<IReadOnlyList<CustomerHit>>([]);
            await ReloadListAsync();
            var found = await hits;
            if (version == _searchVersion) _customerHits = [.. found];
        }
        else if (e.Key == "Escape")
        {
            ClearSearch();
            await ReloadListAsync();
        }
    }

    private const int CustomerHits = 8;

    private void ClearSearch()
    {
        _search = "";
        _searchActive = null;
        _customer = null;
        _customerHits = [];
        _searchVersion++;
    }

    /// <summary>A customer from the search: the list shows their tickets (a ticket opened from it shows the customer panel).</summary>
    private async Task OpenCustomerAsync(CustomerHit customer)
    {
        _customer = customer;
        _selected.Clear();
        await ReloadListAsync();
    }

    private async Task BackToResultsAsync()
    {
        _customer = null;
        _selected.Clear();
        await ReloadListAsync();
    }

    private async Task OpenAsync(long id)
    {
        Nav.NavigateTo($"/tickets/{id}");
        await Task.CompletedTask;
    }

    private async Task LoadTicketAsync(long id)
    {
        var version = ++_ticketVersion;
        _forbidden = _notFound = false;
        // Options (once per workspace) and the ticket load side by side, off the circuit, so the shell and the list
        // are not held back by them.
        var options = _options is null ? Task.Run(() => PaneOptions.LoadAsync(Ui)) : Task.FromResult(_options);
        try
        {
            var ticket = await QueryAsync(async (sp, staff, ct) =>
            {
                var q = sp.GetRequiredService<TicketQueries>();
                return await q.ToDtoAsync(await q.LoadAsync(id, staff, track: false, ct), staff, ct);
            });
            _options ??= await options;
            if (version != _ticketVersion) return; // another ticket was opened meanwhile
            _ticket = ticket;
        }
        catch (DomainException e) when (e.Status is 403 or 404)
        {
            if (version != _ticketVersion) return;
            _ticket = null;
            _forbidden = e.Status == 403;
            _notFound = e.Status == 404;
        }
    }

    private async Task OnPaneChangedAsync()
    {
        if (_ticket is not null) await LoadTicketAsync(_ticket.Id);
        await Task.WhenAll(ReloadCountsAsync(), RefreshListAsync());
    }

    // Live updates: the feed fires on the dispatcher's thread; debounce bursts and re-render on the circuit.
    private void OnFeed(TicketChange change)
    {
        _ = InvokeAsync(async () =>
        {
            _culture.Apply();
            if (change.TicketId == _ticket?.Id)
            {
                await LoadTicketAsync(change.TicketId);
                if (_pane is not null) await _pane.RefreshAsync();
                StateHasChanged();
            }
            // "escalated": a module (Sla) asked to tell this user about the ticket.
            if (change.Kind is "assignee" or "mention" or "escalated" && change.AssigneeId == _me?.UserId && change.ActorId != _me?.UserId)
            {
                var number = $"#{change.TicketId + TicketRules.NumberOffset}";
                var text = change.Kind switch
                {
                    "mention" => L["Notify.Mentioned", number].Value,
                    "escalated" => L["Notify.Escalated", number].Value,
                    _ => L["Notify.AssignedTicket", number].Value,
                };
                Snackbar.Add(text, Severity.Info, o => o.OnClick = _ => { Nav.NavigateTo($"/tickets/{change.TicketId}"); return Task.CompletedTask; });
                if (_notifyBrowser || _notifySound)
                    await JS.InvokeVoidAsync("kefu.notify", text, number, _notifyBrowser, _notifySound);
            }
            ScheduleRefresh();
        });
    }

    private void ScheduleRefresh()
    {
        _refreshDebounce?.Cancel();
        var cts = _refreshDebounce = new CancellationTokenSource();
        _ = InvokeAsync(async () =>
        {
            _culture.Apply();
            try { await Task.Delay(150, cts.Token); } catch (OperationCanceledException) { return; }
            await Task.WhenAll(ReloadCountsAsync(), RefreshListAsync());
            StateHasChanged();
        });
    }

    private async Task ToggleAsync(long id, bool on)
    {
        if (on) _selected.Add(id); else _selected.Remove(id);
        if (on) _options ??= await PaneOptions.LoadAsync(Ui); // the bulk bar offers staff and teams
    }

    private async Task AfterBulkAsync()
    {
        _selected.Clear();
        await Task.WhenAll(ReloadCountsAsync(), RefreshListAsync());
        if (_ticket is not null) await LoadTicketAsync(_ticket.Id);
    }

    /// <summary>Keyboard shortcuts, sent by app.js when focus is not in a text field.</summary>
    [JSInvokable]
    public async Task OnShortcut(string key)
    {
        switch (key)
        {
            case "j": await MoveAsync(+1); break;
            case "k": await MoveAsync(-1); break;
            case "?": _showHelp = !_showHelp; break;
            case "/": await JS.InvokeVoidAsync("kefu.focus", "search"); break;
            case "r": if (_pane is not null) await _pane.StartReplyAsync(note: false); break;
            case "n": if (_pane is not null) await _pane.StartReplyAsync(note: true); break;
            case "a": if (_pane is not null) await _pane.AssignToMeAsync(); break;
            case "s": if (_pane is not null) await _pane.SolveAsync(); break;
            case "Escape": _showHelp = false; break;
        }
        StateHasChanged();
    }

    private async Task MoveAsync(int delta)
    {
        if (_tickets.Count == 0) return;
        var index = _ticket is null ? -1 : _tickets.FindIndex(t => t.Id == _ticket.Id);
        var next = Math.Clamp(index + delta, 0, _tickets.Count - 1);
        if (index == -1) next = 0;
        await OpenAsync(_tickets[next].Id);
        await JS.InvokeVoidAsync("kefu.scrollIntoView", $"row-{_tickets[next].Id}");
    }

    internal static string Snake(Enum value) => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    // SVG icons, not emoji: emoji need a colour-emoji font, which many Linux desktops (and servers' browsers) lack,
    // and then show as empty boxes.
    internal static string ChannelIcon(Channel c) => c switch
    {
        Channel.Email => MudBlazor.Icons.Material.Outlined.Email, Channel.Chat => MudBlazor.Icons.Material.Outlined.Chat,
        Channel.WebForm => MudBlazor.Icons.Material.Outlined.Description, Channel.Api => MudBlazor.Icons.Material.Outlined.Api,
        Channel.WeChat => MudBlazor.Icons.Material.Outlined.Forum, Channel.App => MudBlazor.Icons.Material.Outlined.PhoneIphone,
        _ => MudBlazor.Icons.Material.Outlined.Phone,
    };

    private string Ago(DateTime utc)
    {
        var span = DateTime.UtcNow - utc;
        return span.TotalMinutes < 1 ? L["Time.JustNow"]
            : span.TotalHours < 1 ? L["Time.MinutesAgo", (int)span.TotalMinutes]
            : span.TotalDays < 1 ? L["Time.HoursAgo", (int)span.TotalHours]
            : L["Time.DaysAgo", (int)span.TotalDays];
    }

    public async ValueTask DisposeAsync()
    {
        Feed.Changed -= OnFeed;
        _persisting?.Dispose();
        _refreshDebounce?.Cancel();
        if (_self is null) return; // prerendered (or never rendered in the browser): nothing attached
        try { await JS.InvokeVoidAsync("kefu.workspace.detach"); } catch (JSDisconnectedException) { }
        _self.Dispose();
    }
}
