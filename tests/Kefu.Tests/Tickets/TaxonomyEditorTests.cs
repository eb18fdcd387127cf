using Kefu.Tickets;
using Kefu.Tickets.Pages.Admin;

namespace Kefu.Tests.Tickets;

/// <summary>The taxonomy editor's own decisions (the admin page, before <see cref="TaxonomyService"/> is called): where a
/// moved category lands among its siblings, and which defaults a save changes.</summary>
public sealed class TaxonomyEditorTests
{
    [Theory]
    [InlineData("1 2 3 4", 3, 2, "1 3 2 4")] // up one place (the up button): before the sibling above
    [InlineData("1 2 3 4", 2, 3, "1 3 2 4")] // down one place (the down button): after the sibling below
    [InlineData("1 2 3 4", 4, 1, "4 1 2 3")] // dragged onto the first: first
    [InlineData("1 2 3 4", 1, 4, "2 3 4 1")] // dragged onto the last: last
    [InlineData("1 2 3 4", 1, 3, "2 3 1 4")] // dragged down past two: after the target
    public void A_moved_category_lands_at_its_targets_place(string before, int id, int target, string after)
    {
        static List<int> Ids(string s) => [.. s.Split(' ').Select(int.Parse)];
        var moved = TaxonomyAdmin.MovedOrder(Ids(before), id, target);
        Assert.Equal(Ids(after), moved);
    }

    [Fact]
    public void Saving_a_leaf_sets_or_clears_its_defaults()
    {
        var set = TaxonomyAdmin.EditorPatch(TaxonomyService.MaxLevel, "  无法支付 ", "7", nameof(TicketPriority.Urgent));
        Assert.Equal(new CategoryPatch(Name: "无法支付", SetDefaultPriority: true, DefaultPriority: TicketPriority.Urgent,
            SetDefaultTeam: true, DefaultTeamId: 7), set);
        // "None" in both pickers clears the defaults, rather than leaving them.
        var cleared = TaxonomyAdmin.EditorPatch(TaxonomyService.MaxLevel, "无法支付", "", "");
        Assert.Equal(new CategoryPatch(Name: "无法支付", SetDefaultPriority: true, SetDefaultTeam: true), cleared);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Saving_a_category_above_the_leaves_changes_only_its_name(int level)
    {
        var patch = TaxonomyAdmin.EditorPatch(level, "订单服务", "7", nameof(TicketPriority.Urgent));
        Assert.Equal(new CategoryPatch(Name: "订单服务"), patch);
    }
}
