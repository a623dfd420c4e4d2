using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Paydesk.Payments.Mock;

/// <summary>One notification the Mock provider owes Paydesk.</summary>
public sealed record MockEvent(
    string Id, string Type, string PaymentId, string ChargeId, string Status, long Amount, string Currency, DateTimeOffset Created,
    MockRefundEvent? Refund = null, MockDisputeEvent? Dispute = null, MockSavedMethod? SavedMethod = null);

/// <summary>The card a paid checkout kept for later charges: its id at the Mock provider (which says how its charges go), and what may be shown.</summary>
public sealed record MockSavedMethod(string Id, string Brand, string Last4, int ExpMonth, int ExpYear)
{
    /// <summary>The cards the Mock page offers to keep: one whose later charges pay, one whose later charges are declined.</summary>
    public static readonly MockSavedMethod Pays = new(MockProvider.SavedMethodPays, "visa", "4242", 12, 2034);
    public static readonly MockSavedMethod Declines = new(MockProvider.SavedMethodDeclined, "visa", "0341", 12, 2034);
}

/// <summary>The dispute a <c>payment.disputed</c> event reports.</summary>
public sealed record MockDisputeEvent(string Id, long Amount, string Reason);

/// <summary>The refund a <c>payment.refunded</c> event reports: the provider's id, the amount, and the key Paydesk sent, if it asked.</summary>
public sealed record MockRefundEvent(string Id, long Amount, string? Key);

/// <summary>A notification to send at <paramref name="DueAt"/>: fixed when it is queued, so a clock that moves on meanwhile cannot push it later.</summary>
public sealed record MockDelivery(string Url, string AccountId, MockEvent Event, DateTimeOffset DueAt, int Copies);

/// <summary>
/// Delivers the Mock provider's notifications the way a provider does: later, over HTTP, signed,
/// retried when Paydesk does not answer 2xx — and, when asked, twice, late or out of order.
/// </summary>
public sealed class MockNotifier(IHttpClientFactory http, IServiceScopeFactory scopes, FaultPoints faults, TimeProvider time, ILogger<MockNotifier> log)
    : BackgroundService
{
    private static readonly TimeSpan[] Retries = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5)];
    private readonly Channel<MockDelivery> _queue = Channel.CreateUnbounded<MockDelivery>();
    private int _owed;

    /// <summary>
    /// Copies queued and not yet answered by Paydesk (nor given up): a test that wants the provider
    /// to have said everything it has to say waits until this is zero. A copy due later (a late
    /// delivery, a retry) is owed until then.
    /// </summary>
    public int Owed => Volatile.Read(ref _owed);

    public void Enqueue(MockDelivery delivery)
    {
        // Counted before it can be delivered, so no one sees zero while it is on its way.
        Interlocked.Add(ref _owed, delivery.Copies);
        if (!_queue.Writer.TryWrite(delivery)) Interlocked.Add(ref _owed, -delivery.Copies);
    }

    public static string Body(MockEvent e) => JsonSerializer.Serialize(new
    {
        id = e.Id, type = e.Type, created = e.Created.ToUnixTimeSeconds(),
        data = new
        {
            paymentId = e.PaymentId, chargeId = e.ChargeId, status = e.Status, amount = e.Amount, currency = e.Currency,
            refund = e.Refund is { } r ? new { id = r.Id, amount = r.Amount, key = r.Key } : null,
            dispute = e.Dispute is { } d ? new { id = d.Id, amount = d.Amount, reason = d.Reason } : null,
            savedMethod = e.SavedMethod is { } m ? new { id = m.Id, brand = m.Brand, last4 = m.Last4, expMonth = m.ExpMonth, expYear = m.ExpYear } : null,
        },
    });

    public static string NewEventId() => "mevt_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var delivery in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            // Each delivery runs on its own, so a late or retried one does not hold up the rest.
            _ = Task.WhenAll(Enumerable.Range(0, delivery.Copies).Select(_ => DeliverAsync(delivery, stoppingToken)));
        }
    }

    private async Task DeliverAsync(MockDelivery delivery, CancellationToken ct)
    {
        try
        {
            // A test keeps a refund's news from Paydesk, so only asking the provider again finds it.
            if (delivery.Event.Refund is not null) await faults.HitAsync(FaultPoints.MockRefundNotification);
            var wait = delivery.DueAt - time.GetUtcNow();
            if (wait > TimeSpan.Zero) await Task.Delay(wait, time, ct);
            var body = Body(delivery.Event);
            for (var attempt = 0; ; attempt++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                // Each attempt is signed with the secret the account holds then, opened just for it.
                await using (var scope = scopes.CreateAsyncScope())
                {
                    if (await scope.ServiceProvider.GetRequiredService<MockAccounts>().SecretOf(delivery.AccountId, ct) is { } secret)
                        request.Headers.Add(MockProvider.SignatureHeader, MockProvider.SignatureHeaderValue(secret, time.GetUtcNow().ToUnixTimeSeconds(), body));
                }
                try
                {
                    using var response = await http.CreateClient(nameof(MockNotifier)).SendAsync(request, ct);
                    if (response.IsSuccessStatusCode) return;
                    log.LogInformation("Mock notification {EventId} answered {Status}", delivery.Event.Id, (int)response.StatusCode);
                }
                catch (HttpRequestException e)
                {
                    log.LogInformation("Mock notification {EventId} not delivered: {Error}", delivery.Event.Id, e.Message);
                }
                if (attempt >= Retries.Length) return;
                await Task.Delay(Retries[attempt], time, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            Interlocked.Decrement(ref _owed);
        }
    }
}

/// <summary>The provider's side reads the secret it shares with the account, as Stripe knows an endpoint's secret.</summary>
public sealed class MockAccounts(Storage.PaydeskDb db, ProviderSecrets secrets)
{
    public async Task<string?> SecretOf(string accountId, CancellationToken ct)
    {
        if (await Storage.Installation.TenantOfProviderAccountAsync(db, accountId, MockProvider.ProviderName, ct) is not { } tenantId) return null;
        db.Tenant.Set(tenantId, Tenancy.Role.TenantAdmin);
        var account = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.FirstOrDefaultAsync(
            Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.AsNoTracking(db.ProviderAccounts), a => a.Id == accountId, ct);
        return account is null ? null : secrets.Reveal(account, ProviderSecret.Webhook);
    }
}
