using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Paydesk.Catalog;
using Paydesk.Core;
using Paydesk.Entitlements;
using Paydesk.Invoices;
using Paydesk.Orders;
using Paydesk.Payments;
using Paydesk.Payments.Mock;
using Paydesk.Storage;

namespace Paydesk.Tests.Infrastructure;

/// <summary>
/// One tenant's money as the database holds it — payments, refunds, the operations log, the inbox,
/// orders, invoices, entitlements — beside the Mock provider's own record of the same charges.
/// </summary>
public sealed record Books(
    IReadOnlyList<Payment> Payments, IReadOnlyList<Refund> Refunds, IReadOnlyList<PaymentOperation> Operations,
    IReadOnlyList<WebhookEvent> Inbox, IReadOnlyList<Order> Orders, IReadOnlyList<Invoice> Invoices, IReadOnlyList<CreditNote> CreditNotes,
    IReadOnlyList<Entitlement> Entitlements, IReadOnlyList<PlanGrant> Grants, IReadOnlyList<Paydesk.Jobs.Job> Jobs,
    IReadOnlyList<MockCharge> Charges, IReadOnlyList<MockRefund> ProviderRefunds)
{
    public MockCharge? ChargeOf(string paymentId) => Charges.FirstOrDefault(c => c.PaymentId == paymentId);

    public IEnumerable<MockRefund> ProviderRefundsOf(string paymentId) =>
        ChargeOf(paymentId) is { } charge ? ProviderRefunds.Where(r => r.ChargeId == charge.Id) : [];
}

/// <summary>
/// Checks the invariants that must hold whenever the system is at rest (ARCHITECTURE 4–7 and 11),
/// the way TigerBeetle's auditor and Jepsen's bank checker do: from what is stored, not from what
/// the requests answered. It remembers what it saw the time before, to tell that states only
/// moved forward. Each check answers what it found wrong, in words that name the row.
/// </summary>
public sealed partial class MoneyAuditor(PaydeskHost host, string tenantId)
{
    private static readonly PaymentStatus[] Captured = [PaymentStatus.Succeeded, PaymentStatus.PartiallyRefunded, PaymentStatus.Refunded];
    private static readonly OrderStatus[] Granting = [OrderStatus.Paid, OrderStatus.Fulfilled, OrderStatus.PartiallyRefunded];

    private readonly Lock _lock = new();
    private readonly HashSet<string> _toldOtherwise = [];
    private Dictionary<string, PaymentStatus> _payments = [];
    private Dictionary<string, OrderStatus> _orders = [];
    private Dictionary<string, EntitlementStatus> _entitlements = [];
    private Dictionary<string, RefundStatus> _refunds = [];
    private int _logsRead;

    /// <summary>
    /// The payment was told, with the provider's signature, something the provider never did: a
    /// refund it did not make, a success it did not see. Paydesk must believe a signed notification,
    /// so for this payment its record and the provider's may rightly differ; every other invariant still holds.
    /// </summary>
    public void ToldOtherwise(string paymentId)
    {
        lock (_lock) _toldOtherwise.Add(paymentId);
    }

    private bool WasToldOtherwise(string paymentId)
    {
        lock (_lock) return _toldOtherwise.Contains(paymentId);
    }

    public async Task<Books> ReadAsync()
    {
        var books = await host.InTenantAsync(tenantId, async db => new Books(
            await db.Payments.AsNoTracking().ToListAsync(),
            await db.Refunds.AsNoTracking().ToListAsync(),
            await db.PaymentOperations.AsNoTracking().Where(o => o.Kind == OperationKind.Transition || o.Kind == OperationKind.Review).ToListAsync(),
            await db.WebhookEvents.AsNoTracking().ToListAsync(),
            await db.Orders.AsNoTracking().Include(o => o.Lines).ToListAsync(),
            await db.Invoices.AsNoTracking().ToListAsync(),
            await db.CreditNotes.AsNoTracking().ToListAsync(),
            await db.Entitlements.AsNoTracking().ToListAsync(),
            await db.PlanGrants.AsNoTracking().ToListAsync(),
            await db.Jobs.AsNoTracking().ToListAsync(),
            [], []));
        var accounts = await host.InTenantAsync(tenantId, db => db.ProviderAccounts.AsNoTracking().Select(a => a.Id).ToListAsync());
        // The provider's own tables are its, not a tenant's: read the way the provider reads them.
        var charges = await host.RunAsync<PaydeskDb, List<MockCharge>>(db =>
            db.MockCharges.AsNoTracking().Where(c => accounts.Contains(c.AccountId)).ToListAsync());
        var chargeIds = charges.Select(c => c.Id).ToList();
        var providerRefunds = await host.RunAsync<PaydeskDb, List<MockRefund>>(db =>
            db.MockRefunds.AsNoTracking().Where(r => chargeIds.Contains(r.ChargeId)).ToListAsync());
        return books with { Charges = charges, ProviderRefunds = providerRefunds };
    }

    /// <summary>
    /// Reads the books and answers every invariant they break. <paramref name="final"/>: every
    /// payment the provider may know more about has just been reconciled, so Paydesk's outcome
    /// must be the provider's.
    /// </summary>
    public async Task<(Books Books, List<string> Broken)> CheckAsync(bool final = false)
    {
        var books = await ReadAsync();
        var broken = new List<string>();
        CheckPayments(books, broken);
        CheckProvider(books, broken, final);
        CheckEvents(books, broken);
        CheckOrders(books, broken);
        CheckCreditNotes(books, broken);
        CheckEntitlements(books, broken);
        CheckForward(books, broken);
        CheckAtRest(books, broken);
        return (books, broken);
    }

    /// <summary>
    /// Nothing failed on the way: no job failed or died, none is due or running (the system is at
    /// rest), and Paydesk logged no error since the last check. Here every provider answers, so a
    /// failure is a bug, not an outage.
    /// </summary>
    private void CheckAtRest(Books books, List<string> broken)
    {
        var now = host.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        foreach (var job in books.Jobs.Where(j => j.State is Paydesk.Jobs.JobState.Dead or Paydesk.Jobs.JobState.Running || j.LastError is not null
                     || (j.State == Paydesk.Jobs.JobState.Queued && j.DueAt <= now)))
            broken.Add($"job {job.Key} is {job.State} (due {job.DueAt:O}, {job.Attempts} attempts){(job.LastError is { } error ? $": {error}" : "")}");
        var lines = host.Logs.Lines.ToList();
        foreach (var line in lines.Skip(_logsRead).Where(l => (l.StartsWith("Error ", StringComparison.Ordinal) || l.StartsWith("Critical ", StringComparison.Ordinal))
                     && l.Contains(" Paydesk.", StringComparison.Ordinal)))
            broken.Add($"logged: {(line.Length > 600 ? line[..600] : line)}");
        _logsRead = lines.Count;
    }

    /// <summary>Refunded ≤ reserved ≤ captured (see below), each sum is its refunds' sum, the status says the same as the sums.</summary>
    private static void CheckPayments(Books books, List<string> broken)
    {
        foreach (var p in books.Payments)
        {
            var refunds = books.Refunds.Where(r => r.PaymentId == p.Id).ToList();
            var done = refunds.Where(r => r.Status == RefundStatus.Succeeded).Sum(r => r.AmountMinor);
            var promised = refunds.Where(r => r.Status != RefundStatus.Failed).Sum(r => r.AmountMinor);
            var name = $"payment {p.Id} ({p.Status.ToApi()}, {p.AmountMinor})";
            // A refund made at the provider is recorded even over refunds Paydesk requested meanwhile;
            // those it leaves no room for are failed when their turn comes. Until then, and only by
            // them, the promise may exceed the amount.
            var overlapped = refunds.Where(r => r.Status == RefundStatus.Requested && p.RefundedMinor + r.AmountMinor > p.AmountMinor).Sum(r => r.AmountMinor);
            if (!(0 <= p.RefundedMinor && p.RefundedMinor <= p.RefundReservedMinor && p.RefundedMinor <= p.AmountMinor
                  && p.RefundReservedMinor <= p.AmountMinor + overlapped))
                broken.Add($"{name}: not 0 ≤ refunded {p.RefundedMinor} ≤ reserved {p.RefundReservedMinor} ≤ amount {p.AmountMinor} (+ {overlapped} that no longer fits)");
            if (p.RefundedMinor != done)
                broken.Add($"{name}: refunded {p.RefundedMinor}, but its succeeded refunds sum to {done}");
            if (p.RefundReservedMinor != promised)
                broken.Add($"{name}: reserved {p.RefundReservedMinor}, but its refunds not failed sum to {promised}");
            var expected = p.RefundedMinor == 0 ? null
                : p.RefundedMinor == p.AmountMinor ? PaymentStatus.Refunded : (PaymentStatus?)PaymentStatus.PartiallyRefunded;
            if (expected is { } refundStatus ? p.Status != refundStatus : p.Status is PaymentStatus.PartiallyRefunded or PaymentStatus.Refunded)
                broken.Add($"{name}: refunded {p.RefundedMinor} of {p.AmountMinor}, yet the status is {p.Status.ToApi()}");
            if (p.RefundReservedMinor > 0 && !Captured.Contains(p.Status))
                broken.Add($"{name}: {p.RefundReservedMinor} promised back on a payment that took nothing");
            foreach (var r in refunds.Where(r => r.AmountMinor <= 0 || r.Currency != p.Currency))
                broken.Add($"{name}: refund {r.Id} of {r.AmountMinor} {r.Currency}");
            foreach (var twice in refunds.Where(r => r.ProviderRefundId is not null).GroupBy(r => r.ProviderRefundId).Where(g => g.Count() > 1))
                broken.Add($"{name}: provider refund {twice.Key} recorded {twice.Count()} times ({string.Join(", ", twice.Select(r => r.Id))})");
        }
        foreach (var twice in books.Refunds.Where(r => r.ProviderRefundId?.StartsWith("mre_", StringComparison.Ordinal) == true)
                     .GroupBy(r => r.ProviderRefundId).Where(g => g.Count() > 1))
            broken.Add($"the provider's refund {twice.Key} is recorded on {twice.Count()} refunds: {string.Join(", ", twice.Select(r => $"{r.Id} of {r.PaymentId}"))}");
    }

    /// <summary>
    /// The provider never gives back more than it took; Paydesk records each refund the provider
    /// made once (or flags the payment for a person) and none it did not make; outcomes agree.
    /// </summary>
    private void CheckProvider(Books books, List<string> broken, bool final)
    {
        foreach (var charge in books.Charges)
        {
            var given = books.ProviderRefunds.Where(r => r.ChargeId == charge.Id).Sum(r => r.AmountMinor);
            if (charge.RefundedMinor > charge.AmountMinor || given != charge.RefundedMinor)
                broken.Add($"mock charge {charge.Id} of {charge.PaymentId}: took {charge.AmountMinor}, says it refunded {charge.RefundedMinor}, its refunds sum to {given}");
        }

        foreach (var p in books.Payments)
        {
            var charge = books.ChargeOf(p.Id);
            var refunds = books.Refunds.Where(r => r.PaymentId == p.Id).ToList();
            var name = $"payment {p.Id} ({p.Status.ToApi()}; at the provider {charge?.Status ?? "no charge"})";
            var flagged = books.Operations.Any(o => o.PaymentId == p.Id && o.Kind == OperationKind.Review
                && o.Summary.Contains("refund", StringComparison.OrdinalIgnoreCase) && !o.Summary.Contains("refunded automatically", StringComparison.Ordinal));

            // Each refund Paydesk says the provider made, the provider made: with that key, that amount, once.
            foreach (var r in refunds.Where(r => r.ProviderRefundId?.StartsWith("mre_", StringComparison.Ordinal) == true))
            {
                var made = books.ProviderRefunds.FirstOrDefault(m => MockProvider.RefundIdFor(m.IdempotencyKey) == r.ProviderRefundId);
                if (made is null || made.ChargeId != charge?.Id || (r.Status == RefundStatus.Succeeded && made.AmountMinor != r.AmountMinor))
                    broken.Add($"{name}: refund {r.Id} ({r.Status}, {r.AmountMinor}) names provider refund {r.ProviderRefundId}, " +
                        $"which the provider has {(made is null ? "not made" : $"made of {made.AmountMinor} on charge {made.ChargeId}")}");
            }
            // Paydesk's own refunds reach the provider with their own id as the key: once, and recorded when made —
            // unless refunds the provider reported made leave no room for it (it said two things that cannot both
            // be true): then it is not recorded, and a person is told of this very refund.
            foreach (var r in refunds.Where(r => r.Origin != RefundOrigin.Provider))
            {
                var made = books.ProviderRefunds.FirstOrDefault(m => m.IdempotencyKey == r.Id);
                var toldOfIt = r.Status == RefundStatus.Failed && WasToldOtherwise(p.Id)
                    && books.Operations.Any(o => o.PaymentId == p.Id && o.Kind == OperationKind.Review && o.Summary.Contains(r.Id, StringComparison.Ordinal));
                if (made is not null && r.Status != RefundStatus.Succeeded && !toldOfIt)
                    broken.Add($"{name}: the provider made refund {r.Id} of {made.AmountMinor}, Paydesk has it {r.Status}");
                if (made is null && r.Status == RefundStatus.Succeeded)
                    broken.Add($"{name}: refund {r.Id} of {r.AmountMinor} is recorded as made, the provider never made it");
            }
            // Refunds made in the provider's dashboard are recorded once, or the payment waits for a person.
            foreach (var m in books.ProviderRefundsOf(p.Id).Where(m => m.IdempotencyKey.StartsWith(MockProvider.DashboardKeyPrefix, StringComparison.Ordinal)))
            {
                var recorded = refunds.Count(r => r.ProviderRefundId == MockProvider.RefundIdFor(m.IdempotencyKey) && r.Status == RefundStatus.Succeeded);
                if (recorded != 1 && !(recorded == 0 && flagged))
                    broken.Add($"{name}: the provider's dashboard refund {m.IdempotencyKey} of {m.AmountMinor} is recorded {recorded} times and nobody was told");
            }
            var confirmed = refunds.Where(r => r.Status == RefundStatus.Succeeded && r.ProviderRefundId?.StartsWith("mre_", StringComparison.Ordinal) == true).Sum(r => r.AmountMinor);
            if (confirmed > (charge?.RefundedMinor ?? 0))
                broken.Add($"{name}: Paydesk records {confirmed} given back by the provider, the provider gave back {charge?.RefundedMinor ?? 0}");

            // Money the provider took is never written off as not taken, and once asked, Paydesk knows it was.
            var atProvider = charge is null ? PaymentStatus.Canceled : MockProvider.StatusOf(charge.Status);
            if (atProvider == PaymentStatus.Succeeded && (p.Status is PaymentStatus.Failed or PaymentStatus.Canceled or PaymentStatus.Expired
                    || (final && !Captured.Contains(p.Status))))
                broken.Add($"{name}: the provider took the money{(final ? " and was asked" : "")}, Paydesk says {p.Status.ToApi()}");

            if (WasToldOtherwise(p.Id)) continue;
            if (charge is not null && p.RefundedMinor != charge.RefundedMinor && !flagged)
                broken.Add($"{name}: Paydesk refunded {p.RefundedMinor}, the provider {charge.RefundedMinor}, and the payment is not flagged for a person");
            var agrees = p.Status switch
            {
                PaymentStatus.Succeeded or PaymentStatus.PartiallyRefunded or PaymentStatus.Refunded => atProvider == PaymentStatus.Succeeded,
                PaymentStatus.Failed or PaymentStatus.Canceled or PaymentStatus.Expired => atProvider == p.Status,
                // Unsettled: the reconciler settles it once the provider does; after a final reconcile it must have.
                _ => !final || !PaymentStates.IsSettled(atProvider),
            };
            if (!agrees) broken.Add($"{name}: Paydesk and the provider disagree on the outcome{(final ? " after a reconcile" : "")}");
        }
    }

    /// <summary>Each provider event applied at most once: once in the inbox, one success per payment, one invoice per order.</summary>
    private static void CheckEvents(Books books, List<string> broken)
    {
        foreach (var twice in books.Inbox.GroupBy(e => (e.Provider, e.AccountId, e.ProviderEventId)).Where(g => g.Count() > 1))
            broken.Add($"event {twice.Key.ProviderEventId} is in the inbox {twice.Count()} times");
        foreach (var p in books.Payments)
        {
            var moves = Transitions(books, p.Id).ToList();
            foreach (var (from, to, summary) in moves.Where(m => !PaymentStates.CanMove(m.From, m.To)))
                broken.Add($"payment {p.Id}: the log shows a move the state machine refuses: {summary}");
            foreach (var status in new[] { PaymentStatus.Succeeded, PaymentStatus.Refunded })
            {
                var into = moves.Where(m => m.To == status).ToList();
                if (into.Count > 1)
                    broken.Add($"payment {p.Id} moved to {status.ToApi()} {into.Count} times: {string.Join(" | ", into.Select(m => m.Summary))}");
            }
        }
        foreach (var twice in books.Invoices.GroupBy(i => i.Source).Where(g => g.Count() > 1))
            broken.Add($"{twice.Key} has {twice.Count()} invoices: {string.Join(", ", twice.Select(i => i.Number))}");
    }

    /// <summary>
    /// Every refund recorded on an invoiced payment has one credit note of its amount and nothing else
    /// does; an invoice's credited total is its credit notes'; the numbers of each kind run from one without a gap.
    /// </summary>
    private static void CheckCreditNotes(Books books, List<string> broken)
    {
        var invoiced = books.Invoices.ToDictionary(i => i.PaymentId);
        var owed = books.Refunds.Where(r => r.Status == RefundStatus.Succeeded && invoiced.ContainsKey(r.PaymentId)).ToDictionary(r => r.Id);
        foreach (var note in books.CreditNotes)
            if (!owed.TryGetValue(note.RefundId, out var refund) || refund.AmountMinor != note.AmountMinor || invoiced[refund.PaymentId].Id != note.InvoiceId)
                broken.Add($"credit note {note.Number} of {note.AmountMinor} for refund {note.RefundId} matches no refund of its invoice's payment");
        foreach (var refund in owed.Values.Where(r => books.CreditNotes.Count(n => n.RefundId == r.Id) != 1))
            broken.Add($"refund {refund.Id} of invoiced payment {refund.PaymentId} has {books.CreditNotes.Count(n => n.RefundId == refund.Id)} credit notes");
        foreach (var invoice in books.Invoices)
        {
            var credited = books.CreditNotes.Where(n => n.InvoiceId == invoice.Id).Sum(n => n.AmountMinor);
            var payment = books.Payments.FirstOrDefault(p => p.Id == invoice.PaymentId);
            if (invoice.CreditedMinor != credited || payment is null || payment.RefundedMinor != credited)
                broken.Add($"invoice {invoice.Number} credited {invoice.CreditedMinor}, its credit notes {credited}, its payment refunded {payment?.RefundedMinor}");
        }
        var sequences = books.CreditNotes.Select(n => n.Sequence).Order().ToList();
        if (!sequences.SequenceEqual(Enumerable.Range(1, sequences.Count).Select(i => (long)i)))
            broken.Add($"credit note numbers are not 1..{sequences.Count} without gaps: {string.Join(", ", sequences)}");
        var invoiceSequences = books.Invoices.Select(i => i.Sequence).Order().ToList();
        if (!invoiceSequences.SequenceEqual(Enumerable.Range(1, invoiceSequences.Count).Select(i => (long)i)))
            broken.Add($"invoice numbers are not 1..{invoiceSequences.Count} without gaps: {string.Join(", ", invoiceSequences)}");
        foreach (var invoice in books.Invoices.Where(i => !i.Number.EndsWith($"{i.Sequence:D6}", StringComparison.Ordinal)))
            broken.Add($"invoice {invoice.Id} is numbered {invoice.Number}, not by its sequence {invoice.Sequence}");
    }

    /// <summary>
    /// An order is paid by exactly one payment, which has its invoice, its refunds and the status
    /// that follows from them; any other payment that took money for it is being given back.
    /// </summary>
    private static void CheckOrders(Books books, List<string> broken)
    {
        foreach (var o in books.Orders)
        {
            var name = $"order {o.Id} ({o.Status.ToApi()})";
            var payments = books.Payments.Where(p => p.Purpose == OrderPurpose.For(o.Id)).ToList();
            var invoices = books.Invoices.Where(i => i.Source == OrderPurpose.SourceOf(o)).ToList();
            var paid = o.Status is OrderStatus.Paid or OrderStatus.Fulfilled or OrderStatus.PartiallyRefunded or OrderStatus.Refunded;
            if (paid != (o.PaidByPaymentId is not null))
                broken.Add($"{name}: paid by {o.PaidByPaymentId ?? "no payment"}");
            if (o.Status == OrderStatus.Paid)
                broken.Add($"{name}: at rest, yet not fulfilled ({o.FulfilmentError ?? "no error"})");
            if (o.PaidByPaymentId is { } by)
            {
                if (invoices.Count != 1 || invoices[0].PaymentId != by)
                    broken.Add($"{name}: paid by {by}, invoiced {string.Join(", ", invoices.Select(i => $"{i.Number} for {i.PaymentId}"))}");
                var payer = payments.FirstOrDefault(p => p.Id == by);
                if (payer is null || !Captured.Contains(payer.Status))
                    broken.Add($"{name}: paid by {by}, which is {(payer is null ? "not a payment of this order" : payer.Status.ToApi())}");
                else
                {
                    var follows = payer.Status switch
                    {
                        PaymentStatus.Succeeded => OrderStatus.Fulfilled,
                        PaymentStatus.PartiallyRefunded => OrderStatus.PartiallyRefunded,
                        _ => OrderStatus.Refunded,
                    };
                    if (o.Status != follows || o.RefundedMinor != payer.RefundedMinor)
                        broken.Add($"{name}: refunded {o.RefundedMinor}, its payment {by} is {payer.Status.ToApi()} and refunded {payer.RefundedMinor}");
                }
            }
            else if (invoices.Count > 0)
                broken.Add($"{name}: unpaid, yet invoiced {string.Join(", ", invoices.Select(i => i.Number))}");
            foreach (var other in payments.Where(p => p.Id != o.PaidByPaymentId && Captured.Contains(p.Status)))
                if (!books.Refunds.Any(r => r.PaymentId == other.Id && r.Origin == RefundOrigin.Automatic))
                    broken.Add($"{name}: payment {other.Id} also took {other.AmountMinor} ({other.Status.ToApi()}) and nothing gives it back");
        }
    }

    /// <summary>Each grant is active if and only if its purchase is paid and not refunded in full; a paid purchase has all its grants.</summary>
    private static void CheckEntitlements(Books books, List<string> broken)
    {
        var orders = books.Orders.ToDictionary(o => o.Id);
        foreach (var e in books.Entitlements)
        {
            var order = e.SourceKind == OrderPurpose.SourceKind ? orders.GetValueOrDefault(e.SourceId) : null;
            var shouldBeActive = order is not null && Granting.Contains(order.Status);
            if ((e.Status == EntitlementStatus.Active) != shouldBeActive)
                broken.Add($"entitlement {e.Id} ({e.Kind}) is {e.Status.ToApi()}, its source {e.Source} is {order?.Status.ToApi() ?? "missing"}");
        }
        foreach (var o in books.Orders.Where(o => o.Status is OrderStatus.Fulfilled or OrderStatus.PartiallyRefunded))
        {
            var owed = o.Lines.Where(l => l.Kind == OrderLineKind.Plan)
                .SelectMany(l => books.Grants.Where(g => g.PlanId == l.PlanId && g.PlanVersion == l.PlanVersion && g.Kind != GrantKind.Product)
                    .Select(g => (Line: l.Id, Grant: g.Id)))
                .ToList();
            var given = books.Entitlements.Where(e => e.Source == OrderPurpose.SourceOf(o)).Select(e => (Line: e.SourceLineId, Grant: e.GrantId)).ToList();
            if (owed.Count != given.Count || owed.Except(given).Any())
                broken.Add($"order {o.Id} ({o.Status.ToApi()}, paid by {o.PaidByPaymentId}) owes {owed.Count} grants and has {given.Count} entitlements");
        }
    }

    /// <summary>Statuses only move forward: each is the one seen last time, or one the state machine reaches from it.</summary>
    private void CheckForward(Books books, List<string> broken)
    {
        var payments = books.Payments.ToDictionary(p => p.Id, p => p.Status);
        var orders = books.Orders.ToDictionary(o => o.Id, o => o.Status);
        var entitlements = books.Entitlements.ToDictionary(e => e.Id, e => e.Status);
        var refunds = books.Refunds.ToDictionary(r => r.Id, r => r.Status);
        Forward("payment", _payments, payments, PaymentStates.CanMove, s => s.ToApi(), broken);
        Forward("order", _orders, orders, OrderStates.CanMove, s => s.ToApi(), broken);
        Forward("entitlement", _entitlements, entitlements, EntitlementStates.CanMove, s => s.ToApi(), broken);
        Forward("refund", _refunds, refunds, (from, to) => from == RefundStatus.Requested && to != RefundStatus.Requested, s => s.ToString(), broken);
        foreach (var gone in _payments.Keys.Except(payments.Keys).Concat(_orders.Keys.Except(orders.Keys))
                     .Concat(_entitlements.Keys.Except(entitlements.Keys)).Concat(_refunds.Keys.Except(refunds.Keys)))
            broken.Add($"{gone} was there last time and is gone");
        (_payments, _orders, _entitlements, _refunds) = (payments, orders, entitlements, refunds);
    }

    private static void Forward<T>(string what, Dictionary<string, T> before, Dictionary<string, T> now, Func<T, T, bool> canMove,
        Func<T, string> name, List<string> broken) where T : struct, Enum
    {
        foreach (var (id, status) in now)
            if (before.TryGetValue(id, out var was) && !EqualityComparer<T>.Default.Equals(was, status) && !Reaches(was, status, canMove))
                broken.Add($"{what} {id} went from {name(was)} to {name(status)}, which its state machine never reaches");
    }

    private static bool Reaches<T>(T from, T to, Func<T, T, bool> canMove) where T : struct, Enum
    {
        var seen = new HashSet<T> { from };
        var next = new Queue<T>([from]);
        while (next.TryDequeue(out var state))
            foreach (var step in Enum.GetValues<T>().Where(s => canMove(state, s) && seen.Add(s)))
            {
                if (EqualityComparer<T>.Default.Equals(step, to)) return true;
                next.Enqueue(step);
            }
        return false;
    }

    /// <summary>The moves the operations log records for a payment: "pending → succeeded (notification mevt_…)".</summary>
    private static IEnumerable<(PaymentStatus From, PaymentStatus To, string Summary)> Transitions(Books books, string paymentId)
    {
        foreach (var o in books.Operations.Where(o => o.PaymentId == paymentId && o.Kind == OperationKind.Transition))
        {
            var move = Move().Match(o.Summary);
            if (move.Success && PaymentStates.TryParseApi(move.Groups[1].Value, out var from) && PaymentStates.TryParseApi(move.Groups[2].Value, out var to))
                yield return (from, to, o.Summary);
            else
                throw new InvalidOperationException($"A transition the auditor cannot read: '{o.Summary}'");
        }
    }

    [GeneratedRegex(@"^(\w+) → (\w+) \(")]
    private static partial Regex Move();
}
