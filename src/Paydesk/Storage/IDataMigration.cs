namespace Paydesk.Storage;

/// <summary>
/// A change to stored data that SQL cannot make (sealing a value with the key ring, say), run by
/// <see cref="StorageRegistrations.MigrateAsync"/> right after the schema migrations, on every
/// start and by the <c>migrate</c> command. It must be idempotent and cheap when there is nothing
/// left to do: one query that finds nothing.
/// </summary>
/// <remarks>
/// Registered as a singleton by the module that owns the data, so Storage does not depend on it.
/// The schema migration that made the step necessary keeps whatever the step reads until a later
/// release drops it.
/// </remarks>
public interface IDataMigration
{
    Task RunAsync(IServiceProvider services, CancellationToken ct);
}
