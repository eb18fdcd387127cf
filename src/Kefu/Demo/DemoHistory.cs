using System.Text;
using System.Text.Json;
using Kefu.Tickets;

namespace Kefu.Demo;

/// <summary>
/// Builds the demo customers, tickets and messages in memory (no database access) from a fixed-seed Random, so the
/// same clock gives the same history (timestamps are relative to the injected TimeProvider's now).
/// Each ticket gets a scripted conversation with timestamps; the script is cut at "now", and the ticket's status,
/// assignee, owner (首问负责), tags and timestamps are derived from what happened before the cut, applying the same
/// rules as <see cref="TicketService"/> and <see cref="TicketRules"/>. So a two-month-old ticket is closed, one
/// from an hour ago may still be new, and FirstRepliedAt/SolvedAt/ClosedAt/UpdatedAt always agree with the thread.
/// </summary>
internal sealed class DemoHistory
{
    public sealed record Worker(Guid Id, string Name, string Role, bool IsOutsourced);

    public sealed record Leaf(int CategoryId, string Path, TicketPriority Priority, int? TeamId);

    public sealed class PlannedMessage
    {
        public required Ticket Ticket { get; init; }
        public MessageKind Kind { get; init; }
        public Guid? AuthorUserId { get; init; }
        public Customer? AuthorCustomer { get; init; }
        public required string Body { get; init; }
        public DateTime CreatedAt { get; init; }
        /// <summary>Replaces {prevticket} in the body once ticket numbers are known.</summary>
        public Ticket? Mentions { get; init; }
    }

    public List<Customer> Customers { get; } = [];
    public List<Ticket> Tickets { get; } = [];
    public List<PlannedMessage> Messages { get; } = [];
    public List<Tag> NewTags { get; } = [];

    private const int Seed = 20260214;
    private static readonly System.Globalization.CultureInfo Inv = System.Globalization.CultureInfo.InvariantCulture;
    private static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);
    private static readonly double[] HourWeights = [2, 1, 0.6, 0.4, 0.3, 0.4, 1, 2.5, 5, 8, 10, 10, 8, 8, 9, 9, 8, 7, 7, 8, 9, 9, 7, 4];
    private const int PromoFrom = 17, PromoTo = 20; // days ago: a big sale, with its shipping and refund wave

    private readonly Random _rnd = new(Seed);
    private readonly DateTime _now;
    private readonly DateTime _cutoff;
    private readonly LeafPlan[] _leaves;
    private readonly Dictionary<int, Worker[]> _workers;
    private readonly Worker? _supervisor;
    private readonly Dictionary<string, string> _kb;
    private readonly Dictionary<string, Tag> _tags;
    private readonly HashSet<(IdentityKind, string)> _identities;
    private readonly List<CustomerSeed> _zhCn = [], _zhTw = [], _en = [];
    private readonly Dictionary<(Customer, int), (DateTime At, Ticket Ticket)> _lastByCustomerLeaf = [];

    private DemoHistory(DateTime now, LeafPlan[] leaves, Dictionary<int, Worker[]> workers, Worker? supervisor,
        Dictionary<string, string> kb, Dictionary<string, Tag> tags, HashSet<(IdentityKind, string)> identities)
    {
        _now = now;
        _cutoff = now.AddMinutes(-1);
        _leaves = leaves;
        _workers = workers;
        _supervisor = supervisor;
        _kb = kb;
        _tags = tags;
        _identities = identities;
    }

    /// <param name="leaves">The taxonomy leaves (with their default team) to spread tickets over.</param>
    /// <param name="workers">Per team, the staff who handle its tickets, in a stable order.</param>
    /// <param name="existingTags">Tags already in the database, by name; new ones land in <see cref="NewTags"/>.</param>
    /// <param name="existingIdentities">Identities already in the database, so generated ones never collide.</param>
    public static DemoHistory Build(DateTime now, int customerCount, int ticketCount, IReadOnlyList<Leaf> leaves,
        Dictionary<int, Worker[]> workers, Worker? supervisor, Dictionary<string, Tag> existingTags,
        HashSet<(IdentityKind, string)> existingIdentities)
    {
        var kb = JsonSerializer.Deserialize<List<KbArticle>>(Startup.ReadResource("kb-articles.json"),
            new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!.ToDictionary(a => a.Key, a => a.Body);
        var triage = Startup.ReadResource("triage-dev.tsv").Split('\n')
            .Where(l => !l.StartsWith('#') && l.Contains('\t'))
            .Select(l => l.TrimEnd('\r').Split('\t'))
            .Where(f => f.Length >= 3)
            .ToList();
        var plans = new List<LeafPlan>();
        foreach (var leaf in leaves)
        {
            var script = DemoPhrases.Leaves.FirstOrDefault(s => s.Path == leaf.Path);
            if (script is null) continue; // a leaf an admin added: no phrases for it
            var plan = new LeafPlan(leaf, script);
            foreach (var f in triage.Where(f => f[0] == leaf.Path))
            {
                var text = f[2].Trim();
                var urgent = f[1].Equals("urgent", StringComparison.OrdinalIgnoreCase);
                var baseText = new BaseText(text, urgent);
                (!HasCjk(text) ? plan.En : IsTraditional(text) ? plan.ZhTw : plan.ZhCn).Add(baseText);
            }
            plan.ZhCn.AddRange(script.ExtraZh.Select(t => new BaseText(t, false)));
            plan.En.AddRange(script.ExtraEn.Select(t => new BaseText(t, false)));
            plans.Add(plan);
        }
        if (plans.Count == 0) return new DemoHistory(now, [], workers, supervisor, kb, existingTags, existingIdentities);

        var history = new DemoHistory(now, [.. plans], workers, supervisor, kb, existingTags, existingIdentities);
        history.MakeCustomers(customerCount);
        history.MakeTickets(ticketCount);
        return history;
    }

    // ---------------------------------------------------------------- customers

    private void MakeCustomers(int count)
    {
        var en = (int)Math.Round(count * 0.2);
        var tw = Math.Max(1, (int)Math.Round(count * 0.04));
        for (var i = 0; i < count; i++)
        {
            // Interleave languages so the frequent customers (low indexes of each pool) are a mix.
            var lang = i % 5 == 4 && _en.Count < en ? "en" : i % 25 == 7 && _zhTw.Count < tw ? "zh-TW" : "zh-CN";
            var seed = lang switch { "en" => EnglishCustomer(), "zh-TW" => ChineseCustomer(taiwan: true), _ => ChineseCustomer(taiwan: false) };
            (lang switch { "en" => _en, "zh-TW" => _zhTw, _ => _zhCn }).Add(seed);
            Customers.Add(seed.Entity);
        }
    }

    private CustomerSeed ChineseCustomer(bool taiwan)
    {
        var (sn, sp) = Pick(DemoPhrases.Surnames);
        var (gn, gp) = Pick(DemoPhrases.GivenNames);
        var nickname = !taiwan && Chance(0.08);
        var name = nickname ? Pick(DemoPhrases.Nicknames) : sn + gn;
        var c = new Customer { Name = name, Language = taiwan ? "zh-TW" : "zh-CN" };
        var seed = new CustomerSeed(c, taiwan ? "zh-TW" : "zh-CN", gn) { Vip = Chance(0.06) };

        if (taiwan || Chance(0.85))
            seed.Phone = AddIdentity(c, IdentityKind.Phone, () => taiwan
                ? $"+886 9{Digits(2)} {Digits(3)} {Digits(3)}"
                : $"1{"3456789"[_rnd.Next(7)]}{Digits(9)}");
        if (Chance(taiwan ? 0.8 : 0.45))
            seed.Email = AddIdentity(c, IdentityKind.Email, () => Chance(0.3) && !taiwan
                ? $"{_rnd.Next(10000000, 1999999999)}@qq.com"
                : $"{(Chance(0.5) ? gp + sp : sp + "." + gp)}{(Chance(0.6) ? _rnd.Next(1, 2000).ToString() : "")}@{Pick(DemoPhrases.MailDomainsZh)}");
        if (!taiwan && (nickname || Chance(0.5)))
            seed.HasWeChat = AddIdentity(c, IdentityKind.WeChat, () => "o" + RandomToken(27)) is not null;
        if (!taiwan && Chance(0.2)) AddIdentity(c, IdentityKind.App, () => "u" + Digits(9));
        if (c.Identities.Count == 0)
            seed.Phone = AddIdentity(c, IdentityKind.Phone, () => $"1{"3456789"[_rnd.Next(7)]}{Digits(9)}");

        if (Chance(0.4))
        {
            var (city, districts) = Pick(DemoPhrases.Cities);
            c.Address = $"{city}{Pick(districts)}{Pick(DemoPhrases.Roads)}{_rnd.Next(1, 2000)}号{_rnd.Next(1, 30)}栋{_rnd.Next(1, 33)}{_rnd.Next(1, 5):00}室";
        }
        c.Note = seed.Vip ? "VIP 客户（金卡会员），优先处理" : Chance(0.06) ? Pick(DemoPhrases.CustomerNotes) : null;
        return seed;
    }

    private CustomerSeed EnglishCustomer()
    {
        var first = Pick(DemoPhrases.FirstNamesEn);
        var last = Pick(DemoPhrases.LastNamesEn);
        var c = new Customer { Name = $"{first} {last}", Language = "en" };
        var seed = new CustomerSeed(c, "en", first) { Vip = Chance(0.06) };
        var local = Ascii(first) + (Chance(0.5) ? "." : "") + Ascii(last);
        seed.Email = AddIdentity(c, IdentityKind.Email, () => $"{local}{(Chance(0.5) ? _rnd.Next(1, 100).ToString() : "")}@{Pick(DemoPhrases.MailDomainsEn)}");
        if (Chance(0.3))
            seed.Phone = AddIdentity(c, IdentityKind.Phone, () => _rnd.Next(4) switch
            {
                0 => $"+44 7700 9{Digits(5)}",
                1 => $"+65 9{Digits(3)} {Digits(4)}",
                2 => $"+852 9{Digits(3)} {Digits(4)}",
                _ => $"+61 4{Digits(2)} {Digits(3)} {Digits(3)}",
            });
        if (Chance(0.3)) c.Address = Pick(DemoPhrases.AddressesEn);
        c.Note = seed.Vip ? "VIP (Gold member)" : Chance(0.06) ? Pick(DemoPhrases.CustomerNotesEn) : null;
        return seed;
    }

    /// <summary>Adds a fresh identity (unique per kind, as the table demands); null in the unlikely case none was found.</summary>
    private string? AddIdentity(Customer c, IdentityKind kind, Func<string> make)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var value = CustomerIdentity.Normalize(kind, make());
            if (!_identities.Add((kind, value))) continue;
            c.Identities.Add(new CustomerIdentity { Kind = kind, Value = value, Customer = c });
            return value;
        }
        return null;
    }

    // ---------------------------------------------------------------- tickets

    private void MakeTickets(int count)
    {
        var times = CreationTimes(count);
        var apiSeq = 0;
        foreach (var created in times)
        {
            var daysAgo = (int)(LocalDate(_now) - LocalDate(created)).TotalDays;
            var promo = daysAgo is >= PromoFrom and <= PromoTo;
            var pool = Chance(0.2) ? _en : Chance(0.05) ? _zhTw : _zhCn;
            if (pool.Count == 0) pool = _zhCn.Count > 0 ? _zhCn : _en.Count > 0 ? _en : _zhTw;
            // Skewed: a few customers write often (the heavy users), most only now and then.
            var customer = pool[(int)(pool.Count * Math.Pow(_rnd.NextDouble(), 1.4))];
            var leafIndex = PickLeaf(promo);
            var plan = _leaves[leafIndex];
            var channel = PickChannel(customer);

            var t = new Conversation(this, plan, customer, channel, created, promo);
            if (channel == Channel.Api) t.Ticket.ExternalId = $"crm-{++apiSeq:000000}";
            if (_lastByCustomerLeaf.TryGetValue((customer.Entity, leafIndex), out var prev) && created - prev.At < TimeSpan.FromDays(3))
                t.Repeat = prev.Ticket;
            _lastByCustomerLeaf[(customer.Entity, leafIndex)] = (created, t.Ticket);
            t.Plan();
            t.Apply();
            Tickets.Add(t.Ticket);
            customer.FirstTicketAt ??= created;
        }

        foreach (var seed in _zhCn.Concat(_zhTw).Concat(_en))
        {
            var at = seed.FirstTicketAt ?? _now.AddDays(-_rnd.Next(1, 90)).AddMinutes(-_rnd.Next(0, 1440));
            seed.Entity.CreatedAt = seed.Entity.UpdatedAt = at;
            foreach (var i in seed.Entity.Identities) i.CreatedAt = at;
        }
    }

    private List<DateTime> CreationTimes(int count)
    {
        var todayLocal = LocalDate(_now);
        var dayWeights = new double[60];
        for (var d = 0; d < 60; d++)
        {
            var day = todayLocal.AddDays(-d);
            var weekend = day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
            dayWeights[d] = (1.0 + (60 - d) / 120.0) * (weekend ? 1.15 : 1.0) * (d is >= PromoFrom and <= PromoTo ? 1.9 : 1.0);
        }
        var times = new List<DateTime>(count);
        while (times.Count < count)
        {
            var d = WeightedIndex(dayWeights);
            var hour = WeightedIndex(HourWeights);
            var local = todayLocal.AddDays(-d).AddHours(hour).AddSeconds(_rnd.Next(3600));
            var utc = DateTime.SpecifyKind(local - ChinaOffset, DateTimeKind.Utc);
            if (utc < _now.AddMinutes(-3)) times.Add(utc);
        }
        times.Sort();
        return times;
    }

    private int PickLeaf(bool promo)
    {
        var w = new double[_leaves.Length];
        for (var i = 0; i < w.Length; i++)
        {
            var s = _leaves[i].Script;
            w[i] = s.Weight * (!promo ? 1.0 : s.Path switch
            {
                "订单服务/物流问题/未发货" => 2.5,
                "订单服务/物流问题/快递丢失" => 1.8,
                "订单服务/售后问题/退款申请" or "投诉建议/服务投诉/处理时效" => 1.5,
                _ => 1.0,
            });
        }
        return WeightedIndex(w);
    }

    private Channel PickChannel(CustomerSeed c)
    {
        (Channel, double)[] weights = c.Language == "en"
            ? [(Channel.Email, 40), (Channel.Chat, 32), (Channel.WebForm, 18), (Channel.App, 7), (Channel.Api, 3)]
            : [(Channel.Chat, 26), (Channel.WeChat, 20), (Channel.App, 15), (Channel.Email, 11), (Channel.WebForm, 10), (Channel.Phone, 13), (Channel.Api, 5)];
        var ch = weights[WeightedIndex(weights.Select(x => x.Item2).ToArray())].Item1;
        return ch switch
        {
            Channel.WeChat when !c.HasWeChat => _rnd.Next(2) == 0 ? Channel.App : Channel.Chat,
            Channel.Email when c.Email is null => Channel.WebForm,
            Channel.Phone when c.Phone is null => Channel.Chat,
            _ => ch,
        };
    }

    private Tag TagNamed(string name)
    {
        if (_tags.TryGetValue(name, out var tag)) return tag;
        tag = new Tag { Name = name, CreatedAt = _now.AddDays(-60) };
        _tags[name] = tag;
        NewTags.Add(tag);
        return tag;
    }

    // ---------------------------------------------------------------- one ticket's conversation

    private enum Step { Customer, Reply, Note, Status, Assign }

    private sealed record Event(Step Step, DateTime At, Guid? Author, string? Body, TicketStatus? Status, string[] Tags);

    private sealed class Conversation(DemoHistory h, LeafPlan plan, CustomerSeed customer, Channel channel, DateTime created, bool promo)
    {
        private readonly List<Event> _events = [];
        private readonly Dictionary<string, string> _vars = [];
        private readonly bool _en = customer.Language == "en";
        private readonly bool _live = channel is Channel.Chat or Channel.WeChat or Channel.App or Channel.Phone;
        private BaseText _base = null!;
        private DateTime _t;
        private Worker? _agent;

        public Ticket Ticket { get; } = NewTicket(plan.Leaf, customer.Entity, channel, created);

        private DateTime Created => Ticket.CreatedAt;

        /// <summary>An earlier ticket of the same customer about the same thing (重复来电).</summary>
        public Ticket? Repeat { get; set; }

        private Random R => h._rnd;

        private static Ticket NewTicket(Leaf leaf, Customer customer, Channel channel, DateTime created) => new()
        {
            Subject = "", Channel = channel, Status = TicketStatus.New, Priority = leaf.Priority, CategoryId = leaf.CategoryId,
            TeamId = leaf.TeamId, CreatedAt = created, UpdatedAt = created, Version = 1, Customer = customer,
        };

        public void Plan()
        {
            var pool = customer.Language switch { "en" => plan.En, "zh-TW" when plan.ZhTw.Count > 0 => plan.ZhTw, _ => plan.ZhCn };
            if (pool.Count == 0) pool = plan.ZhCn.Count > 0 ? plan.ZhCn : plan.En;
            _base = h.Pick(pool);
            Ticket.Subject = Subject();
            Ticket.Priority = Priority();

            var openingTags = new List<string>();
            if (customer.Vip) openingTags.Add("VIP");
            if (Repeat is not null) openingTags.Add("重复来电");
            if (promo && h.Chance(0.6)) openingTags.Add("大促");
            if (_base.Urgent) openingTags.Add("盗号");
            Add(Step.Customer, Created, null, FirstMessage(), null, [.. openingTags]);

            var workers = Ticket.TeamId is { } team ? h._workers.GetValueOrDefault(team) ?? [] : [];
            if (workers.Length == 0) return; // nobody to answer: the ticket stays new
            _agent = h.PickWorker(workers);

            // Routing may assign at once; otherwise the agent who picks it up becomes the assignee.
            if (h.Chance(0.35)) Add(Step.Assign, Created.AddSeconds(R.Next(2, 30)), _agent.Id, null, null, []);

            var age = h._now - Created;
            var backlog = age < TimeSpan.FromHours(4) ? 0.5 : age < TimeSpan.FromDays(1) ? 0.3 : age < TimeSpan.FromDays(2) ? 0.12 : 0.003;
            var firstDelay = h.Chance(backlog) ? age + TimeSpan.FromMinutes(h.LogUniform(10, 2000)) : FirstResponseDelay();
            _t = AgentTime(Created + firstDelay);

            if (Repeat is not null && h.Chance(0.6)) Note("客户重复来电，前序工单 #{prevticket}，注意一并跟进。");

            var firstTags = LeafTags(0.6);
            bool solved;
            if (_base.Urgent) solved = Hijack(firstTags);
            else
            {
                var roll = R.NextDouble();
                solved = roll < 0.45 ? Direct(firstTags)
                    : roll < 0.70 ? AskInfo(firstTags)
                    : roll < 0.90 ? Escalate(firstTags, withOpening: true)
                    : MultiRound(firstTags);
            }
            if (!solved) return;

            var solvedAt = _events[^1].At;
            if (h.Chance(0.04))
            {
                _t = CustomerTime(solvedAt + TimeSpan.FromMinutes(h.LogUniform(120, 2000)));
                Add(Step.Customer, _t, null, Pick(DemoPhrases.ReopenZh, DemoPhrases.ReopenEn), null, []);
                _t = AgentTime(_t + AgentFollowUpDelay());
                Reply(Fill(Pick(DemoPhrases.ReopenReplyZh, DemoPhrases.ReopenReplyEn)), TicketStatus.Solved);
                solvedAt = _t;
            }
            var closeAt = solvedAt + TimeSpan.FromDays(4) + TimeSpan.FromMinutes(R.Next(0, 120));
            Add(Step.Status, closeAt, null, null, TicketStatus.Closed, []);
        }

        private bool Direct(string[] tags)
        {
            Reply(Answer(), null, tags);
            MaybeNote(0.12);
            return ThanksAndSolve();
        }

        private bool AskInfo(string[] tags)
        {
            Reply(Short(Pick(plan.Script.AskZh, plan.Script.AskEn)), TicketStatus.PendingCustomer, tags);
            if (h.Chance(0.18))
            {
                if (h.Chance(0.08)) return false; // still waiting for the customer, nobody tidied up
                _t = AgentTime(_t + TimeSpan.FromHours(h.LogUniform(72, 100)));
                Reply(Fill(Pick(DemoPhrases.PendingCloseZh, DemoPhrases.PendingCloseEn)), TicketStatus.Solved);
                return true;
            }
            _t = CustomerTime(_t + CustomerDelay());
            Add(Step.Customer, _t, null, Fill(Pick(plan.Script.InfoZh, plan.Script.InfoEn)), null, []);
            _t = AgentTime(_t + AgentFollowUpDelay());
            if (h.Chance(0.35)) return Escalate([], withOpening: false);
            MaybeNote(0.3);
            Reply(Fill(Pick(plan.Script.ResultZh, plan.Script.ResultEn)), null);
            return ThanksAndSolve();
        }

        private bool Escalate(string[] tags, bool withOpening)
        {
            Note(Fill(h.Pick(plan.Script.EscalateNote)));
            var text = Fill(Pick(plan.Script.EscalateZh, plan.Script.EscalateEn));
            Reply(withOpening ? Short(text) : text, TicketStatus.OnHold, tags);
            MaybeTransfer();
            if (plan.Path.StartsWith("投诉建议/服务投诉", StringComparison.Ordinal) && h._supervisor is { } sup && h.Chance(0.4))
                Add(Step.Note, Next(TimeSpan.FromMinutes(h.LogUniform(5, 120))), sup.Id, h.Pick(DemoPhrases.SupervisorNotes), null, []);

            var escalatedAt = _t;
            var wait = TimeSpan.FromMinutes(h.LogUniform(180, 4320));
            if (wait > TimeSpan.FromHours(12) && h.Chance(0.35))
            {
                var urgeAt = CustomerTime(escalatedAt + wait * 0.6);
                Add(Step.Customer, urgeAt, null, Fill(Pick(DemoPhrases.UrgeZh, DemoPhrases.UrgeEn)), null, ["催单"]);
                _t = AgentTime(urgeAt + AgentFollowUpDelay());
                Reply(Fill(Pick(DemoPhrases.HoldUpdateZh, DemoPhrases.HoldUpdateEn)), TicketStatus.OnHold);
            }
            if (h.Chance(0.03)) return false; // waiting on a supplier, courier or developer: still on hold
            _t = AgentTime(Max(escalatedAt + wait, _events[^1].At + TimeSpan.FromMinutes(R.Next(20, 90))));
            MaybeNote(0.25);
            Reply(Fill(Pick(plan.Script.ResultZh, plan.Script.ResultEn)), null);
            return ThanksAndSolve();
        }

        /// <summary>The first answer is not enough: a technical problem persists, or the customer asks what happens next.</summary>
        private bool MultiRound(string[] tags)
        {
            var technical = plan.Path.StartsWith("技术支持", StringComparison.Ordinal) || plan.Path.EndsWith("无法支付", StringComparison.Ordinal);
            Reply(Answer(), null, tags);
            _t = CustomerTime(_t + CustomerDelay());
            Add(Step.Customer, _t, null, technical
                ? Pick(DemoPhrases.StillBrokenZh, DemoPhrases.StillBrokenEn)
                : Pick(DemoPhrases.FollowUpQuestionZh, DemoPhrases.FollowUpQuestionEn), null, []);
            _t = AgentTime(_t + AgentFollowUpDelay());
            MaybeNote(0.5);
            MaybeTransfer();
            Reply(technical ? Pick(DemoPhrases.DeeperZh, DemoPhrases.DeeperEn) : Fill(Pick(plan.Script.ResultZh, plan.Script.ResultEn)),
                TicketStatus.PendingCustomer);
            _t = CustomerTime(_t + CustomerDelay());
            Add(Step.Customer, _t, null, Pick(DemoPhrases.ThanksZh, DemoPhrases.ThanksEn), null, []);
            _t = AgentTime(_t + TimeSpan.FromMinutes(h.LogUniform(1, 30)));
            Add(Step.Status, _t, _agent!.Id, null, TicketStatus.Solved, ClosingTags());
            return true;
        }

        private bool Hijack(string[] tags)
        {
            Note(Fill(h.Pick(DemoPhrases.HijackNote)));
            Reply(Fill(Pick(DemoPhrases.HijackReplyZh, DemoPhrases.HijackReplyEn)), TicketStatus.OnHold, ["账号安全", .. tags]);
            _t = AgentTime(_t + TimeSpan.FromMinutes(h.LogUniform(60, 1440)));
            Reply(Fill(Pick(DemoPhrases.HijackResultZh, DemoPhrases.HijackResultEn)), null);
            return ThanksAndSolve();
        }

        private bool ThanksAndSolve()
        {
            if (h.Chance(0.55))
            {
                _t = CustomerTime(_t + (_live && h.Chance(0.8) ? TimeSpan.FromMinutes(h.LogUniform(0.3, 10)) : CustomerDelay()));
                Add(Step.Customer, _t, null, Pick(DemoPhrases.ThanksZh, DemoPhrases.ThanksEn), null, []);
                _t = AgentTime(_t + TimeSpan.FromMinutes(h.Chance(0.7) ? h.LogUniform(0.5, 20) : h.LogUniform(60, 1440)));
            }
            else if (h.Chance(0.35)) _t += TimeSpan.FromSeconds(R.Next(5, 90));
            else _t = AgentTime(_t + TimeSpan.FromMinutes(h.LogUniform(120, 5760))); // solved on a later sweep of open tickets
            Add(Step.Status, _t, _agent!.Id, null, TicketStatus.Solved, ClosingTags());
            return true;
        }

        private void MaybeNote(double p)
        {
            if (h.Chance(p)) Note(Fill(h.Pick(DemoPhrases.NotesZh)));
        }

        private void MaybeTransfer()
        {
            var workers = h._workers.GetValueOrDefault(Ticket.TeamId ?? 0) ?? [];
            if (workers.Length < 2 || !h.Chance(0.08)) return;
            var next = h.PickWorker(workers.Where(w => w.Id != _agent!.Id).ToArray());
            Note($"转交 {next.Name} 跟进（{h.Pick(DemoPhrases.TransferReasons)}）。");
            _agent = next;
            Add(Step.Assign, Next(TimeSpan.FromSeconds(R.Next(5, 60))), next.Id, null, null, []);
            _t = AgentTime(_t + TimeSpan.FromMinutes(h.LogUniform(5, 240)));
        }

        private void Reply(string body, TicketStatus? status, string[]? tags = null) =>
            _t = Add(Step.Reply, Next(TimeSpan.Zero), _agent!.Id, body, status, tags ?? []);

        private void Note(string body) => _t = Add(Step.Note, Next(TimeSpan.FromSeconds(R.Next(10, 120))), _agent!.Id, body, null, []);

        private DateTime Next(TimeSpan after) => AgentTime(Max(_t, _events[^1].At) + after);

        private DateTime Add(Step step, DateTime at, Guid? author, string? body, TicketStatus? status, string[] tags)
        {
            at = new DateTime(at.Ticks - at.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
            if (_events.Count > 0 && at <= _events[^1].At) at = _events[^1].At.AddSeconds(R.Next(5, 40));
            _events.Add(new Event(step, at, author, body, status, tags));
            return at;
        }

        /// <summary>Plays the script up to now, with the service's rules for status, owner and timestamps.</summary>
        public void Apply()
        {
            var tk = Ticket;
            var tagNames = new List<string>();
            var first = true;
            foreach (var e in _events)
            {
                if (e.At > h._cutoff) break;
                switch (e.Step)
                {
                    case Step.Customer:
                        if (!first) tk.Status = TicketRules.AfterCustomerMessage(tk.Status);
                        h.Messages.Add(new PlannedMessage
                        {
                            Ticket = tk, Kind = MessageKind.Customer, AuthorCustomer = customer.Entity, Body = e.Body!, CreatedAt = e.At,
                        });
                        break;
                    case Step.Reply:
                        tk.FirstRepliedAt ??= e.At;
                        tk.OwnerId ??= e.Author;
                        tk.AssigneeId ??= e.Author;
                        tk.Status = TicketRules.AfterAgentReply(tk.Status);
                        h.Messages.Add(new PlannedMessage { Ticket = tk, Kind = MessageKind.PublicReply, AuthorUserId = e.Author, Body = e.Body!, CreatedAt = e.At });
                        break;
                    case Step.Note:
                        h.Messages.Add(new PlannedMessage
                        {
                            Ticket = tk, Kind = MessageKind.InternalNote, AuthorUserId = e.Author, Body = e.Body!, CreatedAt = e.At,
                            Mentions = e.Body!.Contains("{prevticket}", StringComparison.Ordinal) ? Repeat : null,
                        });
                        break;
                    case Step.Assign:
                        tk.AssigneeId = e.Author;
                        break;
                }
                if (e.Status is { } s && s != tk.Status)
                {
                    tk.Status = s;
                    if (s == TicketStatus.Solved) tk.SolvedAt = e.At;
                    if (s == TicketStatus.Closed) tk.ClosedAt = e.At;
                }
                foreach (var tag in e.Tags)
                    if (!tagNames.Contains(tag)) tagNames.Add(tag);
                tk.UpdatedAt = e.At;
                first = false;
            }
            foreach (var name in tagNames) tk.Tags.Add(new TicketTag { Tag = h.TagNamed(name) });
        }

        // -------------------------------------------------------------- wording

        private string FirstMessage()
        {
            var text = Fill(_base.Text);
            var greeted = text.StartsWith("你好", StringComparison.Ordinal) || text.StartsWith("您好", StringComparison.Ordinal)
                || text.StartsWith("hi", StringComparison.OrdinalIgnoreCase) || text.StartsWith("hello", StringComparison.OrdinalIgnoreCase)
                || text.StartsWith('【');
            var hasNumber = text.Count(char.IsAsciiDigit) >= 4;
            var orderish = plan.Path.StartsWith("订单服务", StringComparison.Ordinal) || plan.Path.EndsWith("处理时效", StringComparison.Ordinal);
            if (_en)
            {
                var opener = greeted ? "" : h.Pick(DemoPhrases.OpenersEn);
                var firstWord = text.Split(' ', 2)[0];
                if (opener.Length > 0 && LowerAfterGreeting.Contains(firstWord)) text = char.ToLowerInvariant(text[0]) + text[1..];
                var tail = orderish && !hasNumber && h.Chance(0.35) ? Fill(h.Pick(DemoPhrases.OrderSuffixEn)) : h.Pick(DemoPhrases.ClosersEn);
                text = opener + text + tail;
                return channel switch
                {
                    Channel.Email => $"{text}\n\n{customer.FirstName}",
                    Channel.Phone => "Phone call: " + text,
                    _ => text,
                };
            }
            if (customer.Language == "zh-TW") return text; // the decorations below are simplified Chinese
            if (channel == Channel.Phone) return "客户来电：" + text + (orderish && !hasNumber && h.Chance(0.5) ? Fill("，订单号 {order}") : "");
            if (channel == Channel.WebForm && !greeted && h.Chance(0.5))
                return $"问题类型：{plan.Path.Split('/')[^1]}\n问题描述：{text}" + (orderish && !hasNumber ? Fill("\n订单号：{order}") : "");
            var open = greeted ? "" : h.Pick(DemoPhrases.OpenersZh);
            var end = orderish && !hasNumber && h.Chance(0.35) ? Fill(h.Pick(DemoPhrases.OrderSuffixZh)) : h.Pick(DemoPhrases.ClosersZh);
            if (end.StartsWith('，') && text.Length > 0 && "！？。!?～~…".Contains(text[^1])) end = end[1..];
            text = open + text + end;
            return channel == Channel.Email && h.Chance(0.5) ? $"{text}\n\n{customer.Entity.Name}" : text;
        }

        private string Subject()
        {
            if (channel is Channel.Email or Channel.WebForm or Channel.Api || h.Chance(0.25))
            {
                var s = Pick(plan.Script.SubjectZh, plan.Script.SubjectEn);
                return channel == Channel.Phone ? (_en ? "Call: " : "来电：") + s : s;
            }
            var flat = Fill(_base.Text).Replace('\n', ' ');
            if (_en)
            {
                if (flat.Length <= 60) return flat;
                var cut = flat.LastIndexOf(' ', 57);
                return flat[..(cut > 20 ? cut : 57)] + "…";
            }
            var enumerator = System.Globalization.StringInfo.GetTextElementEnumerator(flat);
            var sb = new StringBuilder();
            var n = 0;
            while (enumerator.MoveNext() && n++ < 26) sb.Append(enumerator.GetTextElement());
            return sb.Length < flat.Length ? sb.Append('…').ToString() : flat;
        }

        private TicketPriority Priority()
        {
            if (_base.Urgent) return TicketPriority.Urgent;
            var p = (int)plan.Leaf.Priority;
            var roll = R.NextDouble();
            if (roll < 0.06) p++;
            else if (roll < 0.10) p--;
            if (customer.Vip && p < (int)TicketPriority.High && h.Chance(0.5)) p++;
            if (customer.Vip && plan.Path.EndsWith("客服态度", StringComparison.Ordinal)) p = (int)TicketPriority.Urgent;
            return (TicketPriority)Math.Clamp(p, (int)TicketPriority.Low, (int)TicketPriority.Urgent);
        }

        private string Answer()
        {
            var s = plan.Script;
            string body;
            if (_en) body = Fill(h.Pick(s.AnswerEn));
            else if (s.Kb.Length > 0)
            {
                var key = h.Chance(0.65) ? s.Kb[0] : h.Pick(s.Kb);
                body = h._kb.GetValueOrDefault(key) ?? "";
                var extra = Fill(h.Pick(s.AnswerZh));
                if (extra.Length > 0) body += extra;
            }
            else body = Fill(h.Pick(s.AnswerZh));

            if (_en)
                return $"{Fill(h.Pick(DemoPhrases.ReplyOpenEn))}\n\n{body}\n\n{Fill(h.Pick(DemoPhrases.ReplyCloseEn))}";
            var open = Fill(h.Pick(DemoPhrases.ReplyOpenZh));
            var apology = plan.Path.StartsWith("投诉建议/产品建议", StringComparison.Ordinal) ? "" : h.Pick(DemoPhrases.ApologyZh);
            var close = h.Pick(DemoPhrases.ReplyCloseZh);
            return _live
                ? open + apology + body + close
                : $"{open}\n\n{apology}{body}\n\n{close}\n\n—— {_agent!.Name}，客服中心";
        }

        /// <summary>A reply that opens the conversation: a short greeting first.</summary>
        private string Short(string text) => _en ? $"{Fill(h.Pick(DemoPhrases.ReplyOpenEn))} {text}" : (h.Chance(0.5) ? "您好，" : Fill("您好，我是{agent}。")) + text;

        private string[] LeafTags(double p)
        {
            var tags = new List<string>();
            var s = plan.Script;
            for (var i = 0; i < s.Tags.Length; i++)
                if (h.Chance(i == 0 ? p : p * 0.6)) tags.Add(s.Tags[i]);
            if (plan.Path.EndsWith("退款申请", StringComparison.Ordinal) && !tags.Contains("refund") && h.Chance(0.7)) tags.Add("refund");
            return [.. tags];
        }

        private string[] ClosingTags()
        {
            var tags = new List<string>();
            if (channel == Channel.Phone && h.Chance(0.2)) tags.Add("需回访");
            if (_events.Any(e => e.Step == Step.Reply && e.Body is { } b && (b.Contains("退款", StringComparison.Ordinal) && b.Contains("元", StringComparison.Ordinal)
                || b.Contains("refund of", StringComparison.Ordinal))))
                tags.Add("refund");
            return [.. tags];
        }

        private string Pick(string[] zh, string[] en) => h.Pick(_en && en.Length > 0 ? en : zh);

        // -------------------------------------------------------------- timing

        private TimeSpan FirstResponseDelay() => TimeSpan.FromMinutes(channel switch
        {
            Channel.Chat => h.LogUniform(0.3, 6),
            Channel.WeChat => h.LogUniform(1, 20),
            Channel.App => h.LogUniform(1, 30),
            Channel.Phone => h.LogUniform(0.1, 1.5),
            Channel.Email => h.LogUniform(20, 480),
            Channel.WebForm => h.LogUniform(20, 360),
            _ => h.LogUniform(10, 240),
        });

        private TimeSpan CustomerDelay() => TimeSpan.FromMinutes(_live && h.Chance(0.7) ? h.LogUniform(0.5, 20) : h.LogUniform(30, 2880));

        private TimeSpan AgentFollowUpDelay() => TimeSpan.FromMinutes(_live ? h.LogUniform(0.5, 15) : h.LogUniform(20, 720));

        /// <summary>Agents work 08:00–22:00 Beijing time, every day; later work waits for the morning shift.</summary>
        private DateTime AgentTime(DateTime utc)
        {
            var local = utc + ChinaOffset;
            if (local.Hour >= 8 && local.Hour < 22) return utc;
            // The overnight queue is worked through during the morning, not all at 08:00.
            var morning = (local.Hour < 8 ? local.Date : local.Date.AddDays(1)).AddHours(8).AddMinutes(R.Next(1, 200));
            return DateTime.SpecifyKind(morning - ChinaOffset, DateTimeKind.Utc);
        }

        /// <summary>Customers seldom write between 01:00 and 07:00.</summary>
        private DateTime CustomerTime(DateTime utc)
        {
            var local = utc + ChinaOffset;
            if (local.Hour is < 1 or >= 7 || _en) return utc;
            return DateTime.SpecifyKind(local.Date.AddHours(7).AddMinutes(h.LogUniform(1, 120)) - ChinaOffset, DateTimeKind.Utc);
        }

        private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;

        // -------------------------------------------------------------- placeholders

        private string Fill(string template)
        {
            if (!template.Contains('{')) return template;
            var sb = new StringBuilder(template.Length + 32);
            for (var i = 0; i < template.Length; i++)
            {
                var close = template[i] == '{' ? template.IndexOf('}', i + 1) : -1;
                if (close < 0) { sb.Append(template[i]); continue; }
                var key = template[(i + 1)..close];
                var value = Var(key);
                if (value is null) { sb.Append(template[i]); continue; }
                sb.Append(value);
                i = close;
            }
            return sb.ToString();
        }

        private string? Var(string key)
        {
            if (key == "agent") return _agent?.Name ?? "客服";
            if (key == "prevticket") return null; // filled in once ticket numbers exist
            if (_vars.TryGetValue(key, out var v)) return v;
            v = key switch
            {
                "order" => (Created - TimeSpan.FromDays(R.Next(0, 8)) + ChinaOffset).ToString("yyMMdd", Inv) + h.Digits(10),
                "courier" => Courier().Zh,
                "courierEn" => Courier().En,
                "waybill" => Courier().Prefix + h.Digits(Courier().Digits),
                "amount" => Amount(),
                "amountEn" => (double.Parse(Amount(), Inv) / 7.2).ToString("0.00", Inv),
                "paymethod" => h.Pick(DemoPhrases.PayMethods),
                "device" => h.Pick(DemoPhrases.Devices),
                "deviceEn" => h.Pick(DemoPhrases.DevicesEn),
                "appver" => $"5.{R.Next(8, 12)}.{R.Next(0, 4)}",
                "appver2" => $"5.{R.Next(12, 14)}.{R.Next(0, 3)}",
                "city" => h.Pick(DemoPhrases.Cities).City.TrimEnd('市'),
                "hour" => R.Next(7, 11).ToString(),
                "n1" => R.Next(2, 6).ToString(),
                "n2" => R.Next(10, 99).ToString(),
                "n4" => R.Next(1000, 9999).ToString(),
                "n8" => h.Digits(8),
                "txn" => "4200" + h.Digits(24),
                "ip" => $"{h.Pick(new[] { "112.96", "36.110", "183.14", "117.136" })}.{R.Next(1, 255)}.{R.Next(1, 255)}",
                "size" => h.Pick(DemoPhrases.Sizes),
                "sizeEn" => h.Pick(DemoPhrases.SizesEn),
                "year" => R.Next(2016, 2024).ToString(),
                "day" => h.Pick(DemoPhrases.DaysZh),
                "dayEn" => h.Pick(DemoPhrases.DaysEn),
                "name" => customer.Entity.Name,
                "first" => customer.FirstName,
                "email" => customer.Email ?? "my email",
                "phoneMasked" => customer.Phone is { Length: 11 } p ? p[..3] + "****" + p[^4..] : "138****" + h.Digits(4),
                "address" => customer.Entity.Address ?? RandomAddress(),
                "addressEn" => customer.Entity.Address ?? h.Pick(DemoPhrases.AddressesEn),
                _ => null,
            };
            if (v is not null) _vars[key] = v;
            return v;
        }

        private (string Zh, string En, string Prefix, int Digits) Courier()
        {
            if (!_vars.TryGetValue("courierIndex", out var i))
                _vars["courierIndex"] = i = R.Next(DemoPhrases.Couriers.Length).ToString();
            return DemoPhrases.Couriers[int.Parse(i)];
        }

        private string Amount()
        {
            if (!_vars.TryGetValue("amount", out var a))
                _vars["amount"] = a = (Math.Round(h.LogUniform(19, 3000)) + (h.Chance(0.5) ? 0.9 : 0.0)).ToString("0.00", Inv);
            return a;
        }

        private string RandomAddress()
        {
            var (city, districts) = h.Pick(DemoPhrases.Cities);
            return $"{city}{h.Pick(districts)}{h.Pick(DemoPhrases.Roads)}{R.Next(1, 2000)}号";
        }
    }

    // ---------------------------------------------------------------- helpers

    private Worker PickWorker(Worker[] workers)
    {
        var w = workers.Select(x => x.Role switch
        {
            Platform.Auth.Roles.Agent => x.IsOutsourced ? 3.0 : 4.0,
            Platform.Auth.Roles.SeniorAgent => 3.0,
            _ => 1.0,
        }).ToArray();
        return workers[WeightedIndex(w)];
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[_rnd.Next(items.Count)];

    private bool Chance(double p) => _rnd.NextDouble() < p;

    private double LogUniform(double min, double max) => min * Math.Pow(max / min, _rnd.NextDouble());

    private int WeightedIndex(double[] weights)
    {
        var total = 0.0;
        foreach (var w in weights) total += w;
        var x = _rnd.NextDouble() * total;
        for (var i = 0; i < weights.Length; i++)
        {
            x -= weights[i];
            if (x < 0) return i;
        }
        return weights.Length - 1;
    }

    private string Digits(int n)
    {
        Span<char> c = stackalloc char[n];
        for (var i = 0; i < n; i++) c[i] = (char)('0' + _rnd.Next(10));
        return new string(c);
    }

    private string RandomToken(int n)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        Span<char> c = stackalloc char[n];
        for (var i = 0; i < n; i++) c[i] = alphabet[_rnd.Next(alphabet.Length)];
        return new string(c);
    }

    private static DateTime LocalDate(DateTime utc) => (utc + ChinaOffset).Date;

    private static bool HasCjk(string s) => s.Any(ch => ch is >= '\u4e00' and <= '\u9fff');

    /// <summary>Characters that only occur in traditional Chinese: such lines come from zh-TW customers.</summary>
    private static bool IsTraditional(string s) => s.Any(ch => "這還單時沒請麼貨號幫換東務態經體結處閃載評價帳機錯過為個對點開說裡樣讓嗎買賣費發從頁選擇擔們種間題議擊認".Contains(ch));

    private static readonly HashSet<string> LowerAfterGreeting = ["My", "The", "Your", "Please", "Every", "Need", "Would", "Love", "Pages", "Images",
        "Money", "When", "Wrong", "Third", "Tracking", "Checkout", "Login", "Not", "It", "It's", "Too", "Order", "Suggestion"];

    private static string Ascii(string s) => new string(s.Normalize(NormalizationForm.FormD).Where(char.IsAsciiLetter).ToArray()).ToLowerInvariant();

    private sealed record KbArticle(string Key, string Title, string Body);

    private sealed record BaseText(string Text, bool Urgent);

    private sealed class LeafPlan(Leaf leaf, DemoLeafScript script)
    {
        public Leaf Leaf { get; } = leaf;
        public DemoLeafScript Script { get; } = script;
        public string Path => Leaf.Path;
        public List<BaseText> ZhCn { get; } = [];
        public List<BaseText> ZhTw { get; } = [];
        public List<BaseText> En { get; } = [];
    }

    private sealed class CustomerSeed(Customer entity, string language, string firstName)
    {
        public Customer Entity { get; } = entity;
        public string Language { get; } = language;
        public string FirstName { get; } = firstName;
        public string? Email { get; set; }
        public string? Phone { get; set; }
        public bool HasWeChat { get; set; }
        public bool Vip { get; init; }
        public DateTime? FirstTicketAt { get; set; }
    }
}
