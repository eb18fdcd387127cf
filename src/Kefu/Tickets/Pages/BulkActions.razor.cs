using System.Text.Json.Nodes;
using Kefu.Platform;
using Kefu.Platform.Auth;
using Kefu.Platform.Web;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace Kefu.Tickets.Pages;

/// <summary>
/// The bulk bar over the ticket list: assign (anyone, nobody, or me), team, status, priority, add/remove a tag, or
/// merge the selection into one of its tickets. Every change goes through <see cref="TicketBulk"/> (the service behind
/// POST /api/v1/tickets/bulk), ticket by ticket, and ends with a summary in the user's language.
/// </summary>
public partial class BulkActions
{
    [Inject] private UiScope Ui { get; set; } = default!;

    /// <summary>The selected ticket ids (owned by the workspace).</summary>
    [Parameter, EditorRequired] public IReadOnlyCollection<long> Selected { get; set; } = [];
    /// <summary>The tickets the list shows, to offer the selected ones as merge targets.</summary>
    [Parameter, EditorRequired] public IReadOnlyList<TicketDto> Tickets { get; set; } = [];
    [Parameter] public StaffContext? Me { get; set; }
    [Parameter] public PaneOptions? Options { get; set; }
    /// <summary>After a change: the workspace clears the selection and reloads.</summary>
    [Parameter] public EventCallback OnDone { get; set; }
    [Parameter] public EventCallback OnClear { get; set; }

    private string _field = "", _value = "";
    private bool _busy;
    private BulkTicketResult? _result;
    private string? _error;
    /// <summary>A merge waiting for the user's confirmation: exactly what was shown, and what runs on "merge".</summary>
    private MergeConfirmation? _confirm;

    private sealed record MergeConfirmation(long[] Ids, long Target, long TargetNumber, int Customers);

    private bool CanMerge => Selected.Count > 1 && Me?.Can(Permissions.TicketsMerge) == true;

    private IEnumerable<TicketDto> SelectedTickets => Tickets.Where(t => Selected.Contains(t.Id));

    /// <summary>The tags on the selected tickets (as the list shows them), most common first, each with how many have it.</summary>
    private List<(string Tag, int Count)> SelectedTags => [.. SelectedTickets.SelectMany(t => t.Tags.Distinct(StringComparer.OrdinalIgnoreCase))
        .GroupBy(t => t, StringComparer.OrdinalIgnoreCase).Select(g => (g.Key, g.Count()))
        .OrderByDescending(x => x.Item2).ThenBy(x => x.Key, StringComparer.Ordinal)];

    private string Field
    {
        get => _field;
        set
        {
            _field = value;
            // A merge needs a target: the newest selected ticket unless the user picks another.
            _value = value == "merge" ? SelectedTickets.OrderByDescending(t => t.CreatedAt).FirstOrDefault()?.Id.ToString() ?? "" : "";
        }
    }

    protected override void OnParametersSet()
    {
        // The selection changed (or a live refresh dropped a ticket) while the question was open: ask again.
        if (_confirm is not null && (!Selected.ToHashSet().SetEquals(_confirm.Ids) || !Selected.Contains(_confirm.Target))) _confirm = null;
        if (_field == "merge" && !CanMerge) Field = "";
        else if (_field == "merge" && !SelectedTickets.Any(t => t.Id.ToString() == _value)) Field = "merge";
    }

    private Task TakeAsync() => RunAsync(new BulkTicketRequest([], Set: new JsonObject { ["assigneeId"] = Me?.UserId.ToString() }));

    private Task SolveAsync() => RunAsync(new BulkTicketRequest([], Set: new JsonObject { ["status"] = Workspace.Snake(TicketStatus.Solved) }));

    private async Task TagKeyDown(KeyboardEventArgs e)
    {
        if (e.Key == "Enter" && _value.Trim().Length > 0) await ApplyAsync();
    }

    private Task ApplyAsync()
    {
        var v = _value.Trim();
        if (v.Length == 0) return Task.CompletedTask;
        JsonNode? assignee = v == "none" ? null : v;
        JsonNode? team = v == "none" || !int.TryParse(v, out var teamId) ? null : teamId;
        return RunAsync(_field switch
        {
            "assignee" => new BulkTicketRequest([], Set: new JsonObject { ["assigneeId"] = assignee }),
            "team" => new BulkTicketRequest([], Set: new JsonObject { ["teamId"] = team }),
            "status" => new BulkTicketRequest([], Set: new JsonObject { ["status"] = v }),
            "priority" => new BulkTicketRequest([], Set: new JsonObject { ["priority"] = v }),
            "add-tag" => new BulkTicketRequest([], AddTags: [v]),
            "remove-tag" => new BulkTicketRequest([], RemoveTags: [v]),
            "merge" => AskMerge(long.Parse(v)),
            _ => throw new InvalidOperationException($"Unknown bulk action '{_field}'."),
        });
    }

    /// <summary>A merge is not applied on "apply": it first asks, with the count, the target and how many customers the
    /// selected tickets belong to (their conversations end up in one thread, and there is no unmerge).</summary>
    private BulkTicketRequest? AskMerge(long target)
    {
        var tickets = SelectedTickets.ToList();
        var number = tickets.FirstOrDefault(t => t.Id == target)?.Number ?? target + TicketRules.NumberOffset;
        _confirm = new MergeConfirmation([.. Selected], target, number, tickets.Select(t => t.Customer.Id).Distinct().Count());
        _result = null;
        _error = null;
        return null;
    }

    private Task ConfirmMergeAsync()
    {
        if (_confirm is not { } c) return Task.CompletedTask;
        _confirm = null;
        return RunAsync(new BulkTicketRequest([], MergeInto: c.Target), c.Ids);
    }

    private async Task RunAsync(BulkTicketRequest? request, long[]? ids = null)
    {
        if (request is null || _busy || Selected.Count == 0) return;
        _busy = true;
        _error = null;
        _result = null;
        try
        {
            ids ??= Selected.ToArray();
            _result = await Ui.RunAsync((sp, staff, ct) =>
                sp.GetRequiredService<TicketBulk>().RunAsync(request with { TicketIds = ids }, KefuJson.Stored, staff, ct));
            _field = _value = "";
            await OnDone.InvokeAsync();
        }
        catch (DomainException e) { _error = e.Status == 403 ? L["Bulk.Forbidden"] : L["Bulk.Failed"]; }
        finally { _busy = false; }
    }

    private string Summary(BulkTicketResult r) => r.Unchanged.Length > 0
        ? L["Bulk.SummaryWithUnchanged", r.Updated.Length, r.Unchanged.Length, r.Skipped.Length]
        : L["Bulk.Summary", r.Updated.Length, r.Skipped.Length];

    /// <summary>Why a ticket was skipped, in the user's language (the English detail when the reason is new).</summary>
    private string Reason(BulkSkip s) =>
        L[$"Bulk.Reason.{s.Reason}", s.Status is { } st ? L[$"Status.{st}"].Value : ""] is { ResourceNotFound: false } text ? text.Value : s.Detail;

    private static string Short(string s) => s.Length <= 30 ? s : s[..30] + "…";
}
