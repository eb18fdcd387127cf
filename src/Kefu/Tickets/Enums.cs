namespace Kefu.Tickets;

public enum TicketStatus { New, Open, PendingCustomer, OnHold, Solved, Closed }

public enum TicketPriority { Low, Normal, High, Urgent }

public enum Channel { Email, Chat, WebForm, Api, WeChat, App, Phone }

public enum MessageKind { Customer, PublicReply, InternalNote }

public enum IdentityKind { Email, Phone, WeChat, App, Visitor }

/// <summary>The ticket life cycle, in one place.</summary>
public static class TicketRules
{
    private static readonly Dictionary<TicketStatus, TicketStatus[]> Allowed = new()
    {
        [TicketStatus.New] = [TicketStatus.Open, TicketStatus.PendingCustomer, TicketStatus.OnHold, TicketStatus.Solved],
        [TicketStatus.Open] = [TicketStatus.PendingCustomer, TicketStatus.OnHold, TicketStatus.Solved],
        [TicketStatus.PendingCustomer] = [TicketStatus.Open, TicketStatus.OnHold, TicketStatus.Solved],
        [TicketStatus.OnHold] = [TicketStatus.Open, TicketStatus.PendingCustomer, TicketStatus.Solved],
        [TicketStatus.Solved] = [TicketStatus.Open, TicketStatus.Closed],
        [TicketStatus.Closed] = [],
    };

    public static bool CanMove(TicketStatus from, TicketStatus to) => from == to || Allowed[from].Contains(to);

    public static IReadOnlyList<TicketStatus> NextStatuses(TicketStatus from) => Allowed[from];

    /// <summary>Status after a customer writes: a waiting or solved ticket comes back to the agents.</summary>
    public static TicketStatus AfterCustomerMessage(TicketStatus s) => s switch
    {
        TicketStatus.PendingCustomer or TicketStatus.Solved or TicketStatus.OnHold => TicketStatus.Open,
        _ => s,
    };

    /// <summary>Status after an agent's public reply: a new ticket becomes open.</summary>
    public static TicketStatus AfterAgentReply(TicketStatus s) => s == TicketStatus.New ? TicketStatus.Open : s;

    public static bool IsOpenState(TicketStatus s) => s is not (TicketStatus.Solved or TicketStatus.Closed);

    /// <summary>Human-friendly numbers start at 100001: number = id + 100000.</summary>
    public const long NumberOffset = 100000;
}
