using System.Collections.Concurrent;
using System.Diagnostics;
using Xunit.Abstractions;

namespace Paydesk.Tests.Storage;

/// <summary>
/// Paydesk as a real process, killed with SIGKILL in the middle of its work and started again on
/// the same database: what it held is done after the restart, exactly once, and nothing is stuck.
/// </summary>
public sealed class CrashRecoveryTests(ITestOutputHelper output)
{
    private const string Held = "Holding at ";

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Fulfilment_refund_and_email_jobs_held_by_a_killed_process_are_each_done_exactly_once_after_a_restart(Engine engine)
    {
        var maildev = await MailDevServer.Shared;
        using var database = await TestDatabase.CreateAsync(engine, "killed_jobs");
        using var ring = new SharedKeyRing();
        var options = new ProcessOptions
        {
            Database = database, KeyRingPath = ring.Path, SmtpPort = maildev.SmtpPort, Log = output,
            Settings = new Dictionary<string, string>
            {
                // The lease is the longest a kind needs: one SMTP timeout and its margin. The killed
                // process's claims run out that long after it made them.
                ["Jobs:LeaseSeconds"] = "3",
                ["Email:Smtp:TimeoutSeconds"] = "5",
            },
        };
        var (tenantId, adminKey) = await PaydeskProcess.CreateTenantAsync(options);

        // Every claimed fulfilment and email holds before its handler runs. The first refund holds
        // before it reaches the provider; the others after the provider made them, with the
        // provider's notification of them held too, so only asking the provider again finds them.
        await using var killed = await PaydeskProcess.StartAsync(options with
        {
            Settings = new Dictionary<string, string>(options.Settings)
            {
                [FaultPoints.HoldSetting] = string.Join(',',
                    FaultPoints.JobClaimed("fulfil-order"), FaultPoints.JobClaimed("send-email"), FaultPoints.JobClaimed("execute-refund") + "*1",
                    FaultPoints.AfterProviderRefund, FaultPoints.MockRefundNotification),
                // Held jobs keep their workers.
                ["Jobs:Workers"] = "32",
            },
        });
        var shop = await Shop.OpenAsync(new TenantClient(killed, tenantId, adminKey));
        var tenant = shop.Tenant;

        // Fulfilment held: paid, not fulfilled. Email held: fulfilled by hand, the confirmation not
        // sent. Refund held: the same, then refunded in full.
        var buyers = await Task.WhenAll(new[] { "fulfil", "fulfil", "email", "email", "refund", "refund", "refund" }.Select(async group =>
        {
            var inbox = MailDevServer.NewRecipient($"killed-{group}");
            var customer = (await tenant.PostOk("/api/v1/customers", new { name = $"Patient {group}", email = inbox })).Id();
            var order = (await tenant.PostOk("/api/v1/orders", new { customerId = customer, lines = new[] { new { planId = shop.Package } } })).Id();
            var (payment, _) = await tenant.CheckoutAsync(order);
            await tenant.PressOnMockPageAsync(payment);
            await tenant.OrderWhenAsync(order, "paid");
            if (group != "fulfil") (await tenant.PostOk($"/api/v1/orders/{order}/fulfil", new { })).Str("status").ShouldBe("fulfilled");
            return new Buyer(group, inbox, order, payment);
        }));
        var refunding = buyers.Where(b => b.Group == "refund").ToList();
        // Each request carries its refund out itself, and holds with it: none of them answers.
        var refundRequests = refunding.Select(b => tenant.Post($"/api/v1/payments/{b.Payment}/refunds", new { reason = "Killed mid-refund" })).ToList();

        var running = await Eventually.ReadsAsync(() => RunningJobs(database, tenantId),
            jobs => jobs.Count(j => j.Kind == "fulfil-order") == 7 && jobs.Count(j => j.Kind == "send-email") == 5 && jobs.Count(j => j.Kind == "execute-refund") == 3,
            "every fulfilment, email and refund to be claimed", within: TimeSpan.FromSeconds(60));
        await Eventually.HoldsAsync(() => Task.FromResult(
                killed.LinesWith($"{Held}{FaultPoints.JobClaimed("execute-refund")} ") == 1 && killed.LinesWith($"{Held}{FaultPoints.AfterProviderRefund} ") == 2),
            "one refund to hold before the provider and two after it", within: TimeSpan.FromSeconds(60));

        await killed.KillAsync();
        killed.ExitCode.ShouldBe(137); // 128 + SIGKILL

        // What the kill left: two refunds made at the provider and none recorded; four orders
        // fulfilled by hand and none of their emails sent.
        foreach (var request in refundRequests) await Assert.ThrowsAnyAsync<Exception>(() => request);
        (await MockRefundsOf(database, refunding)).Sum(r => r.Count).ShouldBe(2);
        Assert.All(await RefundsOf(database, tenantId), r => r.Status.ShouldBe("Requested"));
        (await database.CountAsync("SELECT count(*) FROM entitlements WHERE tenant_id = @tenant", ("tenant", tenantId))).ShouldBe(5);
        (await database.CountAsync("SELECT count(*) FROM outbox_messages WHERE tenant_id = @tenant AND status = 'Sent'", ("tenant", tenantId))).ShouldBe(0);

        var sinceKill = Stopwatch.StartNew();

        // The same address, no holds; it takes each job over when the killed process's lease runs
        // out. On PostgreSQL a second process beside it races it for each one.
        await using var restarted = await PaydeskProcess.StartAsync(options with { Port = killed.Port });
        await using var beside = engine == Engine.Postgres ? await PaydeskProcess.StartAsync(options) : null;
        tenant = new TenantClient(restarted, tenantId, adminKey);
        var lease = TimeSpan.FromSeconds(5) + Paydesk.Notifications.Outbox.OutboxDelivery.LeaseMargin;
        var finished = await Eventually.ReadsAsync(() => JobsOf(database, tenantId, "fulfil-order", "send-email", "execute-refund"),
            jobs => jobs.Count == 7 + 10 + 3 && jobs.All(j => j.State == "Done"),
            "every job to be done", within: lease + TimeSpan.FromSeconds(60));
        output.WriteLine($"Every job done {sinceKill.Elapsed.TotalSeconds:0.0} s after the kill (lease {lease.TotalSeconds:0} s, poll 1 s); " +
                         $"emails sent by the restarted process: {restarted.LinesWith("Outbox message")}, beside it: {beside?.LinesWith("Outbox message") ?? 0}");
        // Each job the killed process held was claimed again, by the restarted one.
        Assert.All(running, held => Assert.True(finished.Single(j => j.Id == held.Id).Attempts > held.Attempts, $"{held.Kind} {held.Id} was not run again"));

        foreach (var buyer in buyers.Where(b => b.Group != "refund"))
        {
            (await tenant.GetOk($"/api/v1/orders/{buyer.Order}")).Str("status").ShouldBe("fulfilled");
            Assert.Equal(["Active"], await EntitlementsOf(database, buyer.Order));
            Assert.Equal([$"order-fulfilled:{buyer.Order}"], await MailEventsAsync(maildev, buyer.Inbox, 1));
        }

        var refunds = await RefundsOf(database, tenantId);
        var atProvider = await MockRefundsOf(database, refunding);
        foreach (var buyer in refunding)
        {
            var payment = await tenant.GetOk($"/api/v1/payments/{buyer.Payment}");
            payment.Str("status").ShouldBe("refunded");
            var refund = Assert.Single(payment.GetProperty("refunds").EnumerateArray());
            refund.Str("status").ShouldBe("succeeded");
            var amount = payment.GetProperty("amount").GetProperty("amount").GetInt64();
            payment.GetProperty("refunded").GetProperty("amount").GetInt64().ShouldBe(amount);
            Assert.Single(refunds, r => r.Payment == buyer.Payment).Status.ShouldBe("Succeeded");
            // Once at the provider: one refund, under the key Paydesk sent, and the charge refunded once.
            atProvider.Single(p => p.Payment == buyer.Payment).ShouldBe(new ProviderRefunds(buyer.Payment, 1, refund.Id(), amount, amount));

            (await tenant.GetOk($"/api/v1/orders/{buyer.Order}")).Str("status").ShouldBe("refunded");
            Assert.Equal(["Revoked"], await EntitlementsOf(database, buyer.Order));
            Assert.Equal([$"order-fulfilled:{buyer.Order}", $"refund:{refund.Id()}"], (await MailEventsAsync(maildev, buyer.Inbox, 2)).Order());
        }
        (await database.CountAsync("SELECT count(*) FROM outbox_messages WHERE tenant_id = @tenant AND status <> 'Sent'", ("tenant", tenantId))).ShouldBe(0);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Idempotency_keys_in_flight_when_the_process_is_killed_are_free_again_after_seconds_and_each_retry_places_its_order_once(Engine engine)
    {
        using var database = await TestDatabase.CreateAsync(engine, "killed_keys");
        using var ring = new SharedKeyRing();
        var options = new ProcessOptions { Database = database, KeyRingPath = ring.Path, Log = output };
        var (tenantId, adminKey) = await PaydeskProcess.CreateTenantAsync(options);

        await using var killed = await PaydeskProcess.StartAsync(options with
        {
            Settings = new Dictionary<string, string> { [FaultPoints.HoldSetting] = $"{FaultPoints.AfterOrderPlaced}*3" },
        });
        var shop = await Shop.OpenAsync(new TenantClient(killed, tenantId, adminKey));
        var requests = Enumerable.Range(0, 40).Select(i => new OrderRequest($"order-{i:D2}", 1 + i % 3,
            JsonSerializer.Serialize(new { customerId = shop.Customer, lines = new[] { new { planId = shop.Package, quantity = 1 + i % 3 } } }))).ToList();

        var answeredBeforeKill = new ConcurrentDictionary<string, (HttpStatusCode Status, string Body)>();
        var sent = requests.Select(async r =>
        {
            try
            {
                var response = await shop.Tenant.PostRaw("/api/v1/orders", r.Body, r.Key);
                answeredBeforeKill[r.Key] = (response.StatusCode, await response.Content.ReadAsStringAsync());
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                // In flight when the process died.
            }
        }).ToList();

        // PostgreSQL runs the requests side by side: the first three to write their order hold
        // there, in their open transactions, and the other 37 answer. SQLite has one writer, which
        // the first held request keeps: it holds, and the rest wait behind it.
        var (holding, answering) = engine == Engine.Postgres ? (3, 37) : (1, 0);
        await Eventually.HoldsAsync(() => Task.FromResult(
                killed.LinesWith($"{Held}{FaultPoints.AfterOrderPlaced} ") == holding && answeredBeforeKill.Count == answering),
            $"{holding} requests to hold mid-way and {answering} to answer", within: TimeSpan.FromSeconds(60));
        await killed.KillAsync();
        killed.ExitCode.ShouldBe(137); // 128 + SIGKILL
        await Task.WhenAll(sent);
        Assert.All(answeredBeforeKill, a => Assert.True(a.Value.Status == HttpStatusCode.Created, $"{a.Key} answered {(int)a.Value.Status}: {a.Value.Body}"));

        // Keys claimed and never answered, and no order of a request that did not answer.
        var inFlight = await database.CountAsync("SELECT count(*) FROM idempotency_records WHERE tenant_id = @tenant AND status_code IS NULL", ("tenant", tenantId));
        Assert.InRange(inFlight, holding, requests.Count - answering);
        (await database.CountAsync("SELECT count(*) FROM orders WHERE tenant_id = @tenant", ("tenant", tenantId))).ShouldBe(answering);

        await using var restarted = await PaydeskProcess.StartAsync(options with { Port = killed.Port });
        var tenant = new TenantClient(restarted, tenantId, adminKey);
        var answers = await Task.WhenAll(requests.Select(r => RetryUntilAnsweredAsync(tenant, r)));
        output.WriteLine($"{answeredBeforeKill.Count} answered before the kill, {inFlight} keys in flight, " +
                         $"{answers.Sum(a => a.StillRunning)} answers 'still being processed' after the restart");

        foreach (var (request, answer) in requests.Zip(answers))
        {
            if (answeredBeforeKill.TryGetValue(request.Key, out var first))
            {
                Assert.True(answer.Replayed, $"{request.Key} was answered before the kill, and is replayed");
                answer.OrderId.ShouldBe(JsonDocument.Parse(first.Body).RootElement.Id());
            }
            var order = await tenant.GetOk($"/api/v1/orders/{answer.OrderId}");
            order.GetProperty("lines")[0].GetProperty("quantity").GetInt32().ShouldBe(request.Quantity);
        }
        Assert.Equal(40, answers.Select(a => a.OrderId).Distinct().Count());
        Assert.Equal(answers.Select(a => a.OrderId).Order(), (await tenant.ListAll("/api/v1/orders")).Select(o => o.Id()).Order());
        (await database.CountAsync("SELECT count(*) FROM idempotency_records WHERE tenant_id = @tenant AND status_code = 201", ("tenant", tenantId))).ShouldBe(40);
    }

    private sealed record Buyer(string Group, string Inbox, string Order, string Payment);

    private sealed record JobRow(string Id, string Kind, string State, int Attempts);

    private sealed record RefundRow(string Id, string Payment, string Status);

    private sealed record ProviderRefunds(string Payment, long Count, string? Key, long Amount, long Refunded);

    private sealed record OrderRequest(string Key, int Quantity, string Body);

    private sealed record Answer(string OrderId, bool Replayed, int StillRunning);

    private static async Task<List<JobRow>> JobsOf(TestDatabase database, string tenantId, params string[] kinds) =>
        (await database.RowsAsync("SELECT id, kind, state, attempts FROM jobs WHERE tenant_id = @tenant", ("tenant", tenantId)))
        .Select(r => new JobRow((string)r[0]!, (string)r[1]!, (string)r[2]!, Convert.ToInt32(r[3], System.Globalization.CultureInfo.InvariantCulture)))
        .Where(j => kinds.Contains(j.Kind)).ToList();

    private static async Task<List<JobRow>> RunningJobs(TestDatabase database, string tenantId) =>
        (await JobsOf(database, tenantId, "fulfil-order", "send-email", "execute-refund")).Where(j => j.State == "Running").ToList();

    private static async Task<List<RefundRow>> RefundsOf(TestDatabase database, string tenantId) =>
        (await database.RowsAsync("SELECT id, payment_id, status FROM refunds WHERE tenant_id = @tenant", ("tenant", tenantId)))
        .Select(r => new RefundRow((string)r[0]!, (string)r[1]!, (string)r[2]!)).ToList();

    /// <summary>The Mock provider's own record of each payment's charge: its refunds, the key of the last, the amount and what was given back.</summary>
    private static async Task<List<ProviderRefunds>> MockRefundsOf(TestDatabase database, IEnumerable<Buyer> buyers)
    {
        var found = new List<ProviderRefunds>();
        foreach (var buyer in buyers)
        {
            var row = (await database.RowsAsync("""
                SELECT c.payment_id, count(r.idempotency_key), max(r.idempotency_key), c.amount_minor, c.refunded_minor
                FROM mock_provider_charges c LEFT JOIN mock_provider_refunds r ON r.charge_id = c.id
                WHERE c.payment_id = @payment GROUP BY c.payment_id, c.amount_minor, c.refunded_minor
                """, ("payment", buyer.Payment))).Single();
            found.Add(new ProviderRefunds((string)row[0]!, Convert.ToInt64(row[1], System.Globalization.CultureInfo.InvariantCulture), (string?)row[2],
                Convert.ToInt64(row[3], System.Globalization.CultureInfo.InvariantCulture), Convert.ToInt64(row[4], System.Globalization.CultureInfo.InvariantCulture)));
        }
        return found;
    }

    private static async Task<List<string>> EntitlementsOf(TestDatabase database, string orderId) =>
        (await database.RowsAsync("SELECT status FROM entitlements WHERE source_kind = 'order' AND source_id = @order", ("order", orderId))).Select(r => (string)r[0]!).ToList();

    /// <summary>The event of each message maildev received for the address, once <paramref name="expected"/> have arrived.</summary>
    private static async Task<List<string>> MailEventsAsync(MailDevServer maildev, string inbox, int expected)
    {
        var messages = await Eventually.ReadsAsync(() => maildev.MessagesTo(inbox), m => m.Count >= expected, $"{expected} messages to {inbox}");
        return messages.Select(m => m.GetProperty("headers").Str("x-paydesk-event")).ToList();
    }

    /// <summary>Sends the request again, as a client does after losing its answer, and again after each "still being processed", as long as its Retry-After says.</summary>
    private static async Task<Answer> RetryUntilAnsweredAsync(TenantClient tenant, OrderRequest request)
    {
        for (var stillRunning = 0; ; stillRunning++)
        {
            var response = await tenant.PostRaw("/api/v1/orders", request.Body, request.Key);
            if (response.StatusCode == HttpStatusCode.Created)
                return new Answer((await response.Json()).Id(), response.Headers.Contains("Idempotent-Replayed"), stillRunning);
            var problem = await response.ShouldBeProblem(409);
            Assert.Contains("still being processed", problem.Str("detail"));
            // A claim outlives its process by one lease at most: seconds, never the 24 hours a key is kept.
            var retryAfter = response.Headers.RetryAfter!.Delta!.Value;
            Assert.InRange(retryAfter, TimeSpan.FromSeconds(1), Paydesk.Api.IdempotencyMiddleware.Lease);
            Assert.True(stillRunning < 5, $"{request.Key} is still being processed after {stillRunning} retries");
            await Task.Delay(retryAfter);
        }
    }
}
