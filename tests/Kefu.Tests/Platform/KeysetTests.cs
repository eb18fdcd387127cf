using Kefu.Platform;
using Kefu.Platform.Http;

namespace Kefu.Tests.Platform;

/// <summary>The one cursor format of every list (decision 0061): pages continue where the previous ended in every
/// sort and direction, and a cursor that is not one of this list's and sort's is a 400 naming <c>cursor</c>. Run over
/// LINQ to objects here; the list API tests run the same expressions through both databases.</summary>
public sealed class KeysetTests
{
    private sealed record Row(long Id, string Name, DateTime At, int Rank);

    private sealed record Other(long Id);

    private static readonly ListSort<Row>[] Sorts =
    [
        ListSort<Row>.By("at", r => r.At, r => r.Id).WithDescendingDefault(),
        ListSort<Row>.By("name", r => r.Name, r => r.Id),
        ListSort<Row>.By("id", r => r.Id),
        ListSort<Row>.By("queue", r => r.Rank).Then(r => r.At, descending: true).Then(r => r.Id),
    ];

    // Ties in every key but the id, so only the tie-breakers keep pages apart.
    private static readonly Row[] Rows = [.. Enumerable.Range(1, 11).Select(i => new Row(i, i % 3 == 0 ? "b" : "a",
        new DateTime(2026, 11, 24, 0, 0, i % 4, DateTimeKind.Utc), i % 2))];

    private static List<long> All(string? sort, int take)
    {
        var (chosen, descending) = Keyset.ParseSort(sort, Sorts);
        var ids = new List<long>();
        string? cursor = null;
        do
        {
            var rows = chosen.Apply(Rows.AsQueryable(), descending, cursor).Take(take + 1).ToList();
            cursor = Keyset.Trim(rows, take, chosen, descending);
            Assert.True(rows.Count == take || cursor is null);
            ids.AddRange(rows.Select(r => r.Id));
        } while (cursor is not null);
        return ids;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(50)]
    public void Pages_follow_every_sort_in_both_directions(int take)
    {
        long[] Ids(IEnumerable<Row> rows) => [.. rows.Select(r => r.Id)];
        Assert.Equal(Ids(Rows.OrderByDescending(r => r.At).ThenByDescending(r => r.Id)), All(null, take));
        Assert.Equal(Ids(Rows.OrderByDescending(r => r.At).ThenByDescending(r => r.Id)), All("-at", take));
        Assert.Equal(Ids(Rows.OrderBy(r => r.At).ThenBy(r => r.Id)), All("at", take));
        Assert.Equal(Ids(Rows.OrderBy(r => r.Name).ThenBy(r => r.Id)), All("+name", take));
        Assert.Equal(Ids(Rows.OrderByDescending(r => r.Name).ThenByDescending(r => r.Id)), All("-name", take));
        Assert.Equal(Ids(Rows.OrderBy(r => r.Id)), All("id", take));
        Assert.Equal(Ids(Rows.OrderByDescending(r => r.Id)), All("-id", take));
        Assert.Equal(Ids(Rows.OrderBy(r => r.Rank).ThenByDescending(r => r.At).ThenBy(r => r.Id)), All("queue", take));
        Assert.Equal(Ids(Rows.OrderByDescending(r => r.Rank).ThenBy(r => r.At).ThenByDescending(r => r.Id)), All("-queue", take));
    }

    [Fact]
    public void A_cursor_of_another_sort_direction_or_list_is_refused()
    {
        var (at, _) = Keyset.ParseSort("at", Sorts);
        var rows = at.Apply(Rows.AsQueryable(), false, null).Take(3).ToList();
        var cursor = Keyset.Trim(rows, 2, at, false)!;
        Assert.Equal(2, at.Apply(Rows.AsQueryable(), false, cursor).Take(2).Count());

        AssertInvalid(() => at.Apply(Rows.AsQueryable(), true, cursor));                     // same key, other direction
        AssertInvalid(() => Sorts[1].Apply(Rows.AsQueryable(), false, cursor));              // another sort
        var other = ListSort<Other>.By("at", o => o.Id);
        AssertInvalid(() => other.Apply(Array.Empty<Other>().AsQueryable(), false, cursor)); // another list
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("MTIz")]            // "123": the old tickets format's shape, not JSON
    [InlineData("MTIzOjQ1")]        // "123:45", the old tickets format
    [InlineData("WyJ4IiwieSJd")]    // ["x","y"], the old users format
    [InlineData("WyJSb3c6YXQiLCJ4IiwiMSJd")]      // ["Row:at","x","1"]: a time that is not a number
    [InlineData("WyJSb3c6YXQiLCIxIl0")]           // ["Row:at","1"]: a key missing
    [InlineData("WyJSb3c6YXQiLG51bGwsIjEiXQ")]    // ["Row:at",null,"1"]
    [InlineData("eyJhIjoxfQ")]                    // {"a":1}
    public void Garbage_is_a_validation_error(string cursor) =>
        AssertInvalid(() => Sorts[0].Apply(Rows.AsQueryable(), false, cursor));

    [Theory]
    [InlineData("size")]
    [InlineData("--at")]
    [InlineData("-+at")]
    [InlineData("At")]
    public void An_unknown_sort_is_a_validation_error(string sort)
    {
        var e = Assert.Throws<DomainException>(() => Keyset.ParseSort(sort, Sorts));
        Assert.True(e.Errors!.ContainsKey("sort"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(201)]
    public void Page_size_is_bounded(int limit)
    {
        var e = Assert.Throws<DomainException>(() => Keyset.Limit(limit));
        Assert.True(e.Errors!.ContainsKey("limit"));
    }

    [Fact]
    public void Page_size_defaults_to_50() => Assert.Equal(50, Keyset.Limit(null));

    private static void AssertInvalid(Action read)
    {
        var e = Assert.Throws<DomainException>(read);
        Assert.Equal(400, e.Status);
        Assert.True(e.Errors!.ContainsKey("cursor"));
    }
}
