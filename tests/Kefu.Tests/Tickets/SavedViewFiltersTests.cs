using Kefu.Tickets;
using Kefu.Tickets.Views;

namespace Kefu.Tests.Tickets;

/// <summary>The filter sets behind saved views and the workspace's filter bar: how they combine, save and load.</summary>
public sealed class SavedViewFiltersTests
{
    [Fact]
    public void Saving_a_built_in_view_keeps_its_filters_and_drops_paging()
    {
        var list = TicketViews.Filter(TicketView.Mine) with { Sort = "-updatedAt", Limit = 100, Cursor = "abc" };
        var saved = SavedViewFilters.From(list);
        Assert.Equal(new SavedViewFilters(Status: TicketFilter.OpenStatuses, Assignee: "me", Sort: "-updatedAt"), saved);
        Assert.Equal(list with { Limit = null, Cursor = null }, saved.ToTicketFilter());
    }

    [Fact]
    public void The_filter_bar_narrows_a_view_and_its_choices_win()
    {
        var urgent = TicketViews.Filter(TicketView.Urgent);
        var bar = new SavedViewFilters(Channel: "wechat", TeamId: 3, Tag: "VIP", Priority: "high");
        var f = bar.Refine(urgent);
        Assert.Equal(TicketFilter.OpenStatuses, f.Status);   // from the view
        Assert.Equal("high", f.Priority);                      // the bar's choice replaces the view's
        Assert.Equal(("wechat", 3, "VIP"), (f.Channel, f.TeamId, f.Tag));
        Assert.Equal(urgent, SavedViewFilters.None.Refine(urgent)); // an empty bar changes nothing
    }

    [Fact]
    public void A_category_chosen_in_the_bar_replaces_a_category_path()
    {
        var f = new SavedViewFilters(CategoryId: 7).Refine(TicketViews.Base(null) with { Category = "订单服务" });
        Assert.Equal((7, (string?)null), (f.CategoryId, f.Category));
    }

    [Fact]
    public void A_search_saved_as_a_view_keeps_the_text()
    {
        var saved = SavedViewFilters.From(new SavedViewFilters(Priority: "urgent").Refine(TicketViews.Base(null) with { Q = "退款" }));
        Assert.Equal(new SavedViewFilters(Priority: "urgent", Q: "退款"), saved);
    }

    [Fact]
    public void Blank_text_is_no_filter_and_words_are_trimmed()
    {
        var f = new SavedViewFilters(Status: " ", Tag: "  VIP ", Assignee: " Me ", Q: "", MyTeams: false).Normalized();
        Assert.Equal(new SavedViewFilters(Tag: "VIP", Assignee: "me"), f);
        Assert.True(new SavedViewFilters(Q: "  ").Normalized().IsEmpty);
    }

    [Fact]
    public void Filters_survive_the_json_they_are_stored_as()
    {
        var f = new SavedViewFilters("new,open", "urgent", "email", 2, true, "none", "me", 12, "催单", "发票", "-priority");
        var json = JsonSerializer.Serialize(f, Kefu.Platform.KefuJson.Stored);
        Assert.Contains("\"myTeams\":true", json);
        Assert.Equal(f, JsonSerializer.Deserialize<SavedViewFilters>(json, Kefu.Platform.KefuJson.Stored));
    }
}
