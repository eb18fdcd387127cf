using Kefu.Platform;
using Kefu.Platform.Http;

namespace Kefu.Tests.Platform;

public sealed class CursorTests
{
    [Fact]
    public void Round_trips_key_and_id()
    {
        var c = Cursor.Encode(638_000_000_000_000_000, 42);
        Assert.Equal((638_000_000_000_000_000L, 42L), Cursor.Decode(c));
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("MTIz")]
    public void Garbage_is_a_validation_error(string cursor)
    {
        var e = Assert.Throws<DomainException>(() => Cursor.Decode(cursor));
        Assert.Equal(400, e.Status);
        Assert.True(e.Errors!.ContainsKey("cursor"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(201)]
    public void Page_size_is_bounded(int limit) => Assert.Throws<DomainException>(() => Cursor.Limit(limit));
}
