using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Paydesk.Core;
using Paydesk.Payments;
using Paydesk.Payments.Mock;
using Xunit.Abstractions;

namespace Paydesk.Tests.Payments;

/// <summary>
/// Jepsen's bank workload for Paydesk's money. Customers pay and give up on the Mock page, the
/// provider notifies late, twice and out of order, someone replays and forges signed
/// notifications, merchants refund through the API and in the provider's dashboard, admins press
/// "check now" — at random, several at once, round after round. After each round the system is
/// let come to rest and <see cref="MoneyAuditor"/> reads both sets of books.
/// </summary>
/// <remarks>
/// A run prints its seed; <c>PAYDESK_TEST_SEED=…</c> replays the same operations in the same
/// rounds. Their interleaving inside a round is the machine's, so a race that needs one exact
/// interleaving may need a few runs of its seed.
/// </remarks>
public sealed class RandomizedMoneyTests(ITestOutputHelper output)
{
    private const int OrderCount = 16;
    private const int Rounds = 30;
    private static readonly DateTimeOffset Start = new(2026, 5, 4, 9, 0, 0, TimeSpan.Zero);

    /// <summary>Past a late delivery (20 s) and the grace a refund request has to carry its refund out itself (30 s).</summary>
    private static readonly TimeSpan RoundLength = MockPayPage.LateBy + TimeSpan.FromSeconds(11);

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Random_payments_notifications_refunds_and_reconciles_keep_every_money_invariant_after_every_round(Engine engine)
    {
        var seed = Seed();
        output.WriteLine($"seed {seed}: replay with PAYDESK_TEST_SEED={seed}");
        var clock = new FakeTimeProvider(Start);
        // Unpaid orders run out during the run (about two thirds in), so late payments meet expired orders.
        await using var host = await PaydeskHost.StartAsync(engine, new HostOptions
        {
            Clock = clock, Settings = new Dictionary<string, string> { ["Orders:UnpaidExpiryMinutes"] = "12" },
        });
        var shop = await Shop.OpenAsync(host);
        var auditor = new MoneyAuditor(host, shop.Tenant.TenantId);
        var work = new Workload(host, clock, shop, auditor, seed);
        await work.PlaceOrdersAsync(OrderCount);

        var (books, broken) = await auditor.CheckAsync();
        // Every status a payment was seen in at the end of a round: a partial refund may be topped up to a full one later.
        var seen = new HashSet<PaymentStatus>();
        for (var round = 1; round <= Rounds; round++)
        {
            var plan = await work.PlanAsync(books);
            output.WriteLine($"round {round}: {string.Join("; ", plan.Select(op => op.What))}");
            await Task.WhenAll(plan.Select(op => Task.Run(op.Run)));
            clock.Advance(RoundLength);
            await host.SettleAsync();
            (books, broken) = await auditor.CheckAsync();
            if (broken.Count > 0 || !work.WrongAnswers.IsEmpty) Assert.Fail(await ReportAsync(shop.Tenant, seed, engine, $"round {round}", broken, work, plan));
            seen.UnionWith(books.Payments.Select(p => p.Status));
        }

        // Whatever Paydesk still does not know, it asks the provider; then both must tell the same story.
        var unsettled = books.Payments.Where(p => !PaymentStates.IsSettled(p.Status)).Select(p => p.Id).ToList();
        var final = unsettled.Select(id => new Workload.Op($"reconcile {id}", () => work.ReconcileAsync(id, $"final-{id}"))).ToList();
        await Task.WhenAll(final.Select(op => Task.Run(op.Run)));
        await host.SettleAsync();
        (books, broken) = await auditor.CheckAsync(final: true);
        if (broken.Count > 0 || !work.WrongAnswers.IsEmpty) Assert.Fail(await ReportAsync(shop.Tenant, seed, engine, "the final reconcile", broken, work, final));

        output.WriteLine($"{books.Payments.Count} payments ({string.Join(", ", books.Payments.GroupBy(p => p.Status).Select(g => $"{g.Count()} {g.Key.ToApi()}"))}), " +
            $"{books.Refunds.Count} refunds, {books.Inbox.Count} notifications, {books.Invoices.Count} invoices, " +
            $"{books.Entitlements.Count(e => e.Status == EntitlementStatus.Active)} of {books.Entitlements.Count} entitlements active");
        // The run did what it is for: money moved both ways, at both ends.
        Assert.Contains(PaymentStatus.Refunded, seen);
        Assert.Contains(PaymentStatus.PartiallyRefunded, seen);
        Assert.Contains(books.Refunds, r => r.Origin == RefundOrigin.Provider && r.ProviderRefundId!.StartsWith("mre_mdash_", StringComparison.Ordinal));
        Assert.Contains(books.Refunds, r => r.Origin == RefundOrigin.Merchant && r.Status == RefundStatus.Succeeded);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Refunds_racing_on_one_payment_from_the_api_the_dashboard_and_notifications_never_give_back_more_than_was_taken(Engine engine)
    {
        var seed = Seed();
        output.WriteLine($"seed {seed}: replay with PAYDESK_TEST_SEED={seed}");
        var random = new Random(seed);
        var clock = new FakeTimeProvider(Start);
        await using var host = await PaydeskHost.StartAsync(engine, new HostOptions { Clock = clock });
        var shop = await Shop.OpenAsync(host);
        var auditor = new MoneyAuditor(host, shop.Tenant.TenantId);
        var work = new Workload(host, clock, shop, auditor, seed);
        var (_, paymentId) = await shop.Tenant.BuyAsync(shop.Customer, new { planId = shop.Package });
        await work.LearnAccountsAsync();
        var (books, _) = await auditor.CheckAsync();
        var payment = books.Payments.Single();
        var charge = books.ChargeOf(paymentId)!;

        // Four refunds the provider "reports" that it never made, each reported three times under events of its own.
        auditor.ToldOtherwise(paymentId);
        var madeUp = Enumerable.Range(1, 4).Select(i => (Id: $"fre_{seed}_{i}", Amount: (long)random.Next(100, 400) * 100)).ToArray();
        var ops = new List<Workload.Op>();
        for (var i = 0; i < 10; i++)
        {
            long? amount = random.Next(5) == 0 ? null : random.Next(100, 500) * 100L;
            ops.Add(work.ApiRefund(payment.Id, amount));
            ops.Add(work.DashboardRefund(payment.Id, random.Next(100, 500) * 100L));
        }
        for (var i = 0; i < 12; i++)
        {
            var (id, amount) = madeUp[i % madeUp.Length];
            ops.Add(work.Notify(payment, charge.Id, random.Next(2) == 0 ? "refunded" : "partially_refunded", new { id, amount, key = (string?)null },
                $"reported refund {id} of {amount}", twice: i % 3 == 0));
        }
        var shuffled = ops.OrderBy(_ => random.Next()).ToList();

        await Task.WhenAll(shuffled.Select(op => Task.Run(op.Run)));
        clock.Advance(RoundLength);
        await host.SettleAsync();

        (books, var broken) = await auditor.CheckAsync();
        if (broken.Count > 0 || !work.WrongAnswers.IsEmpty) Assert.Fail(await ReportAsync(shop.Tenant, seed, engine, "the race", broken, work, shuffled));

        // The provider reports each refund it made again, three times at once, while refunds of what is left race them: nothing new is recorded twice.
        var again = books.ProviderRefunds.SelectMany(m => Enumerable.Range(0, 3).Select(_ => work.Notify(payment, charge.Id, "partially_refunded",
                new { id = MockProvider.RefundIdFor(m.IdempotencyKey), amount = m.AmountMinor, key = m.IdempotencyKey.StartsWith(MockProvider.DashboardKeyPrefix, StringComparison.Ordinal) ? null : m.IdempotencyKey },
                $"the provider's refund {m.IdempotencyKey} again", twice: false)))
            .Concat(Enumerable.Range(0, 4).Select(_ => work.ApiRefund(payment.Id, null)))
            .OrderBy(_ => random.Next()).ToList();
        await Task.WhenAll(again.Select(op => Task.Run(op.Run)));
        clock.Advance(RoundLength);
        await host.SettleAsync();
        (books, broken) = await auditor.CheckAsync();
        if (broken.Count > 0 || !work.WrongAnswers.IsEmpty) Assert.Fail(await ReportAsync(shop.Tenant, seed, engine, "the reports again", broken, work, again));
        payment = books.Payments.Single();
        charge = books.ChargeOf(paymentId)!;
        output.WriteLine($"Paydesk refunded {payment.RefundedMinor} in {books.Refunds.Count(r => r.Status == RefundStatus.Succeeded)} refunds; " +
            $"the provider {charge.RefundedMinor} in {books.ProviderRefunds.Count}");
        Assert.InRange(payment.RefundedMinor, 1, payment.AmountMinor);
        Assert.InRange(charge.RefundedMinor, 1, charge.AmountMinor);
        Assert.All(madeUp, m => Assert.True(books.Refunds.Count(r => r.ProviderRefundId == m.Id) <= 1, $"seed {seed}: {m.Id} recorded more than once"));
    }

    internal static int Seed() =>
        Environment.GetEnvironmentVariable("PAYDESK_TEST_SEED") is { Length: > 0 } given
            ? int.Parse(given, CultureInfo.InvariantCulture)
            : Random.Shared.Next();

    /// <summary>What broke, what ran then, and the operations log and refunds of each payment named: what a replay alone may not show again.</summary>
    private static async Task<string> ReportAsync(TenantClient tenant, int seed, Engine engine, string when, List<string> broken, Workload work, IEnumerable<Workload.Op> ops)
    {
        var lines = broken.Concat(work.WrongAnswers).Take(25).ToList();
        var report = new System.Text.StringBuilder($"Seed {seed} (PAYDESK_TEST_SEED={seed}), {engine}, after {when}:{Environment.NewLine}")
            .AppendJoin(Environment.NewLine, lines.Select(b => $"  - {b}"))
            .Append($"{Environment.NewLine}What ran then: {string.Join("; ", ops.Select(op => op.What))}");
        foreach (var paymentId in lines.SelectMany(l => System.Text.RegularExpressions.Regex.Matches(l, @"pay_\w+").Select(m => m.Value)).Distinct().Take(3))
        {
            var payment = await tenant.GetOk($"/api/v1/payments/{paymentId}");
            report.Append($"{Environment.NewLine}{paymentId}, its log:");
            foreach (var o in payment.GetProperty("operations").EnumerateArray())
                report.Append($"{Environment.NewLine}    {o.Str("at")} {o.Str("kind")}: {o.Str("summary")}");
            foreach (var r in payment.GetProperty("refunds").EnumerateArray())
                report.Append($"{Environment.NewLine}    refund {r.Id()} {r.Str("status")} {r.GetProperty("amount").GetProperty("amount").GetInt64()} ({r.Str("origin")}): {r.Str("error")}");
        }
        return report.ToString();
    }

    /// <summary>
    /// What the test does to Paydesk and the provider. Plans are drawn from the seeded generator
    /// on one thread, before a round starts, from the books as they stood after the last one; the
    /// operations then run concurrently and note every answer the API does not promise.
    /// </summary>
    private sealed class Workload(PaydeskHost host, FakeTimeProvider clock, Shop shop, MoneyAuditor auditor, int seed)
    {
        public sealed record Op(string What, Func<Task> Run);

        private readonly Random _random = new(seed);
        private readonly HttpClient _browser = new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.BaseAddress };
        private readonly List<string> _orders = [];
        /// <summary>Payments by the plan position of the checkout that made them, so a seed replays the same choices.</summary>
        private readonly SortedList<int, string> _payments = [];
        private readonly List<(string AccountId, string EventId, string Body)> _sent = [];
        private readonly Dictionary<string, List<string>> _madeUpRefunds = [];
        private readonly ConcurrentDictionary<string, int> _applied = new();
        private readonly ConcurrentDictionary<string, string> _secrets = new();
        private int _counter;

        /// <summary>Answers the API does not promise (a 5xx, a status the endpoint never gives), and events applied twice.</summary>
        public ConcurrentQueue<string> WrongAnswers { get; } = new();

        /// <summary>Orders for a few customers, of a package (sessions), a term of telerehab (access), or both.</summary>
        public async Task PlaceOrdersAsync(int count)
        {
            var customers = new[] { shop.Customer, await shop.Tenant.CreateCustomerAsync("Ion Popa", "ion@example.com"), await shop.Tenant.CreateCustomerAsync("Ana Dan", "ana@example.com") };
            object[][] baskets =
            [
                [new { planId = shop.Package }],
                [new { planId = shop.Termed, termMonths = 1 }],
                [new { planId = shop.Termed, termMonths = 3 }],
                [new { planId = shop.Package }, new { planId = shop.Termed, termMonths = 1 }],
            ];
            for (var i = 0; i < count; i++)
            {
                var order = await shop.Tenant.PostOk("/api/v1/orders", new { customerId = customers[i % customers.Length], lines = baskets[_random.Next(baskets.Length)] });
                _orders.Add(order.Id());
            }
        }

        /// <summary>Each payment's notifications are signed with the secret of the account it was made with.</summary>
        public async Task LearnAccountsAsync()
        {
            foreach (var account in await host.InTenantAsync(shop.Tenant.TenantId, db => db.ProviderAccounts.AsNoTracking().ToListAsync()))
                _secrets.TryAdd(account.Id, host.Services.GetRequiredService<ProviderSecrets>().Reveal(account, ProviderSecret.Webhook)!);
        }

        public async Task<List<Op>> PlanAsync(Books books)
        {
            await LearnAccountsAsync();
            List<string> known;
            lock (_payments) known = [.. _payments.Values];
            var payments = known.Select(id => books.Payments.Single(p => p.Id == id)).ToList();
            return Enumerable.Range(0, _random.Next(4, 9)).Select(_ => Pick(books, payments)).ToList();
        }

        private Op Pick(Books books, List<Payment> payments)
        {
            var roll = _random.Next(100);
            if (payments.Count == 0 || roll < 16) return Checkout(books);
            if (roll < 40) return Press(books, payments);
            if (roll < 60) return Forge(books, payments);
            if (roll < 74) return ApiRefund(books, payments);
            if (roll < 86) return DashboardRefund(books, payments);
            if (roll < 96) return Reconcile(payments);
            return Cancel(books);
        }

        private Op Checkout(Books books)
        {
            var order = Prefer(_orders, o => books.Orders.Any(b => b.Id == o && b.Status == OrderStatus.AwaitingPayment), 3);
            var position = Interlocked.Increment(ref _counter);
            var key = $"rnd-{seed}-{position}";
            return new Op($"checkout {order}", async () =>
            {
                var answer = await Expect($"checkout of {order}", shop.Tenant.Post($"/api/v1/orders/{order}/checkout", new { provider = "mock" }, key), 201, 409);
                if (answer.StatusCode != HttpStatusCode.Created) return;
                var paymentId = (await answer.Json()).Str("paymentId");
                lock (_payments) _payments.Add(position, paymentId);
            });
        }

        private Op Press(Books books, List<Payment> payments)
        {
            var payment = Prefer(payments, p => books.ChargeOf(p.Id)?.Status is "open" or "pending", 3);
            var action = Weighted(("succeed", 35), ("decline", 15), ("cancel", 10), ("pending", 15), ("timeout", 25));
            var delivery = Weighted(("normal", 40), ("twice", 20), ("late", 20), ("out_of_order", 20));
            return new Op($"press {action} ({delivery}) on {payment.Id}", () =>
                Expect($"{action} ({delivery}) on the mock page of {payment.Id}",
                    _browser.PostAsync($"/mock-pay/{payment.Id}/{action}", Form("delivery", delivery)), 302));
        }

        /// <summary>
        /// A notification signed with the account's secret, as the provider would sign it: the
        /// provider's outcome again under a new event id, an older event after a newer one, a
        /// replay of one already sent, a refund of any amount under a made-up refund id, the
        /// provider's own refund reported again, or "refunded" naming no refund.
        /// </summary>
        private Op Forge(Books books, List<Payment> payments)
        {
            var payment = payments[_random.Next(payments.Count)];
            var charge = books.ChargeOf(payment.Id);
            var captured = payment.Status is PaymentStatus.Succeeded or PaymentStatus.PartiallyRefunded or PaymentStatus.Refunded;
            var twice = _random.Next(4) == 0;
            var kind = _random.Next(100);
            lock (_sent)
            {
                if (kind < 20 && _sent.Count > 0)
                {
                    var (accountId, eventId, body) = _sent[_random.Next(_sent.Count)];
                    return new Op($"replay {eventId}", () => SendAsync($"replay of {eventId}", accountId, eventId, body));
                }
            }
            if (kind < 40)
            {
                // What the provider says now; "failed" and "canceled" are final there, so this is never a lie.
                var status = charge?.Status switch { "succeeded" => "succeeded", "failed" => "failed", "canceled" => "canceled", _ => "pending" };
                return Notify(payment, charge?.Id, status, null, $"the provider's {status} again", twice);
            }
            if (kind < 55)
            {
                // Older than what Paydesk knows: it must change nothing.
                var status = captured ? Weighted(("failed", 1), ("canceled", 1), ("pending", 1)) : "pending";
                return Notify(payment, charge?.Id, status, null, $"an older {status}", twice);
            }
            if (kind < 75)
            {
                auditor.ToldOtherwise(payment.Id);
                var ids = _madeUpRefunds.TryGetValue(payment.Id, out var known) ? known : _madeUpRefunds[payment.Id] = [];
                var id = ids.Count > 0 && _random.Next(10) < 4 ? ids[_random.Next(ids.Count)] : $"fre_{seed}_{Interlocked.Increment(ref _counter)}";
                if (!ids.Contains(id)) ids.Add(id);
                var amount = Share(payment.AmountMinor, 5, 60);
                return Notify(payment, charge?.Id, Weighted(("partially_refunded", 2), ("refunded", 1)), new { id, amount, key = (string?)null },
                    $"a made-up refund {id} of {amount}", twice);
            }
            if (kind < 88 && books.ProviderRefundsOf(payment.Id).ToList() is { Count: > 0 } made)
            {
                var m = made[_random.Next(made.Count)];
                var key = m.IdempotencyKey.StartsWith(MockProvider.DashboardKeyPrefix, StringComparison.Ordinal) ? null : m.IdempotencyKey;
                var id = MockProvider.RefundIdFor(m.IdempotencyKey);
                return Notify(payment, charge?.Id, "partially_refunded", new { id, amount = m.AmountMinor, key }, $"the provider's refund {id} again", twice);
            }
            // "Refunded" without a refund: a refund means the charge succeeded, which is a lie unless it did.
            if (charge?.Status != "succeeded") auditor.ToldOtherwise(payment.Id);
            return Notify(payment, charge?.Id, Weighted(("refunded", 1), ("partially_refunded", 1)), null, "refunded, naming no refund", twice);
        }

        public Op Notify(Payment payment, string? chargeId, string status, object? refund, string what, bool twice)
        {
            var eventId = $"fevt_{seed}_{Interlocked.Increment(ref _counter)}";
            var body = JsonSerializer.Serialize(new
            {
                id = eventId, type = $"payment.{status}", created = clock.GetUtcNow().ToUnixTimeSeconds(),
                data = new { paymentId = payment.Id, chargeId = chargeId ?? "mch_unknown", status, amount = payment.AmountMinor, currency = payment.Currency, refund },
            });
            var description = $"{what} ({eventId}) for {payment.Id}{(twice ? ", twice at once" : "")}";
            lock (_sent) _sent.Add((payment.ProviderAccountId, eventId, body));
            return new Op(description, () => Task.WhenAll(Enumerable.Range(0, twice ? 2 : 1).Select(_ => SendAsync(description, payment.ProviderAccountId, eventId, body))));
        }

        private async Task SendAsync(string what, string accountId, string eventId, string body)
        {
            var secret = _secrets[accountId];
            var answer = await Expect(what, new Notification(accountId, secret, body, shop.Tenant.TenantId).SendAsync(host, at: clock.GetUtcNow()), 200);
            if (answer.StatusCode != HttpStatusCode.OK) return;
            var outcome = (await answer.Json()).Str("outcome");
            if (outcome != "duplicate" && _applied.AddOrUpdate(eventId, 1, (_, n) => n + 1) > 1)
                WrongAnswers.Enqueue($"event {eventId} was applied again ({outcome}): {what}");
        }

        private Op ApiRefund(Books books, List<Payment> payments)
        {
            var payment = Prefer(payments, p => p.Status is PaymentStatus.Succeeded or PaymentStatus.PartiallyRefunded, 4);
            // All that is left, part of it, or now and then more than is left.
            long? amount = _random.Next(10) < 4 ? null : _random.Next(10) < 7 ? Share(payment.AmountMinor, 5, 50) : Share(payment.AmountMinor, 50, 120);
            return ApiRefund(payment.Id, amount);
        }

        public Op ApiRefund(string paymentId, long? amount)
        {
            var key = Key();
            object body = amount is { } minor ? new { amount = new { amount = minor, currency = "RON" } } : new { };
            var what = $"API refund of {amount?.ToString(CultureInfo.InvariantCulture) ?? "all that is left"} on {paymentId}";
            return new Op(what, () => Expect(what, shop.Tenant.Post($"/api/v1/payments/{paymentId}/refunds", body, key), 201, 400, 409));
        }

        private Op DashboardRefund(Books books, List<Payment> payments)
        {
            var payment = Prefer(payments, p => books.ChargeOf(p.Id)?.Status == "succeeded", 4);
            return DashboardRefund(payment.Id, _random.Next(5) == 0 ? null : Share(payment.AmountMinor, 5, 70));
        }

        /// <summary>A refund in the provider's dashboard: a form post; no amount is all that is left at the provider.</summary>
        public Op DashboardRefund(string paymentId, long? amount)
        {
            var what = $"dashboard refund of {amount?.ToString(CultureInfo.InvariantCulture) ?? "all that is left"} on {paymentId}";
            return new Op(what, () => Expect(what,
                _browser.PostAsync($"/mock-pay/{paymentId}/refund", Form("amount", amount?.ToString(CultureInfo.InvariantCulture) ?? "")), 302, 400));
        }

        private Op Reconcile(List<Payment> payments)
        {
            var payment = payments[_random.Next(payments.Count)];
            var key = Key();
            return new Op($"reconcile {payment.Id}", () => ReconcileAsync(payment.Id, key));
        }

        public Task ReconcileAsync(string paymentId, string key) =>
            Expect($"reconcile of {paymentId}", shop.Tenant.Post($"/api/v1/payments/{paymentId}/reconcile", new { }, key), 200);

        private Op Cancel(Books books)
        {
            var order = Prefer(_orders, o => books.Orders.Any(b => b.Id == o && b.Status == OrderStatus.AwaitingPayment), 2);
            var key = Key();
            return new Op($"cancel {order}", () => Expect($"cancel of {order}", shop.Tenant.Post($"/api/v1/orders/{order}/cancel", new { }, key), 200, 409));
        }

        private async Task<HttpResponseMessage> Expect(string what, Task<HttpResponseMessage> call, params int[] promised)
        {
            var answer = await call;
            if (!promised.Contains((int)answer.StatusCode))
                WrongAnswers.Enqueue($"{what} answered {(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}");
            return answer;
        }

        /// <summary>One of those matching, <paramref name="odds"/> times in <paramref name="odds"/> + 1 when there is one; else any.</summary>
        private T Prefer<T>(List<T> items, Func<T, bool> preferred, int odds)
        {
            var matching = items.Where(preferred).ToList();
            var from = matching.Count > 0 && _random.Next(odds + 1) > 0 ? matching : items;
            return from[_random.Next(from.Count)];
        }

        private string Weighted(params (string Value, int Weight)[] choices)
        {
            var roll = _random.Next(choices.Sum(c => c.Weight));
            foreach (var (value, weight) in choices)
                if ((roll -= weight) < 0) return value;
            throw new InvalidOperationException("unreachable");
        }

        /// <summary>Between <paramref name="fromPercent"/> and <paramref name="toPercent"/> of an amount, in whole minor units and at least one.</summary>
        private long Share(long whole, int fromPercent, int toPercent) => Math.Max(1, whole * _random.Next(fromPercent * 100, toPercent * 100) / 10_000);

        private string Key() => $"rnd-{seed}-{Interlocked.Increment(ref _counter)}";

        private static FormUrlEncodedContent Form(string name, string value) => new(new Dictionary<string, string> { [name] = value });
    }
}
