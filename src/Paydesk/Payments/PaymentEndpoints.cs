using Microsoft.Extensions.Options;
using System.ComponentModel;
using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Core;
using Paydesk.Jobs;
using Paydesk.Payments.Mock;
using Paydesk.Storage;
using Paydesk.Tenancy;

namespace Paydesk.Payments;

public sealed record PaymentOperationView(string Id, string Kind, string Summary, DateTimeOffset At);

public sealed record PaymentView(
    string Id, string Purpose, string CustomerId, string Status, MoneyView Amount, MoneyView Refunded, string Provider,
    string? RedirectUrl, string? ReviewReason, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? SettledAt,
    [property: Description("The operations log, when one payment is read (and reconciled) by staff and up; null in lists and for a customer's key.")]
    IReadOnlyList<PaymentOperationView>? Operations,
    [property: Description("The payment's refunds, when one payment is read (and reconciled); null in lists.")]
    IReadOnlyList<RefundView>? Refunds)
{
    /// <param name="forCustomer">Read with a customer's own key: the merchant's notes (why a person should look) are left out.</param>
    public static PaymentView From(Payment p, IEnumerable<PaymentOperation>? operations = null, IEnumerable<Refund>? refunds = null, bool forCustomer = false) => new(
        p.Id, p.Purpose, p.CustomerId, p.Status.ToApi(), MoneyView.From(p.AmountMinor, p.Currency), MoneyView.From(p.RefundedMinor, p.Currency),
        p.Provider, p.RedirectUrl, forCustomer ? null : p.ReviewReason, p.CreatedAt, p.UpdatedAt, p.SettledAt,
        operations?.OrderBy(o => o.Id, StringComparer.Ordinal)
            .Select(o => new PaymentOperationView(o.Id, o.Kind.ToString().ToLowerInvariant(), o.Summary, o.CreatedAt)).ToList(),
        refunds?.OrderBy(r => r.Id, StringComparer.Ordinal).Select(RefundView.From).ToList());
}

public static class PaymentRegistrations
{
    public static IServiceCollection AddPayments(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<PaymentOptions>(configuration.GetSection("Payments"));
        services.AddSingleton<ProviderRegistry>();
        services.AddSingleton<PublicAddress>();
        services.AddSingleton<ProviderSecrets>();
        services.AddSingleton<IDataMigration, SealClearProviderSecrets>();
        services.AddScoped<PaymentOutcomes>();
        services.AddScoped<StartCheckout>();
        services.AddScoped<ChargeSavedMethod>();
        services.AddScoped<SaveProviderAccount>();
        services.AddScoped<RequestRefund>();
        services.AddScoped<ExecuteRefund>();
        services.AddSingleton<IJobHandler, ExecuteRefundJob>();
        services.AddScoped<Fiscal.ClosingReceipts>();
        services.AddScoped<Fiscal.Receipts>();
        services.AddSingleton<IJobHandler, Fiscal.SendClosingReceiptJob>();
        services.AddScoped<SavedMethods>();
        services.AddScoped<SyncRefunds>();
        services.AddSingleton<IJobHandler, SyncRefundsJob>();
        services.AddScoped<ReconcilePayment>();
        services.AddSingleton<IJobHandler, ReconcilePaymentJob>();
        services.AddSingleton<ReceiveNotification>();
        services.AddScoped<CatchUpEvents>();
        services.AddSingleton<IJobHandler, CatchUpEventsJob>();
        services.AddSingleton<MockProvider>();
        services.AddSingleton<IPaymentProvider>(sp => sp.GetRequiredService<MockProvider>());
        services.Configure<TBank.TBankOptions>(configuration.GetSection("Payments:TBank"));
        services.AddHttpClient(TBank.TBankProvider.HttpClientName);
        services.AddSingleton<TBank.TBankProvider>();
        services.Configure<Robokassa.RobokassaOptions>(configuration.GetSection("Payments:Robokassa"));
        services.AddHttpClient(Robokassa.RobokassaProvider.HttpClientName);
        services.AddSingleton<Robokassa.RobokassaProvider>();
        services.Configure<Stripe.StripeOptions>(configuration.GetSection("Payments:Stripe"));
        services.AddHttpClient(Stripe.StripeProvider.HttpClientName);
        services.AddSingleton<Stripe.StripeProvider>();
        services.AddSingleton(sp =>
        {
            var targets = new CheckoutTargets();
            targets.AddLoopback(sp.GetRequiredService<IOptions<Stripe.StripeOptions>>().Value.BaseUrl);
            targets.AddLoopback(sp.GetRequiredService<IOptions<TBank.TBankOptions>>().Value.BaseUrl);
            targets.AddLoopback(sp.GetRequiredService<IOptions<Robokassa.RobokassaOptions>>().Value.BaseUrl);
            return targets;
        });
        services.AddSingleton<IPaymentProvider>(sp => sp.GetRequiredService<TBank.TBankProvider>());
        services.AddSingleton<IPaymentProvider>(sp => sp.GetRequiredService<Robokassa.RobokassaProvider>());
        services.AddSingleton<IPaymentProvider>(sp => sp.GetRequiredService<Stripe.StripeProvider>());
        services.AddScoped<MockAccounts>();
        services.AddSingleton<MockNotifier>();
        services.AddHostedService(sp => sp.GetRequiredService<MockNotifier>());
        services.AddHttpClient(nameof(MockNotifier), c => c.Timeout = TimeSpan.FromSeconds(30));
        return services;
    }

    public static void MapPayments(this RouteGroupBuilder api)
    {
        var payments = api.MapGroup("/payments").WithTags("Payments").RequireAuthorization(Policies.Any);

        payments.MapGet("/", async (PageRequest page, string? purpose, bool? needsReview, PaydeskDb db, CancellationToken ct) =>
        {
            var query = Visible(db);
            if (purpose is not null) query = query.Where(p => p.Purpose == purpose);
            // What a person must look at: mismatched amounts, second payments, payments nobody could settle.
            if (needsReview == true) query = query.Where(p => p.ReviewReason != null);
            var forCustomer = db.Tenant.IsCustomer;
            return (await page.Run(query, p => PaymentView.From(p, forCustomer: forCustomer), ct)).Ok();
        }).Lists<PaymentView>().WithName("listPayments").WithSummary("List payments");

        payments.MapGet("/{id}", async (string id, PaydeskDb db, CancellationToken ct) =>
            ApiResults.OkOrNotFound(await ReadAsync(db, id, ct), "payment", id))
            .Reads<PaymentView>().WithName("getPayment").WithSummary("Read a payment, with its refunds and operations log");

        payments.MapPost("/{id}/refunds", async (string id, RefundInput? body, RequestRefund request, PaydeskDb db, JobRunner jobs, CancellationToken ct) =>
        {
            var requested = await request.Run(id, body ?? new RefundInput(null, null), ct);
            if (requested.Problem is { } problem) return problem.ToHttp();
            // Carried out now, so the answer says how it went; when the provider does not answer,
            // the job retries it with backoff.
            await jobs.RunNowAsync(db, JobQueue.KeyOf(ExecuteRefund.JobKind, requested.Value!.Id), ct);
            var refund = await db.Refunds.AsNoTracking().FirstAsync(r => r.Id == requested.Value.Id, ct);
            return TypedResults.Created($"/api/v1/payments/{id}", RefundView.From(refund));
        }).RequireAuthorization(Policies.Admin).WithMetadata(new CommitsInSteps()).Creates<RefundView>().ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("refundPayment").WithSummary("Refund a payment, in full or in part");

        // Answers the payment as GET does, with the operations the reconciliation logged.
        payments.MapPost("/{id}/reconcile", async (string id, ReconcilePayment reconcile, PaydeskDb db, CancellationToken ct) =>
            ApiResults.OkOrNotFound(await reconcile.CheckNowAsync(id, ct) is null ? null : await ReadAsync(db, id, ct), "payment", id))
            .RequireAuthorization(Policies.Admin).WithMetadata(new CommitsInSteps()).Reads<PaymentView>()
            .WithName("reconcilePayment").WithSummary("Ask the provider about a payment now, and about refunds made in its dashboard");
    }

    public static void MapProviderAccounts(this RouteGroupBuilder api)
    {
        var accounts = api.MapGroup("/provider-accounts").WithTags("Provider accounts").RequireAuthorization(Policies.Admin);

        accounts.MapGet("/", async (PageRequest page, SaveProviderAccount save, PaydeskDb db, CancellationToken ct) =>
            (await page.Run(db.ProviderAccounts, save.View, ct)).Ok()).Lists<ProviderAccountView>()
            .WithName("listProviderAccounts").WithSummary("List the tenant's payment provider accounts, never with their credentials");

        accounts.MapGet("/{id}", async (string id, SaveProviderAccount save, PaydeskDb db, CancellationToken ct) =>
            ApiResults.OkOrNotFound(await db.ProviderAccounts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct) is { } a ? save.View(a) : null,
                "provider account", id))
            .Reads<ProviderAccountView>().WithName("getProviderAccount").WithSummary("Read a payment provider account: which credentials are set, not what they are");

        accounts.MapPost("/", async (ProviderAccountInput body, SaveProviderAccount save, CancellationToken ct) =>
            (await save.Create(body, ct)).Created(a => $"/api/v1/provider-accounts/{a.Id}")).Creates<ProviderAccountView>()
            .WithName("createProviderAccount").WithSummary("Add an account at Stripe, T-Bank or Robokassa, its credentials sealed on arrival");

        accounts.MapPatch("/{id}", async (string id, ProviderAccountInput body, SaveProviderAccount save, CancellationToken ct) =>
            (await save.Update(id, body, ct)).Ok()).Revises<ProviderAccountView>()
            .WithName("reviseProviderAccount").WithSummary("Change an account's name, mode, settings or credentials (those given replace those of the same name)");

        accounts.MapPost("/{id}/disable", async (string id, SaveProviderAccount save, CancellationToken ct) =>
            (await save.SetEnabled(id, enabled: false, ct)).Ok()).Revises<ProviderAccountView>()
            .WithName("disableProviderAccount").WithSummary("Stop new checkouts through an account; payments in flight still settle");

        accounts.MapPost("/{id}/check", async (string id, SaveProviderAccount save, ProviderRegistry providers, CancellationToken ct) =>
            (await save.CheckAsync(id, providers, ct)).Ok()).Reads<ConnectionView>()
            .WithName("checkProviderAccount").WithSummary("Check that the account's credentials work, with one harmless call to the provider");

        accounts.MapPost("/{id}/enable", async (string id, SaveProviderAccount save, CancellationToken ct) =>
            (await save.SetEnabled(id, enabled: true, ct)).Ok()).Revises<ProviderAccountView>()
            .WithName("enableProviderAccount").WithSummary("Take checkouts through a disabled account again");

        // A customer's own key sees and removes only that customer's methods (the database's customer filter).
        var methods = api.MapGroup("/payment-methods").WithTags("Payment methods").RequireAuthorization(Policies.Any);
        methods.MapGet("/", async (PageRequest page, string? customerId, PaydeskDb db, CancellationToken ct) =>
        {
            var query = db.SavedMethods.AsNoTracking().Where(m => m.RemovedAt == null);
            if (customerId is not null) query = query.Where(m => m.CustomerId == customerId);
            return (await page.Run(query, SavedMethodView.From, ct)).Ok();
        }).Lists<SavedMethodView>().WithName("listPaymentMethods").WithSummary("List the payment methods customers saved for renewals");

        methods.MapPost("/{id}/remove", async (string id, SavedMethods saved, CancellationToken ct) =>
            (await saved.RemoveAsync(id, ct)).Ok()).Revises<SavedMethodView>()
            .WithName("removePaymentMethod").WithSummary("Remove a saved payment method: no renewal charges it again");
    }

    public static void MapPaymentWebhooks(this WebApplication app)
    {
        app.MapPost("/webhooks/{provider}/{accountId}", (string provider, string accountId, HttpRequest request, ReceiveNotification receive, CancellationToken ct) =>
            receive.Run(provider, accountId, request, ct)).WithTags("Webhooks").AllowAnonymous()
            .WithName("receiveNotification").WithSummary("Receive a payment provider's signed notification")
            // Each provider is answered as it asks: JSON for the Mock provider, the body OK for T-Bank, OK{InvId} for Robokassa.
            .Produces<NotificationReceived>(StatusCodes.Status200OK, "application/json", "text/plain").ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .AnswersCommonProblems();
        Robokassa.RobokassaReturns.Map(app);
        app.MapMockPay();
    }

    /// <summary>The payment with its refunds and (not for a customer's key) its operations log, or null.</summary>
    private static async Task<PaymentView?> ReadAsync(PaydeskDb db, string id, CancellationToken ct)
    {
        // One snapshot: a refund recorded between reading the payment and reading its refunds
        // would show done while the payment's refunded amount does not count it yet.
        await using var snapshot = await db.BeginSnapshotAsync(ct);
        var payment = await Visible(db).AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
        if (payment is null) return null;
        // The operations log is the merchant's record; a customer sees the payment, not its internals.
        var operations = db.Tenant.IsCustomer ? null : await db.PaymentOperations.AsNoTracking().Where(o => o.PaymentId == id).ToListAsync(ct);
        var refunds = await db.Refunds.AsNoTracking().Where(r => r.PaymentId == id).ToListAsync(ct);
        return PaymentView.From(payment, operations, refunds, forCustomer: db.Tenant.IsCustomer);
    }

    // A customer's own key sees only that customer's payments: the query filter on every customer-owned table.
    private static IQueryable<Payment> Visible(PaydeskDb db) => db.Payments;
}
