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

public sealed record InvoiceSettingsInput(string? Prefix);

/// <summary>The prefix, and the sequence number the next invoice will take.</summary>
public sealed record InvoiceSettingsView(string Prefix, long NextNumber);

internal static class InvoiceEndpoints
{
    public static IServiceCollection AddInvoices(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<InvoiceOptions>(configuration.GetSection("Invoices"));
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
        }).Lists<InvoiceView>().WithName("listInvoices").WithSummary("List invoices");
        invoices.MapGet("/{id}", async (string id, PaydeskDb db, InvoiceLinks links, CancellationToken ct) =>
            ApiResults.OkOrNotFound(await Visible(db).AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct) is { } invoice ? InvoiceView.From(invoice, links) : null, "invoice", id))
            .Reads<InvoiceView>().WithName("getInvoice").WithSummary("Read an invoice, with the link to its printable page");
    }

    /// <summary>
    /// The tenant's invoice numbering: its prefix can change at any time (numbers already issued
    /// keep theirs), the sequence never restarts.
    /// </summary>
    public static void MapInvoiceSettings(this RouteGroupBuilder api)
    {
        var settings = api.MapGroup("/invoice-settings").WithTags("Invoices").RequireAuthorization(Policies.Admin);
        settings.MapGet("/", async (PaydeskDb db, Microsoft.Extensions.Options.IOptions<InvoiceOptions> options, CancellationToken ct) =>
        {
            var sequence = await db.InvoiceSequences.AsNoTracking().FirstOrDefaultAsync(ct);
            return TypedResults.Ok(new InvoiceSettingsView(sequence?.Prefix ?? options.Value.DefaultPrefix, (sequence?.LastSequence ?? 0) + 1));
        }).Reads<InvoiceSettingsView>().WithName("getInvoiceSettings").WithSummary("Read the invoice numbering: prefix and next number");

        settings.MapPut("/", async (InvoiceSettingsInput body, PaydeskDb db, CancellationToken ct) =>
        {
            var errors = new FieldErrors();
            var prefix = errors.Text("prefix", body.Prefix, 12);
            if (prefix.Length > 0 && !prefix.All(c => c is (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '/' or '.'))
                errors.Add("prefix", "may hold only capital letters, digits, '-', '/' and '.'.");
            if (errors.Any) return errors.ToProblem().ToHttp();

            var sequence = await db.InvoiceSequences.FirstOrDefaultAsync(ct);
            if (sequence is null) db.InvoiceSequences.Add(sequence = new InvoiceSequence { TenantId = "", Prefix = prefix });
            sequence.Prefix = prefix;
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                return Problem.Conflict("An invoice was being numbered at the same moment; try again.").ToHttp();
            }
            return TypedResults.Ok(new InvoiceSettingsView(sequence.Prefix, sequence.LastSequence + 1));
        }).Revises<InvoiceSettingsView>().WithName("setInvoiceSettings").WithSummary("Change the invoice prefix (the sequence never restarts)");
    }

    private static IQueryable<Invoice> Visible(PaydeskDb db) =>
        db.Tenant.IsCustomer ? db.Invoices.Where(i => i.CustomerId == db.Tenant.CustomerId) : db.Invoices;
}
