using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Storage;

namespace Paydesk.Tenancy;

/// <summary>What an admin may change about the tenant. <c>fiscalReceipts</c> turns 54-FZ receipts on (with a <c>taxation</c>) or off.</summary>
public sealed record TenantSettingsInput(string? Name, string? TimeZone, bool? FiscalReceipts, string? Taxation, string? Vat);

public sealed record TenantView(
    string Id, string Slug, string Name, string DefaultCurrency, string TimeZone, bool FiscalReceipts, string? Taxation, string? Vat, DateTimeOffset CreatedAt)
{
    public static TenantView From(Tenant t) => new(t.Id, t.Slug, t.Name, t.DefaultCurrency, t.TimeZone, t.Taxation is not null, t.Taxation, t.Vat, t.CreatedAt);
}

/// <summary>
/// The tenant's own settings: its name, its time zone, and whether its payments through T-Bank and
/// Robokassa carry 54-FZ receipts — under which tax regime, at which VAT rate.
/// </summary>
public sealed class SaveTenantSettings(PaydeskDb db)
{
    public static readonly IReadOnlyList<string> Taxations = ["osn", "usn_income", "usn_income_outcome", "esn", "patent"];
    public static readonly IReadOnlyList<string> VatRates = ["none", "vat0", "vat10", "vat20"];

    public async Task<TenantView> ReadAsync(CancellationToken ct) => TenantView.From(await Current(ct).AsNoTracking().SingleAsync(ct));

    public async Task<Result<TenantView>> Update(TenantSettingsInput input, CancellationToken ct)
    {
        var tenant = await Current(ct).SingleAsync(ct);
        var errors = new FieldErrors();
        if (input.Name is not null) tenant.Name = errors.Text("name", input.Name);
        if (input.TimeZone is not null) tenant.TimeZone = errors.TimeZone("timeZone", input.TimeZone, tenant.TimeZone);
        var on = input.FiscalReceipts ?? (tenant.Taxation is not null || input.Taxation is not null || input.Vat is not null);
        if (!on)
        {
            if (input.Taxation is not null || input.Vat is not null) errors.Add("fiscalReceipts", "is false; a tax regime or VAT rate needs it true.");
            (tenant.Taxation, tenant.Vat) = (null, null);
        }
        else
        {
            var taxation = input.Taxation ?? tenant.Taxation;
            var vat = input.Vat ?? tenant.Vat ?? "none";
            if (taxation is null || !Taxations.Contains(taxation))
                errors.Add("taxation", $"must be one of {string.Join(", ", Taxations)} for fiscal receipts.");
            if (!VatRates.Contains(vat)) errors.Add("vat", $"must be one of {string.Join(", ", VatRates)}.");
            (tenant.Taxation, tenant.Vat) = (taxation, vat);
        }
        if (errors.Any) return errors.ToProblem();
        await db.SaveChangesAsync(ct);
        return TenantView.From(tenant);
    }

    private IQueryable<Tenant> Current(CancellationToken ct) => db.Tenants.Where(t => t.Id == db.Tenant.TenantId);
}
