using System.Collections.Frozen;

namespace Kefu.Platform.Auth;

/// <summary>The fixed staff roles; what each may do is the permission table below, in one place.</summary>
public static class Roles
{
    public const string Agent = "agent";
    public const string SeniorAgent = "senior_agent";
    public const string TeamLead = "team_lead";
    public const string Supervisor = "supervisor";
    public const string QualityInspector = "quality_inspector";
    public const string KnowledgeEditor = "knowledge_editor";
    public const string Admin = "admin";

    public static readonly string[] All = [Agent, SeniorAgent, TeamLead, Supervisor, QualityInspector, KnowledgeEditor, Admin];

    private static readonly string[] AgentPermissions =
    [
        Permissions.TicketsRead, Permissions.TicketsWrite, Permissions.CustomersRead, Permissions.CustomersWrite,
        Permissions.TagsRead, Permissions.TeamsRead, Permissions.TaxonomyRead, Permissions.UsersRead,
    ];

    private static readonly string[] SeniorPermissions = [.. AgentPermissions, Permissions.TicketsMerge, Permissions.CustomersMerge, Permissions.TagsManage];

    public static readonly FrozenDictionary<string, FrozenSet<string>> PermissionsByRole = new Dictionary<string, string[]>
    {
        [Agent] = AgentPermissions,
        [SeniorAgent] = SeniorPermissions,
        [TeamLead] = [.. SeniorPermissions, Permissions.TicketsAssignAny, Permissions.AuditRead, Permissions.RoutingManage],
        [Supervisor] = [.. SeniorPermissions, Permissions.TicketsAssignAny, Permissions.TicketsScopeAll, Permissions.TicketsExport, Permissions.AuditRead,
            Permissions.SlaManage, Permissions.RoutingManage, Permissions.ChatReview],
        [QualityInspector] = [Permissions.TicketsRead, Permissions.TicketsScopeAll, Permissions.CustomersRead, Permissions.TagsRead,
            Permissions.TeamsRead, Permissions.TaxonomyRead, Permissions.UsersRead],
        [KnowledgeEditor] = [Permissions.TagsRead, Permissions.TeamsRead, Permissions.TaxonomyRead, Permissions.UsersRead],
        [Admin] = Permissions.All,
    }.ToFrozenDictionary(kv => kv.Key, kv => kv.Value.ToFrozenSet());
}

public static class Permissions
{
    public const string TicketsRead = "tickets.read";
    public const string TicketsWrite = "tickets.write";
    public const string TicketsMerge = "tickets.merge";
    public const string TicketsAssignAny = "tickets.assign_any";
    /// <summary>See every ticket, not only those of one's teams, assigned to or owned by oneself.</summary>
    public const string TicketsScopeAll = "tickets.scope_all";
    public const string TicketsExport = "tickets.export";
    public const string CustomersRead = "customers.read";
    public const string CustomersWrite = "customers.write";
    public const string CustomersMerge = "customers.merge";
    public const string TagsRead = "tags.read";
    public const string TagsManage = "tags.manage";
    public const string TeamsRead = "teams.read";
    public const string TeamsManage = "teams.manage";
    public const string UsersRead = "users.read";
    public const string UsersManage = "users.manage";
    public const string TaxonomyRead = "taxonomy.read";
    public const string TaxonomyManage = "taxonomy.manage";
    public const string AuditRead = "audit.read";
    /// <summary>Business calendars, SLA policies, escalation tiers and settings.</summary>
    public const string SlaManage = "sla.manage";
    /// <summary>Team assignment policies and agents' routing profiles (capacity, skills, status of others).</summary>
    public const string RoutingManage = "routing.manage";
    /// <summary>Configure channels: mailboxes and their passwords, chat widget sites (keys, secrets, allowed origins,
    /// look), …; admin only. (One permission since chat.manage was merged into it: only admins ever had either.)</summary>
    public const string ChannelsManage = "channels.manage";
    /// <summary>Review chat visitors flagged for sending too fast (list them, clear a flag); supervisors and admins.</summary>
    public const string ChatReview = "chat.review";

    public static readonly string[] All =
    [
        TicketsRead, TicketsWrite, TicketsMerge, TicketsAssignAny, TicketsScopeAll, TicketsExport,
        CustomersRead, CustomersWrite, CustomersMerge, TagsRead, TagsManage, TeamsRead, TeamsManage,
        UsersRead, UsersManage, TaxonomyRead, TaxonomyManage, AuditRead, SlaManage, ChannelsManage, RoutingManage, ChatReview,
    ];
}
