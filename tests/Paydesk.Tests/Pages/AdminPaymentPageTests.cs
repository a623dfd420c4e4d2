using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Paydesk.Tenancy;
using static Paydesk.Tests.Pages.AdminPageTests;

namespace Paydesk.Tests.Pages;

/// <summary>
/// The back office's payments and shipments, in a real browser: a payment's operations log, a
/// pending one followed live and checked with the provider, a parcel shipped and delivered — what
/// the customer reads through the API, and the audit log.
/// </summary>
public sealed class AdminPaymentPageTests
{
    private const string Password = "a long admin password";
    private static readonly object Home = new { line1 = "Str. Lalelelor 5", city = "Cluj-Napoca", postalCode = "400000", country = "RO" };

    private static ILocator Live(IPage page) => page.Locator("#payment-live");

    [Fact]
    public async Task An_admin_reads_a_payments_log_follows_a_pending_one_until_paid_and_ships_and_delivers_a_parcel_all_in_the_audit_log()
    {
        var host = await PaydeskHost.Shared(Engine.Sqlite);
        var shop = await Shop.OpenAsync(host);
        var t = shop.Tenant;
        var slug = await host.SlugOfAsync(t.TenantId);
        var admin = MailDevServer.NewRecipient("admin");
        await host.NewUserAsync(t.TenantId, admin, password: Password);
        var customer = (await t.PostOk("/api/v1/customers", new { name = "Ioana Rusu", email = MailDevServer.NewRecipient("ioana"), address = Home })).Id();
        var (orderId, paid) = await t.BuyAsync(customer, new { planId = shop.Hybrid });
        var waitingOrder = (await t.PostOk("/api/v1/orders", new { customerId = customer, lines = new[] { new { planId = shop.Package } } })).Id();
        var (pending, _) = await t.CheckoutAsync(waitingOrder);

        var page = await SignedInAsync(host, admin);
        await page.GotoAsync(At(host, $"/admin/{slug}"));
        await page.GetByRole(AriaRole.Link, new() { Name = "Payments", Exact = true }).ClickAsync();
        var rows = page.Locator("tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await Assertions.Expect(rows.Nth(0)).ToContainTextAsync(pending);
        await Assertions.Expect(rows.Nth(1)).ToContainTextAsync("succeeded");
        await Assertions.Expect(rows.Nth(1)).ToContainTextAsync("Ioana Rusu");
        await Assertions.Expect(rows.Nth(1)).ToContainTextAsync("1,200.00 RON");
        await PageCheck.VisitAsync(page, "payments");

        // A settled payment: its log, its order, nothing to wait for and nothing to check.
        await page.GetByRole(AriaRole.Link, new() { Name = paid }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Payment {paid}", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = orderId })).ToHaveAttributeAsync("href", $"/admin/{slug}/orders/{orderId}");
        var log = page.GetByRole(AriaRole.Region, new() { Name = "Operations log" }).Locator("tbody tr");
        await Assertions.Expect(log.Filter(new() { HasText = "transition" }).Last).ToContainTextAsync("→ succeeded");
        var logged = (await t.GetOk($"/api/v1/payments/{paid}")).GetProperty("operations").GetArrayLength();
        await Assertions.Expect(log).ToHaveCountAsync(logged);
        await Assertions.Expect(Live(page)).Not.ToHaveAttributeAsync("hx-get", new Regex("."));
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Check with the provider now" })).ToHaveCountAsync(0);
        await PageCheck.VisitAsync(page, "payment");

        // A pending one: the page follows it, and the admin asks the provider at once.
        await page.GotoAsync(At(host, $"/admin/{slug}/payments/{pending}"));
        await Assertions.Expect(Live(page)).ToHaveAttributeAsync("hx-trigger", "every 2s");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = waitingOrder })).ToBeVisibleAsync();
        await PageCheck.VisitAsync(page, "payment-pending");
        await page.GetByRole(AriaRole.Button, new() { Name = "Check with the provider now" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Done.");
        await Assertions.Expect(Live(page)).ToContainTextAsync("asked mock for the payment's state (check 1)");

        // Paid meanwhile: the page shows it without being reloaded, and stops asking.
        await page.EvaluateAsync("() => window.notReloaded = true");
        await t.PressOnMockPageAsync(pending);
        await Assertions.Expect(Live(page).Locator("span.status")).ToHaveTextAsync("succeeded", new() { Timeout = 15_000 });
        await Assertions.Expect(Live(page)).Not.ToHaveAttributeAsync("hx-get", new Regex("."));
        Assert.True(await page.EvaluateAsync<bool>("() => window.notReloaded === true"), "the page reloaded");

        // The parcel: shipped with its carrier and tracking, then delivered.
        await page.GetByRole(AriaRole.Link, new() { Name = "Shipments" }).ClickAsync();
        var shipment = page.Locator("tbody tr");
        await Assertions.Expect(shipment).ToHaveCountAsync(1);
        await Assertions.Expect(shipment).ToContainTextAsync("Resistance band");
        await Assertions.Expect(shipment).ToContainTextAsync("Str. Lalelelor 5, 400000 Cluj-Napoca");
        await Assertions.Expect(shipment.Locator("span.status")).ToHaveTextAsync("placed");
        await PageCheck.VisitAsync(page, "shipments");
        await shipment.Locator("summary", new() { HasText = "Mark shipped" }).ClickAsync();
        await shipment.GetByLabel("Carrier (optional)").FillAsync("Fan Courier");
        await shipment.GetByLabel("Tracking number (optional)").FillAsync("FC123456");
        await shipment.GetByLabel("Tracking link (optional)").FillAsync("https://track.example/FC123456");
        await PageCheck.VisitAsync(page, "ship-form");
        await page.GetByRole(AriaRole.Button, new() { Name = "Mark shipped: 2 × Resistance band" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Done.");
        await Assertions.Expect(shipment.Locator("span.status")).ToHaveTextAsync("shipped");
        await Assertions.Expect(shipment).ToContainTextAsync("Fan Courier · FC123456");
        await Assertions.Expect(shipment.GetByRole(AriaRole.Link, new() { Name = "Follow the parcel" })).ToHaveAttributeAsync("href", "https://track.example/FC123456");

        // What the customer reads through the API.
        var asCustomer = host.Client((await t.PostOk($"/api/v1/customers/{customer}/sessions", new { ttlMinutes = 30 })).Str("token"));
        async Task<JsonElement> TheirShipment() =>
            Assert.Single((await asCustomer.GetFromJsonAsync<JsonElement>($"/api/v1/shipments?orderId={orderId}")).Items());
        var theirs = await TheirShipment();
        theirs.Str("status").ShouldBe("shipped");
        theirs.Str("carrier").ShouldBe("Fan Courier");
        theirs.Str("trackingNumber").ShouldBe("FC123456");
        theirs.Str("trackingUrl").ShouldBe("https://track.example/FC123456");
        await PageCheck.VisitAsync(page, "shipped");

        await page.GetByRole(AriaRole.Button, new() { Name = "Mark delivered: 2 × Resistance band" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Done.");
        await Assertions.Expect(shipment.Locator("span.status")).ToHaveTextAsync("delivered");
        await Assertions.Expect(shipment.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        (await TheirShipment()).Str("status").ShouldBe("delivered");

        await page.GetByRole(AriaRole.Link, new() { Name = "Audit log" }).ClickAsync();
        var audit = page.Locator("tbody tr");
        await Assertions.Expect(audit).ToHaveCountAsync(3);
        await Assertions.Expect(audit.Nth(0)).ToContainTextAsync("deliver");
        await Assertions.Expect(audit.Nth(0).Locator("ul.changes")).ToContainTextAsync("status: shipped → delivered");
        await Assertions.Expect(audit.Nth(1)).ToContainTextAsync("ship");
        await Assertions.Expect(audit.Nth(1).Locator("ul.changes")).ToContainTextAsync("status: placed → shipped");
        await Assertions.Expect(audit.Nth(1).Locator("ul.changes")).ToContainTextAsync("https://track.example/FC123456");
        await Assertions.Expect(audit.Nth(2)).ToContainTextAsync("reconcile");
        await Assertions.Expect(audit.Nth(2)).ToContainTextAsync($"payment {pending}");
        await Assertions.Expect(audit.Nth(2)).ToContainTextAsync(admin);
        await PageCheck.VisitAsync(page, "audit");
    }

    [Fact]
    public async Task No_one_opens_or_moves_another_tenant_s_payments_or_shipments_by_changing_the_address()
    {
        var host = await PaydeskHost.Shared(Engine.Sqlite);
        var mine = await Shop.OpenAsync(host);
        var theirs = await Shop.OpenAsync(host);
        var theirCustomer = (await theirs.Tenant.PostOk("/api/v1/customers", new { name = "Ion Rusu", address = Home })).Id();
        var (theirOrder, theirPayment) = await theirs.Tenant.BuyAsync(theirCustomer, new { planId = theirs.Hybrid });
        var theirShipment = Assert.Single(await theirs.Tenant.ListAll($"/api/v1/shipments?orderId={theirOrder}")).Id();
        var mySlug = await host.SlugOfAsync(mine.Tenant.TenantId);
        var theirSlug = await host.SlugOfAsync(theirs.Tenant.TenantId);
        var me = MailDevServer.NewRecipient("me");
        await host.NewUserAsync(mine.Tenant.TenantId, me, password: Password);
        var page = await SignedInAsync(host, me);

        (await page.GotoAsync(At(host, $"/admin/{mySlug}/payments")))!.Status.ShouldBe(200);
        (await page.GotoAsync(At(host, $"/admin/{mySlug}/shipments")))!.Status.ShouldBe(200);
        await Assertions.Expect(page.GetByText("Nothing here.")).ToBeVisibleAsync();
        foreach (var path in new[]
        {
            $"/admin/{theirSlug}/payments", $"/admin/{theirSlug}/payments/{theirPayment}", $"/admin/{theirSlug}/shipments",
            $"/admin/{mySlug}/payments/{theirPayment}", $"/admin/{mySlug}/payments/{theirPayment}/live",
        })
            Assert.True((await page.GotoAsync(At(host, path)))!.Status == 404, path);

        // Their forms, posted with my session and my token, to my back office or theirs, change nothing.
        await page.GotoAsync(At(host, $"/admin/{mySlug}"));
        var token = await page.EvaluateAsync<string>("() => document.querySelector('input[name=__form]').value");
        foreach (var slug in new[] { theirSlug, mySlug })
        foreach (var path in new[] { $"/payments/{theirPayment}/reconcile", $"/shipments/{theirShipment}/ship", $"/shipments/{theirShipment}/deliver" })
        {
            var answer = await page.APIRequest.PostAsync(At(host, $"/admin/{slug}{path}"), new()
            {
                Form = page.APIRequest.CreateFormData().Append("__form", token).Append("carrier", "Mine").Append("trackingNumber", "X1"),
                MaxRedirects = 0,
            });
            Assert.True(answer.Status == 404, $"/admin/{slug}{path}");
        }
        var shipment = await theirs.Tenant.GetOk($"/api/v1/shipments/{theirShipment}");
        shipment.Str("status").ShouldBe("placed");
        Assert.Equal(JsonValueKind.Null, shipment.GetProperty("carrier").ValueKind);
    }

    [Fact]
    public async Task Staff_see_payments_but_only_an_admin_asks_the_provider()
    {
        var host = await PaydeskHost.Shared(Engine.Sqlite);
        var shop = await Shop.OpenAsync(host);
        var t = shop.Tenant;
        var slug = await host.SlugOfAsync(t.TenantId);
        var order = (await t.PostOk("/api/v1/orders", new { customerId = shop.Customer, lines = new[] { new { planId = shop.Package } } })).Id();
        var (pending, _) = await t.CheckoutAsync(order);
        var before = (await t.GetOk($"/api/v1/payments/{pending}")).GetProperty("operations").GetArrayLength();
        var staff = MailDevServer.NewRecipient("desk");
        await host.NewUserAsync(t.TenantId, staff, Role.Staff, password: Password, name: "Dana Desk");

        var page = await SignedInAsync(host, staff);
        (await page.GotoAsync(At(host, $"/admin/{slug}/payments/{pending}")))!.Status.ShouldBe(200);
        await Assertions.Expect(page.GetByText("Only the tenant's admins may ask the provider.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Check with the provider now" })).ToHaveCountAsync(0);

        // The admin's form, sent anyway: refused, and the payment is not asked about.
        var token = await page.EvaluateAsync<string>("() => document.querySelector('input[name=__form]').value");
        var answer = await page.APIRequest.PostAsync(At(host, $"/admin/{slug}/payments/{pending}/reconcile"), new()
        {
            Form = page.APIRequest.CreateFormData().Append("__form", token), MaxRedirects = 0,
        });
        answer.Status.ShouldBe(302);
        await page.GotoAsync(At(host, answer.Headers["location"]));
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Only the tenant's admins may do this.");
        await PageCheck.VisitAsync(page, "staff-payment");
        (await t.GetOk($"/api/v1/payments/{pending}")).GetProperty("operations").GetArrayLength().ShouldBe(before);

        await page.GotoAsync(At(host, $"/admin/{slug}/audit"));
        await Assertions.Expect(page.GetByText("Nothing here.")).ToBeVisibleAsync();
    }
}
