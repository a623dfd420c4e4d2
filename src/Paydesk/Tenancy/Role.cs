namespace Paydesk.Tenancy;

public enum Role
{
    /// <summary>Runs the Paydesk installation; not bound to one tenant's data.</summary>
    PlatformAdmin,
    /// <summary>Owns a tenant: catalog, keys, customers.</summary>
    TenantAdmin,
    /// <summary>Works for a tenant: reads the catalog, manages customers.</summary>
    Staff,
    /// <summary>A tenant's customer: sees only their own data.</summary>
    Customer,
}
