using Kefu.Platform;
using Kefu.Platform.Auth;
using Kefu.Platform.Database;
using Kefu.Platform.Http;
using Kefu.Tickets;

namespace Kefu.Sla;

public static class SlaEndpoints
{
    public static void MapSlaEndpoints(this IEndpointRouteBuilder app)
    {
        // A ticket's SLA: due times, escalations, approvals (scoped like the ticket itself).
        var ticket = app.MapGroup("/api/v1/tickets/{id:long}").WithTags("SLA").RequireAuthorization(Permissions.TicketsRead);
        ticket.MapGet("/sla", async (long id, CurrentUser user, TicketQueries tickets, SlaQueries sla, CancellationToken ct) =>
        {
            var staff = await user.GetAsync(ct);
            await tickets.LoadAsync(id, staff, track: false, ct);
            return TypedResults.Ok(await sla.ForTicketAsync(id, staff, ct));
        }).WithSummary("The ticket's SLA policy, due times with their indicator, escalation history and approval requests.");

        ticket.MapPost("/escalations", async (long id, EscalateRequest r, CurrentUser user, TicketQueries tickets, UnitOfWork uow,
            EscalationService escalations, SlaQueries sla, CancellationToken ct) =>
        {
            var staff = await user.RequireAsync(Permissions.TicketsWrite, ct);
            var t = await tickets.LoadAsync(id, staff, track: false, ct);
            if (string.IsNullOrWhiteSpace(r.Reason)) throw DomainException.Validation("reason", "reason must not be empty.");
            if (r.Tier is < 1 or > EscalationService.TopTier) throw DomainException.Validation("tier", "tier must be 1, 2 or 3.");
            if (!TicketRules.IsOpenState(t.Status)) throw DomainException.Conflict("A solved or closed ticket is not escalated.");
            var e = await uow.RunAsync(async c =>
            {
                var open = await escalations.OpenAsync(id, c);
                var tier = r.Tier ?? Math.Min((open?.Tier ?? 0) + 1, EscalationService.TopTier);
                if (open is not null && tier <= open.Tier) throw DomainException.Conflict($"The ticket is already at tier {open.Tier}.");
                return await escalations.RaiseAsync(id, tier, EscalationTrigger.Manual, r.Reason.Trim(), staff.UserId, c);
            }, ct);
            var dto = (await sla.ForTicketAsync(id, staff, ct)).Escalations.First(x => x.Id == e.Id);
            return TypedResults.Created($"/api/v1/tickets/{id}/sla", dto);
        }).Idempotent().RequireAuthorization(Permissions.TicketsWrite)
          .WithSummary("Escalate by hand with a reason: to the next tier, or to the tier given.");

        ticket.MapPost("/escalations/{escalationId:long}/handle", async (long id, long escalationId, HandleEscalationRequest r,
            CurrentUser user, TicketQueries tickets, UnitOfWork uow, EscalationService escalations, SlaQueries sla, CancellationToken ct) =>
        {
            var staff = await user.GetAsync(ct);
            await tickets.LoadAsync(id, staff, track: false, ct);
            await uow.RunAsync(c => escalations.HandleAsync(id, escalationId, staff, r.Note, c), ct);
            return TypedResults.Ok((await sla.ForTicketAsync(id, staff, ct)).Escalations.First(x => x.Id == escalationId));
        }).WithSummary("Mark an escalation handled (someone of its tier): it stops moving up.");

        ticket.MapPost("/approvals", async (long id, ApprovalRequestBody r, CurrentUser user, TicketQueries tickets, UnitOfWork uow,
            ApprovalService approvals, SlaQueries sla, CancellationToken ct) =>
        {
            var staff = await user.RequireAsync(Permissions.TicketsWrite, ct);
            await tickets.LoadAsync(id, staff, track: false, ct);
            if (r.Kind is not { } kind) throw DomainException.Validation("kind", "kind must be refund or compensation.");
            var a = await uow.RunAsync(c => approvals.RequestAsync(id, kind, r.Amount, r.Reason, staff, c), ct);
            return TypedResults.Created($"/api/v1/approvals/{a.Id}", (await sla.ForTicketAsync(id, staff, ct)).Approvals.First(x => x.Id == a.Id));
        }).Idempotent().RequireAuthorization(Permissions.TicketsWrite)
          .WithSummary("Ask for a refund or compensation; within the requester's limit it is approved at once, else a tier decides.");

        var approvals = app.MapGroup("/api/v1/approvals").WithTags("SLA").RequireAuthorization(Permissions.TicketsRead);
        approvals.MapGet("", async (CurrentUser user, SlaQueries sla, CancellationToken ct) =>
            TypedResults.Ok(await sla.PendingApprovalsAsync(await user.GetAsync(ct), ct)))
            .WithSummary("Pending approval requests the caller may decide.");
        approvals.MapPost("/{approvalId:long}/decision", async (long approvalId, DecisionRequest r, CurrentUser user, UnitOfWork uow,
            ApprovalService service, SlaQueries sla, CancellationToken ct) =>
        {
            var staff = await user.GetAsync(ct);
            if (r.Approve is not { } approve) throw DomainException.Validation("approve", "approve must be true or false.");
            var a = await uow.RunAsync(c => service.DecideAsync(approvalId, approve, r.Note, staff, c), ct);
            return TypedResults.Ok((await sla.ForTicketAsync(a.TicketId, staff, ct)).Approvals.First(x => x.Id == a.Id));
        }).WithSummary("Approve or reject (a member of the request's tier, never the requester).");

        // Policies
        var policies = app.MapGroup("/api/v1/sla/policies").WithTags("SLA").RequireAuthorization(Permissions.TicketsRead);
        policies.MapGet("", async (PolicyService s, CancellationToken ct) => TypedResults.Ok(await s.ListAsync(ct)))
            .WithSummary("Policies in the order they are tried; the first whose conditions all match applies.");
        policies.MapGet("/{id:int}", async (int id, PolicyService s, HttpContext http, CancellationToken ct) =>
        {
            var p = await s.LoadAsync(id, ct);
            ETags.Set(http, p.Version);
            return TypedResults.Ok(PolicyDto.From(p));
        });
        policies.MapPost("", async (PolicyRequest r, PolicyService s, UnitOfWork uow, HttpContext http, CancellationToken ct) =>
        {
            var p = await uow.RunAsync(c => s.CreateAsync(r, c), ct);
            ETags.Set(http, p.Version);
            return TypedResults.Created($"/api/v1/sla/policies/{p.Id}", PolicyDto.From(p));
        }).Idempotent().RequireAuthorization(Permissions.SlaManage);
        policies.MapPut("/{id:int}", async (int id, PolicyRequest r, PolicyService s, UnitOfWork uow, HttpContext http, CancellationToken ct) =>
        {
            var p = await uow.RunAsync(async c =>
            {
                var policy = await s.LoadAsync(id, c);
                ETags.Check(http, policy.Version);
                return await s.UpdateAsync(policy, r, c);
            }, ct);
            ETags.Set(http, p.Version);
            return TypedResults.Ok(PolicyDto.From(p));
        }).RequireAuthorization(Permissions.SlaManage).WithSummary("Replace a policy; send If-Match with the ETag you read.");
        policies.MapDelete("/{id:int}", async (int id, PolicyService s, UnitOfWork uow, CancellationToken ct) =>
        {
            await uow.RunAsync(c => s.DeleteAsync(id, c), ct);
            return TypedResults.NoContent();
        }).RequireAuthorization(Permissions.SlaManage);

        // Escalation tiers and settings
        var escalation = app.MapGroup("/api/v1/sla/escalation").WithTags("SLA").RequireAuthorization(Permissions.TicketsRead);
        escalation.MapGet("/tiers", async (PolicyService s, CancellationToken ct) => TypedResults.Ok(await s.TiersAsync(ct)));
        escalation.MapPut("/tiers/{tier:int}", async (int tier, TierRequest r, PolicyService s, UnitOfWork uow, HttpContext http, CancellationToken ct) =>
        {
            var t = await uow.RunAsync(async c =>
            {
                var row = await s.LoadTierAsync(tier, c);
                ETags.Check(http, row.Version);
                return await s.UpdateTierAsync(row, r, c);
            }, ct);
            ETags.Set(http, t.Version);
            return TypedResults.Ok(PolicyService.ToDto(t));
        }).RequireAuthorization(Permissions.SlaManage);
        escalation.MapGet("/rules", async (EscalationRuleService s, CancellationToken ct) => TypedResults.Ok(await s.ListAsync(ct)));
        escalation.MapPost("/rules", async (EscalationRuleRequest r, EscalationRuleService s, UnitOfWork uow, HttpContext http, CancellationToken ct) =>
        {
            var rule = await uow.RunAsync(c => s.CreateAsync(r, c), ct);
            ETags.Set(http, rule.Version);
            return TypedResults.Created($"/api/v1/sla/escalation/rules/{rule.Id}", EscalationRuleDto.From(rule));
        }).Idempotent().RequireAuthorization(Permissions.SlaManage)
            .WithSummary("Keyword rule (kind keyword, keywords) or repeated contact (kind repeated_contact, contactCount, withinDays) → tier.");
        escalation.MapPut("/rules/{ruleId:int}", async (int ruleId, EscalationRuleRequest r, EscalationRuleService s, UnitOfWork uow, HttpContext http, CancellationToken ct) =>
        {
            var rule = await uow.RunAsync(async c =>
            {
                var row = await s.LoadAsync(ruleId, c);
                ETags.Check(http, row.Version);
                return await s.UpdateAsync(row, r, c);
            }, ct);
            ETags.Set(http, rule.Version);
            return TypedResults.Ok(EscalationRuleDto.From(rule));
        }).RequireAuthorization(Permissions.SlaManage).WithSummary("Replace a rule; send If-Match with the ETag you read.");
        escalation.MapDelete("/rules/{ruleId:int}", async (int ruleId, EscalationRuleService s, UnitOfWork uow, CancellationToken ct) =>
        {
            await uow.RunAsync(c => s.DeleteAsync(ruleId, c), ct);
            return TypedResults.NoContent();
        }).RequireAuthorization(Permissions.SlaManage);
        escalation.MapGet("/settings", async (PolicyService s, CancellationToken ct) => TypedResults.Ok(PolicyService.ToDto(await s.SettingsAsync(false, ct))));
        escalation.MapPut("/settings", async (SettingsRequest r, PolicyService s, UnitOfWork uow, HttpContext http, CancellationToken ct) =>
        {
            var settings = await uow.RunAsync(async c =>
            {
                var row = await s.SettingsAsync(true, c);
                ETags.Check(http, row.Version);
                return await s.UpdateSettingsAsync(row, r, c);
            }, ct);
            return TypedResults.Ok(PolicyService.ToDto(settings));
        }).RequireAuthorization(Permissions.SlaManage);

        // Calendars
        var calendars = app.MapGroup("/api/v1/calendars").WithTags("SLA").RequireAuthorization(Permissions.TicketsRead);
        calendars.MapGet("", async (CalendarService s, CancellationToken ct) => TypedResults.Ok(await s.ListAsync(ct)));
        calendars.MapGet("/shipped", () => TypedResults.Ok(ShippedHolidays.MainlandChina.Years.Select(y => new ShippedYearDto(y.Year, y.Status, y.Source)).ToList()))
            .WithSummary("Years of the mainland-China holiday data that ships with Kefu (import them with POST /{id}/years).");
        calendars.MapGet("/{id:int}", async (int id, CalendarService s, HttpContext http, CancellationToken ct) =>
        {
            var c = await s.GetAsync(id, ct);
            ETags.Set(http, c.Version);
            return TypedResults.Ok(c);
        });
        calendars.MapPost("", async (CalendarRequest r, CalendarService s, UnitOfWork uow, CancellationToken ct) =>
        {
            var c = await uow.RunAsync(x => s.CreateAsync(r, x), ct);
            return TypedResults.Created($"/api/v1/calendars/{c.Id}", await s.GetAsync(c.Id, ct));
        }).Idempotent().RequireAuthorization(Permissions.SlaManage);
        calendars.MapPatch("/{id:int}", async (int id, CalendarRequest r, CalendarService s, UnitOfWork uow, HttpContext http, CancellationToken ct) =>
        {
            await uow.RunAsync(async x =>
            {
                var c = await s.LoadAsync(id, track: true, x);
                ETags.Check(http, c.Version);
                await s.UpdateAsync(c, r, x);
            }, ct);
            var dto = await s.GetAsync(id, ct);
            ETags.Set(http, dto.Version);
            return TypedResults.Ok(dto);
        }).RequireAuthorization(Permissions.SlaManage).WithSummary("Change name, time zone, default flag or weekly hours (only the fields sent).");
        calendars.MapDelete("/{id:int}", async (int id, CalendarService s, UnitOfWork uow, CancellationToken ct) =>
        {
            await uow.RunAsync(c => s.DeleteAsync(id, c), ct);
            return TypedResults.NoContent();
        }).RequireAuthorization(Permissions.SlaManage);
        calendars.MapGet("/{id:int}/days", async (int id, int? year, CalendarService s, CancellationToken ct) =>
            TypedResults.Ok(await s.DaysAsync(id, year, ct)))
            .WithSummary("Holidays and make-up workdays (调休), optionally of one year.");
        calendars.MapPost("/{id:int}/years", async (int id, ImportYearRequest r, CalendarService s, UnitOfWork uow, CancellationToken ct) =>
            TypedResults.Ok(await uow.RunAsync(c => s.ImportYearAsync(id, r, c), ct)))
            .RequireAuthorization(Permissions.SlaManage)
            .WithSummary("Import a year (replaces that year's days): omit days to use the shipped mainland-China data.");
        calendars.MapPut("/{id:int}/days/{date}", async (int id, DateOnly date, CalendarDayRequest r, CalendarService s, UnitOfWork uow, CancellationToken ct) =>
            TypedResults.Ok(await uow.RunAsync(c => s.SetDayAsync(id, date, r, c), ct)))
            .RequireAuthorization(Permissions.SlaManage);
        calendars.MapDelete("/{id:int}/days/{date}", async (int id, DateOnly date, CalendarService s, UnitOfWork uow, CancellationToken ct) =>
        {
            await uow.RunAsync(c => s.DeleteDayAsync(id, date, c), ct);
            return TypedResults.NoContent();
        }).RequireAuthorization(Permissions.SlaManage);
    }
}
