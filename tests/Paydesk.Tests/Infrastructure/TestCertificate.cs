using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Paydesk.Tests.Infrastructure;

/// <summary>
/// A self-signed RSA certificate in a <c>.pfx</c> file, as an operator makes one with openssl
/// for <c>DataProtection:CertificatePath</c>. Production hosts of the run share one.
/// </summary>
public sealed record TestCertificate(string Path, string Password, string Thumbprint)
{
    private static readonly Lazy<TestCertificate> Run = new(() =>
    {
        var directory = Directory.CreateTempSubdirectory("paydesk-test-cert-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(directory, recursive: true);
        return Create(directory);
    });

    public static TestCertificate ForTheRun => Run.Value;

    public static TestCertificate Create(string directory, string password = "pfx-password-for-tests")
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=paydesk-tests", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var now = TimeProvider.System.GetUtcNow();
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(10));
        var path = System.IO.Path.Combine(directory, $"paydesk-keys-{Guid.NewGuid():N}.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, password));
        return new TestCertificate(path, password, certificate.Thumbprint);
    }
}
