using Paydesk.Api;

namespace Paydesk.Tests.Infrastructure;

/// <summary>
/// What every Paydesk the tests start is told, as command-line settings, whether it runs inside
/// the test process (<see cref="PaydeskHost"/>) or as a process of its own (<see cref="PaydeskProcess"/>):
/// one list, so the two run alike.
/// </summary>
public static class TestSettings
{
    /// <summary>
    /// How Paydesk reaches its database: the one place that says so. On PostgreSQL the tables'
    /// owner (the connection the cluster made) migrates, and Paydesk connects as a role that
    /// row-level security binds — unless the test wants it connected as the owner.
    /// </summary>
    public static string[] Database(Engine engine, string connectionString, bool asTableOwner = false) =>
    [
        $"--Storage:Engine={engine.ToString().ToLowerInvariant()}",
        .. engine == Engine.Postgres && PostgresCluster.IsOwners(connectionString) && !asTableOwner
            ? (string[])[$"--ConnectionStrings:PaydeskOwner={connectionString}", $"--ConnectionStrings:Paydesk={PostgresCluster.AppConnectionOf(connectionString)}"]
            : [$"--ConnectionStrings:Paydesk={connectionString}"],
    ];

    /// <summary>
    /// The settings, in order; <paramref name="settings"/> come last, so a test's own override the
    /// defaults here (a lower rate limit, a shorter SMTP timeout).
    /// </summary>
    /// <param name="smtpPort">Mail goes over SMTP, unencrypted, to this port on 127.0.0.1; into <paramref name="mailFolder"/> when null.</param>
    public static string[] Arguments(
        Engine engine, string connectionString, string environment, string urls, string? keyRingPath, bool migrateOnStart,
        bool? mockEnabled, int? smtpPort, string mailFolder, IReadOnlyDictionary<string, string> settings, bool asTableOwner = false)
    {
        // Production refuses a key ring without a certificate: the run's own.
        var certificate = environment == "Production" ? TestCertificate.ForTheRun : null;
        return
        [
            $"--environment={environment}",
            $"--urls={urls}",
            .. Database(engine, connectionString, asTableOwner),
            $"--Storage:MigrateOnStart={migrateOnStart}",
            $"--DataProtection:KeyRingPath={keyRingPath}",
            .. certificate is null ? [] : (string[])[$"--DataProtection:CertificatePath={certificate.Path}", $"--DataProtection:CertificatePassword={certificate.Password}"],
            .. mockEnabled is { } mock ? (string[])[$"--Payments:MockEnabled={mock}"] : [],
            .. smtpPort is { } port
                ? (string[])["--Email:Mode=smtp", "--Email:Smtp:Host=127.0.0.1", $"--Email:Smtp:Port={port}", "--Email:Smtp:Security=none", "--Email:Smtp:TimeoutSeconds=10"]
                : ["--Email:Mode=folder", $"--Email:Folder={mailFolder}"],
            // Tests share hosts, all come from 127.0.0.1, and some send wrong keys or many checkouts
            // on purpose: limits no test reaches, unless a test's own settings lower them.
            .. Enum.GetValues<RateLimit>().Select(limit => $"--{RateLimitsOptions.Section}:{limit}:PermitLimit=1000000"),
            .. settings.Select(s => $"--{s.Key}={s.Value}"),
        ];
    }
}
