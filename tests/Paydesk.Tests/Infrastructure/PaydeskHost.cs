using System.Collections.Concurrent;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Paydesk.Api;
using Microsoft.EntityFrameworkCore;
using Paydesk.Storage;
using Paydesk.Tenancy;

namespace Paydesk.Tests.Infrastructure;

public enum Engine { Sqlite, Postgres }

public sealed record HostOptions
{
    public string Environment { get; init; } = "Testing";
    public FakeTimeProvider? Clock { get; init; }
    public bool MigrateOnStart { get; init; } = true;
    public string? ConnectionString { get; init; }
    /// <summary>PostgreSQL: connect as the tables' owner, as a careless installation would, instead of the application role.</summary>
    public bool AsTableOwner { get; init; }
    /// <summary>Send mail over SMTP, unencrypted, to this port on 127.0.0.1 (maildev's, or one nothing listens on), instead of into a folder.</summary>
    public int? SmtpPort { get; init; }
    /// <summary>Turns the Mock provider on whatever the environment; null leaves the environment's default.</summary>
    public bool? MockEnabled { get; init; } = true;
    /// <summary>Services a test adds to the host (a job handler of its own).</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }
    /// <summary>More settings, as <c>Section:Key</c> → value, given to the host on its command line.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();
    /// <summary>
    /// A Data Protection key ring the test owns and deletes, for hosts that share a database (and so
    /// must open each other's secrets); null gives the host a ring of its own, deleted with it.
    /// </summary>
    public string? KeyRingPath { get; init; }
}

/// <summary>
/// Paydesk, running for real: Kestrel on a free loopback port, the real pipeline, real
/// migrations on a fresh SQLite file or a fresh PostgreSQL database. Tests talk to it over HTTP.
/// </summary>
public sealed class PaydeskHost : IPaydeskServer, IAsyncDisposable
{
    private static readonly ConcurrentDictionary<Engine, Lazy<Task<PaydeskHost>>> SharedHosts = new();
    private readonly WebApplication _app;
    private readonly string? _sqliteFile;
    private readonly string _mailFolder;
    private readonly string? _ownKeyRing;
    private readonly Lazy<Task<ApiContract>> _contract;

    public Engine Engine { get; }
    public Uri BaseAddress { get; }
    public CapturedLogs Logs { get; }
    public IServiceProvider Services => _app.Services;
    public string ConnectionString => _app.Configuration.GetConnectionString(StorageRegistrations.ConnectionStringName)!;
    public string KeyRingPath => Services.GetRequiredService<KeyRingInfo>().Path;

    private PaydeskHost(WebApplication app, Engine engine, Uri baseAddress, CapturedLogs logs, string? sqliteFile, string mailFolder, string? ownKeyRing)
    {
        (_app, Engine, BaseAddress, Logs, _sqliteFile, _mailFolder, _ownKeyRing) = (app, engine, baseAddress, logs, sqliteFile, mailFolder, ownKeyRing);
        _contract = new Lazy<Task<ApiContract>>(() => ApiContract.FetchAsync(baseAddress));
    }

    /// <summary>One host per engine for the whole run; tests keep apart by making their own tenants.</summary>
    public static Task<PaydeskHost> Shared(Engine engine) =>
        SharedHosts.GetOrAdd(engine, e => new Lazy<Task<PaydeskHost>>(() => StartAsync(e, new HostOptions()))).Value;

    public static async Task<PaydeskHost> StartAsync(Engine engine, HostOptions options)
    {
        string? sqliteFile = null;
        var connectionString = options.ConnectionString;
        if (connectionString is null)
        {
            if (engine == Engine.Postgres)
            {
                connectionString = await (await PostgresCluster.Shared).CreateDatabaseAsync("paydesk");
            }
            else
            {
                sqliteFile = Path.Combine(Path.GetTempPath(), $"paydesk-test-{Guid.NewGuid():N}.db");
                connectionString = $"Data Source={sqliteFile};Pooling=false";
            }
        }

        var logs = new CapturedLogs();
        // Each host its own mailbox, removed with it, so no test reads another's mail.
        var mailFolder = Path.Combine(Path.GetTempPath(), $"paydesk-test-mail-{Guid.NewGuid():N}");
        // And its own key ring, unless the test shares one between hosts on one database.
        var ownKeyRing = options.KeyRingPath is null && !options.Settings.ContainsKey("DataProtection:KeyRingPath")
            ? Path.Combine(Path.GetTempPath(), $"paydesk-test-keys-{Guid.NewGuid():N}")
            : null;
        // Pointed at the providers' emulators, unless the test says otherwise.
        var settings = (await ProviderEmulators.Shared).Settings.Where(e => !options.Settings.ContainsKey(e.Key)).Concat(options.Settings).ToDictionary();
        var app = PaydeskApp.Build(
            TestSettings.Arguments(engine, connectionString, options.Environment, "http://127.0.0.1:0", ownKeyRing ?? options.KeyRingPath,
                options.MigrateOnStart, options.MockEnabled, options.SmtpPort, mailFolder, settings, options.AsTableOwner),
            builder =>
            {
                builder.Logging.ClearProviders();
                builder.Logging.AddProvider(logs);
                builder.Logging.SetMinimumLevel(LogLevel.Debug);
                if (options.Clock is { } clock) builder.Services.AddSingleton<TimeProvider>(clock);
                options.ConfigureServices?.Invoke(builder.Services);
            });
        if (options.Clock is { } fake) app.Services.GetRequiredService<TimeProvider>().ShouldBe(fake);

        await PaydeskApp.PrepareAsync(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new PaydeskHost(app, engine, new Uri(address), logs, sqliteFile, mailFolder, ownKeyRing);
    }

    /// <summary>The host's own OpenAPI document, fetched once, the first time an answer is checked against it.</summary>
    public Task<ApiContract> Contract => _contract.Value;

    public HttpClient Client(string? apiKey = null) => ContractCheckingHandler.Client(BaseAddress, () => Contract, apiKey);

    /// <summary>A new tenant of its own, and a client holding its admin key.</summary>
    public async Task<TenantClient> NewTenantAsync(string currency = "RON", string timeZone = "Europe/Bucharest")
    {
        await using var scope = Services.CreateAsyncScope();
        var slug = $"t-{Guid.NewGuid():N}"[..20];
        var result = await scope.ServiceProvider.GetRequiredService<CreateTenant>()
            .Run(new NewTenant(slug, $"Tenant {slug}", currency, timeZone), CancellationToken.None);
        if (result.Problem is { } p) throw new InvalidOperationException(p.Detail);
        return new TenantClient(this, result.Value!.Tenant.Id, result.Value.AdminKeySecret);
    }

    /// <summary>
    /// A person who signs in on the pages, with <paramref name="role"/> in the tenant and, when
    /// given, a password (without one they are as an invited user is, before they set it).
    /// </summary>
    public async Task<string> NewUserAsync(string tenantId, string email, Role role = Role.TenantAdmin, string? password = null, string name = "Ana Admin")
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PaydeskDb>();
        var ids = scope.ServiceProvider.GetRequiredService<IdGenerator>();
        var user = new User { Id = ids.New("usr"), Email = email, Name = name, SecurityStamp = Passwords.NewStamp() };
        if (password is not null) Passwords.Set(user, password);
        db.Users.Add(user);
        db.Tenant.Set(tenantId, role);
        db.Memberships.Add(new Membership { TenantId = tenantId, Id = ids.New("mem"), UserId = user.Id, Role = role });
        await db.SaveChangesAsync();
        return user.Id;
    }

    /// <summary>The tenant's slug: what its pages' addresses start with (<c>/t/{slug}/…</c>).</summary>
    public Task<string> SlugOfAsync(string tenantId) =>
        InTenantAsync(tenantId, db => db.Tenants.Where(t => t.Id == tenantId).Select(t => t.Slug).FirstAsync());

    /// <summary>Runs work against the database as the given tenant, the way a request would.</summary>
    public async Task<T> InTenantAsync<T>(string tenantId, Func<PaydeskDb, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId, Role.TenantAdmin);
        return await work(scope.ServiceProvider.GetRequiredService<PaydeskDb>());
    }

    /// <summary>Runs work with a service of the host outside any tenant, as a background job would.</summary>
    public async Task<TResult> RunAsync<TService, TResult>(Func<TService, Task<TResult>> work) where TService : notnull
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<TService>());
    }

    /// <summary>
    /// Runs the background work that is due now, as the workers do (and never a job a worker
    /// holds), then waits until this process runs none: the work a test set going is done.
    /// </summary>
    public async Task<int> RunDueJobsAsync()
    {
        var runner = Services.GetRequiredService<Paydesk.Jobs.JobRunner>();
        var runs = 0;
        while (true)
        {
            var ran = await runner.RunDueAsync(CancellationToken.None);
            runs += ran;
            // What the workers hold (or are claiming) is done when nothing is in flight; what that
            // queued in turn is due now, so another round runs it.
            await Eventually.HoldsAsync(() => Task.FromResult(runner.InFlight == 0), "the workers to finish what they hold");
            if (ran > 0) continue;
            var late = await runner.RunDueAsync(CancellationToken.None);
            runs += late;
            if (late == 0) return runs;
        }
    }

    /// <summary>
    /// Lets what a test set going come to rest: the Mock provider's notifications answered, and the
    /// due background work they and the jobs queued done, turn after turn, until a whole turn passes
    /// in which nothing ran, nothing was queued and nothing is owed. A notification due later (a
    /// late delivery) is owed until the clock passes it, so a test on a fake clock moves it first.
    /// </summary>
    public async Task SettleAsync()
    {
        var notifier = Services.GetRequiredService<Paydesk.Payments.Mock.MockNotifier>();
        var runner = Services.GetRequiredService<Paydesk.Jobs.JobRunner>();
        var signal = Services.GetRequiredService<Paydesk.Jobs.JobSignal>();
        for (var turn = 1; ; turn++)
        {
            // A notification Paydesk does not answer 2xx is retried after a wait: say so by name.
            await Eventually.HoldsAsync(() => Task.FromResult(notifier.Owed == 0), "the Mock provider to deliver its notifications (" +
                string.Join(" | ", Logs.Lines.Where(l => l.Contains(" Paydesk.Payments.", StringComparison.Ordinal)
                    && l.Contains("notification", StringComparison.OrdinalIgnoreCase) && !l.StartsWith("Debug", StringComparison.Ordinal)).TakeLast(4)) + ")");
            // Every commit that queues work, and every run a worker ends, completes this: a turn
            // that sees it still pending at its end saw nothing happen behind its back. Read last,
            // because a run counts itself out before it signals, but signals any work it queued
            // and counts any notification it owes before that.
            var woken = signal.Next;
            var ran = await RunDueJobsAsync();
            if (ran == 0 && runner.InFlight == 0 && notifier.Owed == 0 && !woken.IsCompleted) return;
            if (turn == 100) throw new Xunit.Sdk.XunitException($"Still not at rest after {turn} turns of notifications and jobs.");
        }
    }

    /// <summary>The tenant's jobs, oldest first.</summary>
    public Task<List<Paydesk.Jobs.Job>> JobsOfAsync(string tenantId) =>
        InTenantAsync(tenantId, db => db.Jobs.AsNoTracking().OrderBy(j => j.Id).ToListAsync());

    public async ValueTask DisposeAsync()
    {
        var connectionStrings = new[] { StorageRegistrations.ConnectionStringName, "PaydeskOwner" }
            .Select(name => _app.Configuration.GetConnectionString(name)).OfType<string>().ToList();
        await _app.StopAsync();
        await _app.DisposeAsync();
        // Npgsql keeps a pool per connection string open for minutes after its last use; a run
        // starts hundreds of hosts, each on a database of its own, and the cluster would run out
        // of connections ("too many clients already") long before the idle ones were pruned.
        // The service connects with its settings' string tuned (Tuned), a pool of its own.
        if (Engine == Engine.Postgres)
            foreach (var connectionString in connectionStrings.Concat(connectionStrings.Select(StorageRegistrations.Tuned)).Distinct())
                NpgsqlConnection.ClearPool(new NpgsqlConnection(connectionString));
        if (Directory.Exists(_mailFolder)) Directory.Delete(_mailFolder, recursive: true);
        if (_ownKeyRing is not null && Directory.Exists(_ownKeyRing)) Directory.Delete(_ownKeyRing, recursive: true);
        if (_sqliteFile is not null)
            foreach (var file in new[] { _sqliteFile, _sqliteFile + "-wal", _sqliteFile + "-shm" })
                File.Delete(file);
    }
}

/// <summary>A Paydesk the tests talk to over HTTP: inside the test process (<see cref="PaydeskHost"/>) or as a process of its own (<see cref="PaydeskProcess"/>).</summary>
public interface IPaydeskServer
{
    Uri BaseAddress { get; }

    HttpClient Client(string? apiKey = null);
}

/// <summary>A tenant's admin key, with the helpers tests use to call the API as that tenant.</summary>
public sealed class TenantClient(IPaydeskServer host, string tenantId, string adminKey)
{
    public string TenantId { get; } = tenantId;
    public string AdminKey { get; } = adminKey;
    public HttpClient Http { get; } = host.Client(adminKey);
    public IPaydeskServer Host { get; } = host;

    public async Task<JsonElement> PostOk(string path, object body, string? idempotencyKey = null)
    {
        var response = await Post(path, body, idempotencyKey);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path} answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public Task<HttpResponseMessage> Post(string path, object body, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return Http.SendAsync(request);
    }

    public Task<HttpResponseMessage> PostRaw(string path, string json, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return Http.SendAsync(request);
    }

    public async Task<JsonElement> GetOk(string path)
    {
        var response = await Http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path} answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Every item of a list, following its cursors.</summary>
    public async Task<List<JsonElement>> ListAll(string path)
    {
        var items = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var separator = path.Contains('?') ? '&' : '?';
            var page = await GetOk(cursor is null ? path : $"{path}{separator}cursor={cursor}");
            items.AddRange(page.GetProperty("items").EnumerateArray());
            cursor = page.GetProperty("nextCursor").GetString();
        } while (cursor is not null);
        return items;
    }

    /// <summary>Starts a checkout for the order and answers the payment id and the Mock page's URL.</summary>
    public async Task<(string PaymentId, string RedirectUrl)> CheckoutAsync(string orderId)
    {
        var checkout = await PostOk($"/api/v1/orders/{orderId}/checkout", new { provider = "mock" });
        return (checkout.Str("paymentId"), checkout.Str("redirectUrl"));
    }

    /// <summary>Presses a button on the Mock provider's page, as a browser would: a form post. Answers where it sends the browser.</summary>
    public async Task<Uri> PressOnMockPageAsync(string paymentId, string action = "succeed", string delivery = "normal")
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Host.BaseAddress };
        var page = await browser.GetAsync($"/mock-pay/{paymentId}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains($"/mock-pay/{paymentId}/{action}", await page.Content.ReadAsStringAsync());
        var pressed = await browser.PostAsync($"/mock-pay/{paymentId}/{action}",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["delivery"] = delivery }));
        Assert.Equal(HttpStatusCode.Redirect, pressed.StatusCode);
        return pressed.Headers.Location!;
    }

    /// <summary>A person gives money back in the Mock provider's dashboard (a form post, as in a browser); answers its status: a redirect when it made the refund, 400 when it does not fit.</summary>
    public async Task<HttpStatusCode> RefundInDashboardAsync(string paymentId, long amount)
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Host.BaseAddress };
        var answer = await browser.PostAsync($"/mock-pay/{paymentId}/refund",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["amount"] = amount.ToString(System.Globalization.CultureInfo.InvariantCulture) }));
        return answer.StatusCode;
    }

    /// <summary>Pays the order on the Mock page, as a browser would, and waits until it is fulfilled; answers the payment id.</summary>
    public async Task<string> PayAsync(string orderId)
    {
        var (paymentId, _) = await CheckoutAsync(orderId);
        await PressOnMockPageAsync(paymentId);
        await OrderWhenAsync(orderId, "fulfilled");
        return paymentId;
    }

    /// <summary>Orders the lines for the customer and pays for them; answers the order and the payment.</summary>
    public async Task<(string OrderId, string PaymentId)> BuyAsync(string customerId, params object[] lines)
    {
        var order = (await PostOk("/api/v1/orders", new { customerId, lines })).Id();
        return (order, await PayAsync(order));
    }

    /// <summary>Reads the order until it reaches the status (notifications arrive on their own time).</summary>
    public Task<JsonElement> OrderWhenAsync(string orderId, params string[] statuses) =>
        Eventually.ReadsAsync(() => GetOk($"/api/v1/orders/{orderId}"), o => statuses.Contains(o.Str("status")),
            $"order {orderId} to be {string.Join(" or ", statuses)}");

    public Task<JsonElement> PaymentWhenAsync(string paymentId, string status) =>
        Eventually.ReadsAsync(() => GetOk($"/api/v1/payments/{paymentId}"), p => p.Str("status") == status, $"payment {paymentId} to be {status}");

    public async Task<string> CreateServiceAsync(string name = "Consultation", long price = 150_00, string currency = "RON") =>
        (await PostOk("/api/v1/services", new { name, durationMinutes = 45, price = new { amount = price, currency } })).Id();

    public async Task<string> CreateCustomerAsync(string name = "Maria Pop", string? email = "maria@example.com") =>
        (await PostOk("/api/v1/customers", new { name, email })).Id();
}
