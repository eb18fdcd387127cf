using System.Text.Json;
using Kefu.Platform;
using Kefu.Platform.Auth;
using Kefu.Tickets;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;

namespace Kefu.Sla;

/// <summary>Fills the workspace list's SLA slot: a coloured badge with the most pressing target's time left.</summary>
public sealed class SlaSlotProvider(SlaQueries queries, IStringLocalizer<SharedResource> l, TimeProvider time) : ITicketSlotProvider
{
    public async Task<IReadOnlyDictionary<long, RenderFragment>> ListSlotsAsync(IReadOnlyCollection<long> ticketIds, StaffContext staff, CancellationToken ct)
    {
        var badges = await queries.BadgesAsync(ticketIds, ct);
        var now = time.UtcNow();
        // Texts are resolved here, in the caller's UI culture, not later when the fragment renders.
        return badges.ToDictionary(kv => kv.Key, kv =>
        {
            var text = SlaText.BadgeText(kv.Value, now, l);
            var state = $"{l[$"Sla.Metric.{kv.Value.Metric}"]}: {l[$"Sla.Indicator.{kv.Value.Indicator}"]}";
            return Badge(SlaText.Css(kv.Value.Indicator), SlaText.Icon(kv.Value.Indicator), text, $"{state} ({text})");
        });
    }

    /// <summary>The badge: an SVG icon (not an emoji, which needs a colour-emoji font many Linux desktops lack) and the
    /// time left, coloured by state through its class; <paramref name="label"/> is both its accessible name and its
    /// tooltip, so a screen reader hears the metric and state, not "timer".</summary>
    public static RenderFragment Badge(string css, string icon, string text, string label) => b =>
    {
        b.OpenElement(0, "span");
        b.AddAttribute(1, "class", $"kefu-sla sla-{css}");
        b.AddAttribute(2, "data-sla", css);
        b.AddAttribute(3, "title", label);
        b.AddAttribute(4, "role", "img");
        b.AddAttribute(5, "aria-label", label);
        b.OpenComponent<MudBlazor.MudIcon>(6);
        b.AddComponentParameter(7, "Icon", icon);
        b.AddComponentParameter(8, "Size", MudBlazor.Size.Small);
        b.AddComponentParameter(9, "Class", "kefu-sla-icon");
        b.AddAttribute(10, "aria-hidden", "true");
        b.CloseComponent();
        b.OpenElement(11, "span");
        b.AddAttribute(12, "class", "kefu-sla-text");
        b.AddAttribute(13, "aria-hidden", "true");
        b.AddContent(14, text);
        b.CloseElement();
        b.CloseElement();
    };
}

public static class SlaText
{
    public static string Css(SlaIndicator i) => JsonNamingPolicy.SnakeCaseLower.ConvertName(i.ToString());

    public static string BadgeText(SlaBadge b, DateTime now, IStringLocalizer l) => b.Indicator switch
    {
        SlaIndicator.Ok or SlaIndicator.Warning when b.DueAt is { } due => Duration(due - now, l),
        SlaIndicator.Breached when b.DueAt is { } due => l["Sla.Badge.Overdue", Duration(now - due, l)],
        _ => l[$"Sla.Indicator.{b.Indicator}"],
    };

    /// <summary>The badge's icon per state (Material SVG path, drawn in the badge's colour).</summary>
    public static string Icon(SlaIndicator i) => i switch
    {
        SlaIndicator.Ok or SlaIndicator.Warning => MudBlazor.Icons.Material.Outlined.Timer,
        SlaIndicator.Breached => MudBlazor.Icons.Material.Outlined.AlarmOn,
        SlaIndicator.Paused => MudBlazor.Icons.Material.Outlined.PauseCircle,
        SlaIndicator.Met => MudBlazor.Icons.Material.Outlined.CheckCircle,
        SlaIndicator.Missed => MudBlazor.Icons.Material.Outlined.Cancel,
        _ => MudBlazor.Icons.Material.Outlined.TimerOff,
    };

    public static string Duration(TimeSpan span, IStringLocalizer l)
    {
        if (span < TimeSpan.Zero) span = TimeSpan.Zero;
        return span.TotalDays >= 1 ? l["Sla.Duration.DaysHours", (int)span.TotalDays, span.Hours]
            : span.TotalHours >= 1 ? l["Sla.Duration.HoursMinutes", (int)span.TotalHours, span.Minutes]
            : l["Sla.Duration.Minutes", Math.Max(0, (int)Math.Ceiling(span.TotalMinutes))];
    }
}
