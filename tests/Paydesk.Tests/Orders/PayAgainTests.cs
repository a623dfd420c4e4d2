using Microsoft.Extensions.Time.Testing;
using Paydesk.Payments.Mock;
using Paydesk.Tests.Notifications;

namespace Paydesk.Tests.Orders;

/// <summary>
/// A payment that is declined or never finished, while the order can still be paid, sends the
/// customer an email with a signed link; the page it opens starts a new checkout, and only its
/// button does.
/// </summary>
public sealed class PayAgainTests
{
    private static bool IsNotPaid(JsonElement m) => m.Str("subject").StartsWith("Payment declined", StringComparison.Ordinal)
        || m.Str("subject").StartsWith("Payment not completed", StringComparison.Ordinal);

    /// <summary>The pay-again link in the email's text.</summary>
    private static Uri LinkIn(JsonElement mail) =>
        new(mail.Str("text").Split('\n').Single(l => l.Contains("/pay?t=", StringComparison.Ordinal)).Trim());

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_declined_payment_emails_a_link_whose_page_pays_the_order_again(Engine engine)
    {
        var maildev = await MailDevServer.Shared;
        await using var host = await PaydeskHost.StartAsync(engine, new HostOptions { SmtpPort = maildev.SmtpPort });
        var shop = await Shop.OpenAsync(host);
        var t = shop.Tenant;
        var to = MailDevServer.NewRecipient("ion");
        var customer = await t.CreateCustomerAsync("Ion Rusu", to);
        var order = (await t.PostOk("/api/v1/orders", new { customerId = customer, lines = new[] { new { planId = shop.Package } } })).Id();

        // Canceled by the buyer on the provider's page: they know, and are not emailed.
        var (canceled, _) = await t.CheckoutAsync(order);
        await t.PressOnMockPageAsync(canceled, "cancel");
        await t.PaymentWhenAsync(canceled, "canceled");
        var (declined, _) = await t.CheckoutAsync(order);
        await t.PressOnMockPageAsync(declined, "decline");
        await t.PaymentWhenAsync(declined, "failed");

        var mails = await Eventually.ReadsAsync(() => maildev.MessagesTo(to), ms => ms.Any(IsNotPaid), "the declined payment's email");
        var mail = Assert.Single(mails, IsNotPaid);
        mail.Str("subject").ShouldBe("Payment declined — 10 sessions");
        Assert.Contains("1,500.00 RON", mail.Str("text"));
        Assert.Contains("Nothing was charged.", mail.Str("text"));
        var link = LinkIn(mail);
        link.GetLeftPart(UriPartial.Path).ShouldBe(new Uri(host.BaseAddress, $"/orders/{order}/pay").AbsoluteUri);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(link.AbsoluteUri), mail.Str("html"));

        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        // Opening the page (as a mail scanner does) starts nothing.
        var page = await browser.GetStringAsync(link);
        Assert.Contains("Pay 1,500.00 RON", page);
        Assert.Contains("10 sessions", page);
        Assert.Equal(2, (await t.ListAll($"/api/v1/payments?purpose=order:{order}")).Count);
        foreach (var wrong in new[] { PaymentConfirmationTests.WithTokenChanged(link), new Uri(link.GetLeftPart(UriPartial.Path)) })
            (await browser.GetAsync(wrong)).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        // The button: a new checkout at the provider used before, and its page.
        var token = System.Web.HttpUtility.ParseQueryString(link.Query)["t"]!;
        var pressed = await browser.PostAsync(link.GetLeftPart(UriPartial.Path), new FormUrlEncodedContent(new Dictionary<string, string> { ["t"] = token }));
        pressed.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var again = Assert.Single(await t.ListAll($"/api/v1/payments?purpose=order:{order}"), p => p.Id() != canceled && p.Id() != declined);
        pressed.Headers.Location!.AbsolutePath.ShouldBe($"/mock-pay/{again.Id()}");
        await t.PressOnMockPageAsync(again.Id());
        await t.OrderWhenAsync(order, "fulfilled");

        // Paid: the page says so and offers nothing, and its button starts nothing.
        page = await browser.GetStringAsync(link);
        Assert.Contains("paid already", page);
        Assert.DoesNotContain("<form", page);
        (await browser.PostAsync(link.GetLeftPart(UriPartial.Path), new FormUrlEncodedContent(new Dictionary<string, string> { ["t"] = token })))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        Assert.Equal(3, (await t.ListAll($"/api/v1/payments?purpose=order:{order}")).Count);
        Assert.Single(await maildev.MessagesTo(to), IsNotPaid);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_checkout_left_open_until_it_lapses_emails_the_customer_while_the_order_is_open_and_not_after(Engine engine)
    {
        var maildev = await MailDevServer.Shared;
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 6, 10, 9, 0, 0, TimeSpan.Zero));
        await using var host = await PaydeskHost.StartAsync(engine, new HostOptions
        {
            SmtpPort = maildev.SmtpPort, Clock = clock,
            Settings = new Dictionary<string, string> { ["Orders:UnpaidExpiryMinutes"] = $"{3 * 24 * 60}" },
        });
        var shop = await Shop.OpenAsync(host);
        var t = shop.Tenant;
        var to = MailDevServer.NewRecipient("elena");
        var customer = await t.CreateCustomerAsync("Elena Popa", to);
        var open = (await t.PostOk("/api/v1/orders", new { customerId = customer, lines = new[] { new { planId = shop.Package } } })).Id();
        var (lapsed, _) = await t.CheckoutAsync(open);

        clock.Advance(MockProvider.CheckoutLifetime + TimeSpan.FromHours(1));
        (await t.PostOk($"/api/v1/payments/{lapsed}/reconcile", new { })).Str("status").ShouldBe("expired");

        var mail = Assert.Single(await Eventually.ReadsAsync(() => maildev.MessagesTo(to), ms => ms.Any(IsNotPaid), "the lapsed payment's email"), IsNotPaid);
        mail.Str("subject").ShouldBe("Payment not completed — 10 sessions");
        Assert.Contains("was not completed in time", mail.Str("text"));
        Assert.Contains("June 13, 2026", mail.Str("text"));
        using var browser = new HttpClient();
        Assert.Contains("Pay 1,500.00 RON", await browser.GetStringAsync(LinkIn(mail)));
        // The worker that sent it may not have recorded so yet; the clock jumps three days next, which
        // would make its run look abandoned (its lease long over) and have it run, and send, again.
        await host.SettleAsync();

        // Once the order itself has expired, a payment that lapses tells no one: there is nothing to pay.
        var gone = (await t.PostOk("/api/v1/orders", new { customerId = customer, lines = new[] { new { planId = shop.Package } } })).Id();
        var (late, _) = await t.CheckoutAsync(gone);
        clock.Advance(TimeSpan.FromDays(3) + TimeSpan.FromHours(1));
        // On a clock that only moves when told, the due expiry is run here rather than waited for.
        await host.RunDueJobsAsync();
        await t.OrderWhenAsync(gone, "expired");
        (await t.PostOk($"/api/v1/payments/{late}/reconcile", new { })).Str("status").ShouldBe("expired");
        Assert.Contains("expired", await browser.GetStringAsync(LinkIn(mail)));
        await host.SettleAsync();
        Assert.Single(await maildev.MessagesTo(to), IsNotPaid);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_declined_payment_of_an_order_named_at_length_is_recorded_and_emailed_with_its_subject_cut_between_characters(Engine engine)
    {
        var maildev = await MailDevServer.Shared;
        await using var host = await PaydeskHost.StartAsync(engine, new HostOptions { SmtpPort = maildev.SmtpPort });
        var t = await host.NewTenantAsync();
        var to = MailDevServer.NewRecipient("dana");
        var customer = await t.CreateCustomerAsync("Dana Ene", to);
        // Two plans whose names make the subject longer than an email subject is kept, with an
        // emoji (two UTF-16 units) exactly where the subject is cut.
        var first = (await t.PostOk("/api/v1/plans", new { name = new string('a', 200), price = new { amount = 100_00, currency = "RON" } })).Id();
        var second = (await t.PostOk("/api/v1/plans", new { name = new string('b', 77) + "\U0001F9D8" + new string('c', 20), price = new { amount = 100_00, currency = "RON" } })).Id();
        var order = (await t.PostOk("/api/v1/orders", new { customerId = customer, lines = new[] { new { planId = first }, new { planId = second } } })).Id();

        var (declined, _) = await t.CheckoutAsync(order);
        await t.PressOnMockPageAsync(declined, "decline");
        await t.PaymentWhenAsync(declined, "failed");

        var mail = Assert.Single(await Eventually.ReadsAsync(() => maildev.MessagesTo(to), ms => ms.Any(IsNotPaid), "the declined payment's email"), IsNotPaid);
        // Cut before the emoji, not through it: nothing unreadable is stored or sent.
        mail.Str("subject").ShouldBe($"Payment declined \u2014 {new string('a', 200)}, {new string('b', 77)}\u2026");
        Assert.Contains("\U0001F9D8", mail.Str("text"));
    }
}
