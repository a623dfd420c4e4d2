using System.Text.Json.Nodes;
using Paydesk.Emulators.TBank;

namespace Paydesk.Tests.Payments.TBank;

/// <summary>
/// A clinic in Russia: a tenant in roubles that sends 54-FZ receipts, a terminal of its own at the
/// T-Bank emulator connected as its T-Bank account, a 10-session package, a monthly plan and a customer.
/// </summary>
public sealed record TBankShop(TenantClient Tenant, ProviderEmulators Emulators, TBankTerminal Terminal, string Account, string Service, string Package, string Monthly, string Customer)
{
    public TBankEmulator TBank => Emulators.TBank;

    public static async Task<TBankShop> OpenAsync(PaydeskHost host, bool receipts = true)
    {
        var emulators = await ProviderEmulators.Shared;
        var terminal = emulators.TBank.AddTerminal();
        var t = await host.NewTenantAsync("RUB", "Europe/Moscow");
        if (receipts)
            (await t.Http.PatchAsJsonAsync("/api/v1/tenant", new { fiscalReceipts = true, taxation = "usn_income", vat = "none" })).EnsureSuccessStatusCode();
        var account = (await t.PostOk("/api/v1/provider-accounts", new
        {
            provider = "tbank", name = "T-Bank", mode = "test", credentials = new { terminalKey = terminal.Key, password = terminal.Password },
        })).Id();
        var service = await t.CreateServiceAsync("Сеанс физиотерапии", 2_000_00, "RUB");
        await t.PostOk("/api/v1/features", new { key = "telerehab", name = "Telerehab" });
        var package = (await t.PostOk("/api/v1/plans", new
        {
            name = "10 сеансов", price = new { amount = 15_000_00, currency = "RUB" },
            grants = new[] { new { type = "sessions", serviceId = service, count = 10, validFor = new { unit = "month", count = 6 } } },
        })).Id();
        var monthly = (await t.PostOk("/api/v1/plans", new
        {
            name = "Телереабилитация", price = new { amount = 990_00, currency = "RUB" }, interval = new { unit = "month", count = 1 },
            grants = new[] { new { type = "access", feature = "telerehab" } },
        })).Id();
        var customer = await t.CreateCustomerAsync("Мария Иванова", "maria@example.ru");
        return new TBankShop(t, emulators, terminal, account, service, package, monthly, customer);
    }

    public async Task<string> OrderAsync(string plan) =>
        (await Tenant.PostOk("/api/v1/orders", new { customerId = Customer, lines = new[] { new { planId = plan } } })).Id();

    /// <summary>Starts the order's checkout through T-Bank; answers the payment and T-Bank's payment form.</summary>
    public async Task<(string PaymentId, Uri Form)> CheckoutAsync(string orderId)
    {
        var checkout = await Tenant.PostOk($"/api/v1/orders/{orderId}/checkout", new { provider = "tbank" });
        return (checkout.Str("paymentId"), new Uri(checkout.Str("redirectUrl")));
    }

    /// <summary>The customer presses a button on T-Bank's form, as a browser would; answers where T-Bank sends them back.</summary>
    public static async Task<Uri> PressAsync(Uri form, string action)
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var page = await browser.GetStringAsync(form);
        Assert.Contains($"value=\"{action}\"", page);
        var pressed = await browser.PostAsync(form, new FormUrlEncodedContent(new Dictionary<string, string> { ["action"] = action }));
        Assert.Equal(HttpStatusCode.Redirect, pressed.StatusCode);
        return pressed.Headers.Location!;
    }

    /// <summary>Orders the plan and pays for it on T-Bank's form; answers the order, the payment and T-Bank's record of it once fulfilled.</summary>
    public async Task<(string OrderId, string PaymentId, TBankPayment AtTBank)> BuyAsync(string plan)
    {
        var order = await OrderAsync(plan);
        var (paymentId, form) = await CheckoutAsync(order);
        await PressAsync(form, "pay");
        await Tenant.OrderWhenAsync(order, "fulfilled");
        return (order, paymentId, TBank.PaymentByOrder(paymentId)!);
    }

    public static long Sum(JsonObject receipt) => receipt["Items"]!.AsArray().Sum(i => i!["Amount"]!.GetValue<long>());
}
