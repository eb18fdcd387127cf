namespace Kefu.Tickets;

public sealed class Customer
{
    public long Id { get; set; }
    public required string Name { get; set; }
    public string? Address { get; set; }
    public string? Note { get; set; }
    public string Language { get; set; } = "zh-CN";
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    /// <summary>Set when this customer was merged into another; merged customers are hidden from lists.</summary>
    public long? MergedIntoId { get; set; }
    public int Version { get; set; }
    public List<CustomerIdentity> Identities { get; set; } = [];
}

public sealed class CustomerIdentity
{
    public long Id { get; set; }
    public long CustomerId { get; set; }
    public IdentityKind Kind { get; set; }
    /// <summary>Normalised value (lower-cased e-mail, digits-only phone) so lookups are exact.</summary>
    public required string Value { get; set; }
    public DateTime CreatedAt { get; set; }
    public Customer Customer { get; set; } = null!;

    public static string Normalize(IdentityKind kind, string value)
    {
        value = value.Trim();
        return kind switch
        {
            IdentityKind.Email => value.ToLowerInvariant(),
            IdentityKind.Phone => NormalizePhone(value),
            _ => value,
        };
    }

    private static string NormalizePhone(string value)
    {
        var digits = new string(value.Where(char.IsDigit).ToArray());
        if (!value.StartsWith('+')) return digits;
        // +86 numbers are stored the way they are dialled inside China; others keep their country code.
        return digits.StartsWith("86", StringComparison.Ordinal) ? digits[2..] : "+" + digits;
    }
}

/// <summary>A label on a customer (e.g. "vip"): routing's VIP skill and SLA policy conditions match it. Stored trimmed
/// and lower-cased, so matching is exact on both databases.</summary>
public sealed class CustomerTag
{
    public long CustomerId { get; set; }
    public required string Name { get; set; }
    public DateTime CreatedAt { get; set; }
}
