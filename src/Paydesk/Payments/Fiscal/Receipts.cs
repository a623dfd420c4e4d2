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
        var tenant = await db.Tenants.AsNoTracking().SingleAsync(t => t.Id == db.Tenant.TenantId, ct);
        if (tenant.Taxation is not { } taxation) return null;
        var payable = purposes.First(p => p.Kind == purpose.Split(':', 2)[0]);
        var lines = await payable.ReceiptLinesAsync(db, purpose, FiscalVats.Of(tenant.Vat), ct);
        if (lines.Count == 0) return null;
        var customer = await db.Customers.AsNoTracking().Where(c => c.Id == customerId).Select(c => new { c.Email, c.Phone }).FirstOrDefaultAsync(ct);
        return new ReceiptRequest(FiscalReceipt.For(amount, lines), taxation, customer?.Email, customer?.Email is null ? customer?.Phone : null);
    }
}
