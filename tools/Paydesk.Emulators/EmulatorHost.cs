using Paydesk.Emulators.Robokassa;
using Paydesk.Emulators.TBank;

namespace Paydesk.Emulators;

/// <summary>
/// The emulators in one web application: each provider's API under the paths the real one uses,
/// its hosted payment page, and its control endpoints under <c>/_emulator/</c> (what the provider's
/// dashboard or a test would do: refund by hand, inject a fault, count what happened).
/// </summary>
public static class EmulatorHost
{
    public const string DefaultUrl = "http://127.0.0.1:5090";

    public static WebApplication Build(string[] args, TimeProvider time)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        if (builder.Configuration["urls"] is null) builder.WebHost.UseUrls(DefaultUrl);
        builder.Services.AddSingleton(time);
        builder.Services.AddHttpClient(nameof(Notifier), c => c.Timeout = TimeSpan.FromSeconds(10));
        builder.Services.AddSingleton<Notifier>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Notifier>());
        builder.Services.AddSingleton<TBankEmulator>();
        builder.Services.AddSingleton<RobokassaEmulator>();
        builder.Services.AddSingleton<Stripe.StripeEmulator>();
        var app = builder.Build();
        app.MapGet("/", () => Results.Text("Paydesk payment provider emulators: T-Bank (/v2/…), Robokassa (/Merchant/…), Stripe (/v1/…)\n"));
        TBankEndpoints.Map(app);
        RobokassaEndpoints.Map(app);
        Stripe.StripeEndpoints.Map(app);
        return app;
    }
}
