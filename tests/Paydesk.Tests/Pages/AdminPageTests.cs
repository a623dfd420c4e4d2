using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;
using Paydesk.Demo;

namespace Paydesk.Tests.Pages;

/// <summary>A tenant's back office, in a real browser: the dashboard, sessions, refunds, activations by hand, the audit log.</summary>
public sealed class AdminPageTests
{
    internal const string Password = "a long admin password";

    internal static string At(PaydeskHost host, string path) => new Uri(host.BaseAddress, path).ToString();

    internal static async Task<IPage> SignedInAsync(PaydeskHost host, string email, string password = Password)
    {
        var page = await Browser.NewPageAsync();
        await page.GotoAsync(At(host, "/sign-in"));
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/home$"));
        return page;
    }

    [Fact]
    public async Task Staff_use_a_session_and_undo_it_and_an_admin_retries_a_failed_activation_then_completes_it_by_hand_all_in_the_audit_log()
    {
        // The clock stands still, so the failed activation waits for the admin, not for its retry.
        await using var host = await PaydeskHost.StartAsync(Engine.Sqlite, new HostOptions { Clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow()) });
        var shop = await Shop.OpenAsync(host);
        var slug = await host.SlugOfAsync(shop.Tenant.TenantId);
        var admin = MailDevServer.NewRecipient("admin");
        await host.NewUserAsync(shop.Tenant.TenantId, admin, password: Password);
        await shop.Tenant.BuyAsync(shop.Customer, new { planId = shop.Package });
        var faults = (FaultPoints)host.Services.GetService(typeof(FaultPoints))!;
        // It fails for the worker, and again when the admin hands it back to the worker.
        faults.Arm(FaultPoints.Fulfilment, times: 2);
        var failed = (await shop.Tenant.PostOk("/api/v1/orders", new { customerId = shop.Customer, lines = new[] { new { planId = shop.Badge, termMonths = 1 } } })).Id();
        var (payment, _) = await shop.Tenant.CheckoutAsync(failed);
        await shop.Tenant.PressOnMockPageAsync(payment);
        await Eventually.HoldsAsync(async () => (await shop.Tenant.ListAll("/api/v1/orders?fulfilmentFailed=true")).Count == 1, "the activation to fail");

        var page = await SignedInAsync(host, admin);
        await page.GetByRole(AriaRole.Link, new() { Name = $"Tenant {slug}" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Level = 1 })).ToBeVisibleAsync();
        // Two payments today: 1,500.00 and 98.00 RON.
        await Assertions.Expect(page.Locator("#revenue")).ToHaveTextAsync("1,598.00 RON");
        await Assertions.Expect(page.GetByRole(AriaRole.Row, new() { Name = "succeeded 2" })).ToBeVisibleAsync();
        await PageCheck.VisitAsync(page, "dashboard");

        // A session used and undone, from the customer's page.
        await page.GetByRole(AriaRole.Link, new() { Name = "Customers" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Maria Pop" }).ClickAsync();
        var sessions = page.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "Physiotherapy session:" }).First;
        await Assertions.Expect(sessions).ToContainTextAsync("10 sessions left of 10");
        await PageCheck.VisitAsync(page, "customer");
        await sessions.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Use a session") }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Done.");
        await Assertions.Expect(sessions).ToContainTextAsync("9 sessions left of 10");
        (await shop.Tenant.ListAll($"/api/v1/entitlements?orderId={(await shop.Tenant.ListAll("/api/v1/orders?status=fulfilled"))[0].Id()}"))[0]
            .GetProperty("sessionsRemaining").GetInt32().ShouldBe(9);
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Undo") }).ClickAsync();
        await Assertions.Expect(sessions).ToContainTextAsync("10 sessions left of 10");
        await Assertions.Expect(page.GetByText("undone")).ToBeVisibleAsync();

        // The failed activation, completed by hand.
        await page.GetByRole(AriaRole.Link, new() { Name = "Failed activations" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = failed }).ClickAsync();
        await Assertions.Expect(page.GetByText(new Regex("^Activation failed: .*Injected fault"))).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#activation-tries")).ToHaveTextAsync(new Regex("^Tried once. Next automatic try: "));
        await PageCheck.VisitAsync(page, "failed-activation");
        await page.GetByRole(AriaRole.Button, new() { Name = "Retry" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Queued: the activation runs again in a moment.");
        await Eventually.HoldsAsync(async () =>
        {
            await page.ReloadAsync();
            return (await page.Locator("#activation-tries").TextContentAsync())!.StartsWith("Tried 2 times.", StringComparison.Ordinal);
        }, "the worker to try the activation again");
        (await shop.Tenant.GetOk($"/api/v1/orders/{failed}")).Str("status").ShouldBe("paid");
        await page.GetByRole(AriaRole.Button, new() { Name = "Activate now, by hand" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Done.");
        await Assertions.Expect(page.GetByText(new Regex("^Verified clinic — active until"))).ToBeVisibleAsync();
        (await shop.Tenant.GetOk($"/api/v1/orders/{failed}")).Str("status").ShouldBe("fulfilled");

        await page.GetByRole(AriaRole.Link, new() { Name = "Audit log" }).ClickAsync();
        var log = page.Locator("tbody tr");
        await Assertions.Expect(log).ToHaveCountAsync(4);
        await Assertions.Expect(log.Nth(0)).ToContainTextAsync("activate");
        await Assertions.Expect(log.Nth(1)).ToContainTextAsync("retry-activation");
        await Assertions.Expect(log.Nth(2)).ToContainTextAsync("undo-session-use");
        await Assertions.Expect(log.Nth(3)).ToContainTextAsync("use-session");
        await Assertions.Expect(log.Nth(3)).ToContainTextAsync(admin);
        await Assertions.Expect(log.Nth(3).Locator("ul.changes")).ToContainTextAsync("sessionsUsed: 0 → 1");
        await Assertions.Expect(log.Nth(2).Locator("ul.changes")).ToContainTextAsync("sessionsUsed: 1 → 0");
        await Assertions.Expect(log.Nth(0).Locator("ul.changes")).ToContainTextAsync("status: paid → fulfilled");
        await PageCheck.VisitAsync(page, "audit");
    }

    [Fact]
    public async Task The_platform_admin_refunds_a_clinic_badge_which_leaves_the_public_page_and_the_clinic_s_account_gets_a_credit_note()
    {
        await using var host = await PaydeskHost.StartAsync(Engine.Sqlite, new HostOptions { Environment = "Development" });
        var platform = new TenantClient(host, "", DemoData.Keys["platform"]);
        var clinicId = Assert.Single(await platform.ListAll("/api/v1/customers"), c => c.Str("email") == DemoData.Customers["platform"]).Id();
        var verified = Assert.Single(await platform.ListAll("/api/v1/plans"), p => p.Str("name") == "Verified clinic").Id();
        var (orderId, paymentId) = await platform.BuyAsync(clinicId, new { planId = verified, termMonths = 3 });

        var anyone = await Browser.NewPageAsync();
        await anyone.GotoAsync(At(host, $"/clinics/{clinicId}"));
        await Assertions.Expect(anyone.GetByRole(AriaRole.List, new() { Name = "Badges" })).ToHaveTextAsync("Verified clinic");

        var page = await SignedInAsync(host, DemoData.Accounts["platform"], Paydesk.Tenancy.Passwords.Demo);
        await page.GetByRole(AriaRole.Link, new() { Name = "Clinic Directory Platform" }).ClickAsync();
        await PageCheck.VisitAsync(page, "platform-dashboard");
        await page.GetByRole(AriaRole.Link, new() { Name = "Orders", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = orderId }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("Amount to refund (RUB)")).ToHaveValueAsync("2670.00");
        await page.GetByLabel("Reason").FillAsync("The licence check was withdrawn");
        await PageCheck.VisitAsync(page, "refund");
        await page.GetByRole(AriaRole.Button, new() { Name = "Refund" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Done.");
        await Assertions.Expect(page.GetByText("Refunded 2,670.00 RUB")).ToBeVisibleAsync();
        await platform.PaymentWhenAsync(paymentId, "refunded");

        await anyone.ReloadAsync();
        await Assertions.Expect(anyone.GetByText("No badges yet.")).ToBeVisibleAsync();

        // The clinic's own people see the badge gone from their account, and the credit note there.
        var clinic = await SignedInAsync(host, DemoData.Accounts["clinic"], Paydesk.Tenancy.Passwords.Demo);
        await clinic.GotoAsync(At(host, "/t/platform/account"));
        await Assertions.Expect(clinic.GetByText("Nu este nimic activ încă.")).ToBeVisibleAsync();
        await Assertions.Expect(clinic.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^Factura de stornare CN-") })).ToBeVisibleAsync();
        await clinic.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^Factura de stornare CN-") }).ClickAsync();
        await Assertions.Expect(clinic.GetByText("The licence check was withdrawn")).ToBeVisibleAsync();
        await PageCheck.VisitAsync(clinic, "credit-note");

        await page.GetByRole(AriaRole.Link, new() { Name = "Audit log" }).ClickAsync();
        await Assertions.Expect(page.Locator("tbody tr").First).ToContainTextAsync("refund");
        await Assertions.Expect(page.Locator("tbody tr").First).ToContainTextAsync(DemoData.Accounts["platform"]);
    }

    [Fact]
    public async Task No_one_opens_another_tenant_s_back_office_or_its_records_by_changing_the_address()
    {
        var host = await PaydeskHost.Shared(Engine.Sqlite);
        var mine = await Shop.OpenAsync(host);
        var theirs = await Shop.OpenAsync(host);
        var (theirOrder, _) = await theirs.Tenant.BuyAsync(theirs.Customer, new { planId = theirs.Package });
        var mySlug = await host.SlugOfAsync(mine.Tenant.TenantId);
        var theirSlug = await host.SlugOfAsync(theirs.Tenant.TenantId);
        var me = MailDevServer.NewRecipient("me");
        await host.NewUserAsync(mine.Tenant.TenantId, me, password: Password);
        // Staff of another tenant, and a customer of theirs, are nobody here either.
        var page = await SignedInAsync(host, me);

        (await page.GotoAsync(At(host, $"/admin/{mySlug}")))!.Status.ShouldBe(200);
        foreach (var path in new[]
        {
            $"/admin/{theirSlug}", $"/admin/{theirSlug}/orders", $"/admin/{theirSlug}/orders/{theirOrder}", $"/admin/{theirSlug}/customers/{theirs.Customer}",
            $"/admin/{theirSlug}/audit", $"/admin/{mySlug}/orders/{theirOrder}", $"/admin/{mySlug}/customers/{theirs.Customer}",
        })
            Assert.True((await page.GotoAsync(At(host, path)))!.Status == 404, path);

        // Their refund form, posted with my session and my token, to my back office or theirs, changes nothing.
        await page.GotoAsync(At(host, $"/admin/{mySlug}"));
        var token = await page.EvaluateAsync<string>("() => document.querySelector('input[name=__form]').value");
        foreach (var path in new[] { $"/admin/{theirSlug}/orders/{theirOrder}/refund", $"/admin/{mySlug}/orders/{theirOrder}/refund" })
        {
            var answer = await page.APIRequest.PostAsync(At(host, path), new() { Form = page.APIRequest.CreateFormData().Append("__form", token).Append("payment", "x").Append("amount", "1").Append("nonce", "n") });
            Assert.True(answer.Status == 404, path);
        }
        (await theirs.Tenant.GetOk($"/api/v1/orders/{theirOrder}")).Str("status").ShouldBe("fulfilled");

        // Nobody signed in is sent to sign in.
        var anonymous = await Browser.NewPageAsync();
        await anonymous.GotoAsync(At(host, $"/admin/{mySlug}/orders"));
        await Assertions.Expect(anonymous).ToHaveURLAsync(new Regex("/sign-in\\?back=%2Fadmin%2F"));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_refund_form_sent_eight_times_at_once_refunds_once_and_different_forms_never_pay_back_more_than_was_paid(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await Shop.OpenAsync(host);
        var slug = await host.SlugOfAsync(shop.Tenant.TenantId);
        var admin = MailDevServer.NewRecipient("admin");
        await host.NewUserAsync(shop.Tenant.TenantId, admin, password: Password);
        var (orderId, paymentId) = await shop.Tenant.BuyAsync(shop.Customer, new { planId = shop.Package });
        var page = await SignedInAsync(host, admin);
        await page.GotoAsync(At(host, $"/admin/{slug}/orders/{orderId}"));
        var token = await page.Locator("form[action$='/refund'] input[name=__form]").InputValueAsync();

        Task<IAPIResponse> Send(string nonce, string amount) => page.APIRequest.PostAsync(At(host, $"/admin/{slug}/orders/{orderId}/refund"), new()
        {
            Form = page.APIRequest.CreateFormData().Append("__form", token).Append("payment", paymentId).Append("amount", amount)
                .Append("nonce", nonce).Append("reason", "double click"),
            MaxRedirects = 0,
        });

        // One form, sent eight times at once (a double click, a retried post): one refund.
        var same = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Send("one-form", "100.00")));
        Assert.All(same, r => r.Status.ShouldBe(302));
        var refunds = (await shop.Tenant.GetOk($"/api/v1/payments/{paymentId}")).GetProperty("refunds");
        refunds.GetArrayLength().ShouldBe(1);

        // Eight different forms at once for 400.00 each, with 1,400.00 left: three fit, the rest are refused.
        var different = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Send($"form-{i}", "400.00")));
        var payment = await shop.Tenant.GetOk($"/api/v1/payments/{paymentId}");
        payment.GetProperty("refunds").GetArrayLength().ShouldBe(4);
        var refunded = payment.GetProperty("refunds").EnumerateArray().Sum(r => r.GetProperty("amount").GetProperty("amount").GetInt64());
        refunded.ShouldBe(100_00 + 3 * 400_00);
        Assert.Equal(5, different.Count(r => r.Headers["location"].Contains("error=", StringComparison.Ordinal)));
    }
}
