using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Paydesk.Tests.Notifications;

namespace Paydesk.Tests.Invoices;

/// <summary>
/// Every refund of an invoiced payment — asked for through the API or made in the provider's
/// dashboard — issues a credit note numbered in the tenant's own gapless sequence, printable like
/// the invoice and linked from it and from the refund email.
/// </summary>
public sealed class CreditNoteTests
{
    /// <summary>The absolute link in <paramref name="text"/> (HTML or plain) whose path and query start as <paramref name="start"/>.</summary>
    private static Uri LinkTo(string text, string start)
    {
        var at = text.IndexOf(start, StringComparison.Ordinal);
        Assert.True(at >= 0, $"no link to {start}");
        var from = text.LastIndexOf("http", at, StringComparison.Ordinal);
        var end = text.IndexOfAny(['"', '\n', '<', ' '], at);
        return new Uri(System.Net.WebUtility.HtmlDecode(text[from..(end < 0 ? text.Length : end)]));
    }

    private static long Amount(JsonElement e, string property) => e.GetProperty(property).GetProperty("amount").GetInt64();

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Each_refund_issues_a_numbered_credit_note_that_the_invoice_page_and_the_refund_email_link_to(Engine engine)
    {
        var maildev = await MailDevServer.Shared;
        await using var host = await PaydeskHost.StartAsync(engine, new HostOptions { SmtpPort = maildev.SmtpPort });
        var shop = await Shop.OpenAsync(host);
        var t = shop.Tenant;
        var to = MailDevServer.NewRecipient("ana");
        var customer = await t.CreateCustomerAsync("Ana Pop", to);
        var (orderId, paymentId) = await t.BuyAsync(customer, new { planId = shop.Package });
        var invoice = Assert.Single(await t.ListAll($"/api/v1/invoices?orderId={orderId}"));
        Amount(invoice, "refunded").ShouldBe(0);

        await t.PostOk($"/api/v1/payments/{paymentId}/refunds", new { amount = new { amount = 500_00, currency = "RON" }, reason = "Two sessions not held" });
        (await t.RefundInDashboardAsync(paymentId, 300_00)).ShouldBe(HttpStatusCode.Redirect);
        await Eventually.ReadsAsync(() => t.ListAll($"/api/v1/credit-notes?invoiceId={invoice.Id()}"), n => n.Count == 2, "the dashboard refund's credit note");
        await t.PostOk($"/api/v1/payments/{paymentId}/refunds", new { reason = "Moved abroad" });

        var notes = (await t.ListAll($"/api/v1/credit-notes?invoiceId={invoice.Id()}")).OrderBy(n => n.Str("number")).ToList();
        notes.Select(n => n.Str("number")).ShouldBe(["CN-000001", "CN-000002", "CN-000003"]);
        notes.Select(n => Amount(n, "amount")).ShouldBe([500_00L, 300_00L, 700_00L]);
        notes[0].Str("reason").ShouldBe("Two sessions not held");
        notes[2].Str("reason").ShouldBe("Moved abroad");
        var refunds = (await t.GetOk($"/api/v1/payments/{paymentId}")).GetProperty("refunds").EnumerateArray().Select(r => r.Id()).ToHashSet();
        Assert.Equal(refunds, notes.Select(n => n.Str("refundId")).ToHashSet());
        Assert.All(notes, n => (n.Str("invoiceId"), n.Str("paymentId"), n.Str("customerId")).ShouldBe((invoice.Id(), paymentId, customer)));
        (await t.GetOk($"/api/v1/credit-notes/{notes[1].Id()}")).Str("number").ShouldBe("CN-000002");
        Assert.Single(await t.ListAll($"/api/v1/credit-notes?refundId={notes[2].Str("refundId")}"));
        invoice = await t.GetOk($"/api/v1/invoices/{invoice.Id()}");
        Amount(invoice, "refunded").ShouldBe(1_500_00);

        // The invoice page lists what was refunded, each line linking to its credit note.
        using var browser = new HttpClient();
        var invoicePage = await browser.GetStringAsync(invoice.Str("htmlUrl"));
        Assert.Contains("Refunded in total", invoicePage);
        foreach (var note in notes)
        {
            Assert.Contains($"Credit note {note.Str("number")}", invoicePage);
            // Each link is sealed afresh, so it is found by its path, and it opens the credit note.
            var linked = LinkTo(invoicePage, $"/credit-notes/{note.Id()}?t=");
            Assert.Contains($"Credit note {note.Str("number")}", await browser.GetStringAsync(linked));
        }
        Assert.Contains("−500.00 RON", invoicePage);

        // The credit note opens with its own link, and names the invoice it credits.
        var link = new Uri(notes[2].Str("htmlUrl"));
        link.GetLeftPart(UriPartial.Path).ShouldBe(new Uri(host.BaseAddress, $"/credit-notes/{notes[2].Id()}").AbsoluteUri);
        var response = await browser.GetAsync(link);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        Assert.Contains("default-src 'none'", Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
        var notePage = await response.Content.ReadAsStringAsync();
        Assert.Contains("Credit note CN-000003", notePage);
        Assert.Contains(invoice.Str("number"), notePage);
        Assert.Contains("700.00 RON", notePage);
        Assert.Contains("Moved abroad", notePage);
        Assert.Contains("Ana Pop", notePage);

        // Another document's token, or a changed one, opens nothing.
        var invoiceToken = new Uri(invoice.Str("htmlUrl")).Query;
        foreach (var wrong in new[]
                 {
                     PaymentConfirmationTests.WithTokenChanged(link),
                     new Uri(link.GetLeftPart(UriPartial.Path) + invoiceToken),
                     new Uri(link.GetLeftPart(UriPartial.Path) + new Uri(notes[0].Str("htmlUrl")).Query),
                     new Uri(host.BaseAddress, $"/invoices/{invoice.Id()}{link.Query}"),
                 })
            (await browser.GetAsync(wrong)).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        // Each refund email carries its credit note's link.
        static bool IsRefund(JsonElement m) => m.Str("subject").StartsWith("Refund of ", StringComparison.Ordinal);
        var mails = await Eventually.ReadsAsync(() => maildev.MessagesTo(to), ms => ms.Count(IsRefund) == 3, "three refund emails");
        foreach (var note in notes)
        {
            var mail = Assert.Single(mails, m => IsRefund(m) && m.Str("text").Contains($"Credit note {note.Str("number")}"));
            Assert.Contains($"Credit note {note.Str("number")}", await browser.GetStringAsync(LinkTo(mail.Str("text"), $"/credit-notes/{note.Id()}?t=")));
            Assert.Contains($"/credit-notes/{note.Id()}?t=", mail.Str("html"));
        }

        // Another tenant numbers its own credit notes from one.
        var other = await Shop.OpenAsync(host);
        var (_, otherPayment) = await other.Tenant.BuyAsync(other.Customer, new { planId = other.Package });
        await other.Tenant.PostOk($"/api/v1/payments/{otherPayment}/refunds", new { });
        Assert.Single(await other.Tenant.ListAll("/api/v1/credit-notes")).Str("number").ShouldBe("CN-000001");
        Assert.Equal(3, (await t.ListAll("/api/v1/credit-notes")).Count);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Racing_refunds_across_payments_issue_one_credit_note_per_refund_numbered_without_gaps(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await Shop.OpenAsync(host);
        var t = shop.Tenant;
        var payments = new List<string>();
        for (var i = 0; i < 5; i++) payments.Add((await t.BuyAsync(shop.Customer, new { planId = shop.Package })).PaymentId);

        // Four 40 % refunds of each payment at once, from the API and the dashboard: two of each fit.
        var answers = await Task.WhenAll(payments.SelectMany(p => Enumerable.Range(0, 4).Select(async i =>
        {
            if (i == 3) return (int)await t.RefundInDashboardAsync(p, 600_00);
            return (int)(await t.Post($"/api/v1/payments/{p}/refunds", new { amount = new { amount = 600_00, currency = "RON" } }, $"race-{p}-{i}")).StatusCode;
        })));
        Assert.All(answers, a => Assert.Contains(a, new[] { 201, 302, 400, 409 }));

        var succeeded = await Eventually.ReadsAsync(async () =>
            {
                var all = new List<JsonElement>();
                foreach (var p in payments)
                    all.AddRange((await t.GetOk($"/api/v1/payments/{p}")).GetProperty("refunds").EnumerateArray().Where(r => r.Str("status") == "succeeded"));
                return all;
            }, all => all.Count == 2 * payments.Count, "two refunds of each payment");
        var notes = await Eventually.ReadsAsync(() => t.ListAll("/api/v1/credit-notes"), n => n.Count >= succeeded.Count, "a credit note per refund");

        Assert.Equal(Enumerable.Range(1, succeeded.Count).Select(i => $"CN-{i:D6}"), notes.Select(n => n.Str("number")).Order());
        Assert.Equal(succeeded.Select(r => r.Id()).Order(), notes.Select(n => n.Str("refundId")).Order());
        foreach (var invoice in await t.ListAll("/api/v1/invoices"))
        {
            var own = notes.Where(n => n.Str("invoiceId") == invoice.Id()).ToList();
            own.Count.ShouldBe(2);
            Amount(invoice, "refunded").ShouldBe(own.Sum(n => Amount(n, "amount")));
        }
        var sequences = await host.InTenantAsync(t.TenantId, db => db.CreditNotes.AsNoTracking().Select(c => c.Sequence).ToListAsync());
        Assert.Equal(Enumerable.Range(1, succeeded.Count).Select(i => (long)i), sequences.Order());
    }
}
