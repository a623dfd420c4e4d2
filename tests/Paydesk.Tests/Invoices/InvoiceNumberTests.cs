using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Paydesk.Core;
using Paydesk.Invoices;
using Paydesk.Storage;
using Paydesk.Tenancy;

namespace Paydesk.Tests.Invoices;

/// <summary>
/// An invoice's number is the tenant's next, given in the transaction that issues it (on
/// PostgreSQL as that transaction commits, on SQLite as the invoice is saved): a transaction that
/// does not commit takes no number, and however many issue at once, the numbers that were kept run
/// from one without a gap or a repeat.
/// </summary>
public sealed class InvoiceNumberTests
{
    /// <summary>Issues an invoice in a transaction of its own, and commits it or rolls it back.</summary>
    private static async Task<string> IssueAsync(PaydeskHost host, string tenantId, bool commit)
    {
        await using var scope = host.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId, Role.TenantAdmin);
        var db = scope.ServiceProvider.GetRequiredService<PaydeskDb>();
        var sourceId = $"ord_{Guid.NewGuid():N}";
        await using var transaction = await db.Database.BeginTransactionAsync();
        var invoice = scope.ServiceProvider.GetRequiredService<IssueInvoice>().Run(db, new InvoiceDraft(
            new Source(Source.OrderKind, sourceId), "cus_none", $"pay_{Guid.NewGuid():N}", new Money(15_00, Currency.RON),
            [new InvoiceLine { TenantId = "", InvoiceId = "", Position = 1, Description = "Consultation", Quantity = 1, UnitAmountMinor = 15_00, AmountMinor = 15_00 }]));
        await db.SaveChangesAsync();
        if (commit) await transaction.CommitAsync();
        else await transaction.RollbackAsync();
        return invoice.Id;
    }

    private static Task<List<Invoice>> InvoicesAsync(PaydeskHost host, string tenantId) =>
        host.InTenantAsync(tenantId, db => db.Invoices.AsNoTracking().OrderBy(i => i.Sequence).ToListAsync());

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_rolled_back_invoice_takes_no_number_and_the_next_one_takes_the_first(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var tenant = await host.NewTenantAsync();

        var dropped = await IssueAsync(host, tenant.TenantId, commit: false);
        var kept = await IssueAsync(host, tenant.TenantId, commit: true);

        var invoice = Assert.Single(await InvoicesAsync(host, tenant.TenantId));
        invoice.Id.ShouldBe(kept);
        Assert.NotEqual(dropped, invoice.Id);
        (invoice.Sequence, invoice.Number).ShouldBe((1L, "INV-000001"));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Invoices_issued_at_once_some_rolled_back_keep_numbers_from_one_without_a_gap(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var tenant = await host.NewTenantAsync();
        var random = new Random(engine == Engine.Postgres ? 8 : 9);
        var commits = Enumerable.Range(0, 40).Select(_ => random.Next(3) != 0).ToList();

        var issued = await Task.WhenAll(commits.Select(commit => Task.Run(() => IssueAsync(host, tenant.TenantId, commit))));

        var invoices = await InvoicesAsync(host, tenant.TenantId);
        invoices.Select(i => i.Id).Order().ShouldBe(issued.Where((_, i) => commits[i]).Order());
        invoices.Select(i => i.Sequence).ShouldBe(Enumerable.Range(1, commits.Count(c => c)).Select(n => (long)n));
        Assert.All(invoices, i => i.Number.ShouldBe($"INV-{i.Sequence:D6}"));
        // The next number the settings announce follows the last one kept.
        (await tenant.GetOk("/api/v1/invoice-settings")).GetProperty("nextNumber").GetInt64().ShouldBe(invoices.Count + 1);
    }

    [Fact]
    public async Task On_PostgreSQL_an_open_transaction_with_an_invoice_saved_keeps_no_other_from_numbering_one()
    {
        var host = await PaydeskHost.Shared(Engine.Postgres);
        var tenant = await host.NewTenantAsync();
        await using var scope = host.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenant.TenantId, Role.TenantAdmin);
        var db = scope.ServiceProvider.GetRequiredService<PaydeskDb>();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var first = scope.ServiceProvider.GetRequiredService<IssueInvoice>().Run(db, new InvoiceDraft(
            new Source(Source.OrderKind, "ord_first"), "cus_none", "pay_first", new Money(15_00, Currency.RON), []));
        await db.SaveChangesAsync();

        // The first holds no lock on the sequence yet: the second commits, numbered, while it is open.
        var second = await IssueAsync(host, tenant.TenantId, commit: true).WaitAsync(TimeSpan.FromSeconds(30));
        await transaction.CommitAsync();

        var numbered = (await InvoicesAsync(host, tenant.TenantId)).Select(i => (i.Id, i.Number)).ToList();
        numbered.ShouldBe([(second, "INV-000001"), (first.Id, "INV-000002")]);
    }
}
