using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Storage;
using Paydesk.Tenancy;

namespace Paydesk.Customers;

public sealed record NewCustomerSession(int? TtlMinutes);

/// <summary>A short-lived key that lets a customer's own app or page call the API as that customer.</summary>
public sealed record CustomerSessionView(string CustomerId, string Token, DateTimeOffset ExpiresAt);

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
            return TypedResults.Created($"/api/v1/customers/{customer.Id}", new CustomerSessionView(customer.Id, issued.Secret, expiresAt));
        }).RequireAuthorization(Policies.Staff).WithMetadata(new ReturnsSecretOnce())
            .LimitedBy(RateLimit.CustomerSessionsPerKey).Creates<CustomerSessionView>();
    }
}
