using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Core;
using Paydesk.Entitlements;
using Paydesk.Invoices;
using Paydesk.Payments;
using Paydesk.Storage;

namespace Paydesk.Subscriptions;

/// <param name="PlanId">The plan to move to: recurring, at the same interval and currency.</param>
/// <param name="Preview">Only say what it would cost; change nothing.</param>
public sealed record PlanChangeInput(string? PlanId, bool? Preview);

/// <summary>A plan change, asked or previewed (<paramref name="Id"/> null): what it costs now and when it takes effect.</summary>
public sealed record PlanChangeView(
    string? Id, string Kind, string Status, string FromPlanId, string ToPlanId, MoneyView FromPrice, MoneyView ToPrice,
    MoneyView Credit, MoneyView Charge, MoneyView Due, DateTimeOffset EffectiveAt, string? PaymentId)
{
    public static PlanChangeView From(PlanChange c) => new(
        c.Id.Length == 0 ? null : c.Id, c.Kind.ToString().ToLowerInvariant(), c.Id.Length == 0 ? "preview" : c.Status.ToString().ToLowerInvariant(),
        c.FromPlanId, c.ToPlanId, MoneyView.From(c.FromAmountMinor, c.Currency), MoneyView.From(c.ToAmountMinor, c.Currency),
        MoneyView.From(c.CreditMinor, c.Currency), MoneyView.From(c.ChargeMinor, c.Currency), MoneyView.From(c.DueMinor, c.Currency), c.EffectiveAt, c.PaymentId);
}

/// <summary>
/// Moves a subscription to another plan of its interval. Up (a higher price) applies now: the rest of
/// the period is prorated (<see cref="Proration"/>), the difference charged to the kept card, and once
/// paid the new plan's access runs over the rest of the period and the next renewals charge its price.
/// Down applies at the paid period's end, with nothing paid back. Asking for the current plan takes back
/// a scheduled downgrade. One change waits at a time (a partial unique index), decided with the
/// subscription locked.
/// </summary>
public sealed class ChangePlan(PaydeskDb db, ChargeSavedMethod charges, IdGenerator ids, TimeProvider time, ILogger<ChangePlan> log)
{
    public async Task<Result<PlanChangeView>> RunAsync(string subscriptionId, PlanChangeInput input, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(input.PlanId)) return Problem.Invalid("planId", "is required.");
        if (!await db.Subscriptions.AnyAsync(s => s.Id == subscriptionId, ct)) return Problem.NotFound("subscription", subscriptionId);
        var plan = await Catalog.PlanQueries.WithCurrentVersion(db.Plans).AsNoTracking().FirstOrDefaultAsync(p => p.Id == input.PlanId && p.ArchivedAt == null, ct);
        if (plan is null) return Problem.Invalid("planId", $"no plan '{Api.Text.Cut(input.PlanId, 100)}' on sale.");

        var asked = await db.InTransactionAsync<Result<(PlanChange Change, string? PaymentId)>>(async () =>
        {
            var subscription = (await db.LockedAsync<Subscription>(subscriptionId, ct))!;
            var now = time.GetUtcNow();
            var price = plan.CurrentPrices.FirstOrDefault(p => p.TermMonths is null && p.Interval == subscription.Interval);
            if (price is null || price.Currency != subscription.Currency)
                return Problem.Invalid("planId", $"must renew every {subscription.Interval} in {subscription.Currency}, as the current plan does.");
            if (subscription.Status != SubscriptionStatus.Active || subscription.CancelsAt is not null)
                return Problem.Conflict($"Subscription {subscriptionId} is {(subscription.CancelsAt is null ? subscription.Status.ToApi() : "canceled at its period's end")}: only an active one changes plan.");
            var period = await db.SubscriptionPeriods.Where(p => p.SubscriptionId == subscriptionId).OrderByDescending(p => p.Number).FirstAsync(ct);
            if (period.Status != PeriodStatus.Paid || period.StartsAt > now || period.EndsAt <= now)
                return Problem.Conflict($"Subscription {subscriptionId} is between periods; ask again once it has renewed.");
            var waiting = await db.PlanChanges.FirstOrDefaultAsync(c => c.SubscriptionId == subscriptionId
                && (c.Status == PlanChangeStatus.Pending || c.Status == PlanChangeStatus.Scheduled), ct);
            if (waiting is { Status: PlanChangeStatus.Pending })
                return Problem.Conflict($"The change to {waiting.ToPlanId} is being paid; wait for its outcome.");

            if (plan.Id == subscription.PlanId && plan.Version == subscription.PlanVersion)
            {
                if (waiting is null) return Problem.Conflict($"Subscription {subscriptionId} is on plan {plan.Id} already.");
                // Back to the current plan: the scheduled downgrade is taken back. Previewed, that is staying where it is, for nothing.
                if (input.Preview == true)
                    return (new PlanChange
                    {
                        TenantId = "", Id = "", SubscriptionId = subscriptionId, CustomerId = subscription.CustomerId, PeriodId = period.Id, Kind = PlanChangeKind.Downgrade,
                        FromPlanId = subscription.PlanId, FromPlanVersion = subscription.PlanVersion, FromAmountMinor = subscription.AmountMinor,
                        ToPlanId = subscription.PlanId, ToPlanVersion = subscription.PlanVersion, ToAmountMinor = subscription.AmountMinor, Currency = subscription.Currency,
                        EffectiveAt = now, CreatedAt = now, UpdatedAt = now,
                    }, null);
                (waiting.Status, waiting.UpdatedAt) = (PlanChangeStatus.Canceled, now);
                await db.SaveChangesAsync(ct);
                return (waiting, null);
            }

            var up = price.AmountMinor > subscription.AmountMinor;
            var proration = up ? Proration.Of(subscription.AmountMinor, price.AmountMinor, period.StartsAt, period.EndsAt, now) : new Proration(subscription.AmountMinor, 0, 0);
            var change = new PlanChange
            {
                TenantId = "", Id = input.Preview == true ? "" : ids.New("chg"), SubscriptionId = subscriptionId, CustomerId = subscription.CustomerId, PeriodId = period.Id,
                Kind = up ? PlanChangeKind.Upgrade : PlanChangeKind.Downgrade, Status = up ? PlanChangeStatus.Pending : PlanChangeStatus.Scheduled,
                FromPlanId = subscription.PlanId, FromPlanVersion = subscription.PlanVersion, FromAmountMinor = subscription.AmountMinor,
                ToPlanId = plan.Id, ToPlanVersion = plan.Version, ToAmountMinor = price.AmountMinor, Currency = subscription.Currency,
                CreditMinor = proration.Credit, ChargeMinor = proration.Charge, DueMinor = Math.Max(0, proration.Due),
                EffectiveAt = up ? now : period.EndsAt, CreatedAt = now, UpdatedAt = now,
            };
            if (input.Preview == true) return (change, null);

            if (waiting is not null) (waiting.Status, waiting.UpdatedAt) = (PlanChangeStatus.Canceled, now);
            db.PlanChanges.Add(change);
            string? paymentId = null;
            if (up && change.DueMinor > 0)
            {
                var account = await db.ProviderAccounts.AsNoTracking().FirstAsync(a => a.Id == subscription.ProviderAccountId, ct);
                var payment = await charges.AddAsync(db, PlanChangePurpose.For(change.Id), subscription.CustomerId, new Money(change.DueMinor, Currency.Parse(change.Currency)),
                    account, change.Id, ct);
                change.PaymentId = paymentId = payment.Id;
            }
            else if (up)
            {
                PlanChangePurpose.Apply(subscription, change, now);
            }
            await db.SaveChangesAsync(ct);
            return (change, paymentId);
        }, ct);
        if (asked.Problem is { } problem) return problem;
        var (change, charge) = asked.Value;
        if (charge is null) return PlanChangeView.From(change);

        var paid = await charges.RunAsync(charge, ct);
        log.LogInformation("Subscription {SubscriptionId}: upgrade {ChangeId} payment {PaymentId} is {Status}", subscriptionId, change.Id, paid.Id, paid.Status.ToApi());
        db.ChangeTracker.Clear();
        return PlanChangeView.From(await db.PlanChanges.AsNoTracking().FirstAsync(c => c.Id == change.Id, ct));
    }
}

/// <summary>
/// The <c>plan-change:…</c> purpose, an upgrade's prorated difference: paid, the subscription moves to
/// the new plan, whose access and badges run over the rest of the period (source <c>change</c>; its tokens
/// and sessions come with the next period), and an invoice is issued; not paid, nothing changes. A full
/// refund takes back what the upgrade granted.
/// </summary>
internal sealed class PlanChangePurpose(IssueInvoice invoices, IssueCreditNote creditNotes, GrantEntitlements grants, TimeProvider time) : IPaymentPurpose
{
    public const string Prefix = "plan-change:";

    public string Kind => "plan-change";

    public static string For(string changeId) => Prefix + changeId;

    public static Source SourceOf(PlanChange change) => new("change", change.Id);

    private static string ChangeIdOf(string purpose) => purpose[Prefix.Length..];

    /// <summary>The subscription takes the new plan and price (the caller holds its lock).</summary>
    public static void Apply(Subscription subscription, PlanChange change, DateTimeOffset now)
    {
        (subscription.PlanId, subscription.PlanVersion, subscription.AmountMinor, subscription.UpdatedAt) = (change.ToPlanId, change.ToPlanVersion, change.ToAmountMinor, now);
        (change.Status, change.UpdatedAt) = (PlanChangeStatus.Applied, now);
    }

    public async Task<Problem?> CanPayAsync(PaydeskDb db, string purpose, CancellationToken ct) =>
        await db.PlanChanges.AnyAsync(c => c.Id == ChangeIdOf(purpose) && c.Status == PlanChangeStatus.Pending, ct)
            ? null : Problem.Conflict("The plan change is not waiting for a payment.");

    public async Task<IReadOnlyList<FiscalLine>> ReceiptLinesAsync(PaydeskDb db, string purpose, FiscalVat vat, CancellationToken ct) =>
        await ReceiptLineAsync(db, purpose, ChangeIdOf(purpose), vat, ct) is { } line ? [line] : [];

    public async Task<FiscalLine?> ReceiptLineAsync(PaydeskDb db, string purpose, string lineId, FiscalVat vat, CancellationToken ct)
    {
        var change = await db.PlanChanges.AsNoTracking().FirstOrDefaultAsync(c => c.Id == lineId, ct);
        return change is null || lineId != ChangeIdOf(purpose) ? null
            : new FiscalLine(await DescriptionAsync(db, change, ct), 1, change.DueMinor, vat, FiscalPaymentMethod.FullPrepayment, FiscalPaymentObject.Service);
    }

    public Task<bool> KeepsPaymentMethodAsync(PaydeskDb db, string purpose, CancellationToken ct) => Task.FromResult(false);

    public async Task<PurposeAnswer> OnSucceededAsync(PaydeskDb db, Payment payment, CancellationToken ct)
    {
        var change = (await db.LockedAsync<PlanChange>(ChangeIdOf(payment.Purpose), ct))!;
        if (change.PaymentId != payment.Id || change.Status == PlanChangeStatus.Applied) return PurposeAnswer.Accepted;
        var subscription = (await db.LockedAsync<Subscription>(change.SubscriptionId, ct))!;
        if (change.Status != PlanChangeStatus.Pending || SubscriptionStates.IsFinal(subscription.Status))
            return PurposeAnswer.Refund($"The change of subscription {subscription.Id} to {change.ToPlanId} was given up before it was paid; this payment is refunded automatically.");
        var now = time.GetUtcNow();
        var period = await db.SubscriptionPeriods.AsNoTracking().FirstAsync(p => p.Id == change.PeriodId, ct);
        // Paid once the period it prices the rest of is over (a late answer, a renewal charged meanwhile at the old price):
        // nothing of it is left to give, and the renewal's price must stay the one it was charged at.
        if (period.EndsAt <= now || await db.SubscriptionPeriods.AnyAsync(p => p.SubscriptionId == subscription.Id && p.Number > period.Number, ct))
        {
            (change.Status, change.UpdatedAt) = (PlanChangeStatus.Canceled, now);
            return PurposeAnswer.Refund($"The change of subscription {subscription.Id} to {change.ToPlanId} was paid after the period it was asked in had ended; this payment is refunded automatically.");
        }
        Apply(subscription, change, now);
        var description = await DescriptionAsync(db, change, ct);
        invoices.Run(db, new InvoiceDraft(SourceOf(change), subscription.CustomerId, payment.Id, payment.Amount,
        [
            new InvoiceLine
            {
                TenantId = "", InvoiceId = "", Position = 1, Description = description, Quantity = 1,
                UnitAmountMinor = change.DueMinor, AmountMinor = change.DueMinor, PlanId = change.ToPlanId, PlanVersion = change.ToPlanVersion,
            },
        ]));
        if (period.EndsAt > now)
            await grants.IssueAsync(db, new GrantLine(SourceOf(change), change.Id, subscription.CustomerId, change.ToPlanId, change.ToPlanVersion, 1, subscription.Interval)
            {
                Period = (now, period.EndsAt), AccessOnly = true,
            }, subscription.Zone, now, ct);
        return PurposeAnswer.Accepted;
    }

    /// <summary>
    /// A refund of the upgrade's payment issues its credit note. Refunded in full, the upgrade is
    /// undone: its grants are taken back and, while its period is still the subscription's latest
    /// and nothing changed the plan since, the subscription goes back to the plan and price it came
    /// from, so the renewals stop charging the price of a plan no longer paid for. Once a renewal has
    /// charged the new price for a period of its own, the plan stays: that period was bought at it.
    /// </summary>
    public async Task OnRefundedAsync(PaydeskDb db, Payment payment, Refund refund, CancellationToken ct)
    {
        var change = (await db.LockedAsync<PlanChange>(ChangeIdOf(payment.Purpose), ct))!;
        await creditNotes.RunAsync(db, refund, ct);
        if (payment.Status != PaymentStatus.Refunded) return;
        var now = time.GetUtcNow();
        await grants.RevokeAsync(db, SourceOf(change), now, ct);
        if (change.Status != PlanChangeStatus.Applied || change.PaymentId != payment.Id) return;
        var subscription = (await db.LockedAsync<Subscription>(change.SubscriptionId, ct))!;
        var latest = await db.SubscriptionPeriods.Where(p => p.SubscriptionId == subscription.Id).OrderByDescending(p => p.Number).Select(p => p.Id).FirstAsync(ct);
        if (latest != change.PeriodId || SubscriptionStates.IsFinal(subscription.Status)
            || (subscription.PlanId, subscription.PlanVersion, subscription.AmountMinor) != (change.ToPlanId, change.ToPlanVersion, change.ToAmountMinor)) return;
        (subscription.PlanId, subscription.PlanVersion, subscription.AmountMinor, subscription.UpdatedAt) = (change.FromPlanId, change.FromPlanVersion, change.FromAmountMinor, now);
        (change.Status, change.UpdatedAt) = (PlanChangeStatus.Undone, now);
        // A change waiting for the period's end back to the plan it is on again has nothing left to do; one to another plan
        // still applies then (the renewal charges that plan's price for the period it starts).
        foreach (var waiting in await db.PlanChanges.Where(c => c.SubscriptionId == subscription.Id && c.Status == PlanChangeStatus.Scheduled && c.ToPlanId == change.FromPlanId).ToListAsync(ct))
            (waiting.Status, waiting.UpdatedAt) = (PlanChangeStatus.Canceled, now);
    }

    public async Task OnNotPaidAsync(PaydeskDb db, Payment payment, CancellationToken ct)
    {
        var change = (await db.LockedAsync<PlanChange>(ChangeIdOf(payment.Purpose), ct))!;
        if (change.Status == PlanChangeStatus.Pending) (change.Status, change.UpdatedAt) = (PlanChangeStatus.Failed, time.GetUtcNow());
    }

    private static async Task<string> DescriptionAsync(PaydeskDb db, PlanChange change, CancellationToken ct)
    {
        var names = await db.Plans.Where(p => p.Id == change.FromPlanId || p.Id == change.ToPlanId).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        return $"{names.GetValueOrDefault(change.FromPlanId, change.FromPlanId)} → {names.GetValueOrDefault(change.ToPlanId, change.ToPlanId)}, rest of the period";
    }
}
