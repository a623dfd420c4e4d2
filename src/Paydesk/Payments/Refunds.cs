using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Core;
using Paydesk.Storage;
using Paydesk.Tenancy;

namespace Paydesk.Payments;

public sealed record RefundInput(MoneyInput? Amount, string? Reason);

public sealed record RefundView(string Id, string PaymentId, string Status, MoneyView Amount, string Reason, bool Automatic, string? Error, DateTimeOffset CreatedAt, DateTimeOffset? SettledAt)
{
    public static RefundView From(Refund r) => new(
        r.Id, r.PaymentId, r.Status.ToString().ToLowerInvariant(), MoneyView.From(r.AmountMinor, r.Currency), r.Reason, r.Automatic, r.Error, r.CreatedAt, r.SettledAt);
}

/// <summary>An admin gives money back, all of it or part: recorded first, then carried out at the provider.</summary>
public sealed class RequestRefund(PaydeskDb db, PaymentOutcomes outcomes)
{
    public async Task<Result<Refund>> Run(string paymentId, RefundInput input, CancellationToken ct)
    {
        var payment = await db.Payments.FirstOrDefaultAsync(p => p.Id == paymentId, ct);
        if (payment is null) return Problem.NotFound("payment", paymentId);
        if (payment.Status is not (PaymentStatus.Succeeded or PaymentStatus.PartiallyRefunded))
            return Problem.Conflict($"The payment is {payment.Status.ToApi()}; only a succeeded payment can be refunded.");

        var requested = await db.Refunds.Where(r => r.PaymentId == paymentId && r.Status == RefundStatus.Requested).SumAsync(r => r.AmountMinor, ct);
        var refundable = payment.AmountMinor - payment.RefundedMinor - requested;
        var errors = new FieldErrors();
        var amount = input.Amount is null ? refundable : errors.Price("amount", input.Amount, payment.Amount.Currency)?.Minor ?? 0;
        var reason = errors.OptionalText("reason", input.Reason, 500) ?? "Refunded by the merchant";
        if (!errors.Any && (amount <= 0 || amount > refundable))
            errors.Add(input.Amount is null ? "amount" : "amount.amount",
                $"must be between 1 and {refundable} minor units: what is left of the payment after refunds already made or requested.");
        if (errors.Any) return errors.ToProblem();

        var refund = outcomes.AddRefund(payment, amount, reason, automatic: false);
        await db.SaveChangesAsync(ct);
        return refund;
    }
}

/// <summary>
/// Carries out a requested refund at the provider. The refund is claimed with a conditional
/// update first, so two processes never both ask; the refund's id is the provider's idempotency
/// key, so asking again after a crash refunds once.
/// </summary>
public sealed class ExecuteRefund(PaydeskDb db, ProviderRegistry providers, PaymentOutcomes outcomes, TimeProvider time, ILogger<ExecuteRefund> log)
{
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);
    public static readonly TimeSpan[] Backoff = [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10), TimeSpan.FromHours(1), TimeSpan.FromHours(6)];

    public async Task<Refund?> RunAsync(string refundId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var claimed = await db.Refunds
            .Where(r => r.Id == refundId && r.Status == RefundStatus.Requested && r.NextAttemptAt <= now)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.NextAttemptAt, PaydeskDb.Stored(now + Lease)), ct);
        if (claimed == 0) return await db.Refunds.FirstOrDefaultAsync(r => r.Id == refundId, ct);

        var refund = await db.Refunds.FirstAsync(r => r.Id == refundId, ct);
        var payment = await db.Payments.FirstAsync(p => p.Id == refund.PaymentId, ct);
        var account = await db.ProviderAccounts.FirstAsync(a => a.Id == payment.ProviderAccountId, ct);
        var provider = providers.Find(payment.Provider)
            ?? throw new InvalidOperationException($"Provider {payment.Provider} is not enabled; refund {refund.Id} waits.");

        outcomes.Log(payment, OperationKind.Request, $"refund {refund.Id} of {refund.AmountMinor} {refund.Currency} sent to {provider.Name}");
        ProviderRefundResult result;
        try
        {
            result = await provider.RefundAsync(account, payment, refund, ct);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or TaskCanceledException)
        {
            result = new ProviderRefundResult(false, null, $"no answer: {e.Message}");
        }

        refund.Attempts++;
        if (result.Succeeded)
        {
            refund.Status = RefundStatus.Succeeded;
            refund.ProviderRefundId = result.ProviderRefundId;
            refund.SettledAt = time.GetUtcNow();
            refund.NextAttemptAt = null;
            outcomes.Log(payment, OperationKind.Response, $"refund {refund.Id} done at {provider.Name} ({result.ProviderRefundId})");
            await outcomes.RecordRefundAsync(payment, refund, ct);
        }
        else
        {
            refund.Error = result.Error?.Length > 500 ? result.Error[..500] : result.Error;
            outcomes.Log(payment, OperationKind.Response, $"refund {refund.Id} refused or unanswered: {result.Error}");
            if (refund.Attempts > Backoff.Length)
            {
                refund.Status = RefundStatus.Failed;
                refund.NextAttemptAt = null;
                payment.ReviewReason = $"Refund {refund.Id} failed {refund.Attempts} times: {result.Error}";
                outcomes.Log(payment, OperationKind.Review, payment.ReviewReason);
            }
            else
            {
                refund.NextAttemptAt = time.GetUtcNow() + Backoff[refund.Attempts - 1];
            }
            log.LogWarning("Refund {RefundId} of payment {PaymentId} not done: {Error}", refund.Id, payment.Id, result.Error);
        }
        await db.SaveChangesAsync(ct);
        return refund;
    }
}

/// <summary>Carries out requested refunds that are due, across tenants.</summary>
internal sealed class RefundJob(IServiceScopeFactory scopes, TimeProvider time, ILogger<RefundJob> log) : BackgroundService
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(30);

    public static Task<int> RunDueAsync(IServiceScopeFactory scopes, DateTimeOffset now, CancellationToken ct) =>
        Jobs.DueWork.ForEachAsync(scopes,
            db => db.Refunds.IgnoreQueryFilters().Where(r => r.Status == RefundStatus.Requested && r.NextAttemptAt <= now)
                .OrderBy(r => r.NextAttemptAt).Select(r => new Jobs.DueRow(r.TenantId, r.Id)),
            async (services, id) => (await services.GetRequiredService<ExecuteRefund>().RunAsync(id, ct))?.Status == RefundStatus.Succeeded, ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Jobs.Periodic.RunAsync(time, Every, async ct =>
        {
            var done = await RunDueAsync(scopes, time.GetUtcNow(), ct);
            if (done > 0) log.LogInformation("Carried out {Count} refunds", done);
        }, log, stoppingToken);
    }
}
