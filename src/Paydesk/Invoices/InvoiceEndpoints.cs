using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Storage;
using Paydesk.Tenancy;

namespace Paydesk.Invoices;

/// <param name="HtmlUrl">The printable invoice: an absolute, signed link that opens without an API key (the one its confirmation email carries).</param>
public sealed record InvoiceView(string Id, string Number, string OrderId, string PaymentId, string CustomerId, MoneyView Total, DateTimeOffset IssuedAt, string HtmlUrl)
{
    public static InvoiceView From(Invoice i, InvoiceLinks links) =>
        new(i.Id, i.Number, i.OrderId, i.PaymentId, i.CustomerId, MoneyView.From(i.TotalMinor, i.Currency), i.IssuedAt,
            links.UrlFor(i.TenantId, i.Id).AbsoluteUri);
}

internal static class InvoiceEndpoints
{
    public static IServiceCollection AddInvoices(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<InvoiceOptions>(configuration.GetSection("Invoices"));
        // The key ring that signs invoice links; authentication registers it too, this says it is needed here.
        services.AddDataProtection();
        services.AddSingleton<InvoiceLinks>();
        return services.AddScoped<IssueInvoice>();
    }

    public static void MapInvoices(this RouteGroupBuilder api)
    {
        var invoices = api.MapGroup("/invoices").WithTags("Invoices").RequireAuthorization(Policies.Any);
        invoices.MapGet("/", async (PageRequest page, string? orderId, PaydeskDb db, InvoiceLinks links, CancellationToken ct) =>
        {
            var query = Visible(db);
            if (orderId is not null) query = query.Where(i => i.OrderId == orderId);
            return (await page.Run(query, i => InvoiceView.From(i, links), ct)).Ok();
        }).Lists<InvoiceView>();
        invoices.MapGet("/{id}", async (string id, PaydeskDb db, InvoiceLinks links, CancellationToken ct) =>
            ApiResults.OkOrNotFound(await Visible(db).AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct) is { } invoice ? InvoiceView.From(invoice, links) : null, "invoice", id))
            .Reads<InvoiceView>();
    }

    private static IQueryable<Invoice> Visible(PaydeskDb db) =>
        db.Tenant.IsCustomer ? db.Invoices.Where(i => i.CustomerId == db.Tenant.CustomerId) : db.Invoices;
}
