using Microsoft.EntityFrameworkCore;
using Paydesk.Core;
using Paydesk.Storage;

namespace Paydesk.Payments.Fiscal;

/// <summary>The 54-FZ receipt for an amount paid (or given back) for a purpose, when the tenant sends receipts.</summary>
public sealed class Receipts(PaydeskDb db, IEnumerable<IPaymentPurpose> purposes)
{
    /// <summary>
    /// The receipt for <paramref name="amount"/> of what <paramref name="purpose"/> sold, shared among its
    /// lines in proportion (<see cref="FiscalReceipt.For"/>); null when the tenant sends no receipts.
    /// </summary>
    public async Task<ReceiptRequest?> ForAsync(string purpose, string customerId, Money amount, CancellationToken ct)
    {
        // A checkout that only keeps a card (a free trial) takes no money: there is nothing to receipt.
        if (amount.IsZero || await TaxSettingsAsync(ct) is not { } tax) return null;
        var lines = await purposes.Of(purpose).ReceiptLinesAsync(db, purpose, tax.Vat, ct);
        if (lines.Count == 0) return null;
        return await ForCustomerAsync(FiscalReceipt.For(amount, lines), tax.Taxation, customerId, ct);
    }

    /// <summary>The tenant's taxation system and VAT rate, or null when it sends no receipts.</summary>
    public async Task<(string Taxation, FiscalVat Vat)?> TaxSettingsAsync(CancellationToken ct)
    {
        var tenant = await db.Tenants.AsNoTracking().Where(t => t.Id == db.Tenant.TenantId).Select(t => new { t.Taxation, t.Vat }).SingleAsync(ct);
        return tenant.Taxation is { } taxation ? (taxation, FiscalVats.Of(tenant.Vat)) : null;
    }

    /// <summary><paramref name="receipt"/> addressed to the customer: by email, else by phone.</summary>
    public async Task<ReceiptRequest> ForCustomerAsync(FiscalReceipt receipt, string taxation, string customerId, CancellationToken ct)
    {
        var customer = await db.Customers.AsNoTracking().Where(c => c.Id == customerId).Select(c => new { c.Email, c.Phone }).FirstOrDefaultAsync(ct);
        return new ReceiptRequest(receipt, taxation, customer?.Email, customer?.Email is null ? customer?.Phone : null);
    }
}
