using Paydesk.Api;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
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
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    public static void MapInvoicePages(this WebApplication app)
    {
        app.MapGet("/invoices/{id}", async (string id, string? t, SignedLinks links, PaydeskDb db, HttpContext http, CancellationToken ct) =>
        {
            http.Response.Headers["Referrer-Policy"] = "no-referrer";
            if (links.TenantOf(LinkKind.Invoice, id, t) is not { } tenantId) return Results.NotFound();
            var page = await LoadAsync(db, tenantId, id, ct);
            if (page is null) return Results.NotFound();

            // The token in the address is never sent on as a Referer (HtmlPages' headers).
            return HtmlPages.Respond(http, Render(page, links));
        }).ExcludeFromDescription();

        app.MapGet("/credit-notes/{id}", async (string id, string? t, SignedLinks links, PaydeskDb db, HttpContext http, CancellationToken ct) =>
        {
            http.Response.Headers["Referrer-Policy"] = "no-referrer";
            if (links.TenantOf(LinkKind.CreditNote, id, t) is not { } tenantId) return Results.NotFound();
            db.Tenant.Set(tenantId, Role.Staff);
            var note = await db.CreditNotes.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
            if (note is null) return Results.NotFound();
            var page = (await LoadAsync(db, tenantId, note.InvoiceId, ct))!;
            return HtmlPages.Respond(http, Render(page, note, links));
        }).ExcludeFromDescription();
    }

    internal sealed record InvoicePage(Tenant Tenant, Invoice Invoice, Customer? Customer, IReadOnlyList<CreditNote> CreditNotes);

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

    /// <summary>
    /// The page. Dates are on the tenant's calendar; numbers and month names in the customer's
    /// language. The customer's name and email are as they are now; the lines and amounts are the
    /// order's, frozen when it was placed. Refunds are listed with their credit notes.
    /// </summary>
    internal static string Render(InvoicePage page, SignedLinks links)
    {
        var (tenant, invoice, customer, creditNotes) = page;
        var culture = Display.Culture(customer?.Locale);
        var zone = Display.Zone(tenant.TimeZone);
        string Money(long minor) => Display.Amount(minor, invoice.Currency, culture);

        var body = new StringBuilder();
        body.Append(CultureInfo.InvariantCulture, $"""
            <header>
              <div><p class="seller">{E(tenant.Name)}</p><h1>Invoice {E(invoice.Number)}</h1></div>
              <dl>
                <dt>Issued</dt><dd>{E(Display.Date(invoice.IssuedAt, zone, culture))}</dd>
                <dt>{E(SourceLabel(invoice.SourceKind))}</dt><dd><code>{E(invoice.SourceId)}</code></dd>
                <dt>Payment</dt><dd><code>{E(invoice.PaymentId)}</code></dd>
              </dl>
            </header>
            <section class="billto"><h2>Billed to</h2><p>{E(customer?.Name ?? invoice.CustomerId)}
            """);
        if (!string.IsNullOrWhiteSpace(customer?.Email)) body.Append(CultureInfo.InvariantCulture, $"<br>{E(customer.Email)}");
        body.Append("</p></section>");

        body.Append("<table><thead><tr><th>Description</th><th class=\"num\">Quantity</th><th class=\"num\">Unit price</th><th class=\"num\">Amount</th></tr></thead><tbody>");
        foreach (var line in invoice.Lines.OrderBy(l => l.Position))
        {
            var included = line.Included;
            body.Append(CultureInfo.InvariantCulture,
                $"<tr><td>{E(line.Description)}{(line.PlanVersion is { } v ? $" <span class=\"muted\">(plan version {v})</span>" : "")}</td><td class=\"num\">{E(line.Quantity.ToString("N0", culture))}</td>" +
                $"<td class=\"num\">{(included ? "" : E(Money(line.UnitAmountMinor)))}</td><td class=\"num\">{(included ? "included" : E(Money(line.AmountMinor)))}</td></tr>");
        }
        body.Append(CultureInfo.InvariantCulture,
            $"</tbody><tfoot><tr><th colspan=\"3\">Total</th><td class=\"num total\">{E(Money(invoice.TotalMinor))}</td></tr></tfoot></table>");
        body.Append(CultureInfo.InvariantCulture, $"<p class=\"paid\">Paid by payment <code>{E(invoice.PaymentId)}</code>.</p>");
        if (creditNotes.Count > 0)
        {
            body.Append("<section class=\"refunds\"><h2>Refunded</h2><table><tbody>");
            foreach (var note in creditNotes)
                body.Append(CultureInfo.InvariantCulture,
                    $"<tr><td><a href=\"{E(links.UrlFor(LinkKind.CreditNote, tenant.Id, note.Id).AbsoluteUri)}\">Credit note {E(note.Number)}</a>, {E(Display.Date(note.IssuedAt, zone, culture))}</td>" +
                    $"<td class=\"num\">−{E(Money(note.AmountMinor))}</td></tr>");
            body.Append(CultureInfo.InvariantCulture,
                $"</tbody><tfoot><tr><th>Refunded in total</th><td class=\"num refunded\">{E(Money(invoice.CreditedMinor))}</td></tr>" +
                $"<tr><th>Paid, less refunds</th><td class=\"num\">{E(Money(invoice.TotalMinor - invoice.CreditedMinor))}</td></tr></tfoot></table></section>");
        }
        body.Append("<p class=\"noprint muted\">Use your browser's Print command to print this invoice or save it as a PDF.</p>");

        return HtmlPages.Document($"Invoice {invoice.Number} · {tenant.Name}", InvoiceStyle, body.ToString(), culture.Name);
    }

    /// <summary>The credit note: what was given back of which invoice, and why.</summary>
    internal static string Render(InvoicePage page, CreditNote note, SignedLinks links)
    {
        var (tenant, invoice, customer, _) = page;
        var culture = Display.Culture(customer?.Locale);
        var zone = Display.Zone(tenant.TimeZone);
        string Money(long minor) => Display.Amount(minor, note.Currency, culture);
        var invoiceUrl = links.UrlFor(LinkKind.Invoice, tenant.Id, invoice.Id).AbsoluteUri;

        var body = new StringBuilder();
        body.Append(CultureInfo.InvariantCulture, $"""
            <header>
              <div><p class="seller">{E(tenant.Name)}</p><h1>Credit note {E(note.Number)}</h1></div>
              <dl>
                <dt>Issued</dt><dd>{E(Display.Date(note.IssuedAt, zone, culture))}</dd>
                <dt>Invoice</dt><dd><a href="{E(invoiceUrl)}">{E(invoice.Number)}</a></dd>
                <dt>{E(SourceLabel(invoice.SourceKind))}</dt><dd><code>{E(invoice.SourceId)}</code></dd>
                <dt>Refund</dt><dd><code>{E(note.RefundId)}</code></dd>
              </dl>
            </header>
            <section class="billto"><h2>Credited to</h2><p>{E(customer?.Name ?? note.CustomerId)}
            """);
        if (!string.IsNullOrWhiteSpace(customer?.Email)) body.Append(CultureInfo.InvariantCulture, $"<br>{E(customer.Email)}");
        body.Append("</p></section>");
        body.Append(CultureInfo.InvariantCulture,
            $"<table><thead><tr><th>Description</th><th class=\"num\">Amount</th></tr></thead><tbody>" +
            $"<tr><td>Refund on invoice {E(invoice.Number)} of {E(Money(invoice.TotalMinor))}<br><span class=\"muted\">{E(note.Reason)}</span></td>" +
            $"<td class=\"num\">{E(Money(note.AmountMinor))}</td></tr></tbody>" +
            $"<tfoot><tr><th>Credited</th><td class=\"num total\">{E(Money(note.AmountMinor))}</td></tr></tfoot></table>");
        body.Append(CultureInfo.InvariantCulture, $"<p class=\"paid\">Paid back on payment <code>{E(note.PaymentId)}</code>, the way it was paid.</p>");
        body.Append("<p class=\"noprint muted\">Use your browser's Print command to print this credit note or save it as a PDF.</p>");
        return HtmlPages.Document($"Credit note {note.Number} · {tenant.Name}", InvoiceStyle, body.ToString(), culture.Name);
    }

    /// <summary>"Order" for an order; the kind, capitalised, for what comes next.</summary>
    private static string SourceLabel(string kind) => kind.Length == 0 ? kind : char.ToUpperInvariant(kind[0]) + kind[1..].Replace('_', ' ');

    private static string E(string text) => Html.Encode(text);

    /// <summary>The style of printable documents and the pages that go with them.</summary>
    internal const string InvoiceStyle = """
        body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2933; background: #f5f7fa; margin: 0; padding: 2rem; }
        main { max-width: 48rem; margin: 0 auto; background: #fff; border-radius: 8px; box-shadow: 0 1px 3px rgba(0,0,0,.08); padding: 2rem 2.5rem; }
        header { display: flex; justify-content: space-between; gap: 2rem; flex-wrap: wrap; border-bottom: 2px solid #1f2933; padding-bottom: 1rem; }
        h1 { font-size: 1.5rem; margin: 0; } h2 { font-size: .8rem; text-transform: uppercase; letter-spacing: .05em; color: #52606d; margin: 1.5rem 0 .3rem; }
        .seller { font-size: 1.1rem; font-weight: 600; margin: 0 0 .3rem; }
        dl { display: grid; grid-template-columns: auto auto; gap: .1rem 1rem; margin: 0; font-size: .9rem; }
        dt { color: #52606d; } dd { margin: 0; }
        .billto p { margin: 0; }
        table { border-collapse: collapse; width: 100%; margin-top: 1.5rem; }
        th, td { text-align: left; vertical-align: top; padding: .5rem .6rem; border-bottom: 1px solid #e4e7eb; }
        thead th { font-size: .8rem; text-transform: uppercase; letter-spacing: .04em; color: #52606d; }
        .num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
        tfoot th, tfoot td { border-bottom: none; border-top: 2px solid #1f2933; font-weight: 700; font-size: 1.05rem; }
        .paid { margin-top: 1.5rem; } .muted { color: #7b8794; font-size: .85rem; }
        code { font-size: .85rem; }
        @page { margin: 15mm; }
        @media print {
          body { background: #fff; padding: 0; font-size: 11pt; }
          main { box-shadow: none; border-radius: 0; padding: 0; max-width: none; }
          .noprint { display: none; }
        }
        """;
}
