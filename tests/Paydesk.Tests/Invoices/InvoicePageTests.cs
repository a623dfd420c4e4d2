using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Paydesk.Tests.Notifications;

namespace Paydesk.Tests.Invoices;

public sealed class InvoicePageTests
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_printable_invoice_opens_with_its_signed_link_and_is_not_there_without_it(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await Shop.OpenAsync(host);
        var t = shop.Tenant;
        var email = MailDevServer.NewRecipient("ana");
        var customer = await t.CreateCustomerAsync("Ana <b>Pop</b> & Co", email);
        var first = (await t.BuyAsync(customer, new object[] { new { planId = shop.Package }, new { planId = shop.Termed, termMonths = 3 } })).OrderId;
        var second = (await t.BuyAsync(customer, new object[] { new { planId = shop.Package } })).OrderId;
        var invoice = Assert.Single(await t.ListAll($"/api/v1/invoices?orderId={first}"));
        var other = Assert.Single(await t.ListAll($"/api/v1/invoices?orderId={second}"));

        // The API gives the absolute, signed link; it opens with no key at all.
        var link = new Uri(invoice.Str("htmlUrl"));
        link.GetLeftPart(UriPartial.Path).ShouldBe(new Uri(host.BaseAddress, $"/invoices/{invoice.Id()}").AbsoluteUri);
        Assert.StartsWith(link.GetLeftPart(UriPartial.Path), (await t.GetOk($"/api/v1/invoices/{invoice.Id()}")).Str("htmlUrl"));
        using var browser = new HttpClient();
        var response = await browser.GetAsync(link);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.Contains("default-src 'none'", Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
        var page = await response.Content.ReadAsStringAsync();

        var tenant = await host.InTenantAsync(t.TenantId, db => db.Tenants.AsNoTracking().SingleAsync(x => x.Id == t.TenantId));
        Assert.Contains(tenant.Name, page);
        Assert.Contains($"Invoice {invoice.Str("number")}", page);
        Assert.Contains(IssuedOn(invoice.GetProperty("issuedAt").GetDateTimeOffset(), tenant.TimeZone), page);
        Assert.Contains("Ana &lt;b&gt;Pop&lt;/b&gt; &amp; Co", page);
        Assert.DoesNotContain("<b>Pop</b>", page);
        Assert.Contains(email, page);
        Assert.Contains("10 sessions", page);
        Assert.Contains("1,500.00 RON", page);
        Assert.Contains("Telerehab — 3 months", page);
        Assert.Contains("540.00 RON", page);
        Assert.Contains("2,040.00 RON", page);
        Assert.Contains(invoice.Str("paymentId"), page);
        // Printable: the page's one stylesheet hides the page's frame on paper.
        var stylesheet = System.Text.RegularExpressions.Regex.Match(page, "<link rel=\"stylesheet\" href=\"([^\"]+)\"").Groups[1].Value;
        var css = await browser.GetStringAsync(new Uri(host.BaseAddress, System.Net.WebUtility.HtmlDecode(stylesheet)));
        Assert.Contains("@media print", css);
        Assert.Contains("@page", css);

        // Without the right token the invoice is not there, exactly as an unknown one is not.
        var otherToken = new Uri(other.Str("htmlUrl")).Query;
        foreach (var wrong in new[]
                 {
                     PaymentConfirmationTests.WithTokenChanged(link),
                     new Uri(link.GetLeftPart(UriPartial.Path)),
                     new Uri(link.GetLeftPart(UriPartial.Path) + "?t="),
                     new Uri(link.GetLeftPart(UriPartial.Path) + otherToken),
                     new Uri(host.BaseAddress, $"/invoices/inv_00000000000000000000000000{link.Query}"),
                 })
        {
            var refused = await browser.GetAsync(wrong);
            Assert.True(refused.StatusCode == HttpStatusCode.NotFound, $"{wrong} answered {(int)refused.StatusCode}");
            Assert.DoesNotContain(invoice.Str("number"), await refused.Content.ReadAsStringAsync());
        }
        (await browser.GetAsync(new Uri(other.Str("htmlUrl")))).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    /// <summary>The day in the tenant's zone, as English writes it, computed apart from Paydesk's own code.</summary>
    private static string IssuedOn(DateTimeOffset at, string zone) =>
        TimeZoneInfo.ConvertTime(at, TimeZoneInfo.FindSystemTimeZoneById(zone)).ToString("D", CultureInfo.GetCultureInfo("en"));
}
