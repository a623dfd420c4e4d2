using Paydesk.Emulators;

// dotnet run --project tools/Paydesk.Emulators [-- --urls http://127.0.0.1:5090]
var app = EmulatorHost.Build(args, TimeProvider.System);
var terminal = app.Services.GetRequiredService<Paydesk.Emulators.TBank.TBankEmulator>().AddTerminal();
var shop = app.Services.GetRequiredService<Paydesk.Emulators.Robokassa.RobokassaEmulator>().AddShop();
app.Lifetime.ApplicationStarted.Register(() =>
{
    var url = app.Urls.FirstOrDefault() ?? "http://127.0.0.1:5090";
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
        """);
});
app.Run();
