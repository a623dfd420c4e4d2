using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;

namespace Paydesk.Storage;

/// <summary>Where the key ring is and how its keys are kept; what <c>/health/ready</c> shows. Holds no secret.</summary>
/// <param name="ProtectedAtRest"><c>certificate</c> when the keys are encrypted with <c>DataProtection:CertificatePath</c>, <c>none</c> otherwise.</param>
public sealed record KeyRingInfo(string Path, string ProtectedAtRest, string? CertificateThumbprint);

/// <summary>
/// The ASP.NET Core Data Protection key ring: the keys that seal provider secrets in the database
/// and sign invoice links. It is files in one directory (<c>DataProtection:KeyRingPath</c>, by
/// default <c>data/keys</c> under the content root, next to the SQLite database), each key
/// encrypted with a certificate (<c>DataProtection:CertificatePath</c> and
/// <c>DataProtection:CertificatePassword</c>), which Production requires. The database and the
/// key ring are backed up together: a database without its ring holds secrets nobody can read.
/// </summary>
/// <remarks>
/// Keys in the database they protect would buy nothing, so they are files. Every process is the
/// application <see cref="ApplicationName"/>, whatever directory it runs from, so processes that
/// share a database and a ring (a shared volume) open each other's secrets and invoice links.
/// </remarks>
public static class KeyRing
{
    public const string Section = "DataProtection";
    public const string ApplicationName = "Paydesk";
    public const string DefaultPath = "data/keys";

    public const string MakeCertificate =
        "openssl req -x509 -newkey rsa:4096 -nodes -keyout key.pem -out cert.pem -days 3650 -subj /CN=paydesk && " +
        "openssl pkcs12 -export -out paydesk-keys.pfx -inkey key.pem -in cert.pem -passout pass:…";

    /// <summary>
    /// Registers Data Protection with the configured ring, and refuses here — before anything can
    /// write a key — a certificate that is missing or unusable, and, in Production, a ring without one.
    /// </summary>
    public static IServiceCollection AddKeyRing(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var section = configuration.GetSection(Section);
        var path = Path.GetFullPath(section["KeyRingPath"] is { Length: > 0 } configured ? configured : DefaultPath, environment.ContentRootPath);
        var certificate = LoadCertificate(section, environment.ContentRootPath);
        if (certificate is null && environment.IsProduction())
            throw new InvalidOperationException(
                $"The Data Protection key ring at {path} would be stored unprotected. In Production set {Section}:CertificatePath to a " +
                $"PKCS#12 (.pfx) certificate with its private key, and {Section}:CertificatePassword to its password; the ring's keys are then " +
                $"encrypted with it. Make one with: {MakeCertificate} — then delete key.pem, and keep the .pfx (and its password) " +
                "with the backups of the database and the key ring.");

        var dataProtection = services.AddDataProtection()
            .SetApplicationName(ApplicationName)
            .PersistKeysToFileSystem(new DirectoryInfo(path));
        if (certificate is not null) dataProtection.ProtectKeysWithCertificate(certificate);
        services.AddSingleton(new KeyRingInfo(path, certificate is null ? "none" : "certificate", certificate?.Thumbprint));
        return services;
    }

    private static X509Certificate2? LoadCertificate(IConfigurationSection section, string contentRoot)
    {
        var configured = section["CertificatePath"];
        var password = section["CertificatePassword"];
        if (string.IsNullOrEmpty(configured))
        {
            if (!string.IsNullOrEmpty(password))
                throw new InvalidOperationException($"{Section}:CertificatePassword is set but {Section}:CertificatePath is not.");
            return null;
        }

        var path = Path.GetFullPath(configured, contentRoot);
        if (!File.Exists(path))
            throw new InvalidOperationException($"{Section}:CertificatePath '{path}' does not exist. Make a certificate with: {MakeCertificate}");
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException(
                $"{Section}:CertificatePath '{path}' does not open as a PKCS#12 (.pfx) file with {Section}:CertificatePassword: {e.Message}", e);
        }
        using var rsa = certificate.GetRSAPublicKey();
        if (!certificate.HasPrivateKey || rsa is null)
            throw new InvalidOperationException(
                $"{Section}:CertificatePath '{path}' must hold an RSA certificate with its private key, or the keys it encrypts can never be read back. " +
                $"Make one with: {MakeCertificate}");
        return certificate;
    }
}
