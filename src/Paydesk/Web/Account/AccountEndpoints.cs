using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Api.Pages;
using Paydesk.Core;
using Paydesk.Entitlements;
using Paydesk.Invoices;
using Paydesk.Storage;
using Paydesk.Tenancy;

namespace Paydesk.Web.Account;

/// <summary>
/// <c>/t/{tenant}/account</c>: the signed-in customer's page at that merchant, read as that
/// customer — the tenant and customer filters of <see cref="PaydeskDb"/> show them nothing else.
/// </summary>
internal static class AccountEndpoints
{
    public static void MapAccount(this WebApplication app)
    {
        app.MapGet("/t/{slug}/account", async (string slug, HttpContext http, PaydeskDb db, CancellationToken ct) =>
        {
            var tenant = await db.Tenants.AsNoTracking().FirstOrDefaultAsync(t => t.Slug == slug, ct);
            if (tenant is null) return Results.NotFound();
            var visitor = await Visitors.OfAsync(http, db, ct);
            if (visitor.CustomerIn(tenant.Id) is not { } customerId)
                return Results.LocalRedirect($"/t/{Uri.EscapeDataString(tenant.Slug)}/sign-in?back={Uri.EscapeDataString($"/t/{tenant.Slug}/account")}");

            db.Tenant.Set(tenant.Id, Role.Customer, customerId);
            var customer = await db.Customers.AsNoTracking().FirstAsync(c => c.Id == customerId, ct);
            var culture = Languages.Culture(customer.Locale);
            var zone = Display.Zone(customer.TimeZone, tenant.TimeZone);
            var entitlements = await db.Entitlements.AsNoTracking().Where(e => e.Status == EntitlementStatus.Active)
                .OrderBy(e => e.CreatedAt).ToListAsync(ct);
            var names = await EntitlementWords.NamesAsync(db, entitlements, ct);
            var lines = entitlements.Select(e => EntitlementWords.Describe(e, EntitlementWords.NameOf(e, names), zone, culture)).ToList();
            return HtmlPages.Page<AccountView>(http, new
            {
                Culture = culture, Merchant = tenant.Name, CustomerName = customer.Name, Entitlements = lines,
                ClinicProfile = customer.LinkedTenantId is null ? null : $"/profile/clinics/{Uri.EscapeDataString(customer.Id)}",
            });
        }).ExcludeFromDescription();
    }
}
