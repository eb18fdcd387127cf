using Kefu.Platform;
using Kefu.Platform.Auth;
using Kefu.Platform.Web;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;

namespace Kefu.Tickets.Pages.Admin;

/// <summary>
/// The 3-level taxonomy editor: add children, rename, default team and priority per leaf, retire/reactivate, and
/// reorder siblings by drag and drop or with the up/down buttons (the keyboard way). Every change goes through
/// <see cref="TaxonomyService"/>, like the API.
/// </summary>
public partial class TaxonomyAdmin : IAsyncDisposable
{
    [Inject] private UiScope Ui { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private IJSRuntime JS { get; set; } = default!;

    private CategoryNode[] _roots = [];
    private readonly Dictionary<int, CategoryNode> _byId = [];
    private readonly Dictionary<int, int?> _parentOf = [];
    private List<TeamDto> _teams = [];
    private readonly HashSet<int> _collapsed = [];
    private bool _loaded, _busy, _showRetired = true, _addingRoot;
    private int? _selectedId, _dragId, _dropId;
    private string _name = "", _team = "", _priority = "", _childName = "";
    private IJSObjectReference? _module;
    private readonly FormErrors _editErrors = new("name", "defaultTeamId", "defaultPriority", "isActive");
    private readonly FormErrors _childErrors = new("name", "parentId");
    private readonly FormErrors _treeErrors = new();

    private CategoryNode? Selected => _selectedId is { } id ? _byId.GetValueOrDefault(id) : null;

    protected override async Task OnInitializedAsync()
    {
        await LoadAsync();
        _loaded = true;
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender) return;
        // Lets drags start in every browser (Firefox needs data on the drag); see kefu-ui.js.
        _module = await JS.InvokeAsync<IJSObjectReference>("import", "./kefu-ui.js");
        await _module.InvokeVoidAsync("enableDrag");
    }

    private async Task LoadAsync()
    {
        (_roots, _teams) = await Ui.RunAsync(async (sp, staff, ct) =>
        {
            staff.Demand(Permissions.TaxonomyManage);
            var snapshot = await sp.GetRequiredService<TaxonomyCache>().GetAsync(ct);
            return (TaxonomyService.Tree(snapshot, null), await sp.GetRequiredService<TeamService>().ListAsync(ct));
        });
        _byId.Clear();
        _parentOf.Clear();
        Index(_roots, null);
        if (_selectedId is { } id && !_byId.ContainsKey(id)) _selectedId = null;
    }

    private void Index(IEnumerable<CategoryNode> nodes, int? parent)
    {
        foreach (var n in nodes)
        {
            _byId[n.Id] = n;
            _parentOf[n.Id] = parent;
            Index(n.Children, n.Id);
        }
    }

    private IReadOnlyList<CategoryNode> SiblingsOf(CategoryNode n) =>
        _parentOf.GetValueOrDefault(n.Id) is { } p ? _byId[p].Children : _roots;

    private bool Shown(CategoryNode n) => _showRetired || n.IsActive;

    private string TeamName(int? id) => id is { } i ? _teams.FirstOrDefault(t => t.Id == i)?.Name ?? $"#{i}" : "";

    private void Select(CategoryNode n)
    {
        _selectedId = n.Id;
        _addingRoot = false;
        _name = n.Name;
        _team = n.DefaultTeamId?.ToString() ?? "";
        _priority = n.DefaultPriority?.ToString() ?? "";
        _childName = "";
        _editErrors.Clear();
        _childErrors.Clear();
    }

    private void AddRoot()
    {
        _selectedId = null;
        _addingRoot = true;
        _childName = "";
        _childErrors.Clear();
    }

    private void ToggleCollapsed(CategoryNode n)
    {
        if (!_collapsed.Remove(n.Id)) _collapsed.Add(n.Id);
    }

    private string? CheckName(string raw)
    {
        var name = raw.Trim();
        if (name.Length == 0) return L["Validation.Required"];
        if (name.Contains('/')) return L["Validation.CategoryName"];
        if (name.Length > 50) return L["Validation.TooLong", 50];
        return null;
    }

    private async Task SaveAsync()
    {
        if (Selected is not { } n || _busy) return;
        _editErrors.Clear();
        if (CheckName(_name) is { } problem) { _editErrors.Add("name", problem); return; }
        if (await UpdateAsync(n, EditorPatch(n.Level, _name, _team, _priority))) Snackbar.Add(L["Common.Saved"], Severity.Success);
    }

    private async Task SetActiveAsync(bool active)
    {
        if (Selected is not { } n || _busy) return;
        if (await UpdateAsync(n, new CategoryPatch(IsActive: active)))
            Snackbar.Add(active ? L["Taxonomy.Reactivated", n.Name] : L["Taxonomy.Retired", n.Name], Severity.Success);
    }

    private async Task<bool> UpdateAsync(CategoryNode n, CategoryPatch patch)
    {
        _busy = true;
        try
        {
            var version = n.Version;
            var ok = await _editErrors.RunAsync(() => Ui.RunAsync(async (sp, staff, ct) =>
            {
                staff.Demand(Permissions.TaxonomyManage);
                await sp.GetRequiredService<TaxonomyService>().UpdateAsync(n.Id, patch, v =>
                {
                    if (v != version) throw new DomainException(412, "Precondition failed", "The category was changed by someone else.");
                }, ct);
            }), L, "name");
            await LoadAsync();
            if (Selected is { } fresh && (ok || _editErrors.Summary is not null)) Select(fresh);
            return ok;
        }
        finally { _busy = false; }
    }

    private async Task AddChildAsync()
    {
        if (_busy) return;
        int? parentId = _addingRoot ? null : Selected?.Id;
        if (parentId is null && !_addingRoot) return;
        _childErrors.Clear();
        if (CheckName(_childName) is { } problem) { _childErrors.Add("name", problem); return; }
        _busy = true;
        try
        {
            var request = new CreateCategoryRequest(parentId, _childName.Trim(), null, null, null);
            Category? created = null;
            if (!await _childErrors.RunAsync(() => Ui.RunAsync(async (sp, staff, ct) =>
                {
                    staff.Demand(Permissions.TaxonomyManage);
                    created = await sp.GetRequiredService<TaxonomyService>().CreateAsync(request, ct);
                }), L, "name"))
                return;
            Snackbar.Add(L["Taxonomy.Added", created!.Name], Severity.Success);
            _childName = "";
            if (parentId is { } pid) _collapsed.Remove(pid);
            await LoadAsync();
        }
        finally { _busy = false; }
    }

    /// <summary>Moves a category up (-1) or down (+1) among the siblings shown.</summary>
    private Task MoveAsync(CategoryNode n, int delta)
    {
        var visible = SiblingsOf(n).Where(Shown).ToList();
        var i = visible.FindIndex(x => x.Id == n.Id) + delta;
        return i < 0 || i >= visible.Count ? Task.CompletedTask : MoveToAsync(n, visible[i]);
    }

    /// <summary>Puts a category where its sibling <paramref name="target"/> is (before it when moving up, after it
    /// when moving down).</summary>
    private async Task MoveToAsync(CategoryNode n, CategoryNode target)
    {
        var siblings = SiblingsOf(n);
        if (_busy || n.Id == target.Id || !siblings.Contains(target)) return;
        var order = MovedOrder([.. siblings.Select(x => x.Id)], n.Id, target.Id);
        _busy = true;
        try
        {
            var parentId = _parentOf[n.Id];
            await _treeErrors.RunAsync(() => Ui.RunAsync(async (sp, staff, ct) =>
            {
                staff.Demand(Permissions.TaxonomyManage);
                await sp.GetRequiredService<TaxonomyService>().ReorderAsync(parentId, order, ct);
            }), L);
            await LoadAsync();
        }
        finally { _busy = false; }
    }

    /// <summary>The editor's save: the name, and on a leaf (only there are defaults offered) the default team and
    /// priority as chosen, an empty choice clearing them. Above the leaves the defaults are left as they are.</summary>
    internal static CategoryPatch EditorPatch(int level, string name, string team, string priority)
    {
        var leaf = level == TaxonomyService.MaxLevel;
        return new CategoryPatch(Name: name.Trim(),
            SetDefaultPriority: leaf, DefaultPriority: leaf && Enum.TryParse<TicketPriority>(priority, out var p) ? p : null,
            SetDefaultTeam: leaf, DefaultTeamId: leaf && int.TryParse(team, out var t) ? t : null);
    }

    /// <summary>The sibling order after moving <paramref name="id"/> to the place of <paramref name="targetId"/>:
    /// before it when moving up, after it when moving down (every other sibling keeps its relative order).</summary>
    internal static List<int> MovedOrder(List<int> order, int id, int targetId)
    {
        var to = order.IndexOf(targetId);
        order.Remove(id);
        order.Insert(to, id);
        return order;
    }

    private void DragStart(CategoryNode n)
    {
        _dragId = n.Id;
        _dropId = null;
    }

    private void DragEnter(CategoryNode n)
    {
        // Only siblings are drop targets: dragging reorders, it does not move a category to another parent.
        _dropId = _dragId is { } d && d != n.Id && _byId.TryGetValue(d, out var dragged) && SiblingsOf(dragged).Contains(n) ? n.Id : null;
    }

    private async Task DropAsync(CategoryNode target)
    {
        var dragged = _dragId is { } d ? _byId.GetValueOrDefault(d) : null;
        _dragId = _dropId = null;
        if (dragged is not null) await MoveToAsync(dragged, target);
    }

    private void DragEnd() => _dragId = _dropId = null;

    public async ValueTask DisposeAsync()
    {
        try { if (_module is not null) await _module.DisposeAsync(); } catch (JSDisconnectedException) { }
    }
}
