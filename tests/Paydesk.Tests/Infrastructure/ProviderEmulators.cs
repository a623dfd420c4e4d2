using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Paydesk.Emulators;
using Paydesk.Emulators.TBank;

namespace Paydesk.Tests.Infrastructure;

/// <summary>
/// The payment providers' emulators (tools/Paydesk.Emulators), running for real on a free port of
/// 127.0.0.1 inside the test process: every Paydesk a test starts is pointed at them. Tests keep
/// apart by making terminals and accounts of their own.
/// </summary>
public sealed class ProviderEmulators
{
    private static readonly Lazy<Task<ProviderEmulators>> SharedOnce = new(StartAsync);
    private readonly WebApplication _app;

    private ProviderEmulators(WebApplication app, Uri url) => (_app, Url) = (app, url);

    public static Task<ProviderEmulators> Shared => SharedOnce.Value;

    public Uri Url { get; }

    public TBankEmulator TBank => _app.Services.GetRequiredService<TBankEmulator>();

    public Paydesk.Emulators.Robokassa.RobokassaEmulator Robokassa => _app.Services.GetRequiredService<Paydesk.Emulators.Robokassa.RobokassaEmulator>();

    public Paydesk.Emulators.Stripe.StripeEmulator Stripe => _app.Services.GetRequiredService<Paydesk.Emulators.Stripe.StripeEmulator>();

    public Notifier Notifier => _app.Services.GetRequiredService<Notifier>();

    /// <summary>The settings that point a Paydesk at these emulators, with timeouts short enough for a test to wait out.</summary>
    public IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        new("Payments:TBank:BaseUrl", Url.ToString()),
        new("Payments:TBank:Timeout", "00:00:03"),
        new("Payments:Robokassa:BaseUrl", Url.ToString()),
        new("Payments:Robokassa:FiscalUrl", Url.ToString()),
        new("Payments:Robokassa:Timeout", "00:00:03"),
        new("Payments:Stripe:BaseUrl", Url.ToString()),
        new("Payments:Stripe:Timeout", "00:00:03"),
    ];

    private static async Task<ProviderEmulators> StartAsync()
    {
        var app = EmulatorHost.Build(
            // Only warnings: a line per notification sent drowns the test run's own output.
            ["--urls=http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"], TimeProvider.System);
        await app.StartAsync();
        var url = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        app.Services.GetRequiredService<TBankEmulator>().PublicUrl = url.ToString();
        app.Services.GetRequiredService<Paydesk.Emulators.Stripe.StripeEmulator>().PublicUrl = url.ToString();
        // Retries a test can wait out, not T-Bank's hourly ones.
        app.Services.GetRequiredService<Notifier>().Retries = [TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1)];
        return new ProviderEmulators(app, url);
    }

    /// <summary>Waits until every notification the emulators owe has been taken or given up on.</summary>
    public Task QuietAsync() => Eventually.HoldsAsync(() => Task.FromResult(Notifier.Owed == 0), "the emulators' notifications to be answered");
}
