using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Paydesk.Emulators;
using Paydesk.Emulators.TBank;
using Paydesk.Core;
using Paydesk.Payments;
using Paydesk.Payments.TBank;
using Paydesk.Storage;
using Paydesk.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Paydesk.Tests.Payments.TBank;

/// <summary>Paying, refunding and recovering through T-Bank, against its emulator over real HTTP, on both engines.</summary>
public sealed class TBankTests
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_package_paid_on_the_TBank_form_is_activated_with_a_prepayment_receipt(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await TBankShop.OpenAsync(host);
        var order = await shop.OrderAsync(shop.Package);
        var (paymentId, form) = await shop.CheckoutAsync(order);
        Assert.Equal($"/tbank/pay/", form.AbsolutePath[..^form.Segments[^1].Length]);

        var atTBank = shop.TBank.PaymentByOrder(paymentId)!;
        atTBank.Amount.ShouldBe(15_000_00);
        atTBank.NotificationUrl.ShouldBe(new Uri(host.BaseAddress, $"webhooks/tbank/{shop.Account}").ToString());
        // The receipt: the package sold as a prepaid service, its items adding up to the payment exactly.
        var receipt = atTBank.Receipt!;
        receipt["Taxation"]!.GetValue<string>().ShouldBe("usn_income");
        receipt["Email"]!.GetValue<string>().ShouldBe("maria@example.ru");
        TBankShop.Sum(receipt).ShouldBe(15_000_00);
        var item = receipt["Items"]![0]!;
        (item["PaymentMethod"]!.GetValue<string>(), item["PaymentObject"]!.GetValue<string>(), item["Tax"]!.GetValue<string>())
            .ShouldBe(("full_prepayment", "service", "none"));

        var back = await TBankShop.PressAsync(form, "pay");
        back.AbsolutePath.ShouldBe($"/pay/{paymentId}/success");
        var fulfilled = await shop.Tenant.OrderWhenAsync(order, "fulfilled");
        fulfilled.Str("paidByPaymentId").ShouldBe(paymentId);
        var sessions = Assert.Single(await shop.Tenant.ListAll($"/api/v1/entitlements?orderId={order}"));
        sessions.GetProperty("sessionsRemaining").GetInt32().ShouldBe(10);

        // AUTHORIZED then CONFIRMED, each answered OK, and nothing left to resend.
        await shop.Emulators.QuietAsync();
        var answers = shop.Emulators.Notifier.Done.Where(d => d.Notification.Body.Contains(paymentId)).ToList();
        Assert.Equal(2, answers.Count);
        Assert.All(answers, a => Assert.Equal((true, "200 OK"), (a.Taken, a.LastAnswer)));
        var payment = await shop.Tenant.GetOk($"/api/v1/payments/{paymentId}");
        payment.Str("status").ShouldBe("succeeded");
        shop.TBank.PaymentByOrder(paymentId)!.Captures.ShouldBe(1);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_payment_cancelled_or_declined_on_the_TBank_form_leaves_the_order_to_be_paid_again(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await TBankShop.OpenAsync(host, receipts: false);
        var order = await shop.OrderAsync(shop.Package);

        var (canceled, form) = await shop.CheckoutAsync(order);
        Assert.Null(shop.TBank.PaymentByOrder(canceled)!.Receipt);
        (await TBankShop.PressAsync(form, "cancel")).AbsolutePath.ShouldBe($"/pay/{canceled}/canceled");
        await shop.Tenant.PaymentWhenAsync(canceled, "canceled");

        var (declined, again) = await shop.CheckoutAsync(order);
        (await TBankShop.PressAsync(again, "decline")).AbsolutePath.ShouldBe($"/pay/{declined}/canceled");
        await shop.Tenant.PaymentWhenAsync(declined, "failed");
        (await shop.Tenant.GetOk($"/api/v1/orders/{order}")).Str("status").ShouldBe("awaiting_payment");

        var (paid, third) = await shop.CheckoutAsync(order);
        await TBankShop.PressAsync(third, "pay");
        (await shop.Tenant.OrderWhenAsync(order, "fulfilled")).Str("paidByPaymentId").ShouldBe(paid);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Duplicate_and_out_of_order_notifications_never_move_a_payment_back(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await TBankShop.OpenAsync(host);
        var order = await shop.OrderAsync(shop.Package);
        var (paymentId, form) = await shop.CheckoutAsync(order);

        // CONFIRMED arrives first, then AUTHORIZED (a pending status) late; each of them twice.
        shop.TBank.Inject(shop.Terminal.Key, NotificationFault.OutOfOrder);
        shop.TBank.Inject(shop.Terminal.Key, NotificationFault.Duplicate, 2);
        await TBankShop.PressAsync(form, "pay");
        await shop.Tenant.OrderWhenAsync(order, "fulfilled");
        await shop.Emulators.QuietAsync();

        var answers = shop.Emulators.Notifier.Done.Where(d => d.Notification.Body.Contains(paymentId)).ToList();
        Assert.Equal(4, answers.Count);
        Assert.All(answers, a => Assert.True(a.Taken, a.LastAnswer));
        var outcomes = await host.InTenantAsync(shop.Tenant.TenantId, db =>
            db.WebhookEvents.Where(e => e.ProviderEventId.StartsWith(shop.TBank.PaymentByOrder(paymentId)!.PaymentId + ":")).Select(e => e.Outcome).ToListAsync());
        // One CONFIRMED applied, one AUTHORIZED refused as a step back; the copies were seen before.
        Assert.Equal(["applied", "ignored"], outcomes.Order());
        (await shop.Tenant.GetOk($"/api/v1/payments/{paymentId}")).Str("status").ShouldBe("succeeded");
        Assert.Single(await shop.Tenant.ListAll($"/api/v1/entitlements?orderId={order}"));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_payment_whose_notifications_were_lost_is_found_paid_by_the_reconciler(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await TBankShop.OpenAsync(host);
        var order = await shop.OrderAsync(shop.Package);
        var (paymentId, form) = await shop.CheckoutAsync(order);

        shop.TBank.Inject(shop.Terminal.Key, NotificationFault.Drop, 2);
        await TBankShop.PressAsync(form, "pay");
        await shop.Emulators.QuietAsync();
        (await shop.Tenant.GetOk($"/api/v1/payments/{paymentId}")).Str("status").ShouldBe("pending");

        var checkedNow = await shop.Tenant.PostOk($"/api/v1/payments/{paymentId}/reconcile", new { });
        checkedNow.Str("status").ShouldBe("succeeded");
        await shop.Tenant.OrderWhenAsync(order, "fulfilled");
        shop.TBank.PaymentByOrder(paymentId)!.Captures.ShouldBe(1);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_checkout_whose_Init_answer_was_lost_is_unknown_then_found_by_its_order_id(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await TBankShop.OpenAsync(host);
        var order = await shop.OrderAsync(shop.Package);

        shop.TBank.Inject(shop.Terminal.Key, "Init", CallFault.LoseAnswer);
        var lost = await shop.Tenant.Post($"/api/v1/orders/{order}/checkout", new { provider = "tbank" });
        await lost.ShouldBeProblem(502);
        var payment = Assert.Single(await shop.Tenant.ListAll($"/api/v1/payments?purpose=order:{order}"));
        payment.Str("status").ShouldBe("unknown");

        // T-Bank made the payment; Paydesk never heard its PaymentId, so it asks by OrderId: not paid, not
        // settled either — the customer never saw the form, and T-Bank lets it lapse after its RedirectDueDate.
        var atTBank = shop.TBank.PaymentByOrder(payment.Id())!;
        atTBank.Status.ShouldBe("NEW");
        var callsBefore = shop.TBank.CallsOf(shop.Terminal.Key);
        var checkedNow = await shop.Tenant.PostOk($"/api/v1/payments/{payment.Id()}/reconcile", new { });
        checkedNow.Str("status").ShouldBe("unknown");
        Assert.Contains(checkedNow.GetProperty("operations").EnumerateArray(), o => o.Str("summary") == "tbank says pending");
        Assert.Equal(callsBefore + 1, shop.TBank.CallsOf(shop.Terminal.Key));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Credentials_T_Bank_refuses_fail_the_checkout_without_charging(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await TBankShop.OpenAsync(host);
        var patched = await shop.Tenant.Http.PatchAsJsonAsync($"/api/v1/provider-accounts/{shop.Account}", new { credentials = new { password = "not-the-password" } });
        patched.EnsureSuccessStatusCode();
        var order = await shop.OrderAsync(shop.Package);

        var refused = await shop.Tenant.Post($"/api/v1/orders/{order}/checkout", new { provider = "tbank" });
        var problem = await refused.ShouldBeProblem(502);
        Assert.Contains("credentials", problem.Str("detail"));
        var payment = Assert.Single(await shop.Tenant.ListAll($"/api/v1/payments?purpose=order:{order}"));
        payment.Str("status").ShouldBe("failed");
        Assert.Empty(shop.TBank.Payments(shop.Terminal.Key));
        Assert.DoesNotContain(host.Logs.Lines, l => l.Contains("not-the-password") || l.Contains(shop.Terminal.Password));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Checking_the_connection_says_whether_TBank_takes_the_terminal_key_and_password(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await TBankShop.OpenAsync(host);
        var calls = shop.TBank.CallsOf(shop.Terminal.Key);
        var good = await shop.Tenant.PostOk($"/api/v1/provider-accounts/{shop.Account}/check", new { });
        (good.GetProperty("ok").GetBoolean(), good.Str("detail")).ShouldBe((true, "T-Bank accepted the terminal key and password."));
        Assert.Equal(calls + 1, shop.TBank.CallsOf(shop.Terminal.Key));

        (await shop.Tenant.Http.PatchAsJsonAsync($"/api/v1/provider-accounts/{shop.Account}", new { credentials = new { password = "an old password" } }))
            .EnsureSuccessStatusCode();
        var bad = await shop.Tenant.PostOk($"/api/v1/provider-accounts/{shop.Account}/check", new { });
        Assert.False(bad.GetProperty("ok").GetBoolean());
        Assert.Contains("refused the account's credentials", bad.Str("detail"));
        Assert.DoesNotContain("an old password", bad.ToString());

        // The same button on the providers page.
        var slug = await host.SlugOfAsync(shop.Tenant.TenantId);
        await host.NewUserAsync(shop.Tenant.TenantId, $"admin-{engine}@example.ru", password: "a long enough password");
        using var staff = new PageClient(host.BaseAddress);
        await staff.SignInAsync($"admin-{engine}@example.ru", "a long enough password");
        var pressed = await staff.PostAsync($"/admin/{slug}/providers", $"/admin/{slug}/providers/{shop.Account}", new() { ["action"] = "check" });
        Assert.Equal(HttpStatusCode.Redirect, pressed.StatusCode);
        Assert.Contains(Uri.EscapeDataString("refused the account's credentials"), pressed.Headers.Location!.OriginalString);
        Assert.Contains("refused the account&#x27;s credentials", await staff.GetStringAsync(pressed.Headers.Location.OriginalString));
        (await shop.Tenant.PostRaw($"/api/v1/provider-accounts/acct_nope/check", "{}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_notification_with_a_wrong_token_is_refused_and_changes_nothing(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await TBankShop.OpenAsync(host);
        var order = await shop.OrderAsync(shop.Package);
        var (paymentId, _) = await shop.CheckoutAsync(order);
        var atTBank = shop.TBank.PaymentByOrder(paymentId)!;

        var forged = new JsonObject
        {
            ["TerminalKey"] = shop.Terminal.Key, ["OrderId"] = paymentId, ["Success"] = true, ["Status"] = "CONFIRMED",
            ["PaymentId"] = atTBank.PaymentId, ["ErrorCode"] = "0", ["Amount"] = atTBank.Amount,
        };
        forged["Token"] = TBankEmulator.Token(forged, "a guessed password");
        using var client = new HttpClient();
        var answer = await client.PostAsync(new Uri(host.BaseAddress, $"webhooks/tbank/{shop.Account}"), new StringContent(forged.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.NotEqual("OK", await answer.Content.ReadAsStringAsync());

        // Signed with the terminal's password, the same notification is taken, and answered exactly OK.
        forged["Token"] = TBankEmulator.Token(forged, shop.Terminal.Password);
        var taken = await client.PostAsync(new Uri(host.BaseAddress, $"webhooks/tbank/{shop.Account}"), new StringContent(forged.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal((HttpStatusCode.OK, "OK"), (taken.StatusCode, await taken.Content.ReadAsStringAsync()));
        await shop.Tenant.OrderWhenAsync(order, "fulfilled");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Refunds_through_the_API_cancel_at_TBank_part_by_part_once_each(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await TBankShop.OpenAsync(host);
        var (order, paymentId, atTBank) = await shop.BuyAsync(shop.Package);

        var part = await shop.Tenant.PostOk($"/api/v1/payments/{paymentId}/refunds", new { amount = new { amount = 5_000_00, currency = "RUB" }, reason = "Two sessions not used" });
        await Eventually.ReadsAsync(() => shop.Tenant.GetOk($"/api/v1/payments/{paymentId}"), p => p.Str("status") == "partially_refunded", "a partial refund");
        shop.TBank.Payment(atTBank.PaymentId)!.Left.ShouldBe(10_000_00);
        await shop.Tenant.PostOk($"/api/v1/payments/{paymentId}/refunds", new { reason = "The rest" });
        await shop.Tenant.PaymentWhenAsync(paymentId, "refunded");
        await shop.Emulators.QuietAsync();
        await host.SettleAsync();

        var payment = await shop.Tenant.GetOk($"/api/v1/payments/{paymentId}");
        // T-Bank's notifications of both refunds were asked about and found to be the refunds Paydesk made: nothing twice.
        Assert.Equal(2, payment.GetProperty("refunds").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, payment.GetProperty("reviewReason").ValueKind);
        (shop.TBank.Payment(atTBank.PaymentId)!.Left, shop.TBank.Payment(atTBank.PaymentId)!.Status).ShouldBe((0L, "REFUNDED"));
        Assert.All(await shop.Tenant.ListAll($"/api/v1/entitlements?orderId={order}"), e => e.Str("status").ShouldBe("revoked"));
        part.Str("status").ShouldBe("succeeded");
        // Each cancellation named what it gave back, for the receipt of the return (the tenant sends receipts).
        var returned = shop.TBank.Payment(atTBank.PaymentId)!.CancelReceipts;
        Assert.Equal([5_000_00, 10_000_00], returned.Select(TBankShop.Sum));
        Assert.All(returned, r => r["Items"]![0]!["PaymentMethod"]!.GetValue<string>().ShouldBe("full_prepayment"));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_refund_made_in_the_TBank_dashboard_revokes_what_the_payment_bought(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await TBankShop.OpenAsync(host);
        var (order, paymentId, atTBank) = await shop.BuyAsync(shop.Package);

        shop.TBank.RefundInDashboard(atTBank.PaymentId, null)["Success"]!.GetValue<bool>().ShouldBe(true);
        await shop.Tenant.PaymentWhenAsync(paymentId, "refunded");
        var refund = Assert.Single((await shop.Tenant.GetOk($"/api/v1/payments/{paymentId}")).GetProperty("refunds").EnumerateArray());
        refund.Str("origin").ShouldBe("provider");
        refund.GetProperty("amount").GetProperty("amount").GetInt64().ShouldBe(15_000_00);
        await Eventually.ReadsAsync(() => shop.Tenant.GetOk($"/api/v1/orders/{order}"), o => o.Str("status") == "refunded", "the order to be refunded");
        var sessions = Assert.Single(await shop.Tenant.ListAll($"/api/v1/entitlements?orderId={order}"));
        sessions.Str("status").ShouldBe("revoked");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Eight_refunds_of_everything_at_once_give_back_the_payment_once(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await TBankShop.OpenAsync(host);
        var (_, paymentId, atTBank) = await shop.BuyAsync(shop.Package);

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            shop.Tenant.Post($"/api/v1/payments/{paymentId}/refunds", new { reason = "Race" })));
        Assert.Single(answers, a => a.IsSuccessStatusCode);
        Assert.All(answers.Where(a => !a.IsSuccessStatusCode), a => Assert.Equal(HttpStatusCode.Conflict, a.StatusCode));
        await shop.Tenant.PaymentWhenAsync(paymentId, "refunded");
        await shop.Emulators.QuietAsync();
        await host.SettleAsync();

        shop.TBank.Payment(atTBank.PaymentId)!.Left.ShouldBe(0);
        var payment = await shop.Tenant.GetOk($"/api/v1/payments/{paymentId}");
        payment.GetProperty("refunded").GetProperty("amount").GetInt64().ShouldBe(15_000_00);
        Assert.Single(payment.GetProperty("refunds").EnumerateArray());
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_renewal_charged_by_RebillId_whose_answer_is_lost_charges_once(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await TBankShop.OpenAsync(host);
        // The first payment of a recurring plan keeps the card: T-Bank names it by RebillId.
        var (_, first, atTBank) = await shop.BuyAsync(shop.Monthly);
        Assert.True(atTBank.Recurrent);
        atTBank.CustomerKey.ShouldBe(shop.Customer);
        var rebill = atTBank.RebillId!;
        // Kept as the customer's card: what the account page shows and the customer may remove.
        var card = Assert.Single((await shop.Tenant.GetOk($"/api/v1/payment-methods?customerId={shop.Customer}")).Items());
        (card.Str("provider"), card.Str("brand"), card.Str("last4"), card.GetProperty("expMonth").GetInt32(), card.GetProperty("expYear").GetInt32())
            .ShouldBe(("tbank", "visa", "0777", 12, 2030));
        Assert.Equal(rebill, await host.InTenantAsync(shop.Tenant.TenantId, db => db.SavedMethods.Where(m => m.Id == card.Id()).Select(m => m.ProviderMethodId).SingleAsync()));

        var renewal = await NewPaymentAsync(host, shop, first, 990_00);
        var provider = host.Services.GetRequiredService<TBankProvider>();
        var account = await host.InTenantAsync(shop.Tenant.TenantId, db => db.ProviderAccounts.AsNoTracking().FirstAsync(a => a.Id == shop.Account));

        shop.TBank.Inject(shop.Terminal.Key, "Charge", CallFault.LoseAnswer);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => provider.ChargeSavedMethodAsync(account, renewal, rebill, null, CancellationToken.None));
        // Asked again (a retry after a crash): T-Bank says it is paid, and nothing is charged a second time.
        var again = await provider.ChargeSavedMethodAsync(account, renewal, rebill, null, CancellationToken.None);
        again.Status.ShouldBe(PaymentStatus.Succeeded);
        var charges = shop.TBank.Payments(shop.Terminal.Key).Where(p => p.OrderId == renewal.Id).ToList();
        Assert.Equal(1, charges.Sum(c => c.Captures));
        // The reconciler, which has no T-Bank PaymentId for it either, finds it by OrderId.
        (await provider.GetStateAsync(account, renewal, CancellationToken.None)).Status.ShouldBe(PaymentStatus.Succeeded);

        // The customer cancels the subscription (its only card cannot go while it renews), and removes the card:
        // it is no longer listed (removing it again changes nothing).
        await shop.Tenant.PostOk($"/api/v1/subscriptions/{Assert.Single((await shop.Tenant.GetOk($"/api/v1/subscriptions?customerId={shop.Customer}")).Items()).Id()}/cancel", new { at = "now" });
        (await shop.Tenant.PostOk($"/api/v1/payment-methods/{card.Id()}/remove", new { })).Str("id").ShouldBe(card.Id());
        (await shop.Tenant.PostOk($"/api/v1/payment-methods/{card.Id()}/remove", new { })).Str("id").ShouldBe(card.Id());
        Assert.Empty((await shop.Tenant.GetOk($"/api/v1/payment-methods?customerId={shop.Customer}")).Items());

        // A card that now declines: the renewal fails, and says so.
        shop.TBank.Decline(rebill);
        var declined = await provider.ChargeSavedMethodAsync(account, await NewPaymentAsync(host, shop, first, 990_00), rebill, null, CancellationToken.None);
        declined.Status.ShouldBe(PaymentStatus.Failed);
        Assert.Contains("1051", declined.Error);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Each_session_used_closes_its_share_of_the_package_receipt_once(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await TBankShop.OpenAsync(host);
        // 10 000,01 ₽ over ten sessions: one of them carries the odd kopeck, and the ten add up exactly.
        var odd = (await shop.Tenant.PostOk("/api/v1/plans", new
        {
            name = "10 сеансов (акция)", price = new { amount = 10_000_01, currency = "RUB" },
            grants = new[] { new { type = "sessions", serviceId = shop.Service, count = 10 } },
        })).Id();
        var (order, _, atTBank) = await shop.BuyAsync(odd);
        var package = Assert.Single(await shop.Tenant.ListAll($"/api/v1/entitlements?orderId={order}")).Id();

        // Eight at once, as the front desk and the booking page might; then one given back and used again, then the rest.
        var uses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => shop.Tenant.PostOk($"/api/v1/entitlements/{package}/uses", new { })));
        await shop.Tenant.PostOk($"/api/v1/entitlements/{package}/uses/{uses[0].Id()}/undo", new { });
        for (var i = 0; i < 3; i++) await shop.Tenant.PostOk($"/api/v1/entitlements/{package}/uses", new { });
        await host.RunDueJobsAsync();

        var closings = shop.TBank.Payment(atTBank.PaymentId)!.ClosingReceipts;
        Assert.Equal(10, closings.Count);
        Assert.Equal(10_000_01, closings.Sum(TBankShop.Sum));
        Assert.Equal([1_000_00, 1_000_01], closings.Select(TBankShop.Sum).Distinct().Order());
        Assert.All(closings.SelectMany(c => c["Items"]!.AsArray()), i => i!["PaymentMethod"]!.GetValue<string>().ShouldBe("full_payment"));
        var recorded = await host.InTenantAsync(shop.Tenant.TenantId, db => db.ClosingReceipts.Where(r => r.SubjectId == package).ToListAsync());
        Assert.Equal(Enumerable.Range(1, 10), recorded.Select(r => r.Part).Order());
        Assert.All(recorded, r => r.Status.ShouldBe(Paydesk.Payments.Fiscal.ClosingReceiptStatus.Sent));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_package_that_ends_with_sessions_unused_closes_the_rest_of_its_receipt_then(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await TBankShop.OpenAsync(host);
        var (order, _, atTBank) = await shop.BuyAsync(shop.Package);
        var package = Assert.Single(await shop.Tenant.ListAll($"/api/v1/entitlements?orderId={order}")).Id();
        for (var i = 0; i < 3; i++) await shop.Tenant.PostOk($"/api/v1/entitlements/{package}/uses", new { });

        await Paydesk.Tests.Payments.Robokassa.RobokassaTests.PackageEndsAsync(host, shop.Tenant.TenantId, package);
        await host.RunDueJobsAsync();
        // Three used, seven never: ten closing receipts in all, adding up to the package's line.
        var closings = shop.TBank.Payment(atTBank.PaymentId)!.ClosingReceipts;
        Assert.Equal(10, closings.Count);
        Assert.Equal(15_000_00, closings.Sum(TBankShop.Sum));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_closing_receipt_TBank_cannot_take_now_is_sent_again_later(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await TBankShop.OpenAsync(host);
        var (order, _, atTBank) = await shop.BuyAsync(shop.Package);
        var package = Assert.Single(await shop.Tenant.ListAll($"/api/v1/entitlements?orderId={order}")).Id();

        shop.TBank.Inject(shop.Terminal.Key, "SendClosingReceipt", CallFault.ServerError);
        await shop.Tenant.PostOk($"/api/v1/entitlements/{package}/uses", new { });
        await host.RunDueJobsAsync();
        Assert.Empty(shop.TBank.Payment(atTBank.PaymentId)!.ClosingReceipts);
        var waiting = await host.InTenantAsync(shop.Tenant.TenantId, db => db.ClosingReceipts.SingleAsync(r => r.SubjectId == package));
        (waiting.Status, waiting.Attempts).ShouldBe((Paydesk.Payments.Fiscal.ClosingReceiptStatus.Pending, 1));
        Assert.Contains("500", waiting.Error);

        var job = (await host.JobsOfAsync(shop.Tenant.TenantId)).Single(j => j.Kind == "send-closing-receipt");
        await host.InTenantAsync(shop.Tenant.TenantId, async db =>
            await db.Jobs.Where(j => j.Id == job.Id).ExecuteUpdateAsync(u => u.SetProperty(j => j.DueAt, j => j.CreatedAt)));
        await host.RunDueJobsAsync();
        var closing = Assert.Single(shop.TBank.Payment(atTBank.PaymentId)!.ClosingReceipts);
        TBankShop.Sum(closing).ShouldBe(1_500_00);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_terminal_password_is_in_the_clear_nowhere_in_the_database_the_log_an_answer_or_a_page(Engine engine)
    {
        await using var host = await PaydeskHost.StartAsync(engine, new HostOptions());
        var shop = await TBankShop.OpenAsync(host);
        // Every call signed with it, every notification verified with it: a purchase, a session closed, a refund, a check.
        var (order, paymentId, _) = await shop.BuyAsync(shop.Package);
        var sessions = Assert.Single(await shop.Tenant.ListAll($"/api/v1/entitlements?orderId={order}")).Id();
        await shop.Tenant.PostOk($"/api/v1/entitlements/{sessions}/uses", new { });
        await shop.Tenant.PostOk($"/api/v1/payments/{paymentId}/refunds", new { amount = new { amount = 1_500_00, currency = "RUB" } });
        await shop.Tenant.PaymentWhenAsync(paymentId, "partially_refunded");
        await shop.Emulators.QuietAsync();
        await host.SettleAsync();

        var password = shop.Terminal.Password;
        var stored = await ProviderSecretTests.StoredBytesAsync(host);
        Assert.True(ProviderSecretTests.Holds(stored, shop.Terminal.Key), "the search reads the notifications T-Bank sent, which name the terminal");
        Assert.False(ProviderSecretTests.Holds(stored, password), $"the terminal password is stored in the clear ({engine})");
        Assert.NotEmpty(host.Logs.Lines);
        Assert.DoesNotContain(host.Logs.Lines, line => line.Contains(password, StringComparison.Ordinal));

        var slug = await host.SlugOfAsync(shop.Tenant.TenantId);
        using var staff = new PageClient(host.BaseAddress);
        await host.NewUserAsync(shop.Tenant.TenantId, "owner@example.ru", password: "a long enough password");
        await staff.SignInAsync("owner@example.ru", "a long enough password");
        string[] answers =
        [
            .. await Task.WhenAll(new[]
            {
                "/api/v1/provider-accounts", $"/api/v1/provider-accounts/{shop.Account}", $"/api/v1/payments/{paymentId}", "/api/v1/jobs",
            }.Select(path => shop.Tenant.Http.GetStringAsync(path))),
            await staff.GetStringAsync($"/admin/{slug}/providers"),
            await staff.GetStringAsync($"/admin/{slug}/payments/{paymentId}"),
        ];
        Assert.Contains(answers, a => a.Contains(shop.Account, StringComparison.Ordinal));
        Assert.DoesNotContain(answers, a => a.Contains(password, StringComparison.Ordinal));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_customer_sees_the_card_kept_for_renewals_on_their_account_page_and_removes_it_there_once_no_subscription_needs_it(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await TBankShop.OpenAsync(host);
        await shop.BuyAsync(shop.Monthly);
        var slug = await host.SlugOfAsync(shop.Tenant.TenantId);
        var card = Assert.Single((await shop.Tenant.GetOk($"/api/v1/payment-methods?customerId={shop.Customer}")).Items());

        // The clinic's staff see it on the customer's page.
        await host.NewUserAsync(shop.Tenant.TenantId, $"desk-{engine}@example.ru", Paydesk.Tenancy.Role.Staff, "a long enough password");
        using var staff = new PageClient(host.BaseAddress);
        await staff.SignInAsync($"desk-{engine}@example.ru", "a long enough password");
        Assert.Contains("Visa •••• 0777 12/30", await staff.GetStringAsync($"/admin/{slug}/customers/{shop.Customer}"));

        // The customer, signed in by the link their email would bring.
        var token = host.Services.GetRequiredService<Paydesk.Web.SignIn.SignInTokens>().ForCustomer(shop.Tenant.TenantId, shop.Customer);
        using var customer = new PageClient(host.BaseAddress);
        var link = $"/t/{slug}/sign-in/link?token={Uri.EscapeDataString(token)}";
        (await customer.PostAsync(link, $"/t/{slug}/sign-in/link", new() { ["token"] = token })).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var account = await customer.GetStringAsync($"/t/{slug}/account");
        Assert.Contains("Visa •••• 0777 expires 12/30", account);

        // Another customer's card is not theirs to remove; their own is, and it is gone from the page and the API.
        var other = await shop.Tenant.CreateCustomerAsync("Пётр", "petr@example.ru");
        var otherCard = await host.InTenantAsync(shop.Tenant.TenantId, async db =>
        {
            var method = new Paydesk.Payments.SavedMethod
            {
                TenantId = shop.Tenant.TenantId, Id = $"pm_other_{engine}", CustomerId = other, Provider = "tbank", ProviderAccountId = shop.Account,
                ProviderMethodId = $"rebill-other-{engine}", Last4 = "1111", PaymentId = "pay_none", CreatedAt = DateTimeOffset.UnixEpoch,
            };
            db.SavedMethods.Add(method);
            await db.SaveChangesAsync();
            return method.Id;
        });
        (await customer.PostAsync($"/t/{slug}/account", $"/t/{slug}/account/cards/{otherCard}/remove", new())).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        Assert.Single((await shop.Tenant.GetOk($"/api/v1/payment-methods?customerId={other}")).Items());
        // Their own card pays their subscription's renewals, and it is their only one: it stays, and the page says why.
        var refused = await customer.PostAsync($"/t/{slug}/account", $"/t/{slug}/account/cards/{card.Id()}/remove", new());
        refused.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var page = await customer.GetStringAsync(refused.Headers.Location!.ToString());
        Assert.Contains("This card pays your subscription", page);
        Assert.Contains("0777", page);
        await (await shop.Tenant.Http.PostAsJsonAsync($"/api/v1/payment-methods/{card.Id()}/remove", new { })).ShouldBeProblem(409);
        // Once the subscription is canceled (at its period's end), the card goes.
        var subscription = Assert.Single((await shop.Tenant.GetOk($"/api/v1/subscriptions?customerId={shop.Customer}")).Items()).Id();
        await shop.Tenant.PostOk($"/api/v1/subscriptions/{subscription}/cancel", new { at = "period_end" });
        (await customer.PostAsync($"/t/{slug}/account", $"/t/{slug}/account/cards/{card.Id()}/remove", new())).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        Assert.DoesNotContain("0777", await customer.GetStringAsync($"/t/{slug}/account"));
        Assert.Empty((await shop.Tenant.GetOk($"/api/v1/payment-methods?customerId={shop.Customer}")).Items());
    }

    /// <summary>A payment as a renewal would make it (issue the period's invoice, charge the saved card): not yet known to T-Bank.</summary>
    private static async Task<Payment> NewPaymentAsync(PaydeskHost host, TBankShop shop, string like, long amount) =>
        await host.InTenantAsync(shop.Tenant.TenantId, async db =>
        {
            var model = await db.Payments.AsNoTracking().FirstAsync(p => p.Id == like);
            var id = host.Services.GetRequiredService<IdGenerator>().New("pay");
            var payment = new Payment
            {
                TenantId = model.TenantId, Id = id, Purpose = model.Purpose, CustomerId = model.CustomerId, AmountMinor = amount, Currency = "RUB",
                Status = PaymentStatus.Created, Provider = "tbank", ProviderAccountId = model.ProviderAccountId, IdempotencyKey = id,
                CreatedAt = model.CreatedAt, UpdatedAt = model.CreatedAt,
            };
            return payment;
        });
}
