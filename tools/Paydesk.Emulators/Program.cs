using Paydesk.Emulators;

// dotnet run --project tools/Paydesk.Emulators [-- --urls http://127.0.0.1:5090]
var app = EmulatorHost.Build(args, TimeProvider.System);
var terminal = app.Services.GetRequiredService<Paydesk.Emulators.TBank.TBankEmulator>().AddTerminal();
app.Lifetime.ApplicationStarted.Register(() =>
{
    var url = app.Urls.FirstOrDefault() ?? "http://127.0.0.1:5090";
    Console.WriteLine($"""
        Payment provider emulators on {url}
          T-Bank:    base URL {url}  (Payments:TBank:BaseUrl)
                     a terminal to add in Paydesk: TerminalKey {terminal.Key}, Password {terminal.Password}
                     more terminals: POST {url}/_emulator/tbank/terminals
        """);
});
app.Run();
