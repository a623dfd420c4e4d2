using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Paydesk;
using Paydesk.Core;
using Paydesk.Payments;
using Paydesk.Payments.Robokassa;
using Paydesk.Payments.Stripe;
using Paydesk.Payments.TBank;
using Paydesk.Storage;
using Paydesk.Tenancy;

/// <summary>
/// <c>Paydesk.Bench provider-notifications &lt;tbank|robokassa|stripe&gt; &lt;tenant slug&gt; &lt;file of payment ids already used&gt; [Paydesk's settings…]</c>:
/// writes to standard output, for each of the tenant's payments through that provider still pending
/// and not named in the file (which it adds them to), the notification the provider sends when it is
/// paid, signed as the provider signs it, a line each: <c>path \t content type \t body [\t header: value]</c> —
/// T-Bank's <c>CONFIRMED</c> with its Token, Robokassa's ResultURL form with password #2, Stripe's
/// <c>checkout.session.completed</c> with its <c>Stripe-Signature</c> (signed now: send them within five minutes). It opens the database
/// and the key ring with the settings Paydesk runs with, to read the account's credentials as the
/// provider knows them; no credential is written anywhere.
/// </summary>
internal static class SignProviderNotifications
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length < 4 || args[1] is not (TBankProvider.ProviderName or RobokassaProvider.ProviderName or StripeProvider.ProviderName))
        {
            Console.Error.WriteLine("usage: provider-notifications <tbank|robokassa|stripe> <tenant slug> <used payment ids file> [Paydesk settings…]");
            return 2;
        }
        var (provider, slug, usedFile) = (args[1], args[2], args[3]);
        var used = File.Exists(usedFile) ? File.ReadAllLines(usedFile).ToHashSet(StringComparer.Ordinal) : [];
        var app = PaydeskApp.Build(args[4..]);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PaydeskDb>();
        var tenantId = await db.Tenants.Where(t => t.Slug == slug).Select(t => t.Id).SingleAsync();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId, Role.TenantAdmin);
        var secrets = scope.ServiceProvider.GetRequiredService<ProviderSecrets>();
        var accounts = await db.ProviderAccounts.AsNoTracking().Where(a => a.Provider == provider).ToDictionaryAsync(a => a.Id);
        var pending = await db.Payments.AsNoTracking()
            .Where(p => p.Provider == provider && p.Status == PaymentStatus.Pending && p.ProviderPaymentId != null)
            .Select(p => new { p.Id, p.ProviderAccountId, p.ProviderPaymentId, p.AmountMinor, p.Currency }).ToListAsync();
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();

        var signed = new List<string>();
        foreach (var payment in pending.Where(p => !used.Contains(p.Id)))
        {
            var account = accounts[payment.ProviderAccountId];
            var credentials = secrets.Credentials(account);
            var path = $"/webhooks/{provider}/{account.Id}";
            if (provider == TBankProvider.ProviderName)
            {
                var body = new JsonObject
                {
                    ["TerminalKey"] = credentials["terminalKey"], ["OrderId"] = payment.Id, ["Success"] = true, ["Status"] = "CONFIRMED",
                    ["PaymentId"] = long.Parse(payment.ProviderPaymentId!, CultureInfo.InvariantCulture), ["ErrorCode"] = "0", ["Amount"] = payment.AmountMinor,
                };
                body["Token"] = TBankToken.Compute(body, credentials["password"]);
                Console.Out.WriteLine($"{path}\tapplication/json\t{body.ToJsonString()}");
            }
            else if (provider == StripeProvider.ProviderName)
            {
                var body = new JsonObject
                {
                    ["id"] = $"evt_bench_{payment.Id}", ["object"] = "event", ["type"] = "checkout.session.completed", ["created"] = now, ["livemode"] = false,
                    ["data"] = new JsonObject
                    {
                        ["object"] = new JsonObject
                        {
                            ["id"] = payment.ProviderPaymentId, ["object"] = "checkout.session", ["client_reference_id"] = payment.Id,
                            ["metadata"] = new JsonObject { [StripeProvider.PaymentKey] = payment.Id }, ["status"] = "complete", ["payment_status"] = "paid",
                            ["amount_total"] = payment.AmountMinor, ["currency"] = payment.Currency.ToLowerInvariant(),
                        },
                    },
                }.ToJsonString();
                var signature = StripeSignature.HeaderValue(secrets.Reveal(account, ProviderSecret.Webhook)!, now, body);
                Console.Out.WriteLine($"{path}\tapplication/json\t{body}\t{StripeSignature.Header}: {signature}");
            }
            else
            {
                var outSum = RobokassaProvider.OutSum(payment.AmountMinor);
                var signature = RobokassaSignature.Result(RobokassaProvider.HashOf(account), outSum, payment.ProviderPaymentId!, credentials["password2"],
                    [new(RobokassaProvider.PaymentParameter, payment.Id)]);
                Console.Out.WriteLine($"{path}\tapplication/x-www-form-urlencoded\t" +
                    $"OutSum={outSum}&InvId={payment.ProviderPaymentId}&Fee=0.00&{RobokassaProvider.PaymentParameter}={Uri.EscapeDataString(payment.Id)}&SignatureValue={signature}");
            }
            signed.Add(payment.Id);
        }
        await File.AppendAllLinesAsync(usedFile, signed);
        Console.Error.WriteLine($"signed {signed.Count} {provider} notifications");
        return 0;
    }
}
