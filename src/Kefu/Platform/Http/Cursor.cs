using System.Buffers.Text;
using System.Text;

namespace Kefu.Platform.Http;

/// <summary>Opaque keyset cursors: the sort key and id of the last row seen.</summary>
public static class Cursor
{
    public static string Encode(long key, long id) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{key}:{id}"));

    public static (long Key, long Id) Decode(string cursor)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor)).Split(':');
            if (parts.Length == 2 && long.TryParse(parts[0], out var key) && long.TryParse(parts[1], out var id)) return (key, id);
        }
        catch (FormatException) { }
        throw DomainException.Validation("cursor", "The cursor is not valid; use the nextCursor value of a previous page.");
    }

    public static int Limit(int? requested)
    {
        var limit = requested ?? 50;
        if (limit is < 1 or > 200) throw DomainException.Validation("limit", "limit must be between 1 and 200.");
        return limit;
    }
}

public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);
