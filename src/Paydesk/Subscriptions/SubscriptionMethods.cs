using Microsoft.EntityFrameworkCore;
using Paydesk.Core;
using Paydesk.Payments;
using Paydesk.Storage;

namespace Paydesk.Subscriptions;

/// <summary>A kept card is the only one a live subscription's renewals can charge at its account: it stays until another is kept or the subscription ends.</summary>
internal sealed class SubscriptionMethods : IChargesSavedMethods
{
    public async Task<string?> WhyKeepAsync(PaydeskDb db, SavedMethod method, CancellationToken ct)
    {
        if (await db.SavedMethods.AnyAsync(m => m.CustomerId == method.CustomerId && m.ProviderAccountId == method.ProviderAccountId
                                              && m.RemovedAt == null && m.Id != method.Id, ct))
            return null;
        var live = await db.Subscriptions.Where(s => s.CustomerId == method.CustomerId && s.ProviderAccountId == method.ProviderAccountId && s.CancelsAt == null
                && (s.Status == SubscriptionStatus.Active || s.Status == SubscriptionStatus.PastDue || s.Status == SubscriptionStatus.Paused || s.Status == SubscriptionStatus.Trialing))
            .Select(s => s.Id).FirstOrDefaultAsync(ct);
        return live is null ? null
            : $"This card pays the renewals of subscription {live}: keep another card first (pay a period with it), or cancel the subscription.";
    }
}
