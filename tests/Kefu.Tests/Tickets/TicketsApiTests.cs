using Microsoft.AspNetCore.Http;
using Kefu.Tickets;
using Microsoft.EntityFrameworkCore;
using System.Net.Http.Headers;
using System.Text;

namespace Kefu.Tests.Tickets;

/// <summary>The ticket API end to end on a real database; run once per provider (see the subclasses below).</summary>
public abstract class TicketsApiTests(KefuApp app)
{
    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    private async Task<JsonNode> CreateTicket(HttpClient client, string? email = null, string? subject = null, object? extra = null, string? phone = null)
    {
        var body = new JsonObject
        {
            ["subject"] = subject ?? Unique("无法支付"),
            ["customer"] = new JsonObject { ["email"] = email ?? $"{Unique("c")}@example.com", ["name"] = "张三", ["phone"] = phone },
            ["message"] = new JsonObject { ["body"] = "云闪付付款时提示交易受限，订单号88213047" },
            ["category"] = "订单服务/下单问题/无法支付",
            ["teamId"] = app.TeamA,
        };
        if (extra is not null)
            foreach (var (k, v) in JsonSerializer.SerializeToNode(extra)!.AsObject()) body[k] = v?.DeepClone();
        return await KefuApp.PostOk(client, "/api/v1/tickets", body);
    }

    [Fact]
    public async Task Create_returns_the_ticket_with_number_category_and_customer()
    {
        var response = await app.Admin.PostAsJsonAsync("/api/v1/tickets", new
        {
            subject = "APP 一直闪退",
            channel = "app",
            customer = new { email = "Li.Lei@Example.com", name = "李雷" },
            message = new { body = "打开就闪退，iPhone 15" },
            category = "技术支持/APP故障/闪退",
            tags = new[] { "VIP" },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var t = await KefuApp.Json(response);
        Assert.Equal($"/api/v1/tickets/{t["id"]}", response.Headers.Location?.ToString());
        Assert.NotNull(response.Headers.ETag);
        Assert.Equal(t["id"]!.GetValue<long>() + 100000, t["number"]!.GetValue<long>());
        Assert.Equal("new", t["status"]!.GetValue<string>());
        Assert.Equal("app", t["channel"]!.GetValue<string>());
        Assert.Equal("high", t["priority"]!.GetValue<string>()); // the leaf's default priority
        Assert.Equal("技术支持/APP故障/闪退", t["category"]!["path"]!.GetValue<string>());
        Assert.Equal("li.lei@example.com", t["customer"]!["email"]!.GetValue<string>());
        Assert.Equal(["VIP"], t["tags"]!.AsArray().Select(x => x!.GetValue<string>()));

        var messages = await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/tickets/{t["id"]}/messages"), true);
        var first = Assert.Single(messages.AsArray());
        Assert.Equal("customer", first!["kind"]!.GetValue<string>());
        Assert.Equal("customer", first["author"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_response_is_the_stored_ticket_for_new_and_known_customers()
    {
        // The create response is built from the entities the request wrote (no read-back, decision 0025): it must be
        // exactly what a later GET returns, for a new customer and for one found by identity (whose other identities
        // the request did not write), with tags new and already known.
        var email = $"{Unique("dto")}@example.com";
        var phone = "139" + Random.Shared.Next(10_000_000, 99_999_999);
        var known = Unique("known-tag");
        await CreateTicket(app.Admin, email: $"{Unique("other")}@example.com", extra: new { tags = new[] { known } });
        foreach (var body in new[]
        {
            new { customer = (object)new { email, phone, name = "王五" }, tags = new[] { known, Unique("new-tag") } },
            new { customer = (object)new { email = email.ToUpperInvariant() }, tags = Array.Empty<string>() },
        })
        {
            var response = await app.Admin.PostAsJsonAsync("/api/v1/tickets", new
            {
                subject = Unique("无法支付"), body.customer, message = new { body = "云闪付付款时提示交易受限" },
                category = "订单服务/下单问题/无法支付", body.tags,
            });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            var created = await KefuApp.Json(response);
            var get = await app.Admin.GetAsync($"/api/v1/tickets/{created["id"]}");
            var stored = await KefuApp.Json(get, true);
            // PostgreSQL keeps microseconds; the response (as before) shows the time as taken, to 100 ns.
            static string Micro(JsonNode n) => System.Text.RegularExpressions.Regex.Replace(n.ToJsonString(), @"\.(\d+)Z",
                m => (m.Groups[1].Value.Length > 6 ? m.Groups[1].Value[..6] : m.Groups[1].Value).TrimEnd('0') is { Length: > 0 } f ? $".{f}Z" : "Z");
            Assert.Equal(Micro(stored), Micro(created));
            Assert.Equal(get.Headers.ETag, response.Headers.ETag);
            Assert.Equal(phone, created["customer"]!["phone"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Tag_names_match_ignoring_case_and_keep_the_first_spelling()
    {
        // "VIP" and "vip" are one tag (decision 0063): create, PATCH, the list filter and the tag API agree.
        var name = Unique("VIP").ToUpperInvariant();
        var lower = name.ToLowerInvariant();
        var first = await CreateTicket(app.Admin, extra: new { tags = new[] { name } });
        var second = await CreateTicket(app.Admin, extra: new { tags = new[] { lower } });
        Assert.Equal([name], second["tags"]!.AsArray().Select(x => x!.GetValue<string>()));
        var third = await CreateTicket(app.Admin);
        var patched = await Patch(app.Admin, $"/api/v1/tickets/{third["id"]}", new { tags = new[] { lower[..1].ToUpperInvariant() + lower[1..] } }, null);
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal([name], (await KefuApp.Json(patched))["tags"]!.AsArray().Select(x => x!.GetValue<string>()));

        var tags = await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/tags?q={lower}"), true);
        var tag = Assert.Single(tags["items"]!.AsArray());
        Assert.Equal(name, tag!["name"]!.GetValue<string>());
        Assert.Equal(3, tag["tickets"]!.GetValue<int>());
        Assert.Equal(new[] { first, second, third }.Select(Id).Order(), (await AllPages($"tag={lower}")).Select(Id).Order());
        Assert.Equal(HttpStatusCode.Conflict, (await app.Admin.PostAsJsonAsync("/api/v1/tags", new { name = lower })).StatusCode);
    }

    [Fact]
    public async Task Inbound_contact_finds_the_customer_by_any_identity()
    {
        var email = $"{Unique("same")}@example.com";
        var phone = "1380013" + Random.Shared.Next(1000, 9999);
        var a = await CreateTicket(app.Admin, email);
        var b = await CreateTicket(app.Admin, email.ToUpperInvariant(), phone: phone);
        Assert.Equal(a["customer"]!["id"]!.GetValue<long>(), b["customer"]!["id"]!.GetValue<long>());
        // The phone learnt on the second contact identifies the customer from now on, written the Chinese way.
        var c = await KefuApp.PostOk(app.Admin, "/api/v1/tickets", new
        {
            subject = "电话进线", channel = "phone", customer = new { phone = "+86 " + phone[..3] + " " + phone[3..7] + " " + phone[7..] },
            message = new { body = "来电咨询" },
        });
        Assert.Equal(a["customer"]!["id"]!.GetValue<long>(), c["customer"]!["id"]!.GetValue<long>());
    }

    [Fact]
    public async Task Retrying_with_the_same_idempotency_key_returns_the_same_ticket()
    {
        var key = Guid.NewGuid().ToString();
        var subject = Unique("idem");
        var body = new { subject, customer = new { email = $"{Unique("i")}@example.com" }, message = new { body = "hello" } };

        HttpRequestMessage Request(object b) => new(HttpMethod.Post, "/api/v1/tickets")
        {
            Content = JsonContent.Create(b), Headers = { { "Idempotency-Key", key } },
        };
        var first = await app.Admin.SendAsync(Request(body));
        var second = await app.Admin.SendAsync(Request(body));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        var t1 = await KefuApp.Json(first);
        var t2 = await KefuApp.Json(second);
        Assert.Equal(t1["id"]!.GetValue<long>(), t2["id"]!.GetValue<long>());
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        // The replay carries the first answer's ETag, so a client that only saw the replay can update with If-Match.
        Assert.NotNull(first.Headers.ETag);
        Assert.Equal(first.Headers.ETag, second.Headers.ETag);
        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/tickets/{t2["id"]}") { Content = JsonContent.Create(new { priority = "high" }) };
        patch.Headers.IfMatch.Add(second.Headers.ETag!);
        Assert.Equal(HttpStatusCode.OK, (await app.Admin.SendAsync(patch)).StatusCode);

        var list = await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/tickets?q={subject}"), true);
        Assert.Single(list["items"]!.AsArray());

        var reused = await app.Admin.SendAsync(Request(body with { subject = subject + "-other" }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
        Assert.Equal("application/problem+json", reused.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("tickets")]
    [InlineData("customers")]
    [InlineData("identities")]
    [InlineData("tags")]
    [InlineData("teams")]
    [InlineData("users")]
    [InlineData("taxonomy")]
    [InlineData("messages")]
    [InlineData("tokens")]
    [InlineData("user-tokens")]
    [InlineData("ticket-merge")]
    [InlineData("customer-merge")]
    [InlineData("attachments")]
    public async Task Every_create_replays_its_first_answer_for_a_retried_idempotency_key(string endpoint)
    {
        // Each case: where to post, a fresh copy of the same request body, and the rows one such create writes.
        var (url, content, rows) = endpoint switch
        {
            "tickets" => ("/api/v1/tickets", Json(new { subject = Unique("idem"), customer = new { email = $"{Unique("i")}@example.com" }, message = new { body = "hello" } }),
                Rows(db => db.Set<Ticket>().CountAsync())),
            "customers" => ("/api/v1/customers", Json(new { name = Unique("客户"), email = $"{Unique("ic")}@example.com" }), Rows(db => db.Set<Customer>().CountAsync())),
            "identities" => ($"/api/v1/customers/{(await CreateTicket(app.Admin))["customer"]!["id"]}/identities", Json(new { kind = "app", value = Unique("app") }),
                Rows(db => db.Set<CustomerIdentity>().CountAsync())),
            "tags" => ("/api/v1/tags", Json(new { name = Unique("tag") }), Rows(db => db.Set<Tag>().CountAsync())),
            "teams" => ("/api/v1/teams", Json(new { name = Unique("team") }), Rows(db => db.Teams.CountAsync())),
            "users" => ("/api/v1/users", Json(new { userName = Unique("idem.u"), displayName = "Idem", password = "Secret#2026", roles = new[] { "agent" }, teamIds = new[] { app.TeamA } }),
                Rows(db => db.Users.CountAsync())),
            "taxonomy" => ("/api/v1/taxonomy", Json(new { parentId = (await KefuApp.Json(await app.Admin.GetAsync("/api/v1/taxonomy"), true))[0]!["children"]![0]!["id"]!.GetValue<int>(), name = Unique("分类") }),
                Rows(db => db.Set<Category>().CountAsync())),
            "messages" => ($"/api/v1/tickets/{(await CreateTicket(app.Admin))["id"]}/messages", Json(new { kind = "internal_note", body = "重试不重复" }),
                Rows(db => db.Set<Message>().CountAsync())),
            "tokens" => ("/api/v1/me/tokens", Json(new { name = Unique("tok") }), Rows(db => db.AccessTokens.CountAsync())),
            "user-tokens" => ($"/api/v1/users/{app.AgentB.Id}/tokens", Json(new { name = Unique("tok") }), Rows(db => db.AccessTokens.CountAsync())),
            "ticket-merge" => await TicketMerge(),
            "customer-merge" => await CustomerMerge(),
            "attachments" => ("/api/v1/attachments", () => new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes("截图")), "file", "重试.png" } },
                Rows(db => db.Set<Attachment>().CountAsync())),
            _ => throw new ArgumentOutOfRangeException(nameof(endpoint)),
        };
        var key = Guid.NewGuid().ToString();
        HttpRequestMessage Request() => new(HttpMethod.Post, url) { Content = content(), Headers = { { "Idempotency-Key", key } } };
        var before = await rows();

        var first = await app.Admin.SendAsync(Request());
        var firstBody = await KefuApp.Json(first, expectSuccess: true);
        var second = await app.Admin.SendAsync(Request());
        if (endpoint.EndsWith("tokens", StringComparison.Ordinal))
        {
            // A token's value is shown once and kept nowhere in plain text, the idempotency record included: the retry
            // is told which token the first request created, and no second one is made.
            Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
            Assert.Equal("application/problem+json", second.Content.Headers.ContentType?.MediaType);
            var problem = await second.Content.ReadAsStringAsync();
            Assert.Contains(firstBody["token"]!["id"]!.ToString(), problem);
            var value = firstBody["value"]!.GetValue<string>();
            Assert.DoesNotContain(value, problem);
            Assert.False(await app.DbAsync(db => db.Set<Kefu.Platform.Http.IdempotencyRecord>().AnyAsync(r => r.ResponseBody.Contains(value))));
            Assert.Equal(before + 1, await rows());
            return;
        }
        var secondBody = await KefuApp.Json(second, expectSuccess: true);

        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(first.StatusCode, second.StatusCode);
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.NotNull(firstBody["id"] ?? firstBody["token"]?["id"]);
        Assert.True(JsonNode.DeepEquals(firstBody, secondBody), $"{firstBody.ToJsonString()} != {secondBody.ToJsonString()}");
        Assert.Equal(before + 1, await rows());

        static Func<HttpContent> Json(object body) => () => JsonContent.Create(body);
        Func<Task<int>> Rows(Func<Kefu.Platform.Database.KefuDb, Task<int>> count) => () => app.DbAsync(count);

        async Task<(string, Func<HttpContent>, Func<Task<int>>)> TicketMerge()
        {
            var email = $"{Unique("im")}@example.com";
            var source = (await CreateTicket(app.Admin, email))["id"]!.ToString();
            var target = (await CreateTicket(app.Admin, email))["id"]!.GetValue<long>();
            return ($"/api/v1/tickets/{source}/merge", Json(new { targetTicketId = target }),
                Rows(db => db.Audit.CountAsync(a => a.EntityType == "ticket" && a.EntityId == source && a.Action == "merged_into")));
        }

        async Task<(string, Func<HttpContent>, Func<Task<int>>)> CustomerMerge()
        {
            var target = (await CreateTicket(app.Admin))["customer"]!["id"]!.GetValue<long>();
            var source = (await CreateTicket(app.Admin))["customer"]!["id"]!.GetValue<long>();
            var sourceKey = source.ToString();
            return ($"/api/v1/customers/{target}/merge", Json(new { sourceCustomerId = source }),
                Rows(db => db.Audit.CountAsync(a => a.EntityType == "customer" && a.EntityId == sourceKey && a.Action == "merged_into")));
        }
    }

    [Theory]
    [InlineData("{\"subject\": \"x\", ", null)]
    [InlineData("{\"subject\":\"x\",\"priority\":\"mega\",\"customer\":{\"email\":\"bad-enum@example.com\"},\"message\":{\"body\":\"x\"}}", "priority")]
    [InlineData("{\"subject\":\"x\",\"colour\":\"red\",\"customer\":{\"email\":\"unknown-field@example.com\"},\"message\":{\"body\":\"x\"}}", "colour")]
    [InlineData("{\"subject\":\"x\",\"customer\":{\"name\":\"nobody\"},\"message\":{\"body\":\"x\"}}", "customer")]
    [InlineData("{\"subject\":\"x\",\"customer\":{\"email\":\"not-an-email\"},\"message\":{\"body\":\"x\"}}", "customer.email")]
    [InlineData("{\"subject\":\"x\",\"customer\":{\"email\":\"empty-body@example.com\"},\"message\":{\"body\":\"\"}}", "message.body")]
    [InlineData("{\"subject\":\"x\",\"category\":\"没有/这个/分类\",\"customer\":{\"email\":\"bad-cat@example.com\"},\"message\":{\"body\":\"x\"}}", "category")]
    [InlineData("{\"subject\":\"x\",\"teamId\":999999,\"customer\":{\"email\":\"bad-team@example.com\"},\"message\":{\"body\":\"x\"}}", "teamId")]
    public async Task Bad_create_requests_get_a_problem_naming_the_field_and_write_nothing(string json, string? field)
    {
        var before = await CountTickets();
        var response = await app.Admin.PostAsync("/api/v1/tickets", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await KefuApp.Json(response);
        Assert.Equal(400, problem["status"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(problem["title"]?.GetValue<string>()));
        if (field is not null) Assert.True(problem["errors"]?[field] is not null, $"errors should name '{field}': {problem.ToJsonString()}");
        Assert.Equal(before, await CountTickets());
        // Nor a customer, identity, event or audit row of the contact it named (each case names its own address).
        if (System.Text.RegularExpressions.Regex.Match(json, "\"email\":\"([^\"]+@example\\.com)\"") is { Success: true } m)
        {
            var email = m.Groups[1].Value;
            Assert.Equal(0, await app.DbAsync(db => db.Set<CustomerIdentity>().CountAsync(i => i.Value == email)));
            Assert.Equal(0, await app.DbAsync(db => db.Audit.CountAsync(a => a.Changes != null && a.Changes.Contains(email))));
            Assert.Equal(0, await app.DbAsync(db => db.Set<Kefu.Platform.Events.OutboxMessage>().CountAsync(o => o.Payload.Contains(email))));
        }
    }

    [Fact]
    public async Task Over_long_subject_is_rejected()
    {
        var response = await app.Admin.PostAsJsonAsync("/api/v1/tickets", new
        {
            subject = new string('长', 301), customer = new { email = "long@example.com" }, message = new { body = "x" },
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await KefuApp.Json(response))["errors"]!["subject"]);
    }

    [Theory]
    [InlineData("customer.name")]
    [InlineData("customer.note")]
    [InlineData("customer.address")]
    [InlineData("message.body")]
    [InlineData("team.name")]
    [InlineData("tag.name")]
    [InlineData("category.name")]
    [InlineData("user.displayName")]
    [InlineData("token.name")]
    [InlineData("ticket.subject")]
    public async Task Over_long_fields_get_a_problem_naming_the_field_and_write_nothing(string field)
    {
        static string Long(int max) => new('长', max + 1);
        var ticket = field is "message.body" or "ticket.subject" ? await CreateTicket(app.Admin) : null;
        var (method, url, body, name, rows) = field switch
        {
            "customer.name" => ("POST", "/api/v1/customers", (object)new { name = Long(200) }, "name", Rows(db => db.Set<Customer>().CountAsync())),
            "customer.note" => ("POST", "/api/v1/customers", new { name = "x", note = Long(4000) }, "note", Rows(db => db.Set<Customer>().CountAsync())),
            "customer.address" => ("POST", "/api/v1/customers", new { name = "x", address = Long(500) }, "address", Rows(db => db.Set<Customer>().CountAsync())),
            "message.body" => ("POST", $"/api/v1/tickets/{ticket!["id"]}/messages", new { kind = "internal_note", body = Long(TicketsConfiguration.BodyMax) }, "body",
                Rows(db => db.Set<Message>().CountAsync())),
            "team.name" => ("POST", "/api/v1/teams", new { name = Long(100) }, "name", Rows(db => db.Teams.CountAsync())),
            "tag.name" => ("POST", "/api/v1/tags", new { name = Long(50) }, "name", Rows(db => db.Set<Tag>().CountAsync())),
            "category.name" => ("POST", "/api/v1/taxonomy", new { name = Long(50) }, "name", Rows(db => db.Set<Category>().CountAsync())),
            "user.displayName" => ("POST", "/api/v1/users", new { userName = Unique("long.u"), displayName = Long(100), password = "Secret#2026", roles = new[] { "agent" } },
                "displayName", Rows(db => db.Users.CountAsync())),
            "token.name" => ("POST", "/api/v1/me/tokens", new { name = Long(100) }, "name", Rows(db => db.AccessTokens.CountAsync())),
            "ticket.subject" => ("PATCH", $"/api/v1/tickets/{ticket!["id"]}", new { subject = Long(TicketsConfiguration.SubjectMax) }, "subject",
                Rows(db => db.Audit.CountAsync(a => a.EntityType == "ticket"))),
            _ => throw new ArgumentOutOfRangeException(nameof(field)),
        };
        var before = await rows();
        var response = await app.Admin.SendAsync(new HttpRequestMessage(new HttpMethod(method), url) { Content = JsonContent.Create(body) });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await KefuApp.Json(response);
        Assert.True(problem["errors"]?[name] is not null, $"errors should name '{name}': {problem.ToJsonString()}");
        Assert.Equal(before, await rows());
        if (ticket is not null)
            Assert.Equal(ticket["subject"]!.GetValue<string>(), (await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/tickets/{ticket["id"]}"), true))["subject"]!.GetValue<string>());

        Func<Task<int>> Rows(Func<Kefu.Platform.Database.KefuDb, Task<int>> count) => () => app.DbAsync(count);
    }

    [Fact]
    public async Task Updating_a_user_needs_the_current_etag()
    {
        var staff = await app.CreateStaff(Unique("etag.u"), "ETag Before", ["agent"], [app.TeamA]);
        var url = $"/api/v1/users/{staff.Id}";
        var get = await app.Admin.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        var etag = get.Headers.ETag!.Tag;

        var ok = await Patch(app.Admin, url, new { displayName = "ETag After" }, etag);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var fresh = ok.Headers.ETag!.Tag;
        Assert.NotEqual(etag, fresh);
        Assert.Equal(fresh, (await app.Admin.GetAsync(url)).Headers.ETag!.Tag);

        var stale = await Patch(app.Admin, url, new { displayName = "Lost Update", isOutsourced = true }, etag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal("application/problem+json", stale.Content.Headers.ContentType?.MediaType);
        var current = await KefuApp.Json(await app.Admin.GetAsync(url), true);
        Assert.Equal("ETag After", current["displayName"]!.GetValue<string>()); // the stale request changed nothing
        Assert.False(current["isOutsourced"]!.GetValue<bool>());

        // As for tickets, a script that sends no If-Match updates (last write wins).
        Assert.Equal(HttpStatusCode.OK, (await Patch(app.Admin, url, new { displayName = "No If-Match" }, null)).StatusCode);
    }

    [Fact]
    public async Task List_filters_and_paginates_with_a_cursor()
    {
        var tag = Unique("batch");
        var ids = new List<long>();
        for (var i = 0; i < 5; i++)
            ids.Add((await CreateTicket(app.Admin, extra: new { tags = new[] { tag }, priority = i == 0 ? "urgent" : "low" }))["id"]!.GetValue<long>());

        var seen = new List<long>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/tickets?tag={tag}&limit=2&sort=createdAt" + (cursor is null ? "" : $"&cursor={cursor}")), true);
            seen.AddRange(page["items"]!.AsArray().Select(t => t!["id"]!.GetValue<long>()));
            cursor = page["nextCursor"]?.GetValue<string>();
            pages++;
        } while (cursor is not null);
        Assert.Equal(3, pages);
        Assert.Equal(ids, seen); // oldest first, no gaps, no repeats

        var urgent = await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/tickets?tag={tag}&priority=urgent"), true);
        Assert.Equal(ids[0], Assert.Single(urgent["items"]!.AsArray())!["id"]!.GetValue<long>());
        var filtered = await KefuApp.Json(await app.Admin.GetAsync(
            $"/api/v1/tickets?tag={tag}&status=new&teamId={app.TeamA}&channel=api&category=订单服务&priority=low,high"), true);
        Assert.Equal(4, filtered["items"]!.AsArray().Count);
        var none = await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/tickets?tag={tag}&status=solved"), true);
        Assert.Empty(none["items"]!.AsArray());

        // Every sort keeps its order across cursor pages: priority (low < urgent), ties by id.
        Assert.Equal([.. ids.Skip(1), ids[0]], (await AllPages($"tag={tag}&sort=priority")).Select(Id));
        Assert.Equal([ids[0], .. ids.Skip(1).Reverse()], (await AllPages($"tag={tag}&sort=-priority")).Select(Id));
        Assert.Equal(Enumerable.Reverse(ids), (await AllPages($"tag={tag}")).Select(Id)); // default: newest first
        // Changing two tickets puts them first under -updatedAt, last changed first.
        foreach (var changed in new[] { ids[3], ids[1] })
            Assert.Equal(HttpStatusCode.OK, (await Patch(app.Admin, $"/api/v1/tickets/{changed}", new { priority = "low", tags = new[] { tag, "changed" } }, null)).StatusCode);
        var byUpdate = await AllPages($"tag={tag}&sort=-updatedAt");
        Assert.Equal(ids.Order(), byUpdate.Select(Id).Order());
        Assert.Equal([ids[1], ids[3]], byUpdate.Take(2).Select(Id));
        var updated = byUpdate.Select(t => t["updatedAt"]!.GetValue<DateTime>()).ToList();
        Assert.Equal(updated.OrderDescending(), updated);
        Assert.Equal(byUpdate.Select(Id).Reverse(), (await AllPages($"tag={tag}&sort=updatedAt")).Select(Id));

        // assignee: me, none, an id.
        Assert.Equal(HttpStatusCode.OK, (await Patch(app.Admin, $"/api/v1/tickets/{ids[2]}", new { assigneeId = app.AgentA.Id }, null)).StatusCode);
        Assert.Equal([ids[2]], (await AllPages($"tag={tag}&assignee=me", app.AgentA.Http)).Select(Id));
        Assert.Empty(await AllPages($"tag={tag}&assignee=me", app.AgentA2.Http));
        Assert.Equal([ids[2]], (await AllPages($"tag={tag}&assignee={app.AgentA.Id}")).Select(Id));
        Assert.Equal(ids.Where(i => i != ids[2]).Order(), (await AllPages($"tag={tag}&assignee=none")).Select(Id).Order());
        var badAssignee = await app.Admin.GetAsync($"/api/v1/tickets?tag={tag}&assignee=someone");
        Assert.Equal(HttpStatusCode.BadRequest, badAssignee.StatusCode);
        Assert.NotNull((await KefuApp.Json(badAssignee))["errors"]!["assignee"]);

        // Created range: from inclusive, to exclusive.
        var middle = Uri.EscapeDataString(byUpdate.Single(t => Id(t) == ids[2])["createdAt"]!.GetValue<string>());
        Assert.Equal(ids.Skip(2), (await AllPages($"tag={tag}&sort=createdAt&createdFrom={middle}")).Select(Id));
        Assert.Equal(ids.Take(2), (await AllPages($"tag={tag}&sort=createdAt&createdTo={middle}")).Select(Id));
        Assert.Equal(HttpStatusCode.BadRequest, (await app.Admin.GetAsync("/api/v1/tickets?createdFrom=yesterday")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.Admin.GetAsync("/api/v1/tickets?sort=subject")).StatusCode);

        var bad = await app.Admin.GetAsync("/api/v1/tickets?status=finished");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.NotNull((await KefuApp.Json(bad))["errors"]!["status"]);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.Admin.GetAsync("/api/v1/tickets?cursor=garbage")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.Admin.GetAsync("/api/v1/tickets?limit=1000")).StatusCode);
    }

    [Fact]
    public async Task Text_search_finds_chinese_substrings_numbers_and_emails()
    {
        var email = $"{Unique("search")}@example.com";
        var phone = "139" + Random.Shared.Next(10_000_000, 99_999_999);
        var t = await CreateTicket(app.Admin, email, subject: "退款一直没有到账" + Guid.NewGuid().ToString("N")[..6], phone: phone);
        var id = t["id"]!.GetValue<long>();
        // The phone number as people write it: plain, in groups, with the country code.
        var phones = new[] { phone, $"{phone[..3]} {phone[3..7]} {phone[7..]}", $"+86 {phone[..3]} {phone[3..7]} {phone[7..]}", $"+86-{phone[..3]}-{phone[3..7]}-{phone[7..]}", $"({phone[..3]}) {phone[3..]}" };
        foreach (var q in new[] { "没有到", "交易受限", $"#{t["number"]}", email.ToUpperInvariant() }.Concat(phones))
        {
            var page = await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/tickets?q={Uri.EscapeDataString(q)}&limit=200"), true);
            Assert.True(page["items"]!.AsArray().Any(x => x!["id"]!.GetValue<long>() == id), $"search for '{q}' finds the ticket");
        }

        // Latin text in any case: "refund" finds "Refund", in the subject and in the messages.
        var tag = Guid.NewGuid().ToString("N")[..8];
        var en = await CreateTicket(app.Admin, subject: $"Refund Request {tag}", extra: new { message = new { body = $"Where is my Invoice-{tag}? Order KX{tag}." } });
        var enId = en["id"]!.GetValue<long>();
        foreach (var q in new[] { $"refund request {tag}", $"REFUND REQUEST {tag.ToUpperInvariant()}", $"invoice-{tag}", $"kx{tag.ToUpperInvariant()}" })
        {
            var page = await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/tickets?q={Uri.EscapeDataString(q)}&limit=200"), true);
            Assert.True(page["items"]!.AsArray().Any(x => x!["id"]!.GetValue<long>() == enId), $"search for '{q}' finds the ticket");
        }
    }

    [Fact]
    public async Task Update_needs_the_current_etag_and_enforces_transitions()
    {
        var t = await CreateTicket(app.Admin);
        var url = $"/api/v1/tickets/{t["id"]}";
        var get = await app.Admin.GetAsync(url);
        var etag = get.Headers.ETag!.Tag;

        var ok = await Patch(app.Admin, url, new { priority = "urgent", status = "solved" }, etag);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var updated = await KefuApp.Json(ok);
        Assert.Equal("urgent", updated["priority"]!.GetValue<string>());
        Assert.Equal("solved", updated["status"]!.GetValue<string>());
        Assert.NotNull(updated["solvedAt"]);
        Assert.NotEqual(etag, ok.Headers.ETag!.Tag);

        var stale = await Patch(app.Admin, url, new { priority = "low" }, etag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal("application/problem+json", stale.Content.Headers.ContentType?.MediaType);

        var fresh = ok.Headers.ETag!.Tag;
        var badMove = await Patch(app.Admin, url, new { status = "new" }, fresh);
        Assert.Equal(HttpStatusCode.BadRequest, badMove.StatusCode);
        Assert.NotNull((await KefuApp.Json(badMove))["errors"]!["status"]);

        var badEnum = await Patch(app.Admin, url, new { priority = "whenever" }, fresh);
        Assert.Equal(HttpStatusCode.BadRequest, badEnum.StatusCode);
        Assert.NotNull((await KefuApp.Json(badEnum))["errors"]!["priority"]);
        var unknown = await Patch(app.Admin, url, new { colour = "red" }, fresh);
        Assert.NotNull((await KefuApp.Json(unknown))["errors"]!["colour"]);

        var closed = await Patch(app.Admin, url, new { status = "closed" }, fresh);
        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        var afterClose = await Patch(app.Admin, url, new { subject = "changed" }, null);
        Assert.Equal(HttpStatusCode.Conflict, afterClose.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await app.Admin.PostAsJsonAsync($"{url}/messages", new { kind = "public_reply", body = "hi" })).StatusCode);

        var current = await KefuApp.Json(await app.Admin.GetAsync(url), true);
        Assert.Equal("urgent", current["priority"]!.GetValue<string>()); // rejected requests changed nothing
        Assert.Equal("closed", current["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task First_agent_to_reply_becomes_owner_and_stays_after_transfer()
    {
        var t = await CreateTicket(app.Admin);
        var url = $"/api/v1/tickets/{t["id"]}";
        Assert.Equal(HttpStatusCode.OK, (await Patch(app.AgentA.Http, url, new { assigneeId = app.AgentA.Id }, null)).StatusCode);
        await KefuApp.PostOk(app.AgentA.Http, $"{url}/messages", new { kind = "public_reply", body = "您好，请稍等，正在为您查询。" });
        var afterReply = await KefuApp.Json(await app.Admin.GetAsync(url), true);
        Assert.Equal(app.AgentA.Id, afterReply["owner"]!["id"]!.GetValue<Guid>());
        Assert.Equal("open", afterReply["status"]!.GetValue<string>());
        Assert.NotNull(afterReply["firstRepliedAt"]);

        // An agent may not hand the ticket to someone else; a lead may.
        Assert.Equal(HttpStatusCode.Forbidden, (await Patch(app.AgentA.Http, url, new { assigneeId = app.AgentA2.Id }, null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Patch(app.Lead.Http, url, new { assigneeId = app.AgentA2.Id }, null)).StatusCode);
        await KefuApp.PostOk(app.AgentA2.Http, $"{url}/messages", new { kind = "public_reply", body = "我来跟进。" });
        await KefuApp.PostOk(app.AgentA2.Http, $"{url}/messages", new { kind = "internal_note", body = "已联系财务" });

        var after = await KefuApp.Json(await app.Admin.GetAsync(url), true);
        Assert.Equal(app.AgentA2.Id, after["assignee"]!["id"]!.GetValue<Guid>());
        Assert.Equal(app.AgentA.Id, after["owner"]!["id"]!.GetValue<Guid>());

        var mine = await KefuApp.Json(await app.AgentA.Http.GetAsync("/api/v1/tickets?owner=me&limit=200"), true);
        Assert.Contains(mine["items"]!.AsArray(), x => x!["id"]!.GetValue<long>() == t["id"]!.GetValue<long>());
        var kinds = (await KefuApp.Json(await app.Admin.GetAsync($"{url}/messages"), true)).AsArray().Select(m => m!["kind"]!.GetValue<string>());
        Assert.Equal(["customer", "public_reply", "public_reply", "internal_note"], kinds);
    }

    [Fact]
    public async Task A_mention_notifies_the_whole_user_name_only()
    {
        var t = await CreateTicket(app.Admin);
        var id = t["id"]!.GetValue<long>();
        // "@agent.a" is a prefix of "@agent.a2": only agent.a is meant; "agent.a2" spelled out (at a sentence end) is a2.
        var note = await KefuApp.PostOk(app.Admin, $"/api/v1/tickets/{id}/messages", new { kind = "internal_note", body = "@agent.a 请看一下" });
        var note2 = await KefuApp.PostOk(app.Admin, $"/api/v1/tickets/{id}/messages", new { kind = "internal_note", body = "转给 @AGENT.A2." });
        var note3 = await KefuApp.PostOk(app.Admin, $"/api/v1/tickets/{id}/messages", new { kind = "internal_note", body = "写信给 x@agent.a 或 @agent.ab" });

        await using var scope = app.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Kefu.Platform.Database.KefuDb>();
        async Task<List<string>> Mentioned(JsonNode message)
        {
            var prefix = $"{{\"ticketId\":{id},\"messageId\":{message["id"]!.GetValue<long>()},";
            return await db.Outbox.AsNoTracking().Where(m => m.Type == "StaffMentioned" && m.Payload.StartsWith(prefix)).Select(m => m.Payload).ToListAsync();
        }
        var first = Assert.Single(await Mentioned(note));
        Assert.Contains(app.AgentA.Id.ToString(), first, StringComparison.OrdinalIgnoreCase);
        var second = Assert.Single(await Mentioned(note2));
        Assert.Contains(app.AgentA2.Id.ToString(), second, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(await Mentioned(note3));

        // Someone who may not open the ticket (agent.b, of team B, on a team-A ticket) gets no notice leading to a 403;
        // once it is assigned to her, she does.
        var note4 = await KefuApp.PostOk(app.Admin, $"/api/v1/tickets/{id}/messages", new { kind = "internal_note", body = "@agent.b 帮忙看下" });
        Assert.Empty(await Mentioned(note4));
        Assert.Equal(HttpStatusCode.OK, (await Patch(app.Admin, $"/api/v1/tickets/{id}", new { assigneeId = app.AgentB.Id }, null)).StatusCode);
        var note5 = await KefuApp.PostOk(app.Admin, $"/api/v1/tickets/{id}/messages", new { kind = "internal_note", body = "@agent.b 帮忙看下" });
        Assert.Contains(app.AgentB.Id.ToString(), Assert.Single(await Mentioned(note5)), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("@agent.a 请看", "a")]
    [InlineData("@agent.a2 请看", "a2")]
    [InlineData("请@王芳看一下", "wf")]
    [InlineData("@王芳芳 请看", "wff")]
    [InlineData("cc @agent.a, @王芳芳", "a,wff")]
    [InlineData("@agent.a.", "a")]
    [InlineData("@agent.a.b @agent.abc mail@agent.a", "")]
    public void Mentions_match_whole_names_longest_first(string body, string expected)
    {
        var people = new Dictionary<string, Mentions.Person>
        {
            ["a"] = new(Guid.NewGuid(), "agent.a", "Agent A"), ["a2"] = new(Guid.NewGuid(), "agent.a2", "Agent A2"),
            ["wf"] = new(Guid.NewGuid(), "wang.f", "王芳"), ["wff"] = new(Guid.NewGuid(), "wang.ff", "王芳芳"),
        };
        var found = Mentions.Find(body, people.Values);
        var want = expected.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(k => people[k].Id).ToHashSet();
        Assert.True(want.SetEquals(found), $"{body}: expected {expected}");
    }

    [Fact]
    public async Task Customer_message_reopens_a_waiting_ticket_and_external_ids_deduplicate()
    {
        var t = await CreateTicket(app.Admin);
        var url = $"/api/v1/tickets/{t["id"]}";
        Assert.Equal(HttpStatusCode.OK, (await Patch(app.Admin, url, new { status = "pending_customer" }, null)).StatusCode);
        var ext = Unique("msg");
        var first = await app.Admin.PostAsJsonAsync($"{url}/messages", new { kind = "customer", body = "还是不行", externalId = ext });
        var again = await app.Admin.PostAsJsonAsync($"{url}/messages", new { kind = "customer", body = "还是不行", externalId = ext });
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal((await KefuApp.Json(first))["id"]!.GetValue<long>(), (await KefuApp.Json(again))["id"]!.GetValue<long>());
        var now = await KefuApp.Json(await app.Admin.GetAsync(url), true);
        Assert.Equal("open", now["status"]!.GetValue<string>());
        Assert.Equal(2, (await KefuApp.Json(await app.Admin.GetAsync($"{url}/messages"), true)).AsArray().Count);
    }

    [Fact]
    public async Task An_external_id_used_by_another_ticket_is_a_conflict_that_shows_nothing_of_it()
    {
        // Messages: an integration numbering messages per conversation ("1", "2", … on every ticket).
        var t1 = await CreateTicket(app.Admin);
        var t2 = await CreateTicket(app.Admin);
        var ext = Unique("m");
        Assert.Equal(HttpStatusCode.Created, (await app.Admin.PostAsJsonAsync($"/api/v1/tickets/{t1["id"]}/messages", new { kind = "customer", body = "a", externalId = ext })).StatusCode);
        var other = await app.Admin.PostAsJsonAsync($"/api/v1/tickets/{t2["id"]}/messages", new { kind = "customer", body = "b", externalId = ext });
        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
        Assert.NotNull((await KefuApp.Json(other))["errors"]!["externalId"]);
        Assert.Single((await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/tickets/{t2["id"]}/messages"), true)).AsArray());

        // Tickets: the external id of a team-A ticket, sent by an agent of team B, answers without the ticket's data.
        var ticketExt = Unique("t");
        var secret = Unique("机密主题");
        var created = await CreateTicket(app.Admin, subject: secret, extra: new { externalId = ticketExt });
        var probe = await app.AgentB.Http.PostAsJsonAsync("/api/v1/tickets", new
        {
            subject = "probe", customer = new { email = $"{Unique("p")}@example.com" }, message = new { body = "x" }, externalId = ticketExt,
        });
        Assert.Equal(HttpStatusCode.Conflict, probe.StatusCode);
        var body = await probe.Content.ReadAsStringAsync();
        Assert.DoesNotContain(secret, body);
        Assert.DoesNotContain(created["number"]!.ToString(), body);
        // The creator's own retry still answers with the ticket.
        var retry = await app.Admin.PostAsJsonAsync("/api/v1/tickets", new
        {
            subject = secret, customer = new { email = $"{Unique("p")}@example.com" }, message = new { body = "x" }, externalId = ticketExt,
        });
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(created["id"]!.GetValue<long>(), (await KefuApp.Json(retry))["id"]!.GetValue<long>());
    }

    [Fact]
    public async Task Required_kinds_and_targets_left_out_are_problems_naming_the_field_and_write_nothing()
    {
        var t = await CreateTicket(app.Admin);
        var url = $"/api/v1/tickets/{t["id"]}";
        var customerId = t["customer"]!["id"]!.GetValue<long>();
        async Task Refused(string path, object body, string field)
        {
            var response = await app.Admin.PostAsJsonAsync(path, body);
            var problem = await KefuApp.Json(response);
            Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"{path}: {(int)response.StatusCode} {problem}");
            Assert.NotNull(problem["errors"]?[field]);
        }
        // Without kind, a reply would have been stored as a customer message (the enum's default).
        await Refused($"{url}/messages", new { body = "We refunded you" }, "kind");
        await Refused($"/api/v1/customers/{customerId}/identities", new { value = "13800138000" }, "kind");
        await Refused($"{url}/merge", new { }, "targetTicketId");
        await Refused($"{url}/merge", new { targetTicketId = 987654321 }, "targetTicketId");
        Assert.Single((await KefuApp.Json(await app.Admin.GetAsync($"{url}/messages"), true)).AsArray());
        var customer = await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/customers/{customerId}"), true);
        Assert.DoesNotContain(customer["identities"]!.AsArray(), i => i!["value"]!.GetValue<string>().Contains("13800138000"));
    }

    [Theory]
    [InlineData("createdFrom=yesterday", "createdFrom")]
    [InlineData("teamId=abc", "teamId")]
    [InlineData("limit=x", "limit")]
    [InlineData("customerId=1.5", "customerId")]
    public async Task Query_values_of_the_wrong_type_are_problems_naming_the_query_parameter(string query, string field)
    {
        var response = await app.Admin.GetAsync($"/api/v1/tickets?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await KefuApp.Json(response);
        Assert.NotNull(problem["errors"]?[field]);
        Assert.DoesNotContain("Failed to bind", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Staff_see_only_their_teams_tickets()
    {
        var t = await CreateTicket(app.Admin);
        var url = $"/api/v1/tickets/{t["id"]}";
        Assert.Equal(HttpStatusCode.OK, (await app.AgentA.Http.GetAsync(url)).StatusCode);
        var denied = await app.AgentB.Http.GetAsync(url);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Equal("application/problem+json", denied.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.AgentB.Http.GetAsync($"{url}/messages")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Patch(app.AgentB.Http, url, new { priority = "low" }, null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.AgentB.Http.PostAsJsonAsync($"{url}/messages", new { kind = "public_reply", body = "x" })).StatusCode);
        var listB = await KefuApp.Json(await app.AgentB.Http.GetAsync($"/api/v1/tickets?teamId={app.TeamA}"), true);
        Assert.Empty(listB["items"]!.AsArray());
        Assert.Equal(HttpStatusCode.OK, (await app.Supervisor.Http.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Inspector.Http.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Admin.GetAsync("/api/v1/tickets/987654321")).StatusCode);
    }

    [Fact]
    public async Task Every_endpoint_checks_permission()
    {
        var anonymous = app.Client(null);
        var unauthorized = await anonymous.GetAsync("/api/v1/tickets");
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Client("kfp_not_a_real_token_0123456789abcdefghij").GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.AgentA.Http.PostAsJsonAsync("/api/v1/users", new
        {
            userName = "sneaky", displayName = "x", password = "Secret#2026", roles = new[] { "admin" },
        })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.AgentA.Http.PostAsJsonAsync("/api/v1/teams", new { name = "mine" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.AgentA.Http.PostAsJsonAsync("/api/v1/taxonomy", new { name = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.AgentA.Http.GetAsync("/api/v1/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.AgentA.Http.GetAsync("/api/v1/tickets/export")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Inspector.Http.PostAsJsonAsync("/api/v1/tickets", new
        {
            subject = "x", customer = new { email = "qa-cannot@example.com" }, message = new { body = "x" },
        })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Supervisor.Http.GetAsync("/api/v1/tickets/export?limit=5")).StatusCode);
    }

    [Fact]
    public async Task Outsourced_staff_see_masked_personal_data_and_cannot_export()
    {
        var email = $"zhangsan{Random.Shared.Next(100000, 999999)}@example.com";
        var phone = "1391234" + Random.Shared.Next(1000, 9999);
        var t = await CreateTicket(app.Admin, email, phone: phone);
        var url = $"/api/v1/tickets/{t["id"]}";
        await KefuApp.PostOk(app.Admin, $"{url}/messages", new
        {
            kind = "customer", body = $"我的手机 {phone}，身份证 110101199003071234，邮箱 {email}",
        });

        var seen = await KefuApp.Json(await app.Outsourced.Http.GetAsync(url), true);
        Assert.Equal("zh***@example.com", seen["customer"]!["email"]!.GetValue<string>());
        Assert.Equal(phone[..3] + "****" + phone[^4..], seen["customer"]!["phone"]!.GetValue<string>());
        var text = (await app.Outsourced.Http.GetStringAsync($"{url}/messages"));
        Assert.DoesNotContain(phone, text);
        Assert.DoesNotContain(email, text);
        Assert.DoesNotContain("110101199003071234", text);
        Assert.Contains("1101**********1234", text);
        var customer = await app.Outsourced.Http.GetStringAsync($"/api/v1/customers/{t["customer"]!["id"]}");
        Assert.DoesNotContain(email, customer);
        Assert.DoesNotContain(phone, customer);

        // The ticket's history too: a subject changed to hold the phone number shows masked on both sides of the change.
        var before = await app.Admin.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, (await Patch(app.Admin, url, new { subject = $"回电 {phone}" }, before.Headers.ETag!.ToString())).StatusCode);
        var history = await app.Outsourced.Http.GetStringAsync($"{url}/audit");
        Assert.DoesNotContain(phone, history);
        Assert.Contains(phone[..3] + "****" + phone[^4..], history);

        // The in-house agent of the same team sees everything.
        var full = await KefuApp.Json(await app.AgentA.Http.GetAsync(url), true);
        Assert.Equal(email, full["customer"]!["email"]!.GetValue<string>());
        Assert.Contains(phone, await app.AgentA.Http.GetStringAsync($"{url}/audit"));

        Assert.Equal(HttpStatusCode.Forbidden, (await app.Outsourced.Http.GetAsync("/api/v1/tickets/export")).StatusCode);
    }

    [Fact]
    public async Task Merging_tickets_moves_messages_and_closes_the_source()
    {
        var email = $"{Unique("merge")}@example.com";
        var a = await CreateTicket(app.Admin, email, extra: new { tags = new[] { "催单" } });
        var b = await CreateTicket(app.Admin, email);
        var merged = await KefuApp.PostOk(app.Lead.Http, $"/api/v1/tickets/{a["id"]}/merge", new { targetTicketId = b["id"]!.GetValue<long>() });
        Assert.Equal(b["id"]!.GetValue<long>(), merged["id"]!.GetValue<long>());
        Assert.Contains("催单", merged["tags"]!.AsArray().Select(x => x!.GetValue<string>()));

        var source = await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/tickets/{a["id"]}"), true);
        Assert.Equal("closed", source["status"]!.GetValue<string>());
        Assert.Equal(b["id"]!.GetValue<long>(), source["mergedIntoId"]!.GetValue<long>());
        var messages = (await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/tickets/{b["id"]}/messages"), true)).AsArray();
        // Both customer messages; the merge itself is in the audit (the thread shows it as an event in the reader's language).
        Assert.Equal(2, messages.Count);
        Assert.All(messages, m => Assert.Equal("customer", m!["kind"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.Forbidden, (await app.AgentA.Http.PostAsJsonAsync($"/api/v1/tickets/{b["id"]}/merge", new { targetTicketId = a["id"]!.GetValue<long>() })).StatusCode);
        var audit = (await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/tickets/{a["id"]}/audit"), true)).AsArray();
        Assert.Contains(audit, e => e!["action"]!.GetValue<string>() == "merged_into");
    }

    [Fact]
    public async Task Merging_customers_moves_identities_and_tickets()
    {
        var a = await CreateTicket(app.Admin, $"{Unique("ca")}@example.com");
        var b = await CreateTicket(app.Admin, $"{Unique("cb")}@example.com");
        var target = a["customer"]!["id"]!.GetValue<long>();
        var source = b["customer"]!["id"]!.GetValue<long>();
        var result = await KefuApp.PostOk(app.Lead.Http, $"/api/v1/customers/{target}/merge", new { sourceCustomerId = source });
        Assert.Equal(2, result["identities"]!.AsArray().Count);
        var ticketsOfTarget = await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/tickets?customerId={target}"), true);
        Assert.Equal(2, ticketsOfTarget["items"]!.AsArray().Count);
        var old = await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/customers/{source}"), true);
        Assert.Equal(target, old["mergedIntoId"]!.GetValue<long>());
        var audit = await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/audit?entityType=customer&entityId={source}"), true);
        Assert.Contains(audit["items"]!.AsArray(), e => e!["action"]!.GetValue<string>() == "merged_into");
        Assert.Equal(HttpStatusCode.Forbidden, (await app.AgentA.Http.PostAsJsonAsync($"/api/v1/customers/{target}/merge", new { sourceCustomerId = source })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await app.Lead.Http.PostAsJsonAsync($"/api/v1/customers/{target}/merge", new { sourceCustomerId = source })).StatusCode);

        // Nothing merges into a customer that was itself merged away: its identities and tickets would be stranded.
        var c = await CreateTicket(app.Admin, $"{Unique("cc")}@example.com");
        var third = c["customer"]!["id"]!.GetValue<long>();
        var intoMerged = await app.Lead.Http.PostAsJsonAsync($"/api/v1/customers/{source}/merge", new { sourceCustomerId = third });
        Assert.Equal(HttpStatusCode.Conflict, intoMerged.StatusCode);
        Assert.Equal("application/problem+json", intoMerged.Content.Headers.ContentType?.MediaType);
        var thirdNow = await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/customers/{third}"), true);
        Assert.Null(thirdNow["mergedIntoId"]);
        Assert.Single(thirdNow["identities"]!.AsArray());
        var ticketOfThird = await KefuApp.Json(await app.Admin.GetAsync($"/api/v1/tickets/{c["id"]}"), true);
        Assert.Equal(third, ticketOfThird["customer"]!["id"]!.GetValue<long>());
    }

    [Fact]
    public async Task Audit_trail_records_who_changed_what_and_from_where()
    {
        var t = await CreateTicket(app.Admin);
        var url = $"/api/v1/tickets/{t["id"]}";
        await Patch(app.AgentA.Http, url, new { priority = "urgent", tags = new[] { "VIP", "催单" } }, null);
        var audit = (await KefuApp.Json(await app.AgentA.Http.GetAsync($"{url}/audit"), true)).AsArray();
        Assert.Equal("created", audit[0]!["action"]!.GetValue<string>());
        var update = audit.Single(e => e!["action"]!.GetValue<string>() == "updated")!;
        Assert.Equal(app.AgentA.Id, update["actorId"]!.GetValue<Guid>());
        Assert.Equal("Agent A", update["actorName"]!.GetValue<string>());
        Assert.Equal("api-token", update["via"]!.GetValue<string>());
        Assert.Equal(["high", "urgent"], update["changes"]!["priority"]!.AsArray().Select(x => x!.GetValue<string>()));
        Assert.NotNull(update["changes"]!["tags"]);
    }

    [Fact]
    public async Task Html_is_sanitised_and_attachments_round_trip()
    {
        var t = await CreateTicket(app.Admin);
        var url = $"/api/v1/tickets/{t["id"]}";
        using var form = new MultipartFormDataContent();
        var bytes = Encoding.UTF8.GetBytes("订单截图 pretend png");
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "file", "截图.png");
        var upload = await KefuApp.Json(await app.AgentA.Http.PostAsync("/api/v1/attachments", form), true);

        var msg = await KefuApp.PostOk(app.AgentA.Http, $"{url}/messages", new
        {
            kind = "public_reply", html = "<p>请看<b>截图</b><script>alert(1)</script><img src=x onerror=alert(2)></p>" +
                "<div style=\"position:fixed;z-index:9999;top:0;left:0\" tabindex=\"1\" contenteditable=\"true\">" +
                "<form action=\"https://evil.test/login\" method=\"post\"><input type=\"password\"><textarea></textarea>" +
                "<select><option>a</option></select><button>登录</button></form></div><img src=\"https://track.test/p.gif\">",
            attachmentIds = new[] { upload["id"]!.GetValue<long>() },
        });
        var html = msg["bodyHtml"]!.GetValue<string>();
        Assert.DoesNotContain("script", html);
        Assert.DoesNotContain("onerror", html);
        foreach (var gone in new[] { "<form", "<input", "<textarea", "<select", "<button", "evil.test", "position", "z-index", "top", "left", "tabindex", "contenteditable", "track.test" })
            Assert.DoesNotContain(gone, html);
        Assert.Contains("<b>截图</b>", html);
        Assert.Equal("请看截图", msg["body"]!.GetValue<string>());
        var attachment = Assert.Single(msg["attachments"]!.AsArray())!;
        var download = await app.AgentA.Http.GetAsync(attachment["url"]!.GetValue<string>());
        Assert.Equal(bytes, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await app.AgentB.Http.GetAsync(attachment["url"]!.GetValue<string>())).StatusCode);
        using var big = new MultipartFormDataContent { { new ByteArrayContent(new byte[1024 * 1024 + 1]), "file", "big.bin" } };
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await app.AgentA.Http.PostAsync("/api/v1/attachments", big)).StatusCode);
        // An attachment is used once.
        var reuse = await app.AgentA.Http.PostAsJsonAsync($"{url}/messages", new { kind = "internal_note", body = "x", attachmentIds = new[] { upload["id"]!.GetValue<long>() } });
        Assert.Equal(HttpStatusCode.BadRequest, reuse.StatusCode);
    }

    [Fact]
    public async Task Taxonomy_is_three_levels_and_editable_by_admins()
    {
        var tree = (await KefuApp.Json(await app.AgentA.Http.GetAsync("/api/v1/taxonomy"), true)).AsArray();
        Assert.Equal(3, tree.Count);
        var leaf = tree[0]!["children"]![0]!["children"]![0]!;
        Assert.Equal("订单服务/下单问题/无法支付", leaf["path"]!.GetValue<string>());
        var tooDeep = await app.Admin.PostAsJsonAsync("/api/v1/taxonomy", new { parentId = leaf["id"]!.GetValue<int>(), name = "第四级" });
        Assert.Equal(HttpStatusCode.BadRequest, tooDeep.StatusCode);
        var name = Unique("新分类");
        var created = await KefuApp.PostOk(app.Admin, "/api/v1/taxonomy", new { parentId = tree[0]!["children"]![0]!["id"]!.GetValue<int>(), name, defaultPriority = "urgent" });
        Assert.Equal($"订单服务/下单问题/{name}", created["path"]!.GetValue<string>());
        var t = await CreateTicket(app.Admin, extra: new { category = $"订单服务/下单问题/{name}" });
        Assert.Equal("urgent", t["priority"]!.GetValue<string>());
    }

    [Fact]
    public async Task Cookie_sign_in_works_and_locks_out_after_repeated_failures()
    {
        var user = await app.CreateStaff(Unique("login"), "Login Tester", ["agent"], [app.TeamA]);
        var browser = app.Client(null);
        var ok = await browser.PostAsJsonAsync("/api/v1/auth/login", new { userName = user.UserName, password = "Secret#2026" });
        Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
        var me = await KefuApp.Json(await browser.GetAsync("/api/v1/me"), true);
        Assert.Equal(user.UserName, me["userName"]!.GetValue<string>());

        var attacker = app.Client(null);
        for (var i = 0; i < 4; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await attacker.PostAsJsonAsync("/api/v1/auth/login", new { userName = user.UserName, password = "wrong" })).StatusCode);
        Assert.Equal((HttpStatusCode)423, (await attacker.PostAsJsonAsync("/api/v1/auth/login", new { userName = user.UserName, password = "wrong" })).StatusCode);
        Assert.Equal((HttpStatusCode)423, (await attacker.PostAsJsonAsync("/api/v1/auth/login", new { userName = user.UserName, password = "Secret#2026" })).StatusCode);
    }

    [Fact]
    public async Task The_sign_in_page_counts_against_the_same_per_address_limit_as_the_api()
    {
        // An address of its own, so other tests' sign-ins (all from the test server's one address) are not refused.
        var address = System.Net.IPAddress.Parse($"203.0.113.{(app.Provider == "Sqlite" ? 7 : 8)}");
        async Task<HttpResponse> Send(string method, string path) => (await app.Factory.Server.SendAsync(c =>
        {
            c.Request.Method = method;
            c.Request.Path = path;
            c.Connection.RemoteIpAddress = address;
        })).Response;

        // 30 attempts a minute, the API's and the page's together; showing the form is not an attempt.
        for (var i = 0; i < 15; i++)
            Assert.NotEqual(429, (await Send("POST", "/api/v1/auth/login")).StatusCode);
        for (var i = 0; i < 15; i++)
            Assert.NotEqual(303, (await Send("POST", "/login")).StatusCode);
        Assert.Equal(200, (await Send("GET", "/login")).StatusCode);
        var refused = await Send("POST", "/login");
        Assert.Equal(303, refused.StatusCode);
        Assert.Equal("/login?limited=1", refused.Headers.Location.ToString());
        Assert.Equal(429, (await Send("POST", "/api/v1/auth/login")).StatusCode);
    }

    [Fact]
    public async Task View_counts_from_one_query_match_each_views_list()
    {
        var mine = await CreateTicket(app.Admin, extra: new { assigneeId = app.AgentA.Id, priority = "urgent" });
        await KefuApp.PostOk(app.AgentA.Http, $"/api/v1/tickets/{mine["id"]}/messages", new { kind = "public_reply", body = "在处理" });
        await CreateTicket(app.Admin);
        foreach (var staff in new[] { app.AgentA, app.AgentB, app.Supervisor })
        {
            var context = (await app.Service<Kefu.Platform.Auth.StaffDirectory>().GetAsync(staff.Id, CancellationToken.None))!;
            using var scope = app.Factory.Services.CreateScope();
            var queries = scope.ServiceProvider.GetRequiredService<Kefu.Tickets.TicketQueries>();
            var counts = await Kefu.Tickets.TicketViews.CountsAsync(queries, context, CancellationToken.None);
            foreach (var view in Enum.GetValues<Kefu.Tickets.TicketView>())
                Assert.Equal(await queries.CountAsync(Kefu.Tickets.TicketViews.Filter(view), context, CancellationToken.None), counts[view]);
            if (staff == app.AgentA) Assert.True(counts[Kefu.Tickets.TicketView.Mine] >= 1 && counts[Kefu.Tickets.TicketView.Urgent] >= 1);
        }
    }

    [Fact]
    public async Task Operations_endpoints_answer()
    {
        var anonymous = app.Client(null);
        Assert.Equal("Healthy", await anonymous.GetStringAsync("/health/live"));
        Assert.Equal("Healthy", (await KefuApp.Json(await anonymous.GetAsync("/health/ready"), true))["status"]!.GetValue<string>());
        var openapi = await KefuApp.Json(await anonymous.GetAsync("/api/openapi/v1.json"), true);
        Assert.StartsWith("3.1", openapi["openapi"]!.GetValue<string>());
        Assert.NotNull(openapi["paths"]!["/api/v1/tickets"]);
        Assert.Contains("<html", await anonymous.GetStringAsync("/api/docs/"), StringComparison.OrdinalIgnoreCase);
        await app.Admin.GetAsync("/api/v1/tickets?limit=1");
        Assert.Contains("http_server_request_duration", await anonymous.GetStringAsync("/metrics"));
    }

    private static long Id(JsonNode? t) => t!["id"]!.GetValue<long>();

    /// <summary>Every item of a list query, following the cursor two at a time.</summary>
    private async Task<List<JsonNode>> AllPages(string query, HttpClient? client = null)
    {
        var items = new List<JsonNode>();
        string? cursor = null;
        do
        {
            var page = await KefuApp.Json(await (client ?? app.Admin).GetAsync($"/api/v1/tickets?{query}&limit=2" + (cursor is null ? "" : $"&cursor={cursor}")), true);
            items.AddRange(page["items"]!.AsArray().Select(t => t!));
            cursor = page["nextCursor"]?.GetValue<string>();
        } while (cursor is not null);
        return items;
    }

    private async Task<int> CountTickets()
    {
        var total = 0;
        string? cursor = null;
        do
        {
            var page = await KefuApp.Json(await app.Admin.GetAsync("/api/v1/tickets?limit=200" + (cursor is null ? "" : $"&cursor={cursor}")), true);
            total += page["items"]!.AsArray().Count;
            cursor = page["nextCursor"]?.GetValue<string>();
        } while (cursor is not null);
        return total;
    }

    private static Task<HttpResponseMessage> Patch(HttpClient client, string url, object body, string? etag)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, url) { Content = JsonContent.Create(body) };
        if (etag is not null) request.Headers.TryAddWithoutValidation("If-Match", etag);
        return client.SendAsync(request);
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SqliteTicketsApiTests(SqliteApp app) : TicketsApiTests(app);

[Collection(PostgresCollection.Name)]
public sealed class PostgresTicketsApiTests(PostgresApp app) : TicketsApiTests(app);
