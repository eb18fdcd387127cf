using System.Text.Json.Nodes;
using Kefu.Platform;
using Kefu.Platform.Audit;
using Kefu.Platform.Auth;
using Kefu.Platform.Database;
using Kefu.Platform.Web;
using Kefu.Tickets.Live;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.JSInterop;

namespace Kefu.Tickets.Pages;

/// <summary>One open ticket: thread with inline events, reply editor (drafts kept per ticket), properties, customer.</summary>
public partial class TicketPane
{
    [Parameter, EditorRequired] public TicketDto Ticket { get; set; } = default!;
    [Parameter, EditorRequired] public StaffContext Me { get; set; } = default!;
    [Parameter, EditorRequired] public string Session { get; set; } = default!;
    [Parameter] public EventCallback OnChanged { get; set; }
    [Parameter, EditorRequired] public PaneOptions Options { get; set; } = default!;
    [Inject] private UiScope Ui { get; set; } = default!;
    [Inject] private PresenceTracker Presence { get; set; } = default!;
    [Inject] private IJSRuntime JS { get; set; } = default!;
    [Inject] private IEnumerable<TicketPaneSlot> PaneSlots { get; set; } = default!;

    private sealed record TimelineItem(DateTime At, long Order, MessageDto? Message, string? Event);

    private List<TimelineItem> _timeline = [];
    private CustomerDto? _customer;
    private List<TicketDto> _customerTickets = [];
    private List<PaneOptions.Option> _teams => Options.Teams;
    private List<PaneOptions.Option> _staff => Options.Staff;
    private List<PaneOptions.Leaf> _leaves => Options.Leaves;
    private IReadOnlyList<Viewer> _others = [];
    private readonly List<AttachmentDto> _attachments = [];
    private string _text = "", _newTag = "", _customerNote = "", _newCustomerTag = "";
    private string? _customerError;
    private bool _note, _solveAfter, _sending;
    private string? _editorError, _propError;
    /// <summary>Key of the property pickers: bumped when a change is refused, so the browser's select shows the
    /// ticket's value again (Blazor leaves an element alone whose rendered value did not change).</summary>
    private int _propsVersion;
    private TimeZoneInfo _zone => Options.Zone;
    private CancellationTokenSource? _typingReset;
    private readonly UiCulture _culture = UiCulture.Capture();

    protected override async Task OnInitializedAsync()
    {
        await RefreshAsync();
        Presence.Changed += OnPresence;
        Presence.Enter(Ticket.Id, new Viewer(Session, Me.UserId, Me.DisplayName, false));
        _others = OtherPeople();
    }

    // Colleagues on this ticket, one entry each: my own other tabs (or a closed tab's circuit that has not timed out
    // yet) are not "someone else also viewing".
    private IReadOnlyList<Viewer> OtherPeople() =>
        [.. Presence.Others(Ticket.Id, Session).Where(v => v.UserId != Me.UserId)
            .GroupBy(v => v.UserId).Select(g => g.FirstOrDefault(v => v.Typing) ?? g.First())];

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender) return;
        // The editor's text is the browser's (see app.js): it restores the draft and keeps it on every keystroke.
        _text = await JS.InvokeAsync<string?>("kefu.editor.attach", "reply-box", Me.UserId, Ticket.Id, Options.Colleagues) ?? "";
    }

    /// <summary>Reloads the thread, events and customer panel (called on open and when the ticket changes live).</summary>
    public async Task RefreshAsync()
    {
        var id = Ticket.Id;
        var customerId = Ticket.Customer.Id;
        // A live refresh (someone changed the ticket) must not wipe a customer note the agent is typing.
        var editingNote = _customer is not null && _customer.Id == customerId && _customerNote != (_customer.Note ?? "");
        // The customer's other tickets come from their own scope, side by side with the thread.
        var others = Ui.RunAsync((sp, staff, ct) => sp.GetRequiredService<TicketQueries>().ListAsync(
            TicketViews.Base(null) with { CustomerId = customerId, Limit = 10 }, staff, ct));
        (_timeline, _customer) = await Ui.RunAsync(async (sp, staff, ct) =>
        {
            var db = sp.GetRequiredService<KefuDb>();
            var queries = sp.GetRequiredService<TicketQueries>();
            var messages = await queries.MessagesAsync(id, staff, ct);
            var key = id.ToString();
            var audit = (await db.Audit.AsNoTracking().Where(a => a.EntityType == "ticket" && a.EntityId == key && ThreadEvents.Contains(a.Action))
                .OrderBy(a => a.Id).ToListAsync(ct))
                .Where(a => a.Action is not ("replied" or "customer_wrote") || MessageChanges(a, maskPii: false) is { Count: > 0 }).ToList();
            // Merges before session 12 also wrote an English note into both threads; the event says it in the reader's
            // language now, so the note is left out where the event is there to replace it.
            var merged = audit.Any(a => a.Action is "merged_into" or "merged_in");
            // Other modules' events (escalations, approvals, the triage decision) in the same form as the ticket's own.
            var others = new List<TimelineItem>();
            foreach (var source in sp.GetServices<ITicketThreadEvents>())
                others.AddRange((await source.ForTicketAsync(id, staff, ct)).Select(e => new TimelineItem(e.At, 0, null, Line(e.Actor, e.Text, e.At))));
            var timeline = messages.Where(m => !(merged && LegacyMergeNote(m)))
                .Select(m => new TimelineItem(m.CreatedAt, m.Id, m, null))
                .Concat(audit.Select(a => new TimelineItem(a.At, a.Id, null, Describe(a, staff.MasksPii))))
                .Concat(others)
                .OrderBy(i => i.At).ToList();
            var customer = await db.Set<Customer>().AsNoTracking().Include(c => c.Identities).FirstAsync(c => c.Id == customerId, ct);
            return (timeline, TicketQueries.ToDto(customer, staff) with { Tags = await sp.GetRequiredService<CustomerTags>().GetAsync(customerId, ct) });
        });
        _customerTickets = [.. (await others).Items];
        if (!editingNote) _customerNote = _customer.Note ?? "";
        StateHasChanged();
    }

    /// <summary>The audit actions the thread shows inline: field changes, merges, and what a message changed by itself
    /// (a customer's message reopening a solved ticket, the first reply making its writer the owner).</summary>
    private static readonly string[] ThreadEvents = ["updated", "merged_into", "merged_in", "replied", "customer_wrote"];

    /// <summary>The ticket fields a message changed ({"messageId": …, "changes": {"status": [old, new], …}}).</summary>
    private static JsonObject? MessageChanges(AuditEntry a, bool maskPii) => AuditDto.ChangesOf(a, maskPii)?["changes"] as JsonObject;

    [System.Text.RegularExpressions.GeneratedRegex(@"^Ticket #\d+ merged into #\d+ by .*\.$", System.Text.RegularExpressions.RegexOptions.Singleline)]
    private static partial System.Text.RegularExpressions.Regex LegacyMergeText();

    /// <summary>The internal note a merge wrote before session 12 ("Ticket #100011 merged into #100012 by 王芳.").</summary>
    internal static bool LegacyMergeNote(MessageDto m) => m.Kind == MessageKind.InternalNote && m.Body is { } body && LegacyMergeText().IsMatch(body);

    private string Describe(AuditEntry a, bool maskPii)
    {
        if (a.Action is "merged_into" or "merged_in")
        {
            // {"target": 12} / {"source": 11}: internal ids, shown as the ticket numbers people know.
            var other = AuditDto.ChangesOf(a, maskPii: false)?[a.Action == "merged_into" ? "target" : "source"] is JsonValue v && v.TryGetValue<long>(out var id)
                ? $"#{id + TicketRules.NumberOffset}" : "—";
            return Line(a.ActorName, a.Action == "merged_into" ? L["Thread.MergedInto", other] : L["Thread.MergedIn", other], a.At);
        }
        var changes = a.Action is "replied" or "customer_wrote" ? MessageChanges(a, maskPii) : AuditDto.ChangesOf(a, maskPii)?.AsObject();
        var parts = changes?.Select(kv => $"{L[$"Change.{kv.Key}"]}: {Show(kv.Key, kv.Value?[0])} → {Show(kv.Key, kv.Value?[1])}") ?? [];
        return Line(a.ActorName, string.Join("; ", parts), a.At);
    }

    /// <summary>An inline event: who (Kefu itself when nobody) · what · when, in the reader's time zone.</summary>
    private string Line(string? actor, string text, DateTime at) => $"{actor ?? L["Common.System"]} · {text} · {Local(at)}";

    // The audit stores values as the API spells them ("pending_customer", a team id, a user id): shown as the user reads them.
    private string Show(string field, JsonNode? node)
    {
        if (node is null) return "—";
        if (node is JsonArray arr) return arr.Count == 0 ? "—" : string.Join(", ", arr.Select(x => x?.ToString()));
        var s = node.ToString();
        return field switch
        {
            "status" when ParseSnake<TicketStatus>(s) is { } st => L[$"Status.{st}"],
            "priority" when ParseSnake<TicketPriority>(s) is { } pr => L[$"Priority.{pr}"],
            "teamId" => _teams.FirstOrDefault(t => t.Id == s)?.Name ?? s,
            _ when Guid.TryParse(s, out var g) => _staff.FirstOrDefault(x => x.Id == g.ToString())?.Name ?? s,
            _ => s,
        };
    }

    private static T? ParseSnake<T>(string value) where T : struct, Enum =>
        Enum.TryParse<T>(value.Replace("_", ""), ignoreCase: true, out var e) ? e : null;

    private string Local(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(utc, _zone).ToString("yyyy-MM-dd HH:mm");

    private static string Size(long bytes) => bytes < 1024 ? $"{bytes} B" : bytes < 1024 * 1024 ? $"{bytes / 1024} KB" : $"{bytes / 1024 / 1024} MB";

    private void OnPresence(long ticketId)
    {
        if (ticketId != Ticket.Id) return;
        _ = InvokeAsync(() =>
        {
            _culture.Apply();
            _others = OtherPeople();
            StateHasChanged();
        });
    }

    private void OnInput(ChangeEventArgs e)
    {
        _text = e.Value?.ToString() ?? "";
        Presence.SetTyping(Ticket.Id, Session, true);
        _typingReset?.Cancel();
        var cts = _typingReset = new CancellationTokenSource();
        _ = Task.Delay(3000, cts.Token).ContinueWith(t => { if (!t.IsCanceled) Presence.SetTyping(Ticket.Id, Session, false); }, TaskScheduler.Default);
    }

    private void SetMode(bool note) => _note = note;

    public async Task StartReplyAsync(bool note)
    {
        _note = note;
        StateHasChanged();
        await JS.InvokeVoidAsync("kefu.focus", "reply-box");
    }

    private const int MaxFilesPerPick = 10;

    private async Task UploadAsync(InputFileChangeEventArgs e)
    {
        _editorError = null;
        // GetMultipleFiles throws (and the exception would end the circuit) when more files were picked than it is
        // allowed to return: refuse the pick in the user's language instead.
        if (e.FileCount > MaxFilesPerPick)
        {
            _editorError = L["Editor.TooManyFiles", e.FileCount, MaxFilesPerPick];
            return;
        }
        foreach (var file in e.GetMultipleFiles(MaxFilesPerPick))
        {
            try
            {
                var (dto, maxBytes) = await Ui.RunAsync(async (sp, staff, ct) =>
                {
                    var store = sp.GetRequiredService<AttachmentStore>();
                    // Checked here, in the user's language: the browser's stream would refuse it with an English
                    // IOException, the store with an English problem.
                    if (file.Size > store.MaxBytes) return ((AttachmentDto?)null, store.MaxBytes);
                    await using var stream = file.OpenReadStream(store.MaxBytes, ct);
                    var a = await store.SaveAsync(stream, file.Name, file.ContentType, file.Size, staff, ct);
                    return ((AttachmentDto?)new AttachmentDto(a.Id, a.FileName, a.ContentType, a.Size, $"/api/v1/attachments/{a.Id}"), store.MaxBytes);
                });
                if (dto is null) _editorError = L["Editor.AttachmentTooLarge", file.Name, maxBytes / 1024 / 1024];
                else _attachments.Add(dto);
            }
            catch (DomainException ex) { _editorError = Kefu.Platform.Web.ErrorText.Of(ex, L); }
            catch (IOException) { _editorError = L["Editor.AttachmentFailed", file.Name]; }
        }
    }

    private async Task SendAsync()
    {
        if (_sending) return;
        _editorError = null;
        _text = await JS.InvokeAsync<string>("kefu.editor.value", "reply-box");
        if (string.IsNullOrWhiteSpace(_text) && _attachments.Count == 0) { _editorError = L["Editor.Empty"]; return; }
        _sending = true;
        try
        {
            var kind = _note ? MessageKind.InternalNote : MessageKind.PublicReply;
            var request = new AddMessageRequest(kind, _text, null, [.. _attachments.Select(a => a.Id)], null);
            var solve = _solveAfter && !_note;
            await Ui.RunAsync(async (sp, staff, ct) =>
            {
                var uow = sp.GetRequiredService<UnitOfWork>();
                var q = sp.GetRequiredService<TicketQueries>();
                var tickets = sp.GetRequiredService<TicketService>();
                await uow.RunAsync(async c =>
                {
                    var t = await q.LoadAsync(Ticket.Id, staff, true, c);
                    await tickets.AddMessageAsync(t, request, staff, c);
                    if (solve) await tickets.UpdateAsync(t, new JsonObject { ["status"] = "solved" }, KefuJson.Stored, staff, c);
                }, ct);
            });
            _text = "";
            _attachments.Clear();
            _solveAfter = false;
            await JS.InvokeVoidAsync("kefu.editor.clear", "reply-box", Me.UserId, Ticket.Id);
            Presence.SetTyping(Ticket.Id, Session, false);
            await OnChanged.InvokeAsync();
            await RefreshAsync();
        }
        catch (DomainException ex) { _editorError = Kefu.Platform.Web.ErrorText.Of(ex, L); }
        finally { _sending = false; }
    }

    /// <summary>One change to the ticket's customer in its own unit of work, for staff who may write customers.</summary>
    private Task ChangeCustomerAsync(long customerId, Func<IServiceProvider, Customer, CancellationToken, Task> change) =>
        Ui.RunAsync(async (sp, staff, ct) =>
        {
            if (!staff.Can(Permissions.CustomersWrite)) throw DomainException.Forbidden("customers.write");
            var uow = sp.GetRequiredService<UnitOfWork>();
            await uow.RunAsync(async c => await change(sp, await uow.Db.Set<Customer>().FirstAsync(x => x.Id == customerId, c), c), ct);
        });

    private async Task SaveCustomerNoteAsync()
    {
        var customerId = Ticket.Customer.Id;
        var note = _customerNote;
        try
        {
            // The editor is not shown to staff who read the note masked; refused here too, as the API refuses it.
            if (Me.MasksPii) throw DomainException.Forbidden("Outsourced accounts see the customer note masked and cannot change it.");
            await ChangeCustomerAsync(customerId, (sp, customer, c) =>
                sp.GetRequiredService<CustomerService>().UpdateAsync(customer, new UpdateCustomerRequest(null, null, note, null), c));
            await RefreshAsync();
        }
        catch (DomainException ex) { _propError = Kefu.Platform.Web.ErrorText.Of(ex, L); }
    }

    private async Task CustomerTagKeyDown(KeyboardEventArgs e)
    {
        if (e.Key != "Enter" || string.IsNullOrWhiteSpace(_newCustomerTag)) return;
        await SetCustomerTagsAsync((_customer?.Tags ?? []).Append(_newCustomerTag.Trim()));
        _newCustomerTag = "";
    }

    /// <summary>Replaces the customer's tags (audited; "vip" makes routing and SLA treat the customer as VIP).</summary>
    private async Task SetCustomerTagsAsync(IEnumerable<string> tags)
    {
        var customerId = Ticket.Customer.Id;
        var list = tags.ToArray();
        _customerError = null;
        try
        {
            await ChangeCustomerAsync(customerId, (sp, customer, c) => sp.GetRequiredService<CustomerTags>().SetAsync(customer, list, c));
            await RefreshAsync();
        }
        catch (DomainException ex) { _customerError = Kefu.Platform.Web.ErrorText.Of(ex, L); }
    }

    public Task AssignToMeAsync() => PatchAsync("assigneeId", Me.UserId.ToString());

    public Task SolveAsync() => Ticket.AllowedStatuses.Contains(TicketStatus.Solved) ? PatchAsync("status", "solved") : Task.CompletedTask;

    private async Task TagKeyDown(KeyboardEventArgs e)
    {
        if (e.Key != "Enter" || string.IsNullOrWhiteSpace(_newTag)) return;
        await SetTagsAsync(Ticket.Tags.Append(_newTag.Trim()).Distinct());
        _newTag = "";
    }

    private Task SetTagsAsync(IEnumerable<string> tags) =>
        PatchAsync("tags", new JsonArray([.. tags.Select(t => (JsonNode)t!)]));

    private async Task PatchAsync(string field, object? value)
    {
        _propError = null;
        var patch = new JsonObject { [field] = value is JsonNode n ? n : JsonValue.Create(value) };
        try
        {
            await Ui.RunAsync(async (sp, staff, ct) =>
            {
                var uow = sp.GetRequiredService<UnitOfWork>();
                var q = sp.GetRequiredService<TicketQueries>();
                await uow.RunAsync(async c => await sp.GetRequiredService<TicketService>().UpdateAsync(
                    await q.LoadAsync(Ticket.Id, staff, true, c), patch, KefuJson.Stored, staff, c), ct);
            });
            await OnChanged.InvokeAsync();
        }
        catch (DomainException ex)
        {
            // In the user's language (the services speak English), and the pickers show the ticket's values again:
            // a refused choice must not look as if it had been made.
            _propError = ex.Errors?.Values.SelectMany(v => v).FirstOrDefault() is { } first
                ? Kefu.Platform.Web.ErrorText.Translate(first, ex.Status, field, L)
                : Kefu.Platform.Web.ErrorText.ForStatus(ex, L);
            _propsVersion++;
        }
    }

    public void Dispose()
    {
        Presence.Changed -= OnPresence;
        Presence.Leave(Ticket.Id, Session);
        _typingReset?.Cancel();
    }
}
