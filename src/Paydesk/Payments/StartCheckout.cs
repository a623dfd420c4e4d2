using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Paydesk.Api;
using Paydesk.Core;
using Paydesk.Jobs;
using Paydesk.Storage;

namespace Paydesk.Payments;

public sealed class PaymentOptions
{
    /// <summary>The Mock provider: on by default in Development, refused elsewhere unless enabled here.</summary>
    public bool? MockEnabled { get; set; }

    /// <summary>Where providers and people reach Paydesk (notifications, return pages, links in emails); the address Paydesk listens on when empty.</summary>
    public string? PublicUrl { get; set; }

    /// <summary>How many payments of one purchase may be open at once (checkout pages not yet paid, failed or expired).</summary>
    public int MaxOpenCheckouts { get; set; } = 3;

    /// <summary>How often the events of a provider that lists them (Stripe) are read for any its webhooks did not deliver.</summary>
    public TimeSpan CatchUpEvery { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>The payment providers this process knows, by name.</summary>
public sealed class ProviderRegistry(IEnumerable<IPaymentProvider> providers, IOptions<PaymentOptions> options, IHostEnvironment environment)
{
    /// <summary>The providers a buyer may pay with here, the Mock one first when it is on.</summary>
    public IEnumerable<IPaymentProvider> Enabled => providers.Where(p => Find(p.Name) is not null);

    public IPaymentProvider? Find(string name)
    {
        if (name == Mock.MockProvider.ProviderName && !MockEnabled) return null;
        return providers.FirstOrDefault(p => p.Name == name);
    }

    public bool MockEnabled => options.Value.MockEnabled ?? environment.IsDevelopment();

    /// <summary>
    /// The providers the tenant of <paramref name="db"/> can be paid through in this currency: those it
    /// has an enabled account at, the Mock provider last (when it is on, and the tenant has not
    /// disabled its account there). The first is what a checkout that names none pays through.
    /// </summary>
    public async Task<IReadOnlyList<string>> ForTenantAsync(Storage.PaydeskDb db, Currency currency, CancellationToken ct)
    {
        var accounts = await db.ProviderAccounts.AsNoTracking().GroupBy(a => a.Provider)
            .Select(g => new { Provider = g.Key, Enabled = g.Any(a => a.DisabledAt == null) }).ToListAsync(ct);
        bool Usable(IPaymentProvider p) => accounts.Any(a => a.Provider == p.Name && a.Enabled)
            || (p.Name == Mock.MockProvider.ProviderName && accounts.All(a => a.Provider != p.Name));
        return [.. Enabled.Where(p => p.Accepts(currency) && Usable(p)).OrderBy(p => p.Name == Mock.MockProvider.ProviderName).Select(p => p.Name)];
    }
}

/// <param name="Account">The provider account to pay through; the provider's default account when none is named.</param>
public sealed record CheckoutInput(string? Provider, string? SuccessUrl, string? CancelUrl, string? Account = null);

public sealed record CheckoutView(string PaymentId, string Status, string? RedirectUrl, MoneyView Amount);

/// <summary>
/// Starts a hosted checkout for something payable. The payment row is committed before the
/// provider is called; a provider that does not answer leaves it <c>unknown</c> for the reconciler.
/// At most <see cref="PaymentOptions.MaxOpenCheckouts"/> payments of one purpose are open at once,
/// counted with the purchase locked (its purpose says how), so racing requests cannot pass it.
/// </summary>
public sealed class StartCheckout(
    PaydeskDb db, ProviderRegistry providers, PaymentOutcomes outcomes, IEnumerable<IPaymentPurpose> purposes, IdGenerator ids,
    TimeProvider time, IOptions<PaymentOptions> options, PublicAddress address, FaultPoints faults, JobQueue jobs, IdempotencyContext request,
    ProviderSecrets secrets, Fiscal.Receipts receipts, ILogger<StartCheckout> log)
{
    public async Task<Result<CheckoutView>> Run(
        string purpose, string customerId, Money amount, string description, CheckoutInput input, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var named = input.Account is null ? null : await db.ProviderAccounts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == input.Account, ct);
        if (input.Account is not null && named is null) errors.Add("account", $"No provider account '{input.Account}'.");
        // Nothing to charge now (a free trial) is a checkout that only keeps the card: not every provider has one.
        bool CanTake(IPaymentProvider p) => p.Accepts(amount.Currency) && (amount.IsPositive || p.KeepsCardsWithoutCharge);
        // The tenant's providers, read only when the checkout names none, or to say where it can go instead.
        IReadOnlyList<string>? tenantProviders = null;
        async Task<IReadOnlyList<string>> TenantProvidersAsync() => tenantProviders ??= await providers.ForTenantAsync(db, amount.Currency, ct);
        async Task<List<string>> UsableAsync() => [.. (await TenantProvidersAsync()).Where(p => CanTake(providers.Find(p)!))];
        var providerName = input.Provider ?? named?.Provider
            ?? (await UsableAsync()).FirstOrDefault() ?? (await TenantProvidersAsync()).FirstOrDefault() ?? Mock.MockProvider.ProviderName;
        var provider = providers.Find(providerName);
        if (provider is null) errors.Add("provider", $"'{providerName}' is not a payment provider enabled here.");
        else if (!provider.Accepts(amount.Currency)) errors.Add("provider", $"{providerName} does not take payments in {amount.Currency.Code}.");
        else if (!CanTake(provider))
            errors.Add("provider", $"{providerName} cannot keep a card without charging it, and nothing is due now (a free trial); pay through " +
                ((await UsableAsync()) is { Count: > 0 } others ? string.Join(" or ", others) : "Stripe or the Mock provider") + ".");
        if (named is not null && named.Provider != providerName) errors.Add("account", $"is a {named.Provider} account, not a {providerName} one.");
        if (named is { DisabledAt: not null }) errors.Add("account", "is disabled; enable it, or pay through another.");
        var baseUrl = address.Url;
        var successUrl = ReturnUrl(errors, "successUrl", input.SuccessUrl, baseUrl, "success");
        var cancelUrl = ReturnUrl(errors, "cancelUrl", input.CancelUrl, baseUrl, "canceled");
        if (errors.Any) return errors.ToProblem();

        var payable = purposes.Of(purpose);
        if ((named ?? await AccountFor(provider!.Name, ct)) is not { } payThrough)
        {
            errors.Add("provider", $"The tenant has no enabled {provider!.Name} account; add one, or enable one (/api/v1/provider-accounts).");
            return errors.ToProblem();
        }
        var started = await db.InTransactionAsync<Result<(Payment Payment, ProviderAccount Account)>>(async () =>
        {
            if (await payable.CanPayAsync(db, purpose, ct) is { } refused) return refused;
            // A retry of a request that died after recording its payment carries on with that payment.
            if (request.Key is { } key && await db.Payments.FirstOrDefaultAsync(p => p.Purpose == purpose && p.RequestKey == key, ct) is { } earlier)
                return (earlier, await db.ProviderAccounts.FirstAsync(a => a.Id == earlier.ProviderAccountId, ct));
            var open = await db.Payments.Where(p => p.Purpose == purpose).CountAsync(Payment.IsOpen, ct);
            if (open >= options.Value.MaxOpenCheckouts)
                return Problem.Conflict($"{open} payments of this purchase are still open (unpaid checkout pages, or answers not yet known); " +
                    "pay with one of them, or wait until they are settled or expire, before starting another.");

            var account = payThrough;
            var now = time.GetUtcNow();
            var paymentId = ids.New("pay");
            var payment = new Payment
            {
                TenantId = "", Id = paymentId, Purpose = purpose, CustomerId = customerId, AmountMinor = amount.Minor,
                Currency = amount.Currency.Code, Status = PaymentStatus.Created, Provider = provider!.Name, ProviderAccountId = account.Id,
                IdempotencyKey = paymentId, RequestKey = request.Key, CreatedAt = now, UpdatedAt = now,
                SuccessUrl = ForPayment(successUrl, paymentId), CancelUrl = ForPayment(cancelUrl, paymentId),
            };
            if (provider is INumbersPayments)
                payment.ProviderPaymentId = (await ProviderNumbers.NextAsync(db, account.Id, ct)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            db.Payments.Add(payment);
            // The reconciler's first check, committed with the payment: a crash after this commit is recovered.
            jobs.Add(db, ReconcilePayment.JobKind, payment.Id, now + ReconcilePayment.Schedule[0]);
            outcomes.Log(payment, OperationKind.Request, $"create checkout for {amount} at {provider.Name}");
            await db.SaveChangesAsync(ct);
            return (payment, account);
        }, ct);
        if (started.Problem is { } problem) return problem;
        var (payment, account) = started.Value;
        var chosen = provider!;

        var checkoutRequest = new CheckoutRequest(
            payment.Id, payment.IdempotencyKey, amount, description,
            payment.SuccessUrl ?? ForPayment(successUrl, payment.Id), payment.CancelUrl ?? ForPayment(cancelUrl, payment.Id),
            new Uri(baseUrl, $"webhooks/{chosen.Name}/{account.Id}").ToString())
        {
            Number = chosen is INumbersPayments ? long.Parse(payment.ProviderPaymentId!, System.Globalization.CultureInfo.InvariantCulture) : null,
            CustomerId = customerId, Language = System.Globalization.CultureInfo.CurrentUICulture.TwoLetterISOLanguageName,
            Receipt = await receipts.ForAsync(purpose, customerId, amount, ct),
            SaveMethod = await payable.KeepsPaymentMethodAsync(db, purpose, ct),
        };
        CheckoutSession session;
        try
        {
            session = await chosen.CreateCheckoutAsync(account, checkoutRequest, ct);
        }
        catch (Exception e) when (ProviderErrors.Classify(e) is { } failure)
        {
            var trouble = ProviderErrors.Describe(failure, chosen.Name);
            if (ProviderErrors.MayHaveActed(failure))
            {
                // Neither yes nor no: the reconciler asks the provider later; nothing is charged twice.
                log.LogWarning(e, "Payment {PaymentId}: {Trouble}", payment.Id, trouble);
                await outcomes.RecordAsync(payment.Id, p => outcomes.ApplyAsync(p, PaymentStatus.Unknown, null, null, trouble, CancellationToken.None), CancellationToken.None);
                return new Problem(StatusCodes.Status502BadGateway, "Provider did not answer",
                    $"The payment {payment.Id} is recorded as unknown and will be checked with {chosen.Name}; do not start another for the same purchase yet.");
            }
            // Refused outright: no checkout was opened, so nothing can be paid through it.
            log.LogWarning(e, "Payment {PaymentId}: {Trouble}", payment.Id, trouble);
            await outcomes.RecordAsync(payment.Id, async p =>
            {
                outcomes.Log(p, OperationKind.Response, $"{trouble}: {Api.Text.Cut(e.Message, 500)}");
                await outcomes.ApplyAsync(p, PaymentStatus.Failed, null, null, trouble, CancellationToken.None);
            }, CancellationToken.None);
            return new Problem(StatusCodes.Status502BadGateway, "Provider refused the checkout",
                $"{trouble}; the payment {payment.Id} is failed and nothing was charged.");
        }

        await faults.HitAsync(FaultPoints.AfterProviderCheckout);
        // The customer may have paid and the provider's notification landed meanwhile: recorded
        // with the payment locked, the answer never moves it back.
        var opened = await outcomes.RecordAsync(payment.Id, async p =>
        {
            p.ProviderPaymentId ??= session.ProviderPaymentId;
            p.RedirectUrl = session.RedirectUrl;
            outcomes.Log(p, OperationKind.Response, $"checkout {session.ProviderPaymentId} opened");
            await outcomes.ApplyAsync(p, PaymentStatus.Pending, null, null, "checkout opened", ct);
        }, ct);
        return new CheckoutView(opened.Id, opened.Status.ToApi(), opened.RedirectUrl, MoneyView.From(amount));
    }

    /// <summary>
    /// The tenant's default enabled account at the provider; for the Mock provider one is made on
    /// first use (and not again once the tenant has disabled it). Null when there is none.
    /// </summary>
    /// <remarks>
    /// The Mock account is made and committed on its own, before the checkout's transaction: two
    /// first checkouts at once race on the unique default, and the loser uses the winner's account.
    /// </remarks>
    private async Task<ProviderAccount?> AccountFor(string provider, CancellationToken ct)
    {
        var account = await Existing();
        if (account is not null) return account;
        if (provider != Mock.MockProvider.ProviderName) return null;
        // One made by a checkout at the same moment is used; one the tenant disabled is not made again.
        if (await db.ProviderAccounts.AnyAsync(a => a.Provider == provider, ct)) return await Existing();
        account = new ProviderAccount
        {
            TenantId = "", Id = ids.New("acct"), Provider = provider, Name = "Mock payments", IsDefault = true, CreatedAt = time.GetUtcNow(), UpdatedAt = time.GetUtcNow(),
        };
        secrets.Store(account, ProviderSecret.Webhook, "whsec_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)));
        db.ProviderAccounts.Add(account);
        try
        {
            await db.SaveChangesAsync(ct);
            return account;
        }
        catch (DbUpdateException)
        {
            db.Entry(account).State = EntityState.Detached;
            return await Existing() ?? throw new InvalidOperationException($"The tenant's {provider} account could not be made.");
        }

        Task<ProviderAccount?> Existing() => db.ProviderAccounts.Where(a => a.Provider == provider && a.DisabledAt == null)
            .OrderByDescending(a => a.IsDefault).ThenBy(a => a.Id).FirstOrDefaultAsync(ct);
    }

    private static string ReturnUrl(FieldErrors errors, string field, string? given, Uri baseUrl, string outcome) =>
        given is null
            ? new Uri(baseUrl, $"pay/{{PAYMENT_ID}}/{outcome}").ToString()
            : errors.HttpUrl(field, given, "must be an absolute http(s) URL; {PAYMENT_ID} in it is replaced by the payment's id.", required: true);

    /// <summary>The address with the payment's id in it, as it goes into a Location header (checked by <see cref="ReturnUrl"/>).</summary>
    private static string ForPayment(string url, string paymentId) =>
        WebAddress.AsciiHttpUrl(url.Replace("{PAYMENT_ID}", paymentId))
        ?? throw new InvalidOperationException($"The return address was checked, yet has no ASCII form: {url}");
}
