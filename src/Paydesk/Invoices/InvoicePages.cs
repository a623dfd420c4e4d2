using Paydesk.Api;
using Microsoft.EntityFrameworkCore;
using Paydesk.Customers;
using Paydesk.Storage;
using Paydesk.Tenancy;

namespace Paydesk.Invoices;

/// <summary>
/// <c>GET /invoices/{id}?t={token}</c>: the invoice as a page to read and print, for whoever holds
/// the signed link (<see cref="SignedLinks"/>) — a customer opening it from an email has no API
/// key. A missing or wrong token is a 404, exactly like an invoice that does not exist.
/// </summary>
public static class InvoicePages
{
    public static void MapInvoicePages(this WebApplication app)
    {
        app.MapGet("/invoices/{id}", async (string id, string? t, SignedLinks links, PaydeskDb db, HttpContext http, CancellationToken ct) =>
        {
            http.Response.Headers["Referrer-Policy"] = "no-referrer";
            if (links.TenantOf(LinkKind.Invoice, id, t) is not { } tenantId) return Results.NotFound();
            var page = await LoadAsync(db, tenantId, id, ct);
            if (page is null) return Results.NotFound();

            // The token in the address is never sent on as a Referer (HtmlPages' headers).
            return HtmlPages.Page<Pages.InvoiceView>(http, new { Page = page, Links = links });
        }).ExcludeFromDescription();

        app.MapGet("/credit-notes/{id}", async (string id, string? t, SignedLinks links, PaydeskDb db, HttpContext http, CancellationToken ct) =>
        {
            http.Response.Headers["Referrer-Policy"] = "no-referrer";
            if (links.TenantOf(LinkKind.CreditNote, id, t) is not { } tenantId) return Results.NotFound();
            db.Tenant.Set(tenantId, Role.Staff);
            var note = await db.CreditNotes.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
            if (note is null) return Results.NotFound();
            var page = (await LoadAsync(db, tenantId, note.InvoiceId, ct))!;
            return HtmlPages.Page<Pages.CreditNoteView>(http, new { Page = page, Note = note, Links = links });
        }).ExcludeFromDescription();
    }

    public sealed record InvoicePage(Tenant Tenant, Invoice Invoice, Customer? Customer, IReadOnlyList<CreditNote> CreditNotes);

    private static async Task<InvoicePage?> LoadAsync(PaydeskDb db, string tenantId, string invoiceId, CancellationToken ct)
    {
        // No API key here: the token names the tenant, and the page reads as that tenant's staff would.
        db.Tenant.Set(tenantId, Role.Staff);
        var invoice = await db.Invoices.AsNoTracking().Include(i => i.Lines).FirstOrDefaultAsync(i => i.Id == invoiceId, ct);
        if (invoice is null) return null;
        var tenant = await db.Tenants.AsNoTracking().FirstAsync(x => x.Id == tenantId, ct);
        var customer = await db.Customers.AsNoTracking().FirstOrDefaultAsync(c => c.Id == invoice.CustomerId, ct);
        var creditNotes = await db.CreditNotes.AsNoTracking().Where(c => c.InvoiceId == invoice.Id).OrderBy(c => c.Sequence).ToListAsync(ct);
        return new InvoicePage(tenant, invoice, customer, creditNotes);
    }

    /// <summary>"Order" for an order, in the page's language; the kind, capitalised, for what comes next.</summary>
    internal static string SourceLabel(string kind, Pages.InvoiceWords words) =>
        kind == Core.Source.OrderKind ? words.Order : kind.Length == 0 ? kind : char.ToUpperInvariant(kind[0]) + kind[1..].Replace('_', ' ');
}
