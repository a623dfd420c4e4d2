using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Paydesk;
using Paydesk.Core;
using Paydesk.Payments.Mock;
using Paydesk.Storage;
using Paydesk.Tenancy;

/// <summary>
/// <c>Paydesk.Bench notifications &lt;tenant slug&gt; &lt;file of payment ids already used&gt; [Paydesk's settings…]</c>:
/// writes to standard output one signed Mock "payment succeeded" notification for each pending Mock
/// payment of the tenant not named in the file (and adds them to it), a line each:
/// <c>account id \t Paydesk-Mock-Signature \t body</c>. It opens the database and the key ring with
/// the settings Paydesk runs with, as the Mock provider would sign with the account's secret; the
/// secret itself is never written anywhere.
/// </summary>
internal static class SignNotifications
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length < 3)
        {
            Console.Error.WriteLine("usage: notifications <tenant slug> <used payment ids file> [Paydesk settings…]");
            return 2;
        }
        var (slug, usedFile) = (args[1], args[2]);
        var used = File.Exists(usedFile) ? File.ReadAllLines(usedFile).ToHashSet(StringComparer.Ordinal) : [];
        var app = PaydeskApp.Build(args[3..]);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PaydeskDb>();
        var tenantId = await db.Tenants.Where(t => t.Slug == slug).Select(t => t.Id).SingleAsync();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId, Role.TenantAdmin);

        var pending = await (from p in db.Payments
                             join c in db.MockCharges on p.Id equals c.PaymentId
                             where p.Provider == MockProvider.ProviderName && p.Status == PaymentStatus.Pending
                             select new { p.Id, p.ProviderAccountId, ChargeId = c.Id, p.AmountMinor, p.Currency }).ToListAsync();
        var accounts = scope.ServiceProvider.GetRequiredService<MockAccounts>();
        var secrets = new Dictionary<string, string>(StringComparer.Ordinal);
        var time = TimeProvider.System;
        var signed = new List<string>();
        foreach (var payment in pending.Where(p => !used.Contains(p.Id)))
        {
            if (!secrets.TryGetValue(payment.ProviderAccountId, out var secret))
                secrets[payment.ProviderAccountId] = secret = await accounts.SecretOf(payment.ProviderAccountId, CancellationToken.None)
                    ?? throw new InvalidOperationException($"Mock account {payment.ProviderAccountId} has no webhook secret.");
            var now = time.GetUtcNow();
            var body = MockNotifier.Body(new MockEvent(MockNotifier.NewEventId(), "payment.succeeded", payment.Id, payment.ChargeId,
                "succeeded", payment.AmountMinor, payment.Currency, now));
            Console.Out.WriteLine($"{payment.ProviderAccountId}\t{MockProvider.SignatureHeaderValue(secret, now.ToUnixTimeSeconds(), body)}\t{body}");
            signed.Add(payment.Id);
        }
        await File.AppendAllLinesAsync(usedFile, signed);
        Console.Error.WriteLine($"signed {signed.Count} notifications");
        return 0;
    }
}
