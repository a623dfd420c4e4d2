namespace Paydesk.Tests.Infrastructure;

/// <summary>
/// A Data Protection key ring for hosts on one database, which must open each other's provider
/// secrets and invoice links (<see cref="HostOptions.KeyRingPath"/>). Deleted when disposed: declare
/// it before the hosts, so it outlives them.
/// </summary>
public sealed class SharedKeyRing : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"paydesk-test-keys-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}
