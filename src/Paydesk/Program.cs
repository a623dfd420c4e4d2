using Paydesk;
using Paydesk.Storage;
using Paydesk.Tenancy;

// `dotnet run -- migrate` applies the migrations and exits;
// `dotnet run -- create-tenant <slug> <name> <currency> [time-zone]` makes a tenant and prints its admin key once.
// Anything else serves Paydesk.
var command = args.FirstOrDefault();
var app = PaydeskApp.Build(command is "migrate" or "create-tenant" ? args[1..] : args);

switch (command)
{
    case "migrate":
        await StorageRegistrations.MigrateAsync(app.Services);
        Console.WriteLine("Migrations applied.");
        return 0;

    case "create-tenant":
        if (args.Length < 4)
        {
            Console.Error.WriteLine("usage: create-tenant <slug> <name> <currency> [time-zone]");
            return 2;
        }
        await StorageRegistrations.MigrateAsync(app.Services);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var result = await scope.ServiceProvider.GetRequiredService<CreateTenant>()
                .Run(new NewTenant(args[1], args[2], args[3], args.ElementAtOrDefault(4)), CancellationToken.None);
            if (result.Problem is { } problem)
            {
                Console.Error.WriteLine(problem.Detail);
                return 1;
            }
            Console.WriteLine($"Tenant {result.Value!.Tenant.Slug} ({result.Value.Tenant.Id}) created.");
            Console.WriteLine($"Admin API key (shown once, store it now): {result.Value.AdminKeySecret}");
        }
        return 0;

    default:
        await PaydeskApp.PrepareAsync(app);
        await app.StartAsync();
        PaydeskApp.PrintBanner(app);
        await app.WaitForShutdownAsync();
        return 0;
}

public partial class Program;
