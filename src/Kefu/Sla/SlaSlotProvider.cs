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
        return badges.ToDictionary(kv => kv.Key, kv => Badge(SlaText.Css(kv.Value.Indicator), SlaText.BadgeText(kv.Value, now, l),
            $"{l[$"Sla.Metric.{kv.Value.Metric}"]}: {l[$"Sla.Indicator.{kv.Value.Indicator}"]}"));
    }

    public static RenderFragment Badge(string css, string text, string title) => b =>
    {
        b.OpenElement(0, "span");
        b.AddAttribute(1, "class", $"kefu-sla sla-{css}");
        b.AddAttribute(2, "data-sla", css);
        b.AddAttribute(3, "title", title);
        b.AddContent(4, text);
        b.CloseElement();
    };
}

public static class SlaText
{
    public static string Css(SlaIndicator i) => JsonNamingPolicy.SnakeCaseLower.ConvertName(i.ToString());

    public static string BadgeText(SlaBadge b, DateTime now, IStringLocalizer l) => b.Indicator switch
    {
        SlaIndicator.Ok or SlaIndicator.Warning when b.DueAt is { } due => "⏱ " + Duration(due - now, l),
        SlaIndicator.Breached when b.DueAt is { } due => l["Sla.Badge.Overdue", Duration(now - due, l)],
        SlaIndicator.Paused => "⏸ " + l["Sla.Indicator.Paused"],
        SlaIndicator.Met => "✓ " + l["Sla.Indicator.Met"],
        SlaIndicator.Missed => "✗ " + l["Sla.Indicator.Missed"],
        _ => l[$"Sla.Indicator.{b.Indicator}"],
    };

    public static string Duration(TimeSpan span, IStringLocalizer l)
    {
        if (span < TimeSpan.Zero) span = TimeSpan.Zero;
        return span.TotalDays >= 1 ? l["Sla.Duration.DaysHours", (int)span.TotalDays, span.Hours]
            : span.TotalHours >= 1 ? l["Sla.Duration.HoursMinutes", (int)span.TotalHours, span.Minutes]
            : l["Sla.Duration.Minutes", Math.Max(0, (int)Math.Ceiling(span.TotalMinutes))];
    }
}
