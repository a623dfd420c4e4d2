using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;
using Paydesk.Emulators.Robokassa;

namespace Paydesk.Tests.Payments.Robokassa;

/// <summary>
/// A clinic in Russia selling through Robokassa: a tenant in roubles that sends 54-FZ receipts, a
/// shop of its own at the emulator whose cabinet points its Result, Success and Fail URLs at
/// Paydesk (as the providers page says), a 3-session package, a monthly plan and a customer.
/// </summary>
public sealed record RobokassaClinic(
    TenantClient Tenant, ProviderEmulators Emulators, Paydesk.Emulators.Robokassa.RobokassaShop Shop, string Account, string Service, string Package,
    string Monthly, string Customer)
{
    public RobokassaEmulator Robokassa => Emulators.Robokassa;

    public string Login => Shop.Login;

    /// <param name="shop">A shop at the emulator to connect (one another clinic uses too); a new one when not given.</param>
    public static async Task<RobokassaClinic> OpenAsync(PaydeskHost host, bool receipts = true, string hash = "md5", Paydesk.Emulators.Robokassa.RobokassaShop? shop = null)
    {
        var emulators = await ProviderEmulators.Shared;
        shop ??= emulators.Robokassa.AddShop(hash: hash);
        hash = shop.Hash;
        var t = await host.NewTenantAsync("RUB", "Europe/Moscow");
        if (receipts)
            (await t.Http.PatchAsJsonAsync("/api/v1/tenant", new { fiscalReceipts = true, taxation = "usn_income", vat = "vat20" })).EnsureSuccessStatusCode();
        var account = await t.PostOk("/api/v1/provider-accounts", new
        {
            provider = "robokassa", name = "Robokassa", mode = "test", login = shop.Login, hashAlgorithm = hash,
            credentials = new { password1 = shop.Password1, password2 = shop.Password2 },
        });
        // What the shop's owner copies from the providers page into Robokassa's cabinet.
        emulators.Robokassa.Configure(shop.Login, account.Str("notificationUrl"), account.Str("successUrl"), account.Str("failUrl"));
        var service = await t.CreateServiceAsync("Сеанс массажа", 2_000_00, "RUB");
        await t.PostOk("/api/v1/features", new { key = "telerehab", name = "Telerehab" });
        var package = (await t.PostOk("/api/v1/plans", new
        {
            name = "3 сеанса", price = new { amount = 5_000_00, currency = "RUB" },
            grants = new[] { new { type = "sessions", serviceId = service, count = 3, validFor = new { unit = "month", count = 3 } } },
        })).Id();
        var monthly = (await t.PostOk("/api/v1/plans", new
        {
            name = "Телереабилитация", price = new { amount = 990_00, currency = "RUB" }, interval = new { unit = "month", count = 1 },
            grants = new[] { new { type = "access", feature = "telerehab" } },
        })).Id();
        var customer = await t.CreateCustomerAsync("Анна Смирнова", "anna@example.ru");
        return new RobokassaClinic(t, emulators, emulators.Robokassa.Shop(shop.Login)!, account.Id(), service, package, monthly, customer);
    }

    public async Task<string> OrderAsync(string plan) =>
        (await Tenant.PostOk("/api/v1/orders", new { customerId = Customer, lines = new[] { new { planId = plan } } })).Id();

    /// <summary>Starts the order's checkout through Robokassa; answers the payment and the payment link.</summary>
    public async Task<(string PaymentId, Uri Link)> CheckoutAsync(string orderId, string? successUrl = null, string? cancelUrl = null)
    {
        var checkout = await Tenant.PostOk($"/api/v1/orders/{orderId}/checkout", new { provider = "robokassa", successUrl, cancelUrl });
        return (checkout.Str("paymentId"), new Uri(checkout.Str("redirectUrl")));
    }

    /// <summary>The invoice's number in a payment link.</summary>
    public static long InvIdOf(Uri link) => long.Parse(QueryHelpers.ParseQuery(link.Query)["InvId"]!, CultureInfo.InvariantCulture);

    /// <summary>The invoice a payment link made, once the link was opened (Robokassa makes it then).</summary>
    public RobokassaInvoice InvoiceOf(Uri link) => Robokassa.Invoice(Login, InvIdOf(link)) ?? throw new InvalidOperationException("The link was not opened yet.");

    /// <summary>The customer opens the payment link: Robokassa makes the invoice and shows its page.</summary>
    public async Task<RobokassaInvoice> OpenAsync(Uri link)
    {
        using var browser = new HttpClient();
        (await browser.GetAsync(link)).StatusCode.ShouldBe(HttpStatusCode.OK);
        return InvoiceOf(link);
    }

    /// <summary>
    /// The customer opens the link, presses a button on Robokassa's page, and follows the redirects
    /// back through Paydesk, as a browser would; answers where they end up.
    /// </summary>
    public async Task<Uri> PressAsync(Uri link, string action)
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var page = await browser.GetAsync(link);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains($"value=\"{action}\"", await page.Content.ReadAsStringAsync());
        var invoice = InvoiceOf(link);
        var pressed = await browser.PostAsync(new Uri(link, $"/robokassa/pay/{Uri.EscapeDataString(Login)}/{invoice.InvId}"),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["action"] = action }));
        Assert.Equal(HttpStatusCode.Redirect, pressed.StatusCode);
        // Robokassa sends the browser to the shop's Success or Fail URL: Paydesk's, which sends it on.
        var back = await browser.GetAsync(pressed.Headers.Location!);
        Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
        return back.Headers.Location!;
    }

    /// <summary>Orders the plan and pays for it on Robokassa's page; answers the order, the payment and Robokassa's invoice once fulfilled.</summary>
    public async Task<(string OrderId, string PaymentId, RobokassaInvoice Invoice)> BuyAsync(string plan)
    {
        var order = await OrderAsync(plan);
        var (paymentId, link) = await CheckoutAsync(order);
        await PressAsync(link, "pay");
        await Tenant.OrderWhenAsync(order, "fulfilled");
        return (order, paymentId, InvoiceOf(link));
    }
}
