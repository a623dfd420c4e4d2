using System.Security.Cryptography.X509Certificates;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Paydesk.Storage;
using HostOptions = Paydesk.Tests.Infrastructure.HostOptions;

namespace Paydesk.Tests.Storage;

public sealed class KeyRingTests
{
    [Fact]
    public async Task Production_refuses_to_start_with_a_key_ring_stored_unprotected_and_says_how_to_make_a_certificate()
    {
        var failure = Assert.Throws<InvalidOperationException>(() => Services("Production", []));
        Assert.Contains("would be stored unprotected", failure.Message);
        Assert.Contains("DataProtection:CertificatePath", failure.Message);
        Assert.Contains("DataProtection:CertificatePassword", failure.Message);
        Assert.Contains("openssl req -x509 -newkey rsa:4096", failure.Message);
        Assert.Contains("openssl pkcs12 -export -out paydesk-keys.pfx", failure.Message);

        // The same through a real start: refused before anything (a key, a migration) is written.
        var host = await Assert.ThrowsAsync<InvalidOperationException>(() => PaydeskHost.StartAsync(Engine.Sqlite, new HostOptions
        {
            Environment = "Production",
            Settings = new Dictionary<string, string> { ["DataProtection:CertificatePath"] = "", ["DataProtection:CertificatePassword"] = "" },
        }));
        Assert.Contains("DataProtection:CertificatePath", host.Message);
    }

    [Fact]
    public void A_certificate_that_is_missing_does_not_open_or_lacks_its_private_key_is_refused_naming_the_setting()
    {
        var directory = Directory.CreateTempSubdirectory("paydesk-keyring-").FullName;
        try
        {
            var missing = Assert.Throws<InvalidOperationException>(() => Services("Development", Certificate(Path.Combine(directory, "none.pfx"), "x")));
            Assert.Contains("DataProtection:CertificatePath", missing.Message);
            Assert.Contains("does not exist", missing.Message);

            var certificate = TestCertificate.Create(directory);
            var wrongPassword = Assert.Throws<InvalidOperationException>(() => Services("Production", Certificate(certificate.Path, "not-the-pfx-password-31")));
            Assert.Contains("does not open", wrongPassword.Message);
            Assert.Contains("DataProtection:CertificatePassword", wrongPassword.Message);
            Assert.DoesNotContain("not-the-pfx-password-31", wrongPassword.Message);

            var notPfx = Path.Combine(directory, "cert.pem");
            File.WriteAllText(notPfx, "-----BEGIN CERTIFICATE-----\nnot one\n-----END CERTIFICATE-----\n");
            Assert.Contains("does not open", Assert.Throws<InvalidOperationException>(() => Services("Production", Certificate(notPfx, "x"))).Message);

            // A .pfx holding only the public certificate could encrypt keys but never read them back.
            var publicOnly = Path.Combine(directory, "public-only.pfx");
            using (var full = X509CertificateLoader.LoadPkcs12FromFile(certificate.Path, certificate.Password))
            using (var withoutKey = X509CertificateLoader.LoadCertificate(full.RawData))
                File.WriteAllBytes(publicOnly, withoutKey.Export(X509ContentType.Pfx, "x"));
            Assert.Contains("private key", Assert.Throws<InvalidOperationException>(() => Services("Production", Certificate(publicOnly, "x"))).Message);

            var passwordAlone = Assert.Throws<InvalidOperationException>(() => Services("Production", new() { ["DataProtection:CertificatePassword"] = "x" }));
            Assert.Contains("DataProtection:CertificatePath is not", passwordAlone.Message);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void The_key_ring_is_data_keys_under_the_content_root_unless_told_otherwise()
    {
        Services("Development", []).GetRequiredService<KeyRingInfo>()
            .ShouldBe(new KeyRingInfo(Path.Combine(ContentRoot, "data", "keys"), "none", null));
        Services("Testing", new() { ["DataProtection:KeyRingPath"] = "secrets/ring" }).GetRequiredService<KeyRingInfo>().Path
            .ShouldBe(Path.Combine(ContentRoot, "secrets", "ring"));
        var absolute = Path.Combine(Path.GetTempPath(), "paydesk-ring-elsewhere");
        Services("Testing", new() { ["DataProtection:KeyRingPath"] = absolute }).GetRequiredService<KeyRingInfo>().Path.ShouldBe(absolute);

        var certificate = TestCertificate.ForTheRun;
        Services("Production", Certificate(certificate.Path, certificate.Password)).GetRequiredService<KeyRingInfo>()
            .ShouldBe(new KeyRingInfo(Path.Combine(ContentRoot, "data", "keys"), "certificate", certificate.Thumbprint));
    }

    [Fact]
    public async Task A_production_host_with_a_certificate_writes_only_encrypted_keys_which_another_process_elsewhere_can_use()
    {
        var directory = Directory.CreateTempSubdirectory("paydesk-keyring-").FullName;
        try
        {
            var certificate = TestCertificate.Create(directory);
            var ring = Path.Combine(directory, "keys");
            var settings = new Dictionary<string, string>
            {
                ["DataProtection:KeyRingPath"] = ring,
                ["DataProtection:CertificatePath"] = certificate.Path,
                ["DataProtection:CertificatePassword"] = certificate.Password,
            };
            await using var first = await PaydeskHost.StartAsync(Engine.Sqlite, new HostOptions { Environment = "Production", Settings = settings });

            var report = await (await first.Client().GetAsync("/health/ready")).Json();
            var dataProtection = report.GetProperty("checks").GetProperty("dataProtection");
            (dataProtection.Str("keyRingPath"), dataProtection.Str("protectedAtRest"), dataProtection.Str("certificateThumbprint"))
                .ShouldBe((ring, "certificate", certificate.Thumbprint));
            Assert.DoesNotContain(certificate.Password, report.GetRawText());

            var keys = Directory.GetFiles(ring, "key-*.xml");
            Assert.NotEmpty(keys);
            dataProtection.GetProperty("keys").GetInt32().ShouldBe(keys.Length);
            foreach (var key in keys)
            {
                var elements = XDocument.Load(key).Descendants().Select(e => e.Name.LocalName).ToList();
                Assert.Contains("encryptedSecret", elements);
                Assert.DoesNotContain("masterKey", elements);
            }

            // Another process, run from another directory, with the same ring and certificate: the
            // application name, not the directory, decides whose secrets it can open.
            var sealedValue = first.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("shared between processes");
            var elsewhere = Directory.CreateDirectory(Path.Combine(directory, "elsewhere")).FullName;
            await using var second = await PaydeskHost.StartAsync(Engine.Sqlite, new HostOptions
            {
                Environment = "Production", Settings = new Dictionary<string, string>(settings) { ["contentRoot"] = elsewhere },
            });
            second.Services.GetRequiredService<IHostEnvironment>().ContentRootPath.TrimEnd('/').ShouldBe(elsewhere);
            second.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Unprotect(sealedValue).ShouldBe("shared between processes");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static Dictionary<string, string?> Certificate(string path, string password) =>
        new() { ["DataProtection:CertificatePath"] = path, ["DataProtection:CertificatePassword"] = password };

    private static readonly string ContentRoot = ModuleServices.ContentRoot;

    private static ServiceProvider Services(string environment, Dictionary<string, string?> settings) =>
        ModuleServices.Build(environment, settings, (services, configuration, host) => services.AddKeyRing(configuration, host));
}
