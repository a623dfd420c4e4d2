using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Api.Pages;
using Paydesk.Core;
using Paydesk.Entitlements;
using Paydesk.Invoices;
using Paydesk.Orders;
using Paydesk.Payments;
using Paydesk.Storage;
using Paydesk.Tenancy;

namespace Paydesk.Web.Account;

public sealed record ShipmentRow(string Product, string Status, string Tracking, string? TrackingUrl);

public sealed record DocumentRow(string Title, string Date, string Amount, string Url);

public sealed record PurchaseRow(string What, string When, string Amount, string Status, string Tone);

public sealed record CardRow(string Id, string Text);

/// <summary>What <see cref="AccountView"/> shows.</summary>
public sealed record AccountPage(
    CultureInfo Culture, string Merchant, string Slug, string CustomerName, string? ClinicProfile,
    IReadOnlyList<string> Entitlements, IReadOnlyList<PurchaseRow> Purchases, IReadOnlyList<ShipmentRow> Shipments, IReadOnlyList<DocumentRow> Documents,
    IReadOnlyList<CardRow> Cards, string? Notice = null, IReadOnlyList<SubscriptionRow>? Subscriptions = null, string? Said = null);

/// <summary>
/// <c>/t/{tenant}/account</c>: the signed-in customer's page at that merchant, read as that
/// customer — the tenant and customer filters of <see cref="PaydeskDb"/> show them nothing else.
/// </summary>
internal static class AccountEndpoints
{
    public static void MapAccount(this WebApplication app)
    {
        app.MapGet("/t/{slug}/account", async (string slug, string? kept, string? said, HttpContext http, PaydeskDb db, SignedLinks links, SavedMethods saved, Payments.ProviderRegistry providers, TimeProvider time, CancellationToken ct) =>
        {
            var tenant = await Visitors.TenantAsync(db, slug, ct);
            if (tenant is null) return Results.NotFound();
            var visitor = await Visitors.OfAsync(http, db, ct);
            if (visitor.CustomerIn(tenant.Id) is not { } customerId)
                return Results.LocalRedirect($"/t/{Uri.EscapeDataString(tenant.Slug)}/sign-in?back={Uri.EscapeDataString($"/t/{tenant.Slug}/account")}");

            db.Tenant.Set(tenant.Id, Role.Customer, customerId);
            var customer = await db.Customers.AsNoTracking().FirstAsync(c => c.Id == customerId, ct);
            var culture = Languages.Culture(customer.Locale);
            var zone = Display.Zone(customer.TimeZone, tenant.TimeZone);
            var w = AccountWords.All.For(culture);
            string Date(DateTimeOffset at) => Display.Date(at, zone, culture);

            var now = time.GetUtcNow();
            var entitlements = (await db.Entitlements.AsNoTracking().Where(e => e.Status == EntitlementStatus.Active).OrderBy(e => e.CreatedAt).ToListAsync(ct))
                .Where(e => e.EndsAt is null || e.EndsAt > now).ToList();
            var names = await EntitlementWords.NamesAsync(db, entitlements, ct);

            var shipments = await db.Shipments.AsNoTracking().OrderByDescending(s => s.CreatedAt).Take(50).ToListAsync(ct);
            var productIds = shipments.Select(s => s.ProductId).Distinct().ToList();
            var products = await db.Products.AsNoTracking().Where(p => productIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, ct);

            // Placed and not given up on: what they paid for, and what still waits for its payment.
            var orders = await db.Orders.AsNoTracking().Include(o => o.Lines)
                .Where(o => o.Status != OrderStatus.Canceled && o.Status != OrderStatus.Expired).OrderByDescending(o => o.CreatedAt).Take(50).ToListAsync(ct);
            var statuses = Clinics.ClinicWords.All.For(culture).Statuses;
            var purchases = orders.Select(o => new PurchaseRow(o.SummaryIn(culture), Date(o.CreatedAt), Display.Amount(o.TotalMinor, o.Currency, culture), statuses[o.Status],
                Clinics.ClinicWords.Tone(o.Status))).ToList();

            var invoices = await db.Invoices.AsNoTracking().OrderByDescending(i => i.IssuedAt).Take(50).ToListAsync(ct);
            var notes = await db.CreditNotes.AsNoTracking().OrderByDescending(n => n.IssuedAt).Take(50).ToListAsync(ct);
            var documents = invoices.Select(i => (i.IssuedAt, Row: new DocumentRow(w.Invoice(i.Number), Date(i.IssuedAt), Display.Amount(i.TotalMinor, i.Currency, culture),
                    links.UrlFor(LinkKind.Invoice, tenant.Id, i.Id).AbsoluteUri)))
                .Concat(notes.Select(n => (n.IssuedAt, Row: new DocumentRow(w.CreditNote(n.Number), Date(n.IssuedAt), "−" + Display.Amount(n.AmountMinor, n.Currency, culture),
                    links.UrlFor(LinkKind.CreditNote, tenant.Id, n.Id).AbsoluteUri))))
                .OrderByDescending(d => d.IssuedAt).Select(d => d.Row).ToList();

            var methods = await saved.OfAsync(customerId, ct);
            var cards = methods.Select(m => new CardRow(m.Id, CardText.Of(m, w.Expires))).ToList();
            var cardPages = providers.Enabled.Where(p => p.KeepsCardsWithoutCharge).Select(p => p.Name).ToHashSet();
            var subscriptions = await SubscriptionPortal.RowsAsync(db, methods, cardPages, culture, zone, now, w.Expires, ct);

            return HtmlPages.Page<AccountView>(http, new
            {
                Page = new AccountPage(culture, tenant.Name, Uri.EscapeDataString(tenant.Slug), customer.Name,
                    customer.LinkedTenantId is null ? null : $"/profile/clinics/{Uri.EscapeDataString(customer.Id)}",
                    entitlements.Select(e => EntitlementWords.Describe(e, EntitlementWords.NameOf(e, names), zone, culture, countLeft: true)).ToList(),
                    purchases,
                    shipments.Select(s => new ShipmentRow(
                        (s.Quantity > 1 ? $"{s.Quantity.ToString("N0", culture)} × " : "") + products.GetValueOrDefault(s.ProductId, s.ProductId),
                        w.ShipmentStatuses[s.Status], string.Join(" ", new[] { s.Carrier, s.TrackingNumber }.OfType<string>()),
                        s.TrackingUrl is { } url && Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme is "https" or "http" ? url : null)).ToList(),
                    documents, cards, kept is not null && cards.Any(c => c.Id == kept) ? w.CardKept : null, subscriptions, SubscriptionPortal.Said(http, said)),
            });
        }).ExcludeFromDescription();

        // The customer removes a card: their own only (the customer filter hides every other), and it is not charged again.
        app.MapPost("/t/{slug}/account/cards/{id}/remove", async (string slug, string id, HttpContext http, PaydeskDb db, SavedMethods saved, CancellationToken ct) =>
        {
            var tenant = await Visitors.TenantAsync(db, slug, ct);
            if (tenant is null) return Results.NotFound();
            var visitor = await Visitors.OfAsync(http, db, ct);
            if (visitor.CustomerIn(tenant.Id) is not { } customerId) return Results.LocalRedirect($"/t/{Uri.EscapeDataString(tenant.Slug)}/sign-in");
            if (await Visitors.FormAsync(http, ct) is null) return Results.BadRequest();
            db.Tenant.Set(tenant.Id, Role.Customer, customerId);
            var removed = await saved.RemoveAsync(id, ct);
            var account = $"/t/{Uri.EscapeDataString(tenant.Slug)}/account";
            return removed.Problem?.Status switch
            {
                null => Results.LocalRedirect(account + "#cards"),
                StatusCodes.Status409Conflict => Results.LocalRedirect($"{account}?kept={Uri.EscapeDataString(id)}#cards"),
                _ => Results.NotFound(),
            };
        }).ExcludeFromDescription();
    }
}
