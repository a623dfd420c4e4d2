namespace Paydesk.Tenancy;

/// <summary>
/// Who is calling, for the length of one request (or one unit of background work): the tenant
/// every query is scoped to, the caller's role and, for a customer, which customer they are.
/// Nothing is visible until it is set: an unset context matches no tenant's rows.
/// </summary>
public sealed class TenantContext
{
    public string? TenantId { get; private set; }
    public Role Role { get; private set; }
    public string? CustomerId { get; private set; }

    public bool IsCustomer => Role == Role.Customer;

    public void Set(string tenantId, Role role, string? customerId = null)
    {
        if (TenantId is not null && TenantId != tenantId)
            throw new InvalidOperationException("The tenant of a unit of work cannot change once set.");
        if (role == Role.Customer && customerId is null)
            throw new ArgumentException("A customer context needs the customer's id.", nameof(customerId));
        TenantId = tenantId;
        Role = role;
        CustomerId = customerId;
    }
}
