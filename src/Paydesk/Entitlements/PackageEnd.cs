using Microsoft.EntityFrameworkCore;
using Paydesk.Core;
using Paydesk.Jobs;
using Paydesk.Storage;

namespace Paydesk.Entitlements;

/// <summary>
/// The <c>close-ended-package</c> job, queued with a package that has an end: at its end the
/// sessions never used are delivered as far as the fiscal receipts go (the service is over, the
/// money kept), so what the package prepaid is closed (<see cref="Payments.Fiscal.ClosingReceipts.EndedAsync"/>).
/// </summary>
internal sealed class PackageEnd(TimeProvider time) : IJobHandler
{
    public const string JobKind = "close-ended-package";

    public string Kind => JobKind;

    public async Task<JobOutcome> RunAsync(JobRun run, IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<PaydeskDb>();
        var closing = services.GetRequiredService<Payments.Fiscal.ClosingReceipts>();
        var now = time.GetUtcNow();
        return await db.InTransactionAsync(async () =>
        {
            var package = await db.LockedAsync<Entitlement>(run.Payload, ct);
            if (package is not { Status: EntitlementStatus.Active, SessionsTotal: { } total, EndsAt: { } end }) return JobOutcome.Done;
            // Not due yet (a clock behind the one that queued it): it comes back when it is.
            if (end > now) return JobOutcome.Later(end);
            await closing.EndedAsync($"{package.SourceKind}:{package.SourceId}", package.Id, package.SourceLineId, package.SessionsUsed, total,
                () => RestDeliveredAsync(db, package, now, ct), ct);
            await db.SaveChangesAsync(ct);
            return JobOutcome.Done;
        }, ct);
    }

    /// <summary>
    /// Whether the purchase's other packages are delivered too — used up, taken back or ended — so
    /// nothing it prepaid is left to deliver.
    /// </summary>
    public static async Task<bool> RestDeliveredAsync(PaydeskDb db, Entitlement package, DateTimeOffset now, CancellationToken ct) =>
        !await db.Entitlements.AnyAsync(e => e.SourceKind == package.SourceKind && e.SourceId == package.SourceId && e.Id != package.Id
            && e.SessionsTotal != null && e.Status == EntitlementStatus.Active && (e.EndsAt == null || e.EndsAt > now), ct);
}
