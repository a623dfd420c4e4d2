using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Paydesk.Core;
using Paydesk.Emulators;
using Paydesk.Emulators.Robokassa;
using Paydesk.Payments;
using Paydesk.Payments.Robokassa;
using Paydesk.Storage;
using Paydesk.Tenancy;

namespace Paydesk.Tests.Payments.Robokassa;

/// <summary>Paying, recovering, renewing and closing receipts through Robokassa, against its emulator over real HTTP, on both engines.</summary>
public sealed class RobokassaTests
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_package_paid_on_the_Robokassa_page_is_activated_with_a_prepayment_receipt(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await RobokassaClinic.OpenAsync(host);
        var order = await shop.OrderAsync(shop.Package);
        var (paymentId, link) = await shop.CheckoutAsync(order);

        link.AbsolutePath.ShouldBe("/Merchant/Index.aspx");
        var query = QueryHelpers.ParseQuery(link.Query);
        (query["IsTest"].ToString(), query["Shp_payment"].ToString(), query["OutSum"].ToString(), query["Culture"].ToString())
            .ShouldBe(("1", paymentId, "5000.00", "ru"));
        // The shop's first invoice: Robokassa knows payments by the shop's number, and Paydesk knows it from the start.
        query["InvId"].ToString().ShouldBe("1");
        Assert.Equal("1", await host.InTenantAsync(shop.Tenant.TenantId, db => db.Payments.Where(p => p.Id == paymentId).Select(p => p.ProviderPaymentId).SingleAsync()));
        var invoice = await shop.OpenAsync(link);
        var receipt = JsonNode.Parse(invoice.Receipt!)!;
        receipt["sno"]!.GetValue<string>().ShouldBe("usn_income");
        var item = receipt["items"]![0]!;
        (item["payment_method"]!.GetValue<string>(), item["payment_object"]!.GetValue<string>(), item["tax"]!.GetValue<string>(), item["sum"]!.GetValue<decimal>())
            .ShouldBe(("full_prepayment", "service", "vat20", 5000m));

        (await shop.PressAsync(link, "pay")).ShouldBe(new Uri(host.BaseAddress, $"pay/{paymentId}/success"));
        var fulfilled = await shop.Tenant.OrderWhenAsync(order, "fulfilled");
        fulfilled.Str("paidByPaymentId").ShouldBe(paymentId);
        Assert.Single(await shop.Tenant.ListAll($"/api/v1/entitlements?orderId={order}")).GetProperty("sessionsRemaining").GetInt32().ShouldBe(3);

        // The ResultURL was answered exactly OK{InvId}: Robokassa calls it no more.
        await shop.Emulators.QuietAsync();
        var answer = Assert.Single(shop.Emulators.Notifier.Done, d => d.Notification.Body.Contains($"Shp_payment={paymentId}"));
        (answer.Taken, answer.LastAnswer).ShouldBe((true, "200 OK1"));
        shop.InvoiceOf(link).Captures.ShouldBe(1);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_payment_given_up_on_the_page_comes_back_through_the_fail_URL_and_the_order_is_paid_with_the_next_invoice(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await RobokassaClinic.OpenAsync(host, receipts: false);
        var order = await shop.OrderAsync(shop.Package);

        var (canceled, link) = await shop.CheckoutAsync(order);
        Assert.Null((await shop.OpenAsync(link)).Receipt);
        (await shop.PressAsync(link, "cancel")).ShouldBe(new Uri(host.BaseAddress, $"pay/{canceled}/canceled"));
        // Robokassa sends no word of it: the reconciler asks OpStateExt.
        (await shop.Tenant.PostOk($"/api/v1/payments/{canceled}/reconcile", new { })).Str("status").ShouldBe("canceled");

        var (paid, again) = await shop.CheckoutAsync(order);
        RobokassaClinic.InvIdOf(again).ShouldBe(2);
        await shop.PressAsync(again, "pay");
        (await shop.Tenant.OrderWhenAsync(order, "fulfilled")).Str("paidByPaymentId").ShouldBe(paid);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_way_back_leads_off_Paydesk_only_where_Robokassa_signed_it(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await RobokassaClinic.OpenAsync(host, receipts: false);
        var order = await shop.OrderAsync(shop.Package);

        // The Fail URL carries no signature: anyone can send a browser there, so it never leads to an address a key chose.
        var (canceled, link) = await shop.CheckoutAsync(order, cancelUrl: "https://elsewhere.example/back");
        (await shop.PressAsync(link, "cancel")).ShouldBe(new Uri(host.BaseAddress, $"pay/{canceled}/canceled"));
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var crafted = await browser.GetAsync(new Uri(host.BaseAddress, $"return/robokassa/{shop.Account}/fail?InvId={RobokassaClinic.InvIdOf(link)}&Shp_payment={canceled}"));
        crafted.Headers.Location.ShouldBe(new Uri(host.BaseAddress, $"pay/{canceled}/canceled"));
        var unknown = await browser.GetAsync(new Uri(host.BaseAddress, $"return/robokassa/{shop.Account}/fail?InvId=99&Shp_payment={canceled}"));
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);

        // A Success URL Robokassa signed leads to where the checkout asked.
        var (paid, again) = await shop.CheckoutAsync(order, successUrl: "https://clinic.example/thanks?payment={PAYMENT_ID}");
        (await shop.PressAsync(again, "pay")).ShouldBe(new Uri($"https://clinic.example/thanks?payment={paid}"));
        await shop.Tenant.OrderWhenAsync(order, "fulfilled");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_payment_reported_paid_after_it_was_given_up_is_flagged_for_a_person(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await RobokassaClinic.OpenAsync(host, receipts: false);
        var order = await shop.OrderAsync(shop.Package);
        var (paymentId, link) = await shop.CheckoutAsync(order);
        await shop.PressAsync(link, "cancel");
        (await shop.Tenant.PostOk($"/api/v1/payments/{paymentId}/reconcile", new { })).Str("status").ShouldBe("canceled");

        // Then Robokassa says it was paid after all (the customer kept the link): the money is taken, and nothing was delivered.
        var invId = RobokassaClinic.InvIdOf(link).ToString(CultureInfo.InvariantCulture);
        using var client = new HttpClient();
        var taken = await client.PostAsync(new Uri(host.BaseAddress, $"webhooks/robokassa/{shop.Account}"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["OutSum"] = "5000.00", ["InvId"] = invId, ["Shp_payment"] = paymentId,
            ["SignatureValue"] = RobokassaSignature.Result(RobokassaHash.Md5, "5000.00", invId, shop.Shop.Password2, [new("Shp_payment", paymentId)]),
        }));
        Assert.Equal((HttpStatusCode.OK, $"OK{invId}"), (taken.StatusCode, await taken.Content.ReadAsStringAsync()));
        var payment = await shop.Tenant.GetOk($"/api/v1/payments/{paymentId}");
        payment.Str("status").ShouldBe("canceled");
        Assert.Contains("after it was canceled", payment.Str("reviewReason"));
        Assert.Single(await shop.Tenant.ListAll("/api/v1/payments?needsReview=true"), p => p.Id() == paymentId);
        (await shop.Tenant.GetOk($"/api/v1/orders/{order}")).Str("status").ShouldBe("awaiting_payment");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_invoice_number_the_shop_used_before_is_not_taken_for_a_new_payment(Engine engine)
    {
        // One clinic sells through a shop, and its invoice 1 is paid.
        var first = await RobokassaClinic.OpenAsync(await PaydeskHost.Shared(engine), receipts: false);
        await first.BuyAsync(first.Package);
        // Later the same shop is connected to another Paydesk (an hour on): its first invoice is number 1 too.
        await using var host = await PaydeskHost.StartAsync(engine, new HostOptions { Clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow() + TimeSpan.FromHours(1)) });
        var second = await RobokassaClinic.OpenAsync(host, receipts: false, shop: first.Shop);
        var order = await second.OrderAsync(second.Package);
        var (paymentId, link) = await second.CheckoutAsync(order);
        RobokassaClinic.InvIdOf(link).ShouldBe(1);

        // Robokassa says invoice 1 is paid, but it was paid before this payment existed: not this payment's.
        (await second.Tenant.PostOk($"/api/v1/payments/{paymentId}/reconcile", new { })).Str("status").ShouldBe("pending");
        (await second.Tenant.GetOk($"/api/v1/orders/{order}")).Str("status").ShouldBe("awaiting_payment");
        Assert.Contains(host.Logs.Lines, l => l.Contains("before this payment was made", StringComparison.Ordinal));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_doubled_ResultURL_is_applied_once_and_a_lost_one_is_found_by_the_reconciler(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await RobokassaClinic.OpenAsync(host);

        var doubled = await shop.OrderAsync(shop.Package);
        var (first, link) = await shop.CheckoutAsync(doubled);
        shop.Robokassa.Inject(shop.Login, NotificationFault.Duplicate);
        await shop.PressAsync(link, "pay");
        await shop.Tenant.OrderWhenAsync(doubled, "fulfilled");
        await shop.Emulators.QuietAsync();
        var answers = shop.Emulators.Notifier.Done.Where(d => d.Notification.Body.Contains($"Shp_payment={first}")).ToList();
        Assert.Equal(2, answers.Count);
        Assert.All(answers, a => (a.Taken, a.LastAnswer).ShouldBe((true, "200 OK1")));
        Assert.Equal(["applied"], await host.InTenantAsync(shop.Tenant.TenantId, db =>
            db.WebhookEvents.Where(e => e.AccountId == shop.Account).Select(e => e.Outcome!).ToListAsync()));
        Assert.Single(await shop.Tenant.ListAll($"/api/v1/entitlements?orderId={doubled}"));

        var lost = await shop.OrderAsync(shop.Package);
        var (second, link2) = await shop.CheckoutAsync(lost);
        shop.Robokassa.Inject(shop.Login, NotificationFault.Drop);
        await shop.PressAsync(link2, "pay");
        await shop.Emulators.QuietAsync();
        (await shop.Tenant.GetOk($"/api/v1/payments/{second}")).Str("status").ShouldBe("pending");
        (await shop.Tenant.PostOk($"/api/v1/payments/{second}/reconcile", new { })).Str("status").ShouldBe("succeeded");
        await shop.Tenant.OrderWhenAsync(lost, "fulfilled");
        shop.InvoiceOf(link2).Captures.ShouldBe(1);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_ResultURL_not_signed_with_password_2_is_refused_and_changes_nothing(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await RobokassaClinic.OpenAsync(host, hash: "sha512");
        var order = await shop.OrderAsync(shop.Package);
        var (paymentId, link) = await shop.CheckoutAsync(order);
        var invId = RobokassaClinic.InvIdOf(link).ToString(CultureInfo.InvariantCulture);
        using var client = new HttpClient();
        Task<HttpResponseMessage> Send(string password) => client.PostAsync(new Uri(host.BaseAddress, $"webhooks/robokassa/{shop.Account}"),
            new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["OutSum"] = "5000.00", ["InvId"] = invId, ["Fee"] = "0.00", ["Shp_payment"] = paymentId,
                ["SignatureValue"] = RobokassaSignature.Result(RobokassaHash.Sha512, "5000.00", invId, password, [new("Shp_payment", paymentId)]),
            }));

        foreach (var wrong in new[] { shop.Shop.Password1, "a guessed password" })
        {
            var refused = await Send(wrong);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.DoesNotContain("OK", await refused.Content.ReadAsStringAsync());
        }
        (await shop.Tenant.GetOk($"/api/v1/payments/{paymentId}")).Str("status").ShouldBe("pending");

        var taken = await Send(shop.Shop.Password2);
        Assert.Equal((HttpStatusCode.OK, $"OK{invId}"), (taken.StatusCode, await taken.Content.ReadAsStringAsync()));
        await shop.Tenant.OrderWhenAsync(order, "fulfilled");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Eight_checkouts_at_once_get_eight_different_invoice_numbers(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await RobokassaClinic.OpenAsync(host, receipts: false);
        var orders = new List<string>();
        for (var i = 0; i < 8; i++) orders.Add(await shop.OrderAsync(shop.Package));

        var links = await Task.WhenAll(orders.Select(o => shop.CheckoutAsync(o)));
        var numbers = links.Select(l => long.Parse(QueryHelpers.ParseQuery(l.Link.Query)["InvId"]!, CultureInfo.InvariantCulture)).Order().ToList();
        Assert.Equal(Enumerable.Range(1, 8).Select(n => (long)n), numbers);
        await Task.WhenAll(links.Select(l => shop.PressAsync(l.Link, "pay")));
        foreach (var order in orders) await shop.Tenant.OrderWhenAsync(order, "fulfilled");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_recurring_charge_of_the_parent_invoice_whose_answer_is_lost_charges_once(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await RobokassaClinic.OpenAsync(host);
        // The first payment of a recurring plan is made with Recurring=true: its invoice is what later charges name.
        var (_, first, parent) = await shop.BuyAsync(shop.Monthly);
        Assert.True(parent.Recurring);
        var card = Assert.Single((await shop.Tenant.GetOk($"/api/v1/payment-methods?customerId={shop.Customer}")).Items());
        card.Str("provider").ShouldBe("robokassa");
        var parentId = parent.InvId.ToString(CultureInfo.InvariantCulture);
        Assert.Equal(parentId, await host.InTenantAsync(shop.Tenant.TenantId, db => db.SavedMethods.Where(m => m.Id == card.Id()).Select(m => m.ProviderMethodId).SingleAsync()));

        var provider = host.Services.GetRequiredService<RobokassaProvider>();
        var account = await host.InTenantAsync(shop.Tenant.TenantId, db => db.ProviderAccounts.AsNoTracking().FirstAsync(a => a.Id == shop.Account));
        var renewal = await NewPaymentAsync(host, shop, first, 990_00);
        shop.Robokassa.Inject(shop.Login, "Recurring", CallFault.LoseAnswer);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => provider.ChargeSavedMethodAsync(account, renewal, parentId, null, CancellationToken.None));
        // Asked again (a retry after a crash): Robokassa says the invoice is paid, and nothing is charged a second time.
        (await provider.ChargeSavedMethodAsync(account, renewal, parentId, null, CancellationToken.None)).Status.ShouldBe(PaymentStatus.Succeeded);
        var child = shop.Robokassa.Invoice(shop.Login, long.Parse(renewal.ProviderPaymentId!, CultureInfo.InvariantCulture))!;
        (child.PreviousInvoiceId, child.Captures, child.OutSum).ShouldBe((parent.InvId, 1, "990.00"));
        Assert.Equal(2, shop.Robokassa.Invoices(shop.Login).Count);
        (await provider.GetStateAsync(account, renewal, CancellationToken.None)).Status.ShouldBe(PaymentStatus.Succeeded);

        // A card that now declines: the charge is taken, and Robokassa then says the invoice was canceled.
        shop.Robokassa.Decline(shop.Login, parent.InvId);
        var declined = await NewPaymentAsync(host, shop, first, 990_00);
        (await provider.ChargeSavedMethodAsync(account, declined, parentId, null, CancellationToken.None)).Status.ShouldBe(PaymentStatus.Pending);
        (await provider.GetStateAsync(account, declined, CancellationToken.None)).Status.ShouldBe(PaymentStatus.Canceled);
        (await provider.ChargeSavedMethodAsync(account, declined, parentId, null, CancellationToken.None)).Status.ShouldBe(PaymentStatus.Canceled);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_package_used_up_gets_one_second_receipt_closing_the_whole_payment(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await RobokassaClinic.OpenAsync(host);
        var (order, paymentId, invoice) = await shop.BuyAsync(shop.Package);
        var package = Assert.Single(await shop.Tenant.ListAll($"/api/v1/entitlements?orderId={order}")).Id();

        // Two sessions used: the package is not delivered yet, and Robokassa takes one closing receipt only.
        var uses = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => shop.Tenant.PostOk($"/api/v1/entitlements/{package}/uses", new { })));
        await host.RunDueJobsAsync();
        Assert.Empty(shop.Robokassa.Invoice(shop.Login, invoice.InvId)!.SecondReceipts);
        // The last two at once (one of them refused: three sessions in all), then one given back and used again.
        var last = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => shop.Tenant.PostRaw($"/api/v1/entitlements/{package}/uses", "{}")));
        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Conflict], last.Select(r => r.StatusCode).Order());
        await shop.Tenant.PostOk($"/api/v1/entitlements/{package}/uses/{uses[0].Id()}/undo", new { });
        await shop.Tenant.PostOk($"/api/v1/entitlements/{package}/uses", new { });
        await host.RunDueJobsAsync();

        var closing = Assert.Single(shop.Robokassa.Invoice(shop.Login, invoice.InvId)!.SecondReceipts);
        (closing["originId"]!.ToString(), closing["operation"]!.ToString(), closing["sno"]!.ToString(), closing["client"]!["email"]!.ToString())
            .ShouldBe((invoice.InvId.ToString(CultureInfo.InvariantCulture), "sell", "usn_income", "anna@example.ru"));
        Assert.NotEqual(closing["originId"]!.ToString(), closing["id"]!.ToString());
        closing["total"]!.GetValue<decimal>().ShouldBe(5000m);
        var item = Assert.Single(closing["items"]!.AsArray())!;
        (item["payment_method"]!.ToString(), item["sum"]!.GetValue<decimal>()).ShouldBe(("full_payment", 5000m));
        var offset = Assert.Single(closing["payments"]!.AsArray())!;
        (offset["type"]!.GetValue<int>(), offset["sum"]!.GetValue<decimal>()).ShouldBe((2, 5000m));
        var vat = Assert.Single(closing["vats"]!.AsArray())!;
        (vat["type"]!.ToString(), vat["sum"]!.GetValue<decimal>()).ShouldBe(("vat20", 833.33m));
        var recorded = await host.InTenantAsync(shop.Tenant.TenantId, db => db.ClosingReceipts.Where(r => r.PaymentId == paymentId).ToListAsync());
        var one = Assert.Single(recorded);
        (one.SubjectId, one.Part, one.Status, one.AmountMinor).ShouldBe((paymentId, 0, Paydesk.Payments.Fiscal.ClosingReceiptStatus.Sent, (long?)5_000_00));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_package_that_ends_with_sessions_unused_gets_its_second_receipt_then(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await RobokassaClinic.OpenAsync(host);
        var (order, paymentId, invoice) = await shop.BuyAsync(shop.Package);
        var package = Assert.Single(await shop.Tenant.ListAll($"/api/v1/entitlements?orderId={order}")).Id();
        await shop.Tenant.PostOk($"/api/v1/entitlements/{package}/uses", new { });
        await host.RunDueJobsAsync();
        Assert.Empty(shop.Robokassa.Invoice(shop.Login, invoice.InvId)!.SecondReceipts);

        // Its three months are over (moved into the past here, with the job queued for then).
        await PackageEndsAsync(host, shop.Tenant.TenantId, package);
        await host.RunDueJobsAsync();
        var closing = Assert.Single(shop.Robokassa.Invoice(shop.Login, invoice.InvId)!.SecondReceipts);
        closing["total"]!.GetValue<decimal>().ShouldBe(5000m);
        Assert.Single(await host.InTenantAsync(shop.Tenant.TenantId, db => db.ClosingReceipts.Where(r => r.PaymentId == paymentId).ToListAsync()));
    }

    /// <summary>The package's end moved into the past, and its end's job made due.</summary>
    internal static Task PackageEndsAsync(PaydeskHost host, string tenantId, string package) =>
        host.InTenantAsync(tenantId, async db =>
        {
            var past = TimeProvider.System.GetUtcNow() - TimeSpan.FromMinutes(1);
            await db.Entitlements.Where(e => e.Id == package).ExecuteUpdateAsync(u => u.SetProperty(e => e.EndsAt, past));
            return await db.Jobs.Where(j => j.Kind == "close-ended-package" && j.Payload == package).ExecuteUpdateAsync(u => u.SetProperty(j => j.DueAt, past)) == 1
                ? 0 : throw new InvalidOperationException($"No close-ended-package job for {package}.");
        });

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_refund_made_in_the_cabinet_is_found_by_check_now_and_revokes_the_package(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await RobokassaClinic.OpenAsync(host);
        var (order, paymentId, invoice) = await shop.BuyAsync(shop.Package);

        // Paydesk cannot send Robokassa a refund yet: asked, it says where to make it, and nothing changes.
        var asked = await shop.Tenant.PostRaw($"/api/v1/payments/{paymentId}/refunds", "{}");
        var refused = await asked.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("cabinet", refused.ToString());
        (await shop.Tenant.GetOk($"/api/v1/payments/{paymentId}")).Str("status").ShouldBe("succeeded");

        Assert.True(shop.Robokassa.RefundInCabinet(shop.Login, invoice.InvId));
        // Robokassa sends no word of it; a person's "check now" asks.
        (await shop.Tenant.PostOk($"/api/v1/payments/{paymentId}/reconcile", new { })).Str("status").ShouldBe("refunded");
        var refund = Assert.Single((await shop.Tenant.GetOk($"/api/v1/payments/{paymentId}")).GetProperty("refunds").EnumerateArray(), r => r.Str("status") == "succeeded");
        (refund.Str("origin"), refund.GetProperty("amount").GetProperty("amount").GetInt64()).ShouldBe(("provider", 5_000_00L));
        await Eventually.ReadsAsync(() => shop.Tenant.GetOk($"/api/v1/orders/{order}"), o => o.Str("status") == "refunded", "the order to be refunded");
        Assert.Single(await shop.Tenant.ListAll($"/api/v1/entitlements?orderId={order}")).Str("status").ShouldBe("revoked");
        // Asked again, nothing more is recorded.
        await shop.Tenant.PostOk($"/api/v1/payments/{paymentId}/reconcile", new { });
        Assert.Single((await shop.Tenant.GetOk($"/api/v1/payments/{paymentId}")).GetProperty("refunds").EnumerateArray(), r => r.Str("status") == "succeeded");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Checking_the_connection_says_whether_Robokassa_takes_the_login_and_password_2(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await RobokassaClinic.OpenAsync(host, hash: "sha256");
        var good = await shop.Tenant.PostOk($"/api/v1/provider-accounts/{shop.Account}/check", new { });
        Assert.True(good.GetProperty("ok").GetBoolean(), good.ToString());
        Assert.Contains("password #2", good.Str("detail"));

        (await shop.Tenant.Http.PatchAsJsonAsync($"/api/v1/provider-accounts/{shop.Account}", new { credentials = new { password2 = "an old password" } }))
            .EnsureSuccessStatusCode();
        var bad = await shop.Tenant.PostOk($"/api/v1/provider-accounts/{shop.Account}/check", new { });
        Assert.False(bad.GetProperty("ok").GetBoolean());
        Assert.Contains("check password #2 and the hash algorithm", bad.Str("detail"));
        Assert.DoesNotContain("an old password", bad.ToString());
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_shop_passwords_are_in_the_clear_nowhere_in_the_database_the_log_an_answer_or_a_page(Engine engine)
    {
        await using var host = await PaydeskHost.StartAsync(engine, new HostOptions());
        var shop = await RobokassaClinic.OpenAsync(host);
        // Every link signed with #1, every notification and state checked with #2, a second receipt signed with #1.
        var (order, paymentId, _) = await shop.BuyAsync(shop.Package);
        var package = Assert.Single(await shop.Tenant.ListAll($"/api/v1/entitlements?orderId={order}")).Id();
        for (var i = 0; i < 3; i++) await shop.Tenant.PostOk($"/api/v1/entitlements/{package}/uses", new { });
        await shop.Tenant.PostOk($"/api/v1/payments/{paymentId}/reconcile", new { });
        await shop.Tenant.PostOk($"/api/v1/provider-accounts/{shop.Account}/check", new { });
        await shop.Emulators.QuietAsync();
        await host.SettleAsync();
        Assert.Single(shop.Robokassa.Invoices(shop.Login).Single().SecondReceipts);

        var stored = await ProviderSecretTests.StoredBytesAsync(host);
        Assert.True(ProviderSecretTests.Holds(stored, shop.Login), "the search reads the account, which names the shop");
        var slug = await host.SlugOfAsync(shop.Tenant.TenantId);
        using var staff = new PageClient(host.BaseAddress);
        await host.NewUserAsync(shop.Tenant.TenantId, "owner@example.ru", password: "a long enough password");
        await staff.SignInAsync("owner@example.ru", "a long enough password");
        var providersPage = await staff.GetStringAsync($"/admin/{slug}/providers");
        // The page says what to set in the cabinet.
        Assert.Contains($"return/robokassa/{shop.Account}/success", providersPage);
        string[] answers =
        [
            .. await Task.WhenAll(new[] { "/api/v1/provider-accounts", $"/api/v1/payments/{paymentId}", "/api/v1/jobs" }
                .Select(path => shop.Tenant.Http.GetStringAsync(path))),
            providersPage, await staff.GetStringAsync($"/admin/{slug}/payments/{paymentId}"),
        ];
        foreach (var password in new[] { shop.Shop.Password1, shop.Shop.Password2 })
        {
            Assert.False(ProviderSecretTests.Holds(stored, password), $"a shop password is stored in the clear ({engine})");
            Assert.DoesNotContain(host.Logs.Lines, line => line.Contains(password, StringComparison.Ordinal));
            Assert.DoesNotContain(answers, a => a.Contains(password, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void The_second_receipt_is_signed_as_the_documentation_s_example()
    {
        // The documentation's request, byte for byte (a line break after "sell",), with the password robokassatest.
        var json = "{\"merchantId\": \"robokassa_sell\",\"id\": \"14\",\"originId\": \"13\",\"operation\": \"sell\",\n\"sno\": \"osn\",\"url\": \"https://www.robokassa.ru/\"," +
            "\"total\": 100,\"items\": [{\"name\": \"Товар\",\"quantity\": 1,\"sum\": 100,\"tax\": \"none\",\"payment_method\": \"full_payment\",\"payment_object\": \"commodity\"}]," +
            "\"client\": {\"email\": \"test@test.ru\",\"phone\": \"71234567890\"},\"payments\": [{\"type\": 2,\"sum\": 100}],\"vats\": [{\"type\": \"none\",\"sum\": 0}]}";
        var body = RobokassaProvider.FiscalBody(json, "robokassatest", RobokassaHash.Md5);
        Assert.EndsWith(".MzAwMTU4NjIwMTE0M2RhNDIzMjg5NmM0NDI0NGJkYmI", body);
        Assert.StartsWith("eyJtZXJjaGFudElkIjogInJvYm9rYXNzYV9zZWxsIiwiaWQiOiAiMTQiLCJvcmlnaW5JZCI6ICIxMyIsIm9wZXJhdGlvbiI6ICJzZWxsIiwK", body);
        Assert.DoesNotContain("=", body);
    }

    /// <summary>A payment as a renewal would make it, numbered at the account as Robokassa needs: not yet known to Robokassa.</summary>
    private static async Task<Payment> NewPaymentAsync(PaydeskHost host, RobokassaClinic shop, string like, long amount) =>
        await host.InTenantAsync(shop.Tenant.TenantId, async db =>
        {
            var model = await db.Payments.AsNoTracking().FirstAsync(p => p.Id == like);
            var id = host.Services.GetRequiredService<IdGenerator>().New("pay");
            return await db.InTransactionAsync(async () =>
            {
                var number = await ProviderNumbers.NextAsync(db, model.ProviderAccountId, CancellationToken.None);
                return new Payment
                {
                    TenantId = model.TenantId, Id = id, Purpose = model.Purpose, CustomerId = model.CustomerId, AmountMinor = amount, Currency = "RUB",
                    Status = PaymentStatus.Created, Provider = "robokassa", ProviderAccountId = model.ProviderAccountId, IdempotencyKey = id,
                    ProviderPaymentId = number.ToString(CultureInfo.InvariantCulture), CreatedAt = model.CreatedAt, UpdatedAt = model.CreatedAt,
                };
            }, CancellationToken.None);
        });
}
