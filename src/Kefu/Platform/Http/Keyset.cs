using System.Buffers.Text;
using System.Globalization;
using System.Linq.Expressions;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;

namespace Kefu.Platform.Http;

/// <summary>One way to sort a list: a key and a unique tie-breaker, both compared in SQL so the order of the pages is
/// the database's own (its collation for text) and a cursor continues exactly where the previous page ended.</summary>
public abstract class ListSort<T>(string name)
{
    public string Name { get; } = name;

    /// <summary>Orders the query and, with a cursor, keeps only the rows after it in that order.</summary>
    internal abstract IQueryable<T> Apply(IQueryable<T> query, bool descending, string? cursor);

    internal abstract string CursorOf(T row);

    public static ListSort<T> By<TKey, TId>(string name, Expression<Func<T, TKey>> key, Expression<Func<T, TId>> id) =>
        new Keyed<TKey, TId>(name, key, id);

    private sealed class Keyed<TKey, TId>(string name, Expression<Func<T, TKey>> key, Expression<Func<T, TId>> id) : ListSort<T>(name)
    {
        private readonly Func<T, TKey> _key = key.Compile();
        private readonly Func<T, TId> _id = id.Compile();

        internal override IQueryable<T> Apply(IQueryable<T> query, bool descending, string? cursor)
        {
            if (cursor is not null)
            {
                var (k, i) = Keyset.Decode(cursor);
                var after = After(Keyset.Parse<TKey>(k), Keyset.Parse<TId>(i), descending);
                query = query.Where(after);
            }
            return descending ? query.OrderByDescending(key).ThenByDescending(id) : query.OrderBy(key).ThenBy(id);
        }

        internal override string CursorOf(T row) => Keyset.Encode(Keyset.Format(_key(row)), Keyset.Format(_id(row)));

        /// <summary><c>key &gt; k OR (key = k AND id &gt; i)</c> (or &lt; when descending), with k and i as SQL parameters.</summary>
        private Expression<Func<T, bool>> After(TKey k, TId i, bool descending)
        {
            var row = key.Parameters[0];
            var keyBody = key.Body;
            var idBody = ReplacingExpressionVisitor.Replace(id.Parameters[0], row, id.Body);
            var kValue = Expression.Property(Expression.Constant(new Box<TKey>(k)), nameof(Box<TKey>.Value));
            var iValue = Expression.Property(Expression.Constant(new Box<TId>(i)), nameof(Box<TId>.Value));
            var body = Expression.OrElse(Beyond(keyBody, kValue, descending),
                Expression.AndAlso(Expression.Equal(keyBody, kValue), Beyond(idBody, iValue, descending)));
            return Expression.Lambda<Func<T, bool>>(body, row);
        }

        private static Expression Beyond(Expression left, Expression right, bool descending)
        {
            if (left.Type == typeof(string))
            {
                // string.Compare(a, b) > 0 is how EF is told "a > b" in SQL for text.
                var compare = Expression.Call(typeof(string).GetMethod(nameof(string.Compare), [typeof(string), typeof(string)])!, left, right);
                return descending ? Expression.LessThan(compare, Expression.Constant(0)) : Expression.GreaterThan(compare, Expression.Constant(0));
            }
            return descending ? Expression.LessThan(left, right) : Expression.GreaterThan(left, right);
        }
    }

    /// <summary>A captured value: EF sends it as a parameter, not as a literal in the SQL.</summary>
    private sealed class Box<TValue>(TValue value)
    {
        public TValue Value { get; } = value;
    }
}

/// <summary>The keyset pages of the simple lists (users, teams, tags): <c>limit</c>, <c>cursor</c> and <c>sort</c> read
/// as the tickets list reads them, the same <see cref="Page{T}"/> envelope and the same 400s.</summary>
public static class Keyset
{
    public static async Task<(List<T> Rows, string? Next)> PageAsync<T>(IQueryable<T> query, IReadOnlyList<ListSort<T>> sorts,
        string? sort, string? cursor, int? limit, CancellationToken ct)
    {
        var take = Cursor.Limit(limit);
        var (chosen, descending) = ParseSort(sort, sorts);
        var rows = await chosen.Apply(query, descending, cursor).Take(take + 1).ToListAsync(ct);
        string? next = null;
        if (rows.Count > take)
        {
            rows.RemoveAt(take);
            next = chosen.CursorOf(rows[^1]);
        }
        return (rows, next);
    }

    /// <summary>The first sort is the default; <c>-name</c> is descending, <c>name</c> or <c>+name</c> ascending.</summary>
    public static (ListSort<T> Sort, bool Descending) ParseSort<T>(string? sort, IReadOnlyList<ListSort<T>> sorts)
    {
        if (string.IsNullOrWhiteSpace(sort)) return (sorts[0], false);
        var s = sort.Trim();
        var key = s.TrimStart('-', '+');
        var chosen = sorts.FirstOrDefault(x => x.Name == key);
        if (chosen is null || s.Length - key.Length > 1)
            throw DomainException.Validation("sort", $"sort must be {string.Join(", ", sorts.Select(x => x.Name))}, with '-' for descending.");
        return (chosen, s.StartsWith('-'));
    }

    internal static string Encode(string key, string id) =>
        Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new[] { key, id }));

    internal static (string Key, string Id) Decode(string cursor)
    {
        try
        {
            if (JsonSerializer.Deserialize<string[]>(Base64Url.DecodeFromChars(cursor)) is [{ } key, { } id]) return (key, id);
        }
        catch (FormatException) { }
        catch (JsonException) { }
        throw Invalid();
    }

    internal static string Format<TValue>(TValue value) => value switch
    {
        string s => s,
        DateTime d => d.Ticks.ToString(CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => throw new NotSupportedException($"No cursor format for {typeof(TValue)}."),
    };

    internal static TValue Parse<TValue>(string text)
    {
        object? value = typeof(TValue) switch
        {
            var t when t == typeof(string) => text,
            var t when t == typeof(int) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : null,
            var t when t == typeof(long) => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? l : null,
            var t when t == typeof(DateTime) => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && ticks <= DateTime.MaxValue.Ticks ? new DateTime(ticks, DateTimeKind.Utc) : null,
            _ => throw new NotSupportedException($"No cursor format for {typeof(TValue)}."),
        };
        return value is TValue v ? v : throw Invalid();
    }

    private static DomainException Invalid() =>
        DomainException.Validation("cursor", "The cursor is not valid; use the nextCursor value of a previous page.");
}
