namespace Paydesk.Storage;

/// <summary>
/// A row that belongs to one tenant. Its key starts with <see cref="TenantId"/>, every query on it
/// is filtered to the caller's tenant, and saving it under another tenant is refused.
/// </summary>
public interface ITenantOwned
{
    string TenantId { get; set; }
}

/// <summary>
/// A row that belongs to one customer of its tenant. A customer's own key (a customer session) sees
/// only that customer's rows: the query filter says so, for every such table in one place.
/// </summary>
public interface ICustomerOwned : ITenantOwned
{
    string CustomerId { get; }
}

/// <summary>A row with its own prefixed, time-ordered id, which is what lists page over.</summary>
public interface IIdentified
{
    string Id { get; }
}

/// <summary>A tenant-owned row with its own prefixed id.</summary>
public interface IHasId : ITenantOwned, IIdentified;
