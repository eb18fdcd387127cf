using Kefu.Platform.Auth;
using Kefu.Platform.Http;
using Kefu.Routing.Triage;
using Kefu.Tickets;

namespace Kefu.Routing;

/// <summary>/api/v1/triage: admin rules (read by anyone who reads the taxonomy, changed by taxonomy managers),
/// model versions and retraining, agent corrections (taxonomy managers only), a ticket's decision (as visible as the ticket),
/// and a "classify this text" preview.</summary>
public static class TriageEndpoints
{
    public static void MapTriageEndpoints(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/v1/triage").WithTags("Triage").RequireAuthorization(Permissions.TaxonomyRead);

        g.MapGet("/rules", async (TriageService triage, CancellationToken ct) => TypedResults.Ok(await triage.ListRulesAsync(ct)))
            .WithSummary("Admin rules in evaluation order; a matching rule's category/priority override the model.");
        g.MapPost("/rules", async (TriageRuleRequest r, TriageService triage, HttpContext http, CancellationToken ct) =>
        {
            var rule = await triage.CreateRuleAsync(r, ct);
            ETags.SetStamp(http, TriageService.Stamp(rule));
            return TypedResults.Created($"/api/v1/triage/rules/{rule.Id}", rule);
        }).Idempotent().RequireAuthorization(Permissions.TaxonomyManage);
        g.MapGet("/rules/{id:int}", async (int id, TriageService triage, HttpContext http, CancellationToken ct) =>
        {
            var rule = await triage.GetRuleAsync(id, ct);
            ETags.SetStamp(http, TriageService.Stamp(rule));
            return TypedResults.Ok(rule);
        }).WithSummary("One rule, with its ETag for If-Match on PUT.");
        g.MapPut("/rules/{id:int}", async (int id, TriageRuleRequest r, TriageService triage, HttpContext http, CancellationToken ct) =>
        {
            var rule = await triage.UpdateRuleAsync(id, r, ct, stamp => ETags.CheckStamp(http, stamp));
            ETags.SetStamp(http, TriageService.Stamp(rule));
            return TypedResults.Ok(rule);
        }).RequireAuthorization(Permissions.TaxonomyManage)
            .WithSummary("Replace a rule; send If-Match with the ETag you read (412 when it changed since).");
        g.MapDelete("/rules/{id:int}", async (int id, TriageService triage, CancellationToken ct) =>
        {
            await triage.DeleteRuleAsync(id, ct);
            return TypedResults.NoContent();
        }).RequireAuthorization(Permissions.TaxonomyManage);

        g.MapPost("/classify", async (ClassifyRequest r, TriageService triage, CancellationToken ct) =>
            TypedResults.Ok(await triage.ClassifyAsync(r.Text, ct)))
            .WithSummary("Classifies a text as a new ticket would be (rules, model, threshold) without changing anything.");

        g.MapGet("/models", async (TriageService triage, CancellationToken ct) => TypedResults.Ok(await triage.ModelsAsync(ct)))
            .WithSummary("Model versions with their accuracy on the held-back split, and the version this node uses.");
        g.MapPost("/models/retrain", async (TriageService triage, CancellationToken ct) =>
        {
            var job = await triage.RetrainAsync(ct);
            return TypedResults.Accepted($"/api/v1/triage/models/retrain/{job.Id}", job);
        }).RequireAuthorization(Permissions.TaxonomyManage)
            .WithSummary("Queues training of a new version from the shipped data and every agent correction (202 + job); "
                + "it runs in the background and is swapped in on success. A request while one is pending returns that one.");
        g.MapGet("/models/retrain/{id:int}", async (int id, TriageService triage, CancellationToken ct) => TypedResults.Ok(await triage.RetrainStatusAsync(id, ct)))
            .RequireAuthorization(Permissions.TaxonomyManage)
            .WithSummary("State of a retrain job (stored, so any node answers): queued, training, succeeded (with the version) or failed (with the reason).");

        g.MapGet("/decisions/{ticketId:long}", async (long ticketId, CurrentUser user, TicketQueries tickets, TriageService triage, CancellationToken ct) =>
        {
            // Answers as the ticket does (GET /tickets/{id}): 404 for no such ticket, 403 for one outside the caller's teams.
            await tickets.LoadAsync(ticketId, await user.GetAsync(ct), track: false, ct);
            return TypedResults.Ok(await triage.DecisionAsync(ticketId, ct));
        }).WithSummary("What triage decided for a ticket and why (rule, model version, confidence); for staff who may see the ticket.");

        // The corrections hold the subject and opening message of any team's tickets: they are the training data of
        // whoever retrains the model (taxonomy.manage, as the triage admin page), not for everyone who reads the tree.
        g.MapGet("/corrections", async (TriageService triage, CurrentUser user, string? cursor, int? limit, CancellationToken ct) =>
            TypedResults.Ok(await triage.CorrectionsAsync(cursor, limit, (await user.GetAsync(ct)).MasksPii, ct)))
            .RequireAuthorization(Permissions.TaxonomyManage)
            .WithSummary("Labelled examples recorded from agents' category changes, newest first, a page at a time (limit 1–200, "
                + "default 50; cursor: the previous page's nextCursor) (taxonomy managers only; the text of any team's tickets).");
    }
}
