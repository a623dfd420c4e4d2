using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Core;
using Paydesk.Storage;
using Paydesk.Tenancy;

namespace Paydesk.Invoices;

/// <param name="Source">What was paid for: an order today; a subscription period next.</param>
/// <param name="OrderId">The order paid for, when it was an order.</param>
/// <param name="Refunded">What the invoice's credit notes gave back, in total.</param>
/// <param name="Lines">The lines as they were sold.</param>
/// <param name="HtmlUrl">The printable invoice: an absolute, signed link that opens without an API key (the one its confirmation email carries).</param>
public sealed record InvoiceView(
    string Id, string Number, SourceView Source, string? OrderId, string PaymentId, string CustomerId, MoneyView Total, MoneyView Refunded,
    IReadOnlyList<InvoiceLineView> Lines, DateTimeOffset IssuedAt, string HtmlUrl)
{
    public static InvoiceView From(Invoice i, SignedLinks links) =>
        new(i.Id, i.Number, SourceView.From(i.Source), SourceView.OrderIdOf(i.Source), i.PaymentId, i.CustomerId,
            MoneyView.From(i.TotalMinor, i.Currency), MoneyView.From(i.CreditedMinor, i.Currency),
            i.Lines.OrderBy(l => l.Position).Select(l => InvoiceLineView.From(l, i.Currency)).ToList(),
            i.IssuedAt, links.UrlFor(LinkKind.Invoice, i.TenantId, i.Id).AbsoluteUri);
}

/// <param name="Included">Comes with another line at no charge (a product bundled with a plan).</param>
/// <param name="PlanVersion">The version of the plan it was sold at, when it is a plan.</param>
public sealed record InvoiceLineView(string Description, int Quantity, MoneyView UnitAmount, MoneyView Amount, bool Included, string? PlanId, int? PlanVersion)
{
    public static InvoiceLineView From(InvoiceLine l, string currency) =>
        new(l.Description, l.Quantity, MoneyView.From(l.UnitAmountMinor, currency), MoneyView.From(l.AmountMinor, currency), l.Included, l.PlanId, l.PlanVersion);
}

/// <param name="Source">What the credited invoice was for.</param>
/// <param name="Reason">The refund's reason.</param>
/// <param name="HtmlUrl">The printable credit note: an absolute, signed link that opens without an API key (the one the refund email carries).</param>
public sealed record CreditNoteView(
    string Id, string Number, string InvoiceId, SourceView Source, string RefundId, string PaymentId, string CustomerId, MoneyView Amount, string Reason,
    DateTimeOffset IssuedAt, string HtmlUrl)
{
    public static CreditNoteView From(CreditNote c, SignedLinks links) =>
        new(c.Id, c.Number, c.InvoiceId, SourceView.From(new Source(c.SourceKind, c.SourceId)), c.RefundId, c.PaymentId, c.CustomerId, MoneyView.From(c.AmountMinor, c.Currency), c.Reason, c.IssuedAt,
            links.UrlFor(LinkKind.CreditNote, c.TenantId, c.Id).AbsoluteUri);
}

public sealed record InvoiceSettingsInput(string? Prefix);

/// <summary>The prefix, and the sequence number the next invoice will take.</summary>
public sealed record InvoiceSettingsView(string Prefix, long NextNumber);

internal static class InvoiceEndpoints
{
    public static IServiceCollection AddInvoices(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<InvoiceOptions>(configuration.GetSection("Invoices"));
        services.AddSingleton<SignedLinks>();
        services.AddScoped<IssueCreditNote>();
        return services.AddScoped<IssueInvoice>();
    }

    public static void MapInvoices(this RouteGroupBuilder api)
    {
        var invoices = api.MapGroup("/invoices").WithTags("Invoices").RequireAuthorization(Policies.Any);
        invoices.MapGet("/", async (PageRequest page, string? orderId, string? sourceKind, string? sourceId, PaydeskDb db, SignedLinks links, CancellationToken ct) =>
        {
            var query = Visible(db);
            if (orderId is not null) query = query.Where(i => i.SourceKind == Source.OrderKind && i.SourceId == orderId);
            if (sourceKind is not null) query = query.Where(i => i.SourceKind == sourceKind);
            if (sourceId is not null) query = query.Where(i => i.SourceId == sourceId);
            return (await page.Run(query, i => InvoiceView.From(i, links), ct)).Ok();
        }).Lists<InvoiceView>().WithName("listInvoices").WithSummary("List invoices");
        invoices.MapGet("/{id}", async (string id, PaydeskDb db, SignedLinks links, CancellationToken ct) =>
            ApiResults.OkOrNotFound(await Visible(db).AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct) is { } invoice ? InvoiceView.From(invoice, links) : null, "invoice", id))
            .Reads<InvoiceView>().WithName("getInvoice").WithSummary("Read an invoice, with its lines and the link to its printable page");

        var creditNotes = api.MapGroup("/credit-notes").WithTags("Invoices").RequireAuthorization(Policies.Any);
        creditNotes.MapGet("/", async (PageRequest page, string? invoiceId, string? refundId, PaydeskDb db, SignedLinks links, CancellationToken ct) =>
        {
            var query = VisibleCreditNotes(db);
            if (invoiceId is not null) query = query.Where(c => c.InvoiceId == invoiceId);
            if (refundId is not null) query = query.Where(c => c.RefundId == refundId);
            return (await page.Run(query, c => CreditNoteView.From(c, links), ct)).Ok();
        }).Lists<CreditNoteView>().WithName("listCreditNotes").WithSummary("List credit notes, by invoice or refund");
        creditNotes.MapGet("/{id}", async (string id, PaydeskDb db, SignedLinks links, CancellationToken ct) =>
            ApiResults.OkOrNotFound(await VisibleCreditNotes(db).AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct) is { } note ? CreditNoteView.From(note, links) : null, "credit note", id))
            .Reads<CreditNoteView>().WithName("getCreditNote").WithSummary("Read a credit note, with the link to its printable page");
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

    // A customer's own key sees only that customer's invoices and credit notes: the query filter on customer-owned tables.
    private static IQueryable<CreditNote> VisibleCreditNotes(PaydeskDb db) => db.CreditNotes;

    private static IQueryable<Invoice> Visible(PaydeskDb db) => db.Invoices.Include(i => i.Lines);
}
