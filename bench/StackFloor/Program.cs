// ASP.NET Core and Npgsql running the floors' SQL over HTTP, with nothing of Paydesk in between: no
// authentication, no EF, no tenant, no JSON body. bench/run.sh drives it like Paydesk's paths, so a
// row of it says how close to pgbench any .NET service can come on the same machine in the same run.
//
//   GET  /select   pgbench -S's own query: one account's balance by key
//   POST /{name}   the statements of bench/{name}-floor.pgbench, one transaction per request, each
//                  \set variable drawn as pgbench draws it
using System.Text.RegularExpressions;
using Npgsql;

var builder = WebApplication.CreateSlimBuilder(args);
var connection = builder.Configuration.GetConnectionString("Floor")
    ?? throw new InvalidOperationException("Set ConnectionStrings__Floor to the floor database.");
var floorsDir = builder.Configuration["Floors"] ?? throw new InvalidOperationException("Set Floors to the folder of the *-floor.pgbench files.");
await using var source = new NpgsqlDataSourceBuilder(connection + ";Max Auto Prepare=20").Build();
var app = builder.Build();

app.MapGet("/select", async () =>
{
    await using var command = source.CreateCommand("SELECT abalance FROM pgbench_accounts WHERE aid = $1");
    command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Random.Shared.Next(1, 100_001) });
    return Results.Text(((int)(await command.ExecuteScalarAsync())!).ToString());
});

foreach (var file in Directory.GetFiles(floorsDir, "*-floor.pgbench"))
{
    var floor = Floor.Read(file);
    app.MapPost("/" + Path.GetFileName(file)[..^"-floor.pgbench".Length], async () =>
    {
        var values = floor.Variables.ToDictionary(v => v.Name, v => Random.Shared.NextInt64(v.Min, v.Max + 1));
        await using var db = await source.OpenConnectionAsync();
        await using var tx = await db.BeginTransactionAsync();
        foreach (var statement in floor.Statements)
        {
            await using var command = new NpgsqlCommand(statement.Sql, db, tx);
            foreach (var name in statement.Parameters) command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = values[name] });
            await command.ExecuteNonQueryAsync();
        }
        await tx.CommitAsync();
        return Results.Ok();
    });
}

app.Run();

/// <summary>A pgbench script: its <c>\set x random(a, b)</c> variables and its statements between BEGIN and COMMIT, <c>:x</c> made <c>$n</c>.</summary>
internal sealed partial record Floor(List<(string Name, long Min, long Max)> Variables, List<(string Sql, List<string> Parameters)> Statements)
{
    public static Floor Read(string file)
    {
        var floor = new Floor([], []);
        foreach (var line in File.ReadLines(file).Select(l => l.Trim()))
        {
            if (line.Length == 0 || line.StartsWith("--", StringComparison.Ordinal) || line is "BEGIN;" or "COMMIT;") continue;
            if (SetLine().Match(line) is { Success: true } set)
            {
                floor.Variables.Add((set.Groups[1].Value, long.Parse(set.Groups[2].Value), long.Parse(set.Groups[3].Value)));
                continue;
            }
            var parameters = new List<string>();
            // As pgbench does, only a variable the script sets is replaced ('order:o' stays as it is).
            var sql = Variable().Replace(line.TrimEnd(';'), m =>
            {
                var name = m.Groups[1].Value;
                if (!floor.Variables.Any(v => v.Name == name)) return m.Value;
                if (!parameters.Contains(name)) parameters.Add(name);
                return "$" + (parameters.IndexOf(name) + 1);
            });
            floor.Statements.Add((sql, parameters));
        }
        return floor;
    }

    [GeneratedRegex(@"^\\set (\w+) random\((\d+), *(\d+)\)$")]
    private static partial Regex SetLine();

    [GeneratedRegex(@"(?<!:):(\w+)")]
    private static partial Regex Variable();
}
