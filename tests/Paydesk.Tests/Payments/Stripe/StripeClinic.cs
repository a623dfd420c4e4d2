using Paydesk.Emulators.Stripe;

namespace Paydesk.Tests.Payments.Stripe;

/// <summary>
/// A coach in the US selling through Stripe: a tenant in dollars, an account of its own at the
/// Stripe emulator whose webhook endpoint is Paydesk's (as the providers page says to set it), a
/// paid first session, a monthly plan and a customer.
/// </summary>
public sealed record StripeClinic(TenantClient Tenant, ProviderEmulators Emulators, StripeAccount Stripe, string Account, string Session, string Monthly, string Customer)
{
    public StripeEmulator Emulator => Emulators.Stripe;

    /// <summary>The PaymentIntent a paid Checkout Session made.</summary>
    public string IntentOf(string sessionId) => Emulator.Find(sessionId)!["payment_intent"]!.ToString();

    public static async Task<StripeClinic> OpenAsync(PaydeskHost host, bool webhooks = true)
    {
        var emulators = await ProviderEmulators.Shared;
        var stripe = emulators.Stripe.AddAccount();
        var t = await host.NewTenantAsync("USD", "America/New_York");
        var account = await t.PostOk("/api/v1/provider-accounts", new
        {
            provider = "stripe", name = "Stripe", mode = "test", credentials = new { secretKey = stripe.SecretKey, webhookSecret = stripe.WebhookSecret },
        });
        if (webhooks) emulators.Stripe.SetWebhook(stripe.SecretKey, account.Str("notificationUrl"));
        var service = await t.CreateServiceAsync("Coaching session", 120_00, "USD");
        var first = (await t.PostOk("/api/v1/plans", new
        {
            name = "First session", price = new { amount = 120_00, currency = "USD" },
            grants = new[] { new { type = "sessions", serviceId = service, count = 1 } },
        })).Id();
        await t.PostOk("/api/v1/features", new { key = "community", name = "Community" });
        var monthly = (await t.PostOk("/api/v1/plans", new
        {
            name = "Community", price = new { amount = 29_00, currency = "USD" }, interval = new { unit = "month", count = 1 },
            grants = new[] { new { type = "access", feature = "community" } },
        })).Id();
        var customer = await t.CreateCustomerAsync("Jamie Doe", "jamie@example.com");
        return new StripeClinic(t, emulators, stripe, account.Id(), first, monthly, customer);
    }

    public async Task<string> OrderAsync(string plan) =>
        (await Tenant.PostOk("/api/v1/orders", new { customerId = Customer, lines = new[] { new { planId = plan } } })).Id();

    public async Task<(string PaymentId, Uri Page)> CheckoutAsync(string orderId)
    {
        var checkout = await Tenant.PostOk($"/api/v1/orders/{orderId}/checkout", new { provider = "stripe" });
        return (checkout.Str("paymentId"), new Uri(checkout.Str("redirectUrl")));
    }

    /// <summary>The customer presses a button on Stripe's page; answers where Stripe sends the browser.</summary>
    public static async Task<Uri> PressAsync(Uri page, string action)
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        Assert.Contains($"value=\"{action}\"", await browser.GetStringAsync(page));
        var pressed = await browser.PostAsync(page, new FormUrlEncodedContent(new Dictionary<string, string> { ["action"] = action }));
        Assert.Equal(HttpStatusCode.Redirect, pressed.StatusCode);
        return pressed.Headers.Location!;
    }

    public async Task<(string OrderId, string PaymentId, string SessionId)> BuyAsync(string plan)
    {
        var order = await OrderAsync(plan);
        var (paymentId, page) = await CheckoutAsync(order);
        await PressAsync(page, "pay");
        await Tenant.OrderWhenAsync(order, "fulfilled");
        return (order, paymentId, page.Segments[^1]);
    }
}
