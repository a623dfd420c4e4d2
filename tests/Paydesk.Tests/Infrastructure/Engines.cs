namespace Paydesk.Tests.Infrastructure;

/// <summary>Storage tests are theories over this: each runs on SQLite and on PostgreSQL.</summary>
public static class Engines
{
    public static TheoryData<Engine> All => new() { Engine.Sqlite, Engine.Postgres };
}
