using System.Diagnostics;

namespace Paydesk.Tests.Storage;

/// <summary>The operator's commands, run as a real process against a real database.</summary>
public sealed class CommandLineTests
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Migrate_then_create_tenant_gives_a_working_admin_key_shown_once(Engine engine)
    {
        var workDir = Directory.CreateTempSubdirectory("paydesk-cli-").FullName;
        var connection = engine == Engine.Postgres
            ? await (await PostgresCluster.Shared).CreateDatabaseAsync("cli")
            : $"Data Source={Path.Combine(workDir, "cli.db")};Pooling=false";
        try
        {
            var unprotected = await Paydesk(workDir, engine, connection, withCertificate: false, "migrate");
            Assert.True(unprotected.ExitCode != 0, unprotected.Output);
            Assert.Contains("DataProtection:CertificatePath", unprotected.Output);

            var migrate = await Paydesk(workDir, engine, connection, "migrate");
            Assert.True(migrate.ExitCode == 0, migrate.Output);
            Assert.Contains("Migrations applied", migrate.Output);

            var created = await Paydesk(workDir, engine, connection, "create-tenant", "acme", "Acme Physio", "EUR", "Europe/Berlin");
            Assert.True(created.ExitCode == 0, created.Output);
            var key = created.Output.Split(["Admin API key (shown once, store it now): "], StringSplitOptions.None)[1].Split('\n')[0].Trim();
            Assert.StartsWith("sk_live_", key); // the command runs as Production

            var again = await Paydesk(workDir, engine, connection, "create-tenant", "acme", "Acme again", "EUR");
            Assert.NotEqual(0, again.ExitCode);
            Assert.Contains("exists already", again.Output);
            var bad = await Paydesk(workDir, engine, connection, "create-tenant", "Bad Slug", "Bad", "EURO");
            Assert.NotEqual(0, bad.ExitCode);

            await using var host = await PaydeskHost.StartAsync(engine, new HostOptions
            {
                ConnectionString = connection, Environment = "Production", KeyRingPath = Path.Combine(workDir, "keys"),
            });
            var acme = host.Client(key);
            (await acme.PostAsJsonAsync("/api/v1/customers", new { name = "First patient" })).StatusCode.ShouldBe(HttpStatusCode.Created);
            var customers = await acme.GetFromJsonAsync<JsonElement>("/api/v1/customers");
            customers.Items().Single().Str("timeZone").ShouldBe("Europe/Berlin");
        }
        finally
        {
            Directory.Delete(workDir, recursive: true);
        }
    }

    private static Task<(int ExitCode, string Output)> Paydesk(string workDir, Engine engine, string connection, params string[] args) =>
        Paydesk(workDir, engine, connection, withCertificate: true, args);

    private static async Task<(int ExitCode, string Output)> Paydesk(string workDir, Engine engine, string connection, bool withCertificate, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workDir, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.ArgumentList.Add(typeof(PaydeskApp).Assembly.Location);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Storage__Engine"] = engine.ToString().ToLowerInvariant();
        start.Environment["ConnectionStrings__Paydesk"] = connection;
        start.Environment["DataProtection__KeyRingPath"] = Path.Combine(workDir, "keys");
        // Production refuses a key ring without a certificate to encrypt it.
        if (withCertificate)
        {
            start.Environment["DataProtection__CertificatePath"] = TestCertificate.ForTheRun.Path;
            start.Environment["DataProtection__CertificatePassword"] = TestCertificate.ForTheRun.Password;
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
