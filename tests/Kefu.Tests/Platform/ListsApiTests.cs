namespace Kefu.Tests.Platform;

/// <summary>The users, teams and tags lists page, sort, filter and reject bad parameters as the tickets list does
/// (decision 0052); run once per provider (see the subclasses below). Each test makes its own rows, with a unique text
/// the filters find, since other suites of the collection add users, teams and tags too.</summary>
public abstract class ListsApiTests(KefuApp app)
{
    private static string Tag() => Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task Users_page_sort_and_filter()
    {
        var tag = Tag();
        var p = $"列表{tag}";
        // Display names chosen so that the name order differs from the creation order, with one tie (a) broken by user name.
        var spec = new (string Name, string Role, int[] Teams, bool Outsourced)[]
        {
            ($"{p} b", "agent", [app.TeamA], false),
            ($"{p} a", "supervisor", [], false),
            ($"{p} c", "agent", [app.TeamB], true),
            ($"{p} a", "team_lead", [app.TeamA], false),
            ($"{p} d zed", "agent", [app.TeamB], false),
        };
        var u = new List<string>();
        for (var i = 0; i < spec.Length; i++)
        {
            var userName = $"lst{tag}.{i + 1}";
            var user = await KefuApp.PostOk(app.Admin, "/api/v1/users", new
            {
                userName, displayName = spec[i].Name, email = $"{userName}@lists.example", password = "Secret#2026",
                roles = new[] { spec[i].Role }, teamIds = spec[i].Teams, isOutsourced = spec[i].Outsourced,
            });
            u.Add(user["id"]!.GetValue<string>());
        }
        Assert.Equal(HttpStatusCode.OK, (await app.Admin.PatchAsJsonAsync($"/api/v1/users/{u[4]}", new { isActive = false })).StatusCode);
        string[] Ids(params int[] n) => [.. n.Select(i => u[i - 1])];

        // Default: by display name, ties by user name; two at a time, every row once.
        Assert.Equal(Ids(2, 4, 1, 3, 5), await AllIds("/api/v1/users", $"q={tag}"));
        Assert.Equal(Ids(2, 4, 1, 3, 5), await AllIds("/api/v1/users", $"q={tag}&sort=name"));
        Assert.Equal(Ids(5, 3, 1, 4, 2), await AllIds("/api/v1/users", $"q={tag}&sort=-name"));
        Assert.Equal(Ids(1, 2, 3, 4, 5), await AllIds("/api/v1/users", $"q={tag}&sort=createdAt"));
        Assert.Equal(Ids(5, 4, 3, 2, 1), await AllIds("/api/v1/users", $"q={tag}&sort=-createdAt"));
        Assert.Equal(Ids(1, 2, 3, 4, 5), await AllIds("/api/v1/users", $"q={tag}&sort=userName"));
        Assert.Equal(Ids(5, 4, 3, 2, 1), await AllIds("/api/v1/users", $"q={tag}&sort=-userName"));
        // One page when it all fits: no cursor.
        var whole = await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/users?q={tag}"), true);
        Assert.Equal(5, whole["items"]!.AsArray().Count);
        Assert.Null(whole["nextCursor"]);
        var first = whole["items"]![0]!;
        Assert.Equal($"lst{tag}.2@lists.example", first["email"]!.GetValue<string>());
        Assert.Equal(["supervisor"], first["roles"]!.AsArray().Select(r => r!.GetValue<string>()));

        // Filters, each also paged.
        Assert.Equal(Ids(2), await AllIds("/api/v1/users", $"q={tag}&role=supervisor"));
        Assert.Equal(Ids(1, 3, 5), await AllIds("/api/v1/users", $"q={tag}&role=agent"));
        Assert.Equal(Ids(4, 1, 3, 5), await AllIds("/api/v1/users", $"q={tag}&role=agent,team_lead"));
        Assert.Equal(Ids(3, 5), await AllIds("/api/v1/users", $"q={tag}&teamId={app.TeamB}"));
        Assert.Equal(Ids(5), await AllIds("/api/v1/users", $"q={tag}&active=false"));
        Assert.Equal(Ids(2, 4, 1, 3), await AllIds("/api/v1/users", $"q={tag}&active=true"));
        Assert.Equal(Ids(3), await AllIds("/api/v1/users", $"q={tag}&outsourced=true"));
        Assert.Equal(Ids(5), await AllIds("/api/v1/users", $"q={tag}&outsourced=false&teamId={app.TeamB}&sort=-name"));
        // Text: e-mail and user name whatever the case, display name too.
        Assert.Equal(Ids(3), await AllIds("/api/v1/users", $"q=LST{tag.ToUpperInvariant()}.3@LISTS"));
        Assert.Equal(Ids(4), await AllIds("/api/v1/users", $"q=lst{tag}.4"));
        Assert.Equal(Ids(5), await AllIds("/api/v1/users", $"q={Uri.EscapeDataString($"{tag} D ZED")}"));

        await BadRequest("/api/v1/users?role=boss", "role");
        await BadRequest("/api/v1/users?sort=email", "sort");
        await BadRequest("/api/v1/users?sort=--name", "sort");
        await BadRequest("/api/v1/users?limit=0", "limit");
        await BadRequest("/api/v1/users?limit=201", "limit");
        await BadRequest("/api/v1/users?cursor=garbage", "cursor");
        // A cursor of another shape (the tickets list's) or a key that is not a time is refused, not a 500.
        await BadRequest("/api/v1/users?cursor=MTIzOjQ1", "cursor");
        await BadRequest($"/api/v1/users?sort=createdAt&cursor={Convert.ToBase64String("[\"x\",\"y\"]"u8).TrimEnd('=')}", "cursor");
        var badBool = await app.Admin.GetAsync("/api/v1/users?active=maybe");
        Assert.Equal(HttpStatusCode.BadRequest, badBool.StatusCode);
        Assert.Equal("application/problem+json", badBool.Content.Headers.ContentType?.MediaType);

        // Who may list is unchanged: any staff role (users.read), outsourced included, and not anonymous. Staff e-mails
        // are not customer PII: outsourced accounts see them as everyone does.
        Assert.Equal(Ids(2, 4, 1, 3, 5), await AllIds("/api/v1/users", $"q={tag}", app.AgentA.Http));
        var seenByOutsourced = await KefuApp.Json(await app.Outsourced.Http.GetAsync($"/api/v1/users?q={tag}"), true);
        Assert.Equal($"lst{tag}.2@lists.example", seenByOutsourced["items"]![0]!["email"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Client(null).GetAsync("/api/v1/users")).StatusCode);
    }

    [Fact]
    public async Task Teams_page_sort_and_filter()
    {
        var tag = Tag();
        var names = new[] { "b", "a", "c", "e", "d" };
        var t = new List<int>();
        foreach (var n in names)
        {
            var team = await KefuApp.PostOk(app.Admin, "/api/v1/teams", new
            {
                name = $"组{tag} {n}", description = n == "c" ? $"退款 Refunds-{tag}" : null,
            });
            t.Add(team["id"]!.GetValue<int>());
        }
        await app.CreateStaff($"lst{tag}", "Member", ["agent"], [t[0]]);
        int[] Ids(params int[] n) => [.. n.Select(i => t[i - 1])];

        Assert.Equal(Ids(2, 1, 3, 5, 4), (await AllIds("/api/v1/teams", $"q={tag}")).Select(int.Parse));
        Assert.Equal(Ids(4, 5, 3, 1, 2), (await AllIds("/api/v1/teams", $"q={tag}&sort=-name")).Select(int.Parse));
        Assert.Equal(Ids(1, 2, 3, 4, 5), (await AllIds("/api/v1/teams", $"q={tag}&sort=createdAt")).Select(int.Parse));
        Assert.Equal(Ids(5, 4, 3, 2, 1), (await AllIds("/api/v1/teams", $"q={tag}&sort=-createdAt")).Select(int.Parse));
        // Text in the description, whatever the case; the name's text too.
        Assert.Equal(Ids(3), (await AllIds("/api/v1/teams", $"q=REFUNDS-{tag}")).Select(int.Parse));
        Assert.Equal(Ids(4), (await AllIds("/api/v1/teams", $"q={Uri.EscapeDataString($"组{tag} e")}")).Select(int.Parse));

        var page = await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/teams?q={tag}&sort=createdAt"), true);
        Assert.Equal([1, 0, 0, 0, 0], page["items"]!.AsArray().Select(x => x!["members"]!.GetValue<int>()));
        Assert.Null(page["nextCursor"]);

        await BadRequest("/api/v1/teams?sort=members", "sort");
        await BadRequest("/api/v1/teams?limit=0", "limit");
        await BadRequest("/api/v1/teams?limit=1000", "limit");
        await BadRequest("/api/v1/teams?cursor=garbage", "cursor");
        // A name cursor has a text key and an id: a bad id is refused.
        await BadRequest($"/api/v1/teams?cursor={Convert.ToBase64String("[\"x\",\"y\"]"u8).TrimEnd('=')}", "cursor");

        Assert.Equal(Ids(2, 1, 3, 5, 4), (await AllIds("/api/v1/teams", $"q={tag}", app.Outsourced.Http)).Select(int.Parse));
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Client(null).GetAsync("/api/v1/teams")).StatusCode);
    }

    [Fact]
    public async Task Tags_page_sort_and_filter_by_prefix()
    {
        var tag = Tag();
        var names = new[] { "b", "a", "c", "e", "d" };
        var t = new List<int>();
        foreach (var n in names) t.Add((await KefuApp.PostOk(app.Admin, "/api/v1/tags", new { name = $"Lst{tag}-{n}" }))["id"]!.GetValue<int>());
        int[] Ids(params int[] n) => [.. n.Select(i => t[i - 1])];
        await KefuApp.PostOk(app.Admin, "/api/v1/tickets", new
        {
            subject = "tagged", customer = new { email = $"lst{tag}@example.com" }, message = new { body = "hello" },
            teamId = app.TeamA, tags = new[] { $"Lst{tag}-a" },
        });

        // The prefix whatever the case.
        Assert.Equal(Ids(2, 1, 3, 5, 4), (await AllIds("/api/v1/tags", $"q=lst{tag}")).Select(int.Parse));
        Assert.Equal(Ids(2, 1, 3, 5, 4), (await AllIds("/api/v1/tags", $"q=LST{tag}&sort=name")).Select(int.Parse));
        Assert.Equal(Ids(4, 5, 3, 1, 2), (await AllIds("/api/v1/tags", $"q=lst{tag}&sort=-name")).Select(int.Parse));
        Assert.Equal(Ids(1, 2, 3, 4, 5), (await AllIds("/api/v1/tags", $"q=lst{tag}&sort=createdAt")).Select(int.Parse));
        Assert.Equal(Ids(5, 4, 3, 2, 1), (await AllIds("/api/v1/tags", $"q=lst{tag}&sort=-createdAt")).Select(int.Parse));
        Assert.Equal(Ids(3), (await AllIds("/api/v1/tags", $"q=lst{tag}-C")).Select(int.Parse));
        Assert.Empty(await AllIds("/api/v1/tags", $"q={tag}")); // not a prefix

        var page = await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/tags?q=lst{tag}"), true);
        Assert.Equal([1, 0, 0, 0, 0], page["items"]!.AsArray().Select(x => x!["tickets"]!.GetValue<int>()));
        Assert.Equal($"Lst{tag}-a", page["items"]![0]!["name"]!.GetValue<string>());

        await BadRequest("/api/v1/tags?sort=tickets", "sort");
        await BadRequest("/api/v1/tags?limit=-1", "limit");
        await BadRequest("/api/v1/tags?limit=201", "limit");
        await BadRequest("/api/v1/tags?cursor=%21%21", "cursor");

        Assert.Equal(Ids(2, 1, 3, 5, 4), (await AllIds("/api/v1/tags", $"q=lst{tag}", app.AgentB.Http)).Select(int.Parse));
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Client(null).GetAsync("/api/v1/tags")).StatusCode);
    }

    [Fact]
    public async Task Customers_page_and_sort()
    {
        var tag = Tag();
        var names = new[] { "b", "a", "c", "e", "d" };
        var c = new List<long>();
        foreach (var n in names)
            c.Add((await KefuApp.PostOk(app.Admin, "/api/v1/customers", new { name = $"客户{tag} {n}", email = $"cus{tag}{n}@lists.example" }))["id"]!.GetValue<long>());
        // The second is changed last: the latest updatedAt.
        Assert.Equal(HttpStatusCode.OK, (await app.Admin.PatchAsJsonAsync($"/api/v1/customers/{c[1]}", new { note = "changed" })).StatusCode);
        long[] Ids(params int[] n) => [.. n.Select(i => c[i - 1])];
        async Task<IEnumerable<long>> All(string query) => (await AllIds("/api/v1/customers", query)).Select(long.Parse);

        // Default: newest first, as before the sort existed.
        Assert.Equal(Ids(5, 4, 3, 2, 1), await All($"q={tag}"));
        Assert.Equal(Ids(5, 4, 3, 2, 1), await All($"q={tag}&sort=-id"));
        Assert.Equal(Ids(1, 2, 3, 4, 5), await All($"q={tag}&sort=id"));
        Assert.Equal(Ids(1, 2, 3, 4, 5), await All($"q={tag}&sort=createdAt"));
        Assert.Equal(Ids(5, 4, 3, 2, 1), await All($"q={tag}&sort=-createdAt"));
        Assert.Equal(Ids(1, 3, 4, 5, 2), await All($"q={tag}&sort=updatedAt"));
        Assert.Equal(Ids(2, 5, 4, 3, 1), await All($"q={tag}&sort=-updatedAt"));
        Assert.Equal(Ids(2, 1, 3, 5, 4), await All($"q={tag}&sort=name"));
        Assert.Equal(Ids(4, 5, 3, 1, 2), await All($"q={tag}&sort=-name"));

        // The search rules are the same with a sort: outsourced staff (identities masked) find a customer by the whole
        // address only, never by a part of it.
        Assert.Equal(Ids(2), (await AllIds("/api/v1/customers", $"q=cus{tag}a@lists.example&sort=name", app.Outsourced.Http)).Select(long.Parse));
        Assert.Empty(await AllIds("/api/v1/customers", $"q=cus{tag}a@lists&sort=name", app.Outsourced.Http));
        Assert.Equal(Ids(2), await All($"q=cus{tag}a@lists&sort=name"));
        var masked = await KefuApp.Json(await app.Outsourced.Http.GetAsync($"/api/v1/customers?q=cus{tag}a@lists.example&sort=-updatedAt"), true);
        Assert.NotEqual($"cus{tag}a@lists.example", masked["items"]![0]!["identities"]![0]!["value"]!.GetValue<string>());

        await BadRequest("/api/v1/customers?sort=email", "sort");
        await BadRequest("/api/v1/customers?sort=--name", "sort");
        await BadRequest("/api/v1/customers?limit=0", "limit");
        await BadRequest("/api/v1/customers?cursor=garbage", "cursor");
        // A cursor of one order is refused by another (it would skip or repeat rows), and so is one of another list.
        var byName = await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/customers?q={tag}&sort=name&limit=2"), true);
        var nameCursor = byName["nextCursor"]!.GetValue<string>();
        await BadRequest($"/api/v1/customers?q={tag}&sort=-name&cursor={nameCursor}", "cursor");
        await BadRequest($"/api/v1/customers?q={tag}&sort=createdAt&cursor={nameCursor}", "cursor");
        await BadRequest($"/api/v1/tags?sort=name&cursor={nameCursor}", "cursor");
    }

    [Fact]
    public async Task OpenApi_names_the_list_parameters_as_the_docs_do()
    {
        var doc = await KefuApp.Json(await app.Client(null).GetAsync("/api/openapi/v1.json"), true);
        JsonNode Get(string path) => doc["paths"]![path]!["get"]!;
        string[] Names(string path) => [.. Get(path)["parameters"]!.AsArray().Select(x => x!["name"]!.GetValue<string>())];

        Assert.Equal(["q", "teamId", "role", "active", "outsourced", "sort", "cursor", "limit"], Names("/api/v1/users"));
        Assert.Equal(["q", "sort", "cursor", "limit"], Names("/api/v1/teams"));
        Assert.Equal(["q", "sort", "cursor", "limit"], Names("/api/v1/tags"));
        Assert.Subset(Names("/api/v1/tickets").ToHashSet(), new HashSet<string> { "status", "teamId", "assignee", "q", "sort", "cursor", "limit" });
        Assert.Equal(["q", "sort", "cursor", "limit"], Names("/api/v1/customers"));
        foreach (var path in new[] { "/api/v1/users", "/api/v1/teams", "/api/v1/tags", "/api/v1/customers" })
        {
            Assert.All(Get(path)["parameters"]!.AsArray(), x => Assert.False(string.IsNullOrEmpty(x!["description"]?.GetValue<string>())));
            var schema = Get(path)["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>();
            Assert.StartsWith("#/components/schemas/PageOf", schema);
        }
    }

    /// <summary>The ids of every item of a list query, following the cursor two at a time; each page but the last is
    /// full and carries a cursor.</summary>
    private Task<List<string>> AllIds(string path, string query, HttpClient? client = null) =>
        ListPages.AllIds(client ?? app.Admin, path, query);

    private async Task BadRequest(string url, string field)
    {
        var response = await app.Admin.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await KefuApp.Json(response);
        Assert.Equal(400, problem["status"]!.GetValue<int>());
        Assert.NotNull(problem["errors"]![field]);
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteListsApiTests(SqliteApp app) : ListsApiTests(app);

[Collection(PostgresCollection.Name)]
public sealed class PostgresListsApiTests(PostgresApp app) : ListsApiTests(app);
