using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Core;
using Paydesk.Payments;
using Paydesk.Payments.Fiscal;
using Paydesk.Storage;

namespace Paydesk.Subscriptions;

/// <summary>
/// A new card for a subscription, given on the provider's own page: a checkout of nothing that
/// only keeps the card (purpose <c>card:{subscription}</c>), at the account the subscription
/// renews through. Once the provider reports the card kept, it is the customer's newest there, so
/// the renewals, retries and plan changes charge it. Only a provider that keeps a card without a
/// charge has such a page (<see cref="IPaymentProvider.KeepsCardsWithoutCharge"/>); at another, a
/// period paid by hand with the new card (the link in the renewal's emails) makes it the one charged.
/// </summary>
public sealed class UpdateCard(PaydeskDb db, StartCheckout checkout, ProviderRegistry providers)
{
    public async Task<Result<CheckoutView>> RunAsync(string subscriptionId, string? successUrl, string? cancelUrl, CancellationToken ct)
    {
        // Visible first: a customer's own key reaches only its own subscriptions (the customer filter).
        var subscription = await db.Subscriptions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == subscriptionId, ct);
        if (subscription is null) return Problem.NotFound("subscription", subscriptionId);
        if (SubscriptionStates.IsFinal(subscription.Status)) return Problem.Conflict($"Subscription {subscriptionId} is canceled; it charges no card.");
        if (providers.Find(subscription.Provider) is not { KeepsCardsWithoutCharge: true })
            return Problem.Conflict($"{subscription.Provider} cannot keep a card without charging it, so it has no page for a new card: " +
                "pay a period by hand with the new card (the link in the renewal's emails), and the renewals charge that one.");
        var plan = await db.Plans.AsNoTracking().Where(p => p.Id == subscription.PlanId).Select(p => p.Name).FirstOrDefaultAsync(ct) ?? subscription.PlanId;
        return await checkout.Run(CardUpdatePurpose.For(subscription.Id), subscription.CustomerId, new Money(0, Currency.Parse(subscription.Currency)),
            $"New card for {plan}", new CheckoutInput(subscription.Provider, successUrl, cancelUrl, subscription.ProviderAccountId), ct);
    }
}

/// <summary>
/// The <c>card:</c> purpose: a checkout of nothing that keeps a new card for a subscription. The
/// card itself is kept by the provider's notification (as any kept card is); the purpose only says
/// whether the subscription still takes one. Nothing is charged, so there is nothing to receipt,
/// refund or grant.
/// </summary>
internal sealed class CardUpdatePurpose : IPaymentPurpose
{
    public const string Prefix = "card:";

    public string Kind => "card";

    public static string For(string subscriptionId) => Prefix + subscriptionId;

    public async Task<Problem?> CanPayAsync(PaydeskDb db, string purpose, CancellationToken ct)
    {
        var subscription = await db.LockedAsync<Subscription>(purpose[Prefix.Length..], ct);
        if (subscription is null) return Problem.NotFound("subscription", purpose[Prefix.Length..]);
        return SubscriptionStates.IsFinal(subscription.Status) ? Problem.Conflict($"Subscription {subscription.Id} is canceled; it charges no card.") : null;
    }

    public Task<IReadOnlyList<FiscalLine>> ReceiptLinesAsync(PaydeskDb db, string purpose, FiscalVat vat, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<FiscalLine>>([]);

    public Task<FiscalLine?> ReceiptLineAsync(PaydeskDb db, string purpose, string lineId, FiscalVat vat, CancellationToken ct) =>
        Task.FromResult<FiscalLine?>(null);

    public Task<bool> KeepsPaymentMethodAsync(PaydeskDb db, string purpose, CancellationToken ct) => Task.FromResult(true);

    public Task<PurposeAnswer> OnSucceededAsync(PaydeskDb db, Payment payment, CancellationToken ct) => Task.FromResult(PurposeAnswer.Accepted);

    public Task OnRefundedAsync(PaydeskDb db, Payment payment, Refund refund, CancellationToken ct) => Task.CompletedTask;

    public Task OnNotPaidAsync(PaydeskDb db, Payment payment, CancellationToken ct) => Task.CompletedTask;
}
