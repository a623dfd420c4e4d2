using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Storage;
using Paydesk.Tenancy;

namespace Paydesk.Invoices;

public sealed record InvoiceView(string Id, string Number, string OrderId, string PaymentId, string CustomerId, MoneyView Total, DateTimeOffset IssuedAt)
{
    public static InvoiceView From(Invoice i) =>
        new(i.Id, i.Number, i.OrderId, i.PaymentId, i.CustomerId, MoneyView.From(i.TotalMinor, i.Currency), i.IssuedAt);
}

internal static class InvoiceEndpoints
{
    public static IServiceCollection AddInvoices(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<InvoiceOptions>(configuration.GetSection("Invoices"));
        return services.AddScoped<IssueInvoice>();
    }

    public static void MapInvoices(this RouteGroupBuilder api)
    {
        var invoices = api.MapGroup("/invoices").WithTags("Invoices").RequireAuthorization(Policies.Any);
        invoices.MapGet("/", async (PageRequest page, string? orderId, PaydeskDb db, CancellationToken ct) =>
        {
            var query = Visible(db);
            if (orderId is not null) query = query.Where(i => i.OrderId == orderId);
            return (await page.Run(query, InvoiceView.From, ct)).Ok();
        }).Lists<InvoiceView>();
        invoices.MapGet("/{id}", async (string id, PaydeskDb db, CancellationToken ct) =>
            ApiResults.OkOrNotFound(await Visible(db).Where(i => i.Id == id).Select(i => InvoiceView.From(i)).FirstOrDefaultAsync(ct), "invoice", id))
            .Reads<InvoiceView>();
    }

    private static IQueryable<Invoice> Visible(PaydeskDb db) =>
        db.Tenant.IsCustomer ? db.Invoices.Where(i => i.CustomerId == db.Tenant.CustomerId) : db.Invoices;
}
