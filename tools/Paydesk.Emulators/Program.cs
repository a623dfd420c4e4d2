using Paydesk.Emulators;

// dotnet run --project tools/Paydesk.Emulators [-- --urls http://127.0.0.1:5090]
var app = EmulatorHost.Build(args, TimeProvider.System);
var terminal = app.Services.GetRequiredService<Paydesk.Emulators.TBank.TBankEmulator>().AddTerminal();
var shop = app.Services.GetRequiredService<Paydesk.Emulators.Robokassa.RobokassaEmulator>().AddShop();
var stripe = app.Services.GetRequiredService<Paydesk.Emulators.Stripe.StripeEmulator>().AddAccount();
app.Lifetime.ApplicationStarted.Register(() =>
{
    var url = app.Urls.FirstOrDefault() ?? "http://127.0.0.1:5090";
    // The hosted pages' addresses the APIs answer are on the port the emulators listen on.
    app.Services.GetRequiredService<Paydesk.Emulators.TBank.TBankEmulator>().PublicUrl = url;
    app.Services.GetRequiredService<Paydesk.Emulators.Stripe.StripeEmulator>().PublicUrl = url;
    Console.WriteLine($"""
        Payment provider emulators on {url}
          T-Bank:    base URL {url}  (Payments:TBank:BaseUrl)
                     a terminal to add in Paydesk: TerminalKey {terminal.Key}, Password {terminal.Password}
                     more terminals: POST {url}/_emulator/tbank/terminals
          Robokassa: payment page {url}/Merchant/Index.aspx
                     a shop: MerchantLogin {shop.Login}, password #1 {shop.Password1}, password #2 {shop.Password2}, hash md5
                     its cabinet's Result, Success and Fail URLs (from Paydesk's providers page):
                       PUT {url}/_emulator/robokassa/shops/{shop.Login} {"{"}"resultUrl":…,"successUrl":…,"failUrl":…{"}"}
                     more shops: POST {url}/_emulator/robokassa/shops
          Stripe:    API base {url} (/v1/…, a subset: checkout sessions, payment intents, refunds, events)
                     an account: secret key {stripe.SecretKey}, webhook signing secret {stripe.WebhookSecret}
                     its webhook endpoint: PUT {url}/_emulator/stripe/accounts/{stripe.SecretKey} {"{"}"webhookUrl":…{"}"}
        """);
});
app.Run();
