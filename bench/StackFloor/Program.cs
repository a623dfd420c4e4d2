// ASP.NET Core and Npgsql running the floors' SQL over HTTP, with nothing of Paydesk in between: no
// authentication, no EF, no tenant, no JSON body. bench/run.sh drives it like Paydesk's paths, so a
// row of it says how close to pgbench any .NET service can come on the same machine in the same run.
using Npgsql;

var builder = WebApplication.CreateSlimBuilder(args);
var connection = builder.Configuration.GetConnectionString("Floor")
    ?? throw new InvalidOperationException("Set ConnectionStrings__Floor to the floor database.");
await using var source = new NpgsqlDataSourceBuilder(connection + ";Max Auto Prepare=20").Build();
var app = builder.Build();

// pgbench -S: one account's balance by key.
app.MapGet("/select", async () =>
{
    await using var command = source.CreateCommand("SELECT abalance FROM pgbench_accounts WHERE aid = $1");
    command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Random.Shared.Next(1, 100_001) });
    return Results.Text(((int)(await command.ExecuteScalarAsync())!).ToString());
});

// bench/webhook-floor.pgbench, one transaction per request.
app.MapPost("/webhook", async () =>
{
    var n = Random.Shared.Next(1, 100_001);
    await using var db = await source.OpenConnectionAsync();
    await using var tx = await db.BeginTransactionAsync();
    await Run(db, "INSERT INTO floor_webhook_events VALUES ('t', gen_random_uuid()::text, 'mock', 'acct', gen_random_uuid()::text, '{}', now(), NULL, NULL)");
    await Run(db, "SELECT status FROM floor_payments WHERE tenant_id = 't' AND id = 'pay-' || $1 FOR UPDATE", n);
    await Run(db, "UPDATE floor_payments SET status = 'succeeded', updated_at = now() WHERE tenant_id = 't' AND id = 'pay-' || $1", n);
    await Run(db, "INSERT INTO floor_payment_operations VALUES ('t', gen_random_uuid()::text, 'pay-' || $1, 'notification', 'payment.succeeded', now())", n);
    await Run(db, "UPDATE floor_orders SET status = 'paid', updated_at = now() WHERE tenant_id = 't' AND id = 'ord-' || $1", n);
    await Run(db, "INSERT INTO floor_jobs VALUES (gen_random_uuid()::text, 't', 'fulfil-order', 'ord', 'Queued', now())");
    await tx.CommitAsync();
    return Results.Ok();
});

// bench/order-floor.pgbench, one transaction per request.
app.MapPost("/order", async () =>
{
    var aid = Random.Shared.Next(1, 100_000);
    await using var db = await source.OpenConnectionAsync();
    await using var tx = await db.BeginTransactionAsync();
    await Run(db, "SELECT abalance FROM pgbench_accounts WHERE aid = $1", aid);
    await Run(db, "SELECT abalance FROM pgbench_accounts WHERE aid = $1", aid + 1);
    await Run(db, "INSERT INTO floor_idempotency VALUES ('t', gen_random_uuid()::text, 'h', 201, '{}', now())");
    await Run(db, "INSERT INTO floor_orders VALUES ('t', gen_random_uuid()::text, 'c', 'awaiting_payment', 15000, 'RON', now(), now())");
    await Run(db, "INSERT INTO floor_order_lines VALUES ('t', gen_random_uuid()::text, 'o', 'p', 1, 15000)");
    await tx.CommitAsync();
    return Results.Created();
});

app.Run();

static async Task Run(NpgsqlConnection db, string sql, int? value = null)
{
    await using var command = new NpgsqlCommand(sql, db);
    if (value is { } v) command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = v });
    await command.ExecuteNonQueryAsync();
}
