using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Storage;
using Paydesk.Tenancy;

namespace Paydesk.Customers;

public sealed record NewCustomerSession(int? TtlMinutes);

/// <summary>
/// A short-lived key that lets a customer's own app or page call the API as that customer. The id
/// is the session's, for revoking it later (the customer's app may use it to sign out).
/// </summary>
public sealed record CustomerSessionView(string Id, string CustomerId, string Token, DateTimeOffset ExpiresAt);

internal static class CustomerSessionEndpoints
{
    public static void MapCustomerSessions(this RouteGroupBuilder customers)
    {
        customers.MapPost("/{id}/sessions", async (string id, NewCustomerSession? body, PaydeskDb db, IssueApiKey issue, TimeProvider time, CancellationToken ct) =>
        {
            var errors = new FieldErrors();
            var ttl = errors.Count("ttlMinutes", body?.TtlMinutes ?? 60, min: 1, max: 24 * 60);
            if (errors.Any) return errors.ToProblem().ToHttp();
            var customer = await db.Customers.FirstOrDefaultAsync(c => c.Id == id && c.ArchivedAt == null, ct);
            if (customer is null) return Problem.NotFound("active customer", id).ToHttp();

            var expiresAt = time.GetUtcNow().AddMinutes(ttl);
            var issued = issue.Add($"Session of {customer.Id}", Role.Customer, customer.Id, expiresAt);
            await db.SaveChangesAsync(ct);
            return TypedResults.Created($"/api/v1/customers/{customer.Id}",
                new CustomerSessionView(issued.Key.Id, customer.Id, issued.Secret, expiresAt));
        }).RequireAuthorization(Policies.Staff).WithMetadata(new ReturnsSecretOnce())
            .LimitedBy(RateLimit.CustomerSessionsPerKey).Creates<CustomerSessionView>().ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("createCustomerSession").WithSummary("Make a short-lived key for the customer's own app; its secret is shown once");

        customers.MapGet("/{id}/sessions", async (string id, PageRequest page, PaydeskDb db, TimeProvider time, CancellationToken ct) =>
        {
            if (!await db.Customers.AnyAsync(c => c.Id == id, ct)) return Problem.NotFound("customer", id).ToHttp();
            var now = time.GetUtcNow();
            return (await page.Run(CustomerSessionQueries.Of(db, id), k => CustomerSessionKeyView.From(k, now), ct)).Ok();
        }).RequireAuthorization(Policies.Staff).Lists<CustomerSessionKeyView>().ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("listCustomerSessions").WithSummary("List a customer's sessions, never with their secrets");

        // Open to the customer's own key too, but only for itself: that is signing out.
        customers.MapPost("/{id}/sessions/{sessionId}/revoke", async (string id, string sessionId, ClaimsPrincipal caller, PaydeskDb db, EndCustomerSessions end, CancellationToken ct) =>
        {
            if (db.Tenant.IsCustomer && caller.FindFirst(ApiKeyAuthentication.KeyIdClaim)?.Value != sessionId)
                return TypedResults.Forbid();
            return (await end.One(id, sessionId, ct)).Ok();
        }).Reads<CustomerSessionKeyView>().ProducesProblem(StatusCodes.Status403Forbidden)
            .WithName("revokeCustomerSession").WithSummary("End one session (the customer's own key may end itself: signing out)");

        // Signing the customer out everywhere; a new session can be made afterwards, unlike after archiving.
        customers.MapPost("/{id}/sessions/revoke", async (string id, EndCustomerSessions end, CancellationToken ct) =>
            (await end.All(id, ct)).Ok()).RequireAuthorization(Policies.Staff).Reads<RevokedSessions>()
            .WithName("revokeCustomerSessions").WithSummary("End every session of a customer");
    }
}
