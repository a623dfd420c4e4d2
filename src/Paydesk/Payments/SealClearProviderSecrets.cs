using Microsoft.EntityFrameworkCore;
using Paydesk.Storage;
using Paydesk.Tenancy;

namespace Paydesk.Payments;

/// <summary>
/// Releases before secrets were sealed kept each account's webhook secret in the clear
/// (<c>provider_accounts.webhook_secret</c>). SQL cannot seal with the key ring, so the schema
/// migration <c>ProtectedProviderSecrets</c> keeps that column, and this step, run after the
/// migrations, seals every clear secret still there and empties the column — tenant by tenant,
/// under each tenant's own context like any other write. Once it has run, its one query finds
/// nothing.
/// </summary>
internal sealed class SealClearProviderSecrets(ILogger<SealClearProviderSecrets> log) : IDataMigration
{
    private const string Clear = ProviderAccount.ClearWebhookSecretColumn;

    public async Task RunAsync(IServiceProvider services, CancellationToken ct)
    {
        List<string> tenants;
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PaydeskDb>();
            tenants = await Installation.TenantsWithClearWebhookSecretsAsync(db, Clear, ct);
        }

        foreach (var tenantId in tenants)
        {
            await using var scope = services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId, Role.TenantAdmin);
            var db = scope.ServiceProvider.GetRequiredService<PaydeskDb>();
            var secrets = scope.ServiceProvider.GetRequiredService<ProviderSecrets>();
            var accounts = await db.ProviderAccounts.AsNoTracking()
                .Where(a => EF.Property<string?>(a, Clear) != null)
                .Select(a => new { a.Id, Clear = EF.Property<string>(a, Clear) })
                .ToListAsync(ct);
            var sealedCount = 0;
            foreach (var account in accounts)
            {
                var sealedValue = secrets.Protect(ProviderSecret.Webhook, account.Clear);
                // Only while the clear value is the one just read: a process starting alongside
                // this one may have sealed it meanwhile, and then this changes nothing.
                sealedCount += await db.ProviderAccounts
                    .Where(a => a.Id == account.Id && EF.Property<string?>(a, Clear) == account.Clear)
                    .ExecuteUpdateAsync(u => u
                        .SetProperty(a => a.WebhookSecretProtected, sealedValue)
                        .SetProperty(a => EF.Property<string?>(a, Clear), (string?)null), ct);
            }
            log.LogInformation("Sealed {Count} webhook secret(s) of tenant {TenantId} that an earlier release stored in the clear", sealedCount, tenantId);
        }
    }
}
