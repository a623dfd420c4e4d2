using Microsoft.EntityFrameworkCore;

namespace Paydesk.Tests.Storage;

public sealed class MigrationTests
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Each_engines_migrations_match_the_model(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var pending = await host.RunAsync<Paydesk.Storage.PaydeskDb, bool>(db => Task.FromResult(db.Database.HasPendingModelChanges()));
        Assert.False(pending, $"The model has changed since the last {engine} migration: run dotnet ef migrations add for both engines.");
        var notApplied = await host.RunAsync<Paydesk.Storage.PaydeskDb, IEnumerable<string>>(db => db.Database.GetPendingMigrationsAsync());
        Assert.Empty(notApplied);
    }
}
