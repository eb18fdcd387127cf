using System.Buffers.Text;
using System.Globalization;
using System.Linq.Expressions;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;

namespace Kefu.Platform.Http;

/// <summary>One page of a list: the rows and the cursor of the next page (null on the last).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>One way to sort a list: one or more keys, the last unique (the tie-breaker), all compared in SQL so the
/// order of the pages is the database's own (its collation for text) and a cursor continues exactly where the
/// previous page ended.</summary>
public sealed class ListSort<T>
{
    private readonly Column[] _columns;

    private ListSort(string name, Column[] columns, bool descendingByDefault)
    {
        Name = name;
        _columns = columns;
        DescendingByDefault = descendingByDefault;
    }

    public string Name { get; }

    /// <summary>Whether this sort, as the list's default (the first of its sorts), runs descending.</summary>
    public bool DescendingByDefault { get; }

    /// <summary>By a key, ties broken by a unique one.</summary>
    public static ListSort<T> By<TKey, TId>(string name, Expression<Func<T, TKey>> key, Expression<Func<T, TId>> id) =>
        new(name, [new Column<TKey>(key, false), new Column<TId>(id, false)], false);

    /// <summary>By a unique key alone (an id), or by a first key that <see cref="Then{TKey}"/> continues;
    /// <paramref name="descending"/> runs this key against the sort's direction (the routing queue: priority down,
    /// then due time up).</summary>
    public static ListSort<T> By<TId>(string name, Expression<Func<T, TId>> id, bool descending = false) =>
        new(name, [new Column<TId>(id, descending)], false);

    /// <summary>Adds a key after the ones so far (the last one added must be unique); <paramref name="descending"/>
    /// runs this key against the sort's direction.</summary>
    public ListSort<T> Then<TKey>(Expression<Func<T, TKey>> key, bool descending = false) =>
        new(Name, [.. _columns, new Column<TKey>(key, descending)], DescendingByDefault);

    /// <summary>The same sort, descending when the request names no sort (newest first).</summary>
    public ListSort<T> WithDescendingDefault() => new(Name, _columns, true);

    /// <summary>Orders the query and, with a cursor, keeps only the rows after it in that order.</summary>
    internal IQueryable<T> Apply(IQueryable<T> query, bool descending, string? cursor)
    {
        if (cursor is not null) query = query.Where(After(Keyset.Decode(cursor, Token(descending), _columns.Length), descending));
        IOrderedQueryable<T>? ordered = null;
        foreach (var c in _columns) ordered = c.Order(query, ordered, c.Descending != descending);
        return ordered!;
    }

    internal string CursorOf(T row, bool descending) => Keyset.Encode(Token(descending), [.. _columns.Select(c => c.Format(row))]);

    /// <summary>What a cursor of this sort carries besides the keys: the list (its row type) and the sort with its
    /// direction, so a cursor of another list or order is refused rather than read as this one.</summary>
    private string Token(bool descending) => $"{typeof(T).Name}:{(descending ? "-" : "")}{Name}";

    /// <summary>Rows after the cursor's: <c>k1 &gt; v1 OR (k1 = v1 AND k2 &gt; v2) OR …</c> (&lt; for keys running
    /// descending), with the values as SQL parameters.</summary>
    private Expression<Func<T, bool>> After(string[] values, bool descending)
    {
        var row = Expression.Parameter(typeof(T), "row");
        Expression? any = null, equalSoFar = null;
        for (var i = 0; i < _columns.Length; i++)
        {
            var c = _columns[i];
            var body = c.Body(row);
            var value = c.Value(values[i]);
            var beyond = Beyond(body, value, c.Descending != descending);
            var term = equalSoFar is null ? beyond : Expression.AndAlso(equalSoFar, beyond);
            any = any is null ? term : Expression.OrElse(any, term);
            var equal = Expression.Equal(body, value);
            equalSoFar = equalSoFar is null ? equal : Expression.AndAlso(equalSoFar, equal);
        }
        return Expression.Lambda<Func<T, bool>>(any!, row);
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

    private abstract class Column(bool descending)
    {
        /// <summary>Whether this key runs descending when the sort runs ascending.</summary>
        public bool Descending { get; } = descending;
        public abstract Expression Body(ParameterExpression row);
        public abstract Expression Value(string text);
        public abstract string Format(T row);
        public abstract IOrderedQueryable<T> Order(IQueryable<T> query, IOrderedQueryable<T>? ordered, bool descending);
    }

    private sealed class Column<TKey>(Expression<Func<T, TKey>> key, bool descending) : Column(descending)
    {
        private readonly Func<T, TKey> _compiled = key.Compile();

        public override Expression Body(ParameterExpression row) => ReplacingExpressionVisitor.Replace(key.Parameters[0], row, key.Body);

        /// <summary>The cursor's value as a captured variable: EF sends it as a parameter, not as a literal in the SQL.</summary>
        public override Expression Value(string text) =>
            Expression.Property(Expression.Constant(new Box<TKey>(Keyset.Parse<TKey>(text))), nameof(Box<TKey>.Value));

        public override string Format(T row) => Keyset.Format(_compiled(row));

        public override IOrderedQueryable<T> Order(IQueryable<T> query, IOrderedQueryable<T>? ordered, bool descending) =>
            (ordered, descending) switch
            {
                (null, false) => query.OrderBy(key),
                (null, true) => query.OrderByDescending(key),
                (_, false) => ordered.ThenBy(key),
                _ => ordered.ThenByDescending(key),
            };
    }

    private sealed class Box<TValue>(TValue value)
    {
        public TValue Value { get; } = value;
    }
}

/// <summary>
/// The keyset pages of every growing list of the API (decision 0052): <c>limit</c> (1–200, default 50), <c>cursor</c>
/// (the previous page's <c>nextCursor</c>) and <c>sort</c> (a key, <c>-</c> for descending), the <see cref="Page{T}"/>
/// envelope, and a 400 problem naming the parameter for a bad value of any of them. The cursor is opaque (base64url of
/// a JSON array: the list and sort it was made for, then the last row's keys as text) and checked when read: one that
/// does not decode, was made for another list or sort, or holds a key that does not parse is refused, never a 500.
/// </summary>
public static class Keyset
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public static async Task<(List<T> Rows, string? Next)> PageAsync<T>(IQueryable<T> query, IReadOnlyList<ListSort<T>> sorts,
        string? sort, string? cursor, int? limit, CancellationToken ct)
    {
        var take = Limit(limit);
        var (chosen, descending) = ParseSort(sort, sorts);
        var rows = await PageQuery(query, sorts, sort, cursor, limit).ToListAsync(ct);
        return (rows, Trim(rows, take, chosen, descending));
    }

    /// <summary>The query <see cref="PageAsync"/> runs: ordered, after the cursor, one row beyond the page.</summary>
    internal static IQueryable<T> PageQuery<T>(IQueryable<T> query, IReadOnlyList<ListSort<T>> sorts, string? sort, string? cursor, int? limit)
    {
        var (chosen, descending) = ParseSort(sort, sorts);
        return chosen.Apply(query, descending, cursor).Take(Limit(limit) + 1);
    }

    /// <summary>Drops the row fetched beyond the page (it shows there is a next page) and returns the next page's cursor.</summary>
    internal static string? Trim<T>(List<T> rows, int take, ListSort<T> sort, bool descending)
    {
        if (rows.Count <= take) return null;
        rows.RemoveRange(take, rows.Count - take);
        return sort.CursorOf(rows[^1], descending);
    }

    public static int Limit(int? requested)
    {
        var limit = requested ?? DefaultLimit;
        if (limit is < 1 or > MaxLimit) throw DomainException.Validation("limit", $"limit must be between 1 and {MaxLimit}.");
        return limit;
    }

    /// <summary>The first sort is the default (ascending unless it says otherwise); <c>-name</c> is descending,
    /// <c>name</c> or <c>+name</c> ascending.</summary>
    public static (ListSort<T> Sort, bool Descending) ParseSort<T>(string? sort, IReadOnlyList<ListSort<T>> sorts)
    {
        if (string.IsNullOrWhiteSpace(sort)) return (sorts[0], sorts[0].DescendingByDefault);
        var s = sort.Trim();
        var key = s.TrimStart('-', '+');
        var chosen = sorts.FirstOrDefault(x => x.Name == key);
        if (chosen is null || s.Length - key.Length > 1)
            throw DomainException.Validation("sort", $"sort must be {string.Join(", ", sorts.Select(x => x.Name))}, with '-' for descending.");
        return (chosen, s.StartsWith('-'));
    }

    internal static string Encode(string token, string[] keys) =>
        Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes((string[])[token, .. keys]));

    /// <summary>The keys of a cursor made for <paramref name="token"/> with <paramref name="count"/> keys.</summary>
    internal static string[] Decode(string cursor, string token, int count)
    {
        try
        {
            if (cursor.Length <= 2048 && JsonSerializer.Deserialize<string?[]>(Base64Url.DecodeFromChars(cursor)) is { } parts
                && parts.Length == count + 1 && parts[0] == token && parts.All(p => p is not null))
                return parts[1..]!;
        }
        catch (FormatException) { }
        catch (JsonException) { }
        throw Invalid();
    }

    internal static string Format<TValue>(TValue value) => value switch
    {
        string s => s,
        DateTime d => d.Ticks.ToString(CultureInfo.InvariantCulture),
        int or long => ((IFormattable)value).ToString(null, CultureInfo.InvariantCulture),
        _ => throw new NotSupportedException($"No cursor format for {typeof(TValue)}."),
    };

    internal static TValue Parse<TValue>(string text)
    {
        object? value = typeof(TValue) switch
        {
            var t when t == typeof(string) => text,
            var t when t == typeof(int) => int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i) ? i : null,
            var t when t == typeof(long) => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) ? l : null,
            var t when t == typeof(DateTime) => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && ticks <= DateTime.MaxValue.Ticks ? new DateTime(ticks, DateTimeKind.Utc) : null,
            _ => throw new NotSupportedException($"No cursor format for {typeof(TValue)}."),
        };
        return value is TValue v ? v : throw Invalid();
    }

    private static DomainException Invalid() =>
        DomainException.Validation("cursor", "The cursor is not valid for this list and sort; use the nextCursor value of a previous page with the same sort.");
}
