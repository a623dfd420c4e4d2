using Microsoft.EntityFrameworkCore;
using Paydesk.Core;
using Paydesk.Jobs;
using Paydesk.Storage;

namespace Paydesk.Payments;

/// <summary>
/// What a payment is for, seen from the payment's side: the handler of one purpose kind
/// (<c>order</c>, later <c>renewal</c>, <c>topup</c>). Payments call it; it never calls back into payments.
/// </summary>
public interface IPaymentPurpose
{
    string Kind { get; }

    /// <summary>
    /// Whether what <paramref name="purpose"/> names can be paid now, answering the problem that
    /// says why not. Runs in the transaction that records a new payment for it and locks it, so a
    /// payment started meanwhile, or a change of the purchase, waits.
    /// </summary>
    Task<Api.Problem?> CanPayAsync(PaydeskDb db, string purpose, CancellationToken ct);

    /// <summary>
    /// What a fiscal receipt for paying <paramref name="purpose"/> lists: each line with what it
    /// comes to, taxed at <paramref name="vat"/>; services delivered later (sessions, a period of
    /// access) as prepaid, so a closing receipt follows when they are delivered.
    /// </summary>
    Task<IReadOnlyList<FiscalLine>> ReceiptLinesAsync(PaydeskDb db, string purpose, FiscalVat vat, CancellationToken ct);

    /// <summary>One line of <see cref="ReceiptLinesAsync"/>, by the id of the line it was sold on; null when there is none.</summary>
    Task<FiscalLine?> ReceiptLineAsync(PaydeskDb db, string purpose, string lineId, FiscalVat vat, CancellationToken ct);

    /// <summary>Whether paying <paramref name="purpose"/> starts something that recurs, so the payment method is kept for the renewals.</summary>
    Task<bool> KeepsPaymentMethodAsync(PaydeskDb db, string purpose, CancellationToken ct);

    /// <summary>
    /// The payment succeeded. Runs inside the transaction that records it, with the payment locked;
    /// work that follows (fulfilment) is queued as a job in the same transaction. When the money
    /// arrived for something that can no longer take it (an order paid already), the answer says
    /// so, and whether to give the money back.
    /// </summary>
    Task<PurposeAnswer> OnSucceededAsync(PaydeskDb db, Payment payment, CancellationToken ct);

    /// <summary>Money was given back on the payment; runs inside the transaction that records the refund.</summary>
    Task OnRefundedAsync(PaydeskDb db, Payment payment, Refund refund, CancellationToken ct);

    /// <summary>
    /// The payment failed or expired; runs inside the transaction that records it, with the payment
    /// locked. What it was for may still be payable (the customer can be asked to pay again).
    /// </summary>
    Task OnNotPaidAsync(PaydeskDb db, Payment payment, CancellationToken ct);
}

/// <summary>What a purpose made of a succeeded payment.</summary>
public sealed record PurposeAnswer(string? Review, bool RefundIt)
{
    public static readonly PurposeAnswer Accepted = new(null, false);
    public static PurposeAnswer NeedsReview(string reason) => new(reason, false);
    public static PurposeAnswer Refund(string reason) => new(reason, true);
}

/// <summary>
/// Moves a payment to what a provider reported, along the state machine only, and writes every
/// step — applied, refused, or flagged for review — to the operations log.
/// </summary>
public sealed class PaymentOutcomes(
    PaydeskDb db, IEnumerable<IPaymentPurpose> purposes, IdGenerator ids, JobQueue jobs, TimeProvider time, ILogger<PaymentOutcomes> log)
{
    public const string Applied = "applied";

    /// <summary>
    /// Records what a provider answered about a payment, in a transaction of its own with the
    /// payment locked: a notification or a reconcile that landed meanwhile is seen, and the state
    /// machine never moves the payment back. Answers the payment as saved.
    /// </summary>
    public Task<Payment> RecordAsync(string paymentId, Func<Payment, Task> change, CancellationToken ct) =>
        db.InTransactionAsync(async () =>
        {
            var payment = (await db.LockedAsync<Payment>(paymentId, ct))!;
            await change(payment);
            await db.SaveChangesAsync(ct);
            return payment;
        }, ct);

    /// <summary>
    /// Moves the payment to a status a provider reported. The caller holds the payment's lock.
    /// Refund statuses are not moved to here: a refund is recorded as a refund
    /// (<see cref="ApplyRefundReportAsync"/>), and the payment's status follows from the refunds.
    /// </summary>
    public async Task<string> ApplyAsync(Payment payment, PaymentStatus reported, long? amountMinor, string? currency, string source, CancellationToken ct)
    {
        if (reported is PaymentStatus.Refunded or PaymentStatus.PartiallyRefunded)
            throw new ArgumentException("A refund is recorded as a refund, not as a status.", nameof(reported));
        var now = time.GetUtcNow();
        if (amountMinor is { } amount && Mismatch(payment, amount, currency, source) is { } mismatch) return mismatch;

        var decision = PaymentStates.Decide(payment.Status, reported);
        if (decision.IsRefused)
        {
            Log(payment, OperationKind.RefusedTransition, $"{source}: {decision.Reason}");
            log.LogWarning("Payment {PaymentId}: ignored {Reported} from {Source}: {Reason}", payment.Id, reported, source, decision.Reason);
            if (reported == PaymentStatus.Succeeded && payment.Status is PaymentStatus.Failed or PaymentStatus.Canceled or PaymentStatus.Expired)
            {
                // The customer's money was taken after Paydesk gave up on the payment: nothing was delivered for it.
                Review(payment, $"{source} reports the payment paid, after it was {payment.Status.ToApi()}: the customer may have paid for nothing. " +
                    "Refund it at the provider, or deliver the purchase by hand.");
                return "late_success";
            }
            return "ignored";
        }
        if (decision.IsAlreadyThere) return "already";

        var from = payment.Status;
        payment.Status = reported;
        payment.UpdatedAt = now;
        payment.Revision++;
        if (PaymentStates.IsSettled(reported))
        {
            payment.SettledAt ??= now;
        }
        Log(payment, OperationKind.Transition, $"{from.ToApi()} → {reported.ToApi()} ({source})");

        if (reported is PaymentStatus.Failed or PaymentStatus.Expired) await PurposeOf(payment).OnNotPaidAsync(db, payment, ct);
        if (reported == PaymentStatus.Succeeded && await PurposeOf(payment).OnSucceededAsync(db, payment, ct) is { Review: { } review } answer)
        {
            payment.ReviewReason = review;
            Log(payment, OperationKind.Review, review);
            log.LogWarning("Payment {PaymentId} succeeded but needs review: {Reason}", payment.Id, review);
            if (answer.RefundIt && payment.AmountMinor > payment.RefundReservedMinor)
                AddRefund(payment, payment.AmountMinor - payment.RefundReservedMinor, review, RefundOrigin.Automatic);
        }
        return Applied;
    }

    private string? Mismatch(Payment payment, long amount, string? currency, string source)
    {
        if (amount == payment.AmountMinor && currency == payment.Currency) return null;
        Review(payment, $"{source} reported {amount} {currency} for a payment of {payment.AmountMinor} {payment.Currency}; nothing was activated.");
        log.LogWarning("Payment {PaymentId}: amount mismatch from {Source}; flagged for review", payment.Id, source);
        return "amount_mismatch";
    }

    /// <summary>Flags the payment for a person, with the reason, in its record and its log.</summary>
    public void Review(Payment payment, string reason)
    {
        // The newest reason first; earlier ones stay after it (the operations log has them all).
        var reasons = payment.ReviewReason is { } earlier && earlier != reason && !earlier.StartsWith(reason + " Before that: ", StringComparison.Ordinal)
            ? $"{reason} Before that: {earlier}"
            : reason;
        payment.ReviewReason = Api.Text.Cut(reasons, 1000);
        payment.UpdatedAt = time.GetUtcNow();
        Log(payment, OperationKind.Review, reason);
    }

    /// <summary>
    /// A provider reports that the payment was refunded (a notification, or its list of refunds):
    /// recorded the way a refund asked for through the API is — a refund row with the provider's
    /// refund id (once per id), the payment's refunded amount and status, what it paid for (a full
    /// refund revokes the order's grants), the customer's email. The caller holds the payment's lock.
    /// </summary>
    /// <remarks>
    /// <paramref name="amountMinor"/> and <paramref name="currency"/> are the charge's, as the report
    /// names it. A refund implies the charge succeeded, so a payment Paydesk had not seen succeed
    /// does so first. Without the refund itself (<paramref name="refund"/> null) Paydesk asks the
    /// provider for its refunds (the <c>sync-refunds</c> job).
    /// </remarks>
    public async Task<string> ApplyRefundReportAsync(
        Payment payment, long? amountMinor, string currency, ReportedRefund? refund, string source, CancellationToken ct)
    {
        if (amountMinor is { } amount && Mismatch(payment, amount, currency, source) is { } mismatch) return mismatch;
        if (payment.Status is not (PaymentStatus.Succeeded or PaymentStatus.PartiallyRefunded or PaymentStatus.Refunded))
        {
            await ApplyAsync(payment, PaymentStatus.Succeeded, null, null, $"{source}: a refund means the charge succeeded", ct);
            if (payment.Status != PaymentStatus.Succeeded)
            {
                Review(payment, $"{source} reports a refund of a payment that is {payment.Status.ToApi()}; nothing was recorded.");
                return "review";
            }
        }
        if (refund is null)
        {
            // A check of its own for each report: one already running may have read the provider's list before this refund.
            jobs.Add(db, SyncRefunds.JobKind, SyncRefunds.Subject(payment.Id, ids.New("chk")));
            Log(payment, OperationKind.Request, $"{source} reports a refund without naming it; asking the provider for its refunds");
            return "refund_check_queued";
        }
        return await RecordReportedRefundAsync(payment, refund, source, ct);
    }

    /// <summary>One refund the provider made, recorded unless it is recorded already. The caller holds the payment's lock.</summary>
    public async Task<string> RecordReportedRefundAsync(Payment payment, ReportedRefund reported, string source, CancellationToken ct)
    {
        // One Paydesk asked for: its answer may not be recorded yet (the notification overtook it).
        var oursId = reported.Key is { } key
            ? await db.Refunds.AsNoTracking().Where(r => r.Id == key && r.PaymentId == payment.Id).Select(r => r.Id).FirstOrDefaultAsync(ct)
            : null;
        oursId ??= await db.Refunds.AsNoTracking().Where(r => r.PaymentId == payment.Id && r.ProviderRefundId == reported.ProviderRefundId)
            .Select(r => r.Id).FirstOrDefaultAsync(ct);
        // Read as it is now: this unit of work may have seen it requested before another recorded it
        // (a query would answer that earlier copy), and it must be recorded once.
        var ours = oursId is null ? null : await db.FreshAsync<Refund>(oursId, ct);
        if (ours is not null)
        {
            if (ours.ProviderRefundId is { } recorded && recorded != reported.ProviderRefundId)
            {
                Review(payment, $"{source} reports a refund {reported.ProviderRefundId} under Paydesk's refund {ours.Id}, which the provider " +
                    $"made as {recorded}; a second refund may have been made at the provider; nothing was recorded.");
                log.LogWarning("Payment {PaymentId}: a second provider refund claims one of Paydesk's refunds; flagged for review", payment.Id);
                return "review";
            }
            if (reported.AmountMinor != ours.AmountMinor)
            {
                var currency = Core.Currency.Parse(payment.Currency);
                Review(payment, $"{source} reports refund {ours.Id} ({reported.ProviderRefundId}) as {new Money(reported.AmountMinor, currency)}, " +
                    $"but Paydesk asked for {new Money(ours.AmountMinor, currency)}; nothing was recorded.");
                log.LogWarning("Payment {PaymentId}: a reported refund's amount differs from the one requested; flagged for review", payment.Id);
                return "review";
            }
            if (ours.Status == RefundStatus.Requested)
            {
                Log(payment, OperationKind.Notification, $"{source}: refund {ours.Id} done ({reported.ProviderRefundId})");
                return await RecordRefundAsync(payment, ours, reported.ProviderRefundId, ct) ? Applied : "review";
            }
            if (ours.Status == RefundStatus.Failed)
            {
                Review(payment, $"{source} reports refund {ours.Id} ({reported.ProviderRefundId}) made, but the provider had refused it; check with the provider.");
                return "review";
            }
            return "already";
        }

        // Made outside Paydesk (the provider's dashboard): a fact, recorded if it fits what the payment
        // has not given back yet. Refunds Paydesk requested and the provider has not answered may then
        // no longer all fit: those that do not are failed when they come to be carried out, and the
        // provider would refuse them anyway.
        var refundable = payment.AmountMinor - payment.RefundedMinor;
        var money = new Money(reported.AmountMinor, Core.Currency.Parse(payment.Currency));
        if (reported.AmountMinor > refundable)
        {
            Review(payment, $"{source} reports refund {reported.ProviderRefundId} of {money}, more than the " +
                $"{new Money(refundable, Core.Currency.Parse(payment.Currency))} Paydesk has left to refund; nothing was recorded.");
            log.LogWarning("Payment {PaymentId}: a reported refund exceeds what is refundable; flagged for review", payment.Id);
            return "review";
        }
        var refund = AddRefund(payment, reported.AmountMinor, $"Refunded at the provider ({reported.ProviderRefundId})", RefundOrigin.Provider, execute: false);
        await RecordRefundAsync(payment, refund, reported.ProviderRefundId, ct);
        return Applied;
    }

    /// <summary>
    /// Requests a refund: recorded now, carried out at the provider by <see cref="ExecuteRefund"/>.
    /// The caller holds the payment's lock and has checked that the amount is still refundable; the
    /// amount is reserved on the payment in the same change, and the <c>execute-refund</c> job is
    /// queued with it: due now, or after <paramref name="carriedOutIn"/> when the caller means to
    /// run it itself first.
    /// </summary>
    public Refund AddRefund(
        Payment payment, long amountMinor, string reason, RefundOrigin origin, TimeSpan? carriedOutIn = null, bool execute = true, string? requestKey = null)
    {
        // What Paydesk asks for must fit beside every refund made or promised; what the provider
        // reports made must fit beside those made.
        var taken = origin == RefundOrigin.Provider ? payment.RefundedMinor : payment.RefundReservedMinor;
        if (amountMinor <= 0 || taken + amountMinor > payment.AmountMinor)
            throw new InvalidOperationException(
                $"Refund of {amountMinor} on payment {payment.Id} does not fit: {taken} of {payment.AmountMinor} is refunded or reserved already.");
        var now = time.GetUtcNow();
        var refund = new Refund
        {
            TenantId = "", Id = ids.New("re"), PaymentId = payment.Id, AmountMinor = amountMinor, Currency = payment.Currency,
            Status = RefundStatus.Requested, Reason = Api.Text.Cut(reason, 500)!, Origin = origin, RequestKey = requestKey,
            CreatedAt = now,
        };
        payment.RefundReservedMinor += amountMinor;
        db.Refunds.Add(refund);
        if (execute) jobs.Add(db, ExecuteRefund.JobKind, refund.Id, now + (carriedOutIn ?? TimeSpan.Zero));
        Log(payment, OperationKind.Request, $"{(origin == RefundOrigin.Automatic ? "automatic " : "")}refund of {new Money(amountMinor, Core.Currency.Parse(payment.Currency))} requested ({refund.Id})");
        return refund;
    }

    /// <summary>
    /// The provider gave the money back: the refund is done, and the payment (and what it paid for)
    /// follows. The caller holds the payment's lock and has seen the refund still requested.
    /// </summary>
    /// <remarks>
    /// Refunds the provider reported made are recorded as they come, so by the time the answer to a
    /// refund Paydesk asked for is recorded, they may leave no room for it: the provider has then
    /// said two things that cannot both be true (together they give back more than the payment
    /// took). Paydesk never records more than the payment took: the refund fails, its reservation is
    /// released, and the payment is flagged for a person to ask the provider which refunds it made.
    /// </remarks>
    /// <returns>Whether it was recorded.</returns>
    public async Task<bool> RecordRefundAsync(Payment payment, Refund refund, string? providerRefundId, CancellationToken ct)
    {
        if (refund.Status != RefundStatus.Requested)
            throw new InvalidOperationException($"Refund {refund.Id} is {refund.Status}; it is recorded once.");
        if (!StillFits(payment, refund))
        {
            refund.ProviderRefundId ??= providerRefundId;
            var left = new Money(payment.AmountMinor - payment.RefundedMinor, Core.Currency.Parse(payment.Currency));
            FailRefund(payment, refund, $"the provider reports it made ({providerRefundId ?? "no id"}), but refunds it reported made before leave only {left} " +
                "of the payment; ask the provider which refunds it made");
            return false;
        }
        refund.Status = RefundStatus.Succeeded;
        refund.ProviderRefundId ??= providerRefundId;
        refund.SettledAt = time.GetUtcNow();
        refund.Error = null;

        payment.RefundedMinor += refund.AmountMinor;
        var reported = payment.RefundedMinor >= payment.AmountMinor ? PaymentStatus.Refunded : PaymentStatus.PartiallyRefunded;
        var decision = PaymentStates.Decide(payment.Status, reported);
        if (decision.IsRefused)
        {
            Log(payment, OperationKind.RefusedTransition, $"refund {refund.Id}: {decision.Reason}");
            return true;
        }
        payment.UpdatedAt = time.GetUtcNow();
        payment.Revision++;
        if (decision.IsApply)
        {
            var from = payment.Status;
            payment.Status = reported;
            Log(payment, OperationKind.Transition, $"{from.ToApi()} → {reported.ToApi()} (refund {refund.Id})");
        }
        await PurposeOf(payment).OnRefundedAsync(db, payment, refund, ct);
        return true;
    }

    /// <summary>The provider will not make the refund: what it promised is free to be refunded again.</summary>
    public void FailRefund(Payment payment, Refund refund, string reason)
    {
        Release(payment, refund, reason);
        Review(payment, $"Refund {refund.Id} of {new Money(refund.AmountMinor, Core.Currency.Parse(refund.Currency))} failed: {reason}");
        log.LogWarning("Refund {RefundId} of payment {PaymentId} refused by the provider", refund.Id, payment.Id);
    }

    /// <summary>
    /// Whether a requested refund can still be made: not when refunds reported made at the provider
    /// leave less than it asks for (the provider would refuse it).
    /// </summary>
    public static bool StillFits(Payment payment, Refund refund) => payment.RefundedMinor + refund.AmountMinor <= payment.AmountMinor;

    /// <summary>
    /// A requested refund that no longer fits (<see cref="StillFits"/>) fails without the provider
    /// being asked and without a review: the money went back another way. The caller holds the
    /// payment's lock and has seen the refund still requested.
    /// </summary>
    public void DropOverlappedRefund(Payment payment, Refund refund)
    {
        var left = new Money(payment.AmountMinor - payment.RefundedMinor, Core.Currency.Parse(payment.Currency));
        var reason = $"not made: refunds made at the provider leave {left} of the payment, less than this refund";
        Release(payment, refund, reason);
        Log(payment, OperationKind.Response, $"refund {refund.Id} {reason}");
    }

    private void Release(Payment payment, Refund refund, string reason)
    {
        refund.Status = RefundStatus.Failed;
        refund.Error = ExecuteRefund.Cut(reason);
        refund.SettledAt = time.GetUtcNow();
        payment.RefundReservedMinor -= refund.AmountMinor;
    }

    public void Log(Payment payment, OperationKind kind, string summary, string? detail = null) =>
        db.PaymentOperations.Add(new PaymentOperation
        {
            TenantId = "", Id = ids.New("op"), PaymentId = payment.Id, Kind = kind,
            Summary = Api.Text.Cut(summary, 500)!, Detail = detail, CreatedAt = time.GetUtcNow(),
        });

    private IPaymentPurpose PurposeOf(Payment payment) => purposes.Of(payment.Purpose);
}

public static class PaymentPurposes
{
    /// <summary>The handler of <paramref name="purpose"/> (<c>kind:id</c>).</summary>
    public static IPaymentPurpose Of(this IEnumerable<IPaymentPurpose> purposes, string purpose)
    {
        var kind = purpose.Split(':', 2)[0];
        return purposes.FirstOrDefault(p => p.Kind == kind)
            ?? throw new InvalidOperationException($"No handler for payment purpose '{kind}'.");
    }
}
