using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Paydesk.Notifications.Outbox;
using Xunit.Abstractions;

namespace Paydesk.Tests.Notifications;

/// <summary>
/// The payment confirmation, from paying on the Mock page to the message a real SMTP server
/// (maildev) received, through the outbox and its delivery job.
/// </summary>
public sealed partial class PaymentConfirmationTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset June10 = new(2026, 6, 10, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Arrival = TimeSpan.FromSeconds(10);

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Paying_an_order_emails_one_confirmation_with_the_invoice_what_is_active_and_a_link_that_opens(Engine engine)
    {
        var maildev = await MailDevServer.Shared;
        var clock = new FakeTimeProvider(June10);
        await using var host = await PaydeskHost.StartAsync(engine, new HostOptions { Clock = clock, SmtpPort = maildev.SmtpPort });
        var shop = await Shop.OpenAsync(host);
        var t = shop.Tenant;
        var to = MailDevServer.NewRecipient("maria");
        var customer = await t.CreateCustomerAsync("Maria Pop", to);

        // Sessions with a use-by date, a badge for six months, and a program that ships two bands.
        var order = await t.PostOk("/api/v1/orders", new
        {
            customerId = customer,
            lines = new object[] { new { planId = shop.Package }, new { planId = shop.Badge, termMonths = 6 }, new { planId = shop.Hybrid } },
        });
        await t.PayAsync(order.Id());

        var message = Assert.Single(await OutboxOf(host, t));
        message.EventKey.ShouldBe($"order-fulfilled:{order.Id()}");
        message.Recipient.ShouldBe(to);
        // Its job was queued with it and sent it at once: the clock has not moved.
        var job = Assert.Single(await host.JobsOfAsync(t.TenantId), j => j.Kind == OutboxDelivery.JobKind);
        job.Payload.ShouldBe(message.Id);
        await Eventually(async () => (await OutboxOf(host, t))[0], m => m.Status == OutboxStatus.Sent);

        var mail = await maildev.WaitForMessageTo(to, Arrival);
        var invoice = Assert.Single(await t.ListAll($"/api/v1/invoices?orderId={order.Id()}"));
        var number = invoice.Str("number");
        mail.Str("subject").ShouldBe($"Payment received — {number}");
        mail.GetProperty("headers").Str("message-id").ShouldBe($"<{message.Id}@paydesk>");
        var text = mail.Str("text");
        output.WriteLine($"{mail.Str("subject")}\n\n{text}");
        Assert.Contains("Hello Maria Pop,", text);
        Assert.Contains($"Invoice {number}, Wednesday, June 10, 2026", text);
        foreach (var line in (await t.GetOk($"/api/v1/orders/{order.Id()}")).GetProperty("lines").EnumerateArray())
            Assert.Contains(line.Str("description"), text);
        Assert.Contains("Total: 3,228.00 RON", text);
        // Dates on the customer's calendar (Europe/Bucharest) and in their language (en).
        Assert.Contains("Physiotherapy session: 10 sessions, use by Thursday, December 10, 2026", text);
        Assert.Contains("Verified clinic (badge) until Thursday, December 10, 2026", text);
        Assert.Matches(@"Physiotherapy session: 6 sessions\r?\n", text);
        Assert.Contains("2 × Resistance band (included with Recovery): will be shipped", text);
        Assert.Contains($"Invoice {number}", mail.Str("html"));
        Assert.Contains("until Thursday, December 10, 2026", mail.Str("html"));

        // The link in the mail is absolute and opens without a key; with another token it is not there.
        var link = new Uri(InvoiceLink().Match(text).Value);
        Assert.Equal(host.BaseAddress.Authority, link.Authority);
        Assert.Contains(link.AbsoluteUri, mail.Str("html"));
        link.GetLeftPart(UriPartial.Path).ShouldBe(new Uri(invoice.Str("htmlUrl")).GetLeftPart(UriPartial.Path));
        using var browser = new HttpClient();
        var page = await browser.GetAsync(link);
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        Assert.Contains(number, await page.Content.ReadAsStringAsync());
        (await browser.GetAsync(WithTokenChanged(link))).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        var delivered = Assert.Single(await OutboxOf(host, t));
        delivered.Status.ShouldBe(OutboxStatus.Sent);
        delivered.SentAt.ShouldBe(June10);
        delivered.Attempts.ShouldBe(1);

        // Fulfilling again by hand changes nothing: no second message is owed, none is sent.
        (await t.PostOk($"/api/v1/orders/{order.Id()}/fulfil", new { })).Str("status").ShouldBe("fulfilled");
        Assert.Single(await OutboxOf(host, t));
        await host.RunDueJobsAsync();
        Assert.Single(await maildev.MessagesTo(to));

        // The log tells which message went where by domain, never the mailbox.
        Assert.Contains(host.Logs.Lines, l => l.Contains(message.Id) && l.Contains("Outcome=sent") && l.Contains("RecipientDomain=paydesk.test"));
        Assert.DoesNotContain(host.Logs.Lines, l => l.Contains(to, StringComparison.OrdinalIgnoreCase));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_server_that_is_down_is_tried_again_after_the_backoff_and_then_gets_the_message(Engine engine)
    {
        var maildev = await MailDevServer.Shared;
        var clock = new FakeTimeProvider(June10);
        await using var smtp = new LatePort();
        await using var host = await PaydeskHost.StartAsync(engine, new HostOptions { Clock = clock, SmtpPort = smtp.Port });
        var shop = await Shop.OpenAsync(host);
        var to = MailDevServer.NewRecipient("retry");
        var customer = await shop.Tenant.CreateCustomerAsync("Ion Popescu", to);
        var order = await shop.Tenant.PostOk("/api/v1/orders", new { customerId = customer, lines = new[] { new { planId = shop.Package } } });
        await shop.Tenant.PayAsync(order.Id());

        // Nothing listens: a transient failure, retried a minute later.
        var waiting = await Eventually(async () => Assert.Single(await OutboxOf(host, shop.Tenant)), m => m.Attempts == 1);
        await host.RunDueJobsAsync();
        waiting = Assert.Single(await OutboxOf(host, shop.Tenant));
        waiting.Status.ShouldBe(OutboxStatus.Pending);
        waiting.Attempts.ShouldBe(1);
        waiting.NextAttemptAt.ShouldBe(June10 + OutboxDelivery.RetryAfter[0]);
        Assert.Contains("could not be reached", waiting.LastError);
        Assert.Contains("paydesk.test", waiting.LastError);
        Assert.DoesNotContain(to, waiting.LastError);
        clock.Advance(OutboxDelivery.RetryAfter[0] - TimeSpan.FromSeconds(1));
        await host.RunDueJobsAsync();
        (await OutboxOf(host, shop.Tenant))[0].Attempts.ShouldBe(1);

        // The server is back and the minute has passed. The workers look again when the clock
        // moves, so either they or this test's run sends it: once.
        smtp.ForwardTo(maildev.SmtpPort);
        clock.Advance(TimeSpan.FromSeconds(1));
        await host.RunDueJobsAsync();
        var sent = await Eventually(async () => (await OutboxOf(host, shop.Tenant))[0], m => m.Status == OutboxStatus.Sent);
        sent.Attempts.ShouldBe(2);
        sent.SentAt.ShouldBe(June10 + OutboxDelivery.RetryAfter[0]);
        var mail = await maildev.WaitForMessageTo(to, Arrival);
        Assert.StartsWith("Payment received — INV-", mail.Str("subject"));
        await host.RunDueJobsAsync();
        Assert.Single(await maildev.MessagesTo(to));
        Assert.Contains(host.Logs.Lines, l => l.Contains("Outcome=retrying") && l.Contains("RecipientDomain=paydesk.test"));
        Assert.DoesNotContain(host.Logs.Lines, l => l.Contains(to, StringComparison.OrdinalIgnoreCase));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_message_the_server_refuses_fails_at_once_and_is_not_retried(Engine engine)
    {
        var maildev = await MailDevServer.Shared;
        var clock = new FakeTimeProvider(June10);
        await using var host = await PaydeskHost.StartAsync(engine, new HostOptions { Clock = clock, SmtpPort = maildev.SmtpPort });
        var t = await host.NewTenantAsync();
        var to = MailDevServer.NewRecipient("big");
        var outbox = host.Services.GetRequiredService<Outbox>();
        await host.InTenantAsync(t.TenantId, async db =>
        {
            (await outbox.EnqueueAsync(db, "test:too-large", to, null, "Too large", new string('x', MailDevServer.MaxMessageBytes + 1024), null, CancellationToken.None))
                .ShouldBe(true);
            return await db.SaveChangesAsync();
        });
        var failed = await Eventually(async () => Assert.Single(await OutboxOf(host, t)), m => m.Status != OutboxStatus.Pending);
        failed.Status.ShouldBe(OutboxStatus.Failed);
        failed.Attempts.ShouldBe(1);
        failed.NextAttemptAt.ShouldBe(null);
        Assert.Contains("552", failed.LastError);
        // Its job is dead at once, listed for a person (the worker marks it so just after the message).
        var dead = Assert.Single(await Eventually(async () => (await t.GetOk("/api/v1/jobs?state=dead")).Items().ToList(), jobs => jobs.Count > 0));
        dead.Str("kind").ShouldBe(OutboxDelivery.JobKind);
        Assert.Contains("552", dead.Str("lastError"));
        clock.Advance(TimeSpan.FromDays(2));
        await host.RunDueJobsAsync();
        Assert.Single(await OutboxOf(host, t), m => m.Attempts == 1);
        Assert.Empty(await maildev.MessagesTo(to));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_customer_without_an_email_is_owed_no_message(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await Shop.OpenAsync(host);
        var customer = await shop.Tenant.CreateCustomerAsync("Walk-in patient", email: null);
        var order = await shop.Tenant.PostOk("/api/v1/orders", new { customerId = customer, lines = new[] { new { planId = shop.Package } } });

        await shop.Tenant.PayAsync(order.Id());

        Assert.Empty(await OutboxOf(host, shop.Tenant));
        Assert.Single(await shop.Tenant.ListAll($"/api/v1/entitlements?orderId={order.Id()}"));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_same_event_to_the_same_recipient_is_enqueued_once(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var t = await host.NewTenantAsync();
        var outbox = host.Services.GetRequiredService<Outbox>();
        var to = MailDevServer.NewRecipient();
        Task<bool> Enqueue(Paydesk.Storage.PaydeskDb db, string eventKey, string recipient) =>
            outbox.EnqueueAsync(db, eventKey, recipient, "Maria", "Subject", "Text", null, CancellationToken.None);

        var added = await host.InTenantAsync(t.TenantId, async db =>
        {
            // In one transaction: the second is seen among the rows added but not yet saved.
            var results = new[] { await Enqueue(db, "test:one", to), await Enqueue(db, "test:one", to), await Enqueue(db, "test:one", " " + to + " ") };
            await db.SaveChangesAsync();
            return results;
        });
        Assert.Equal([true, false, false], added);
        // In a later one: seen in the database. Another event, or another recipient, is another message.
        (await host.InTenantAsync(t.TenantId, db => Enqueue(db, "test:one", to))).ShouldBe(false);
        var other = await host.InTenantAsync(t.TenantId, async db =>
        {
            var results = new[] { await Enqueue(db, "test:two", to), await Enqueue(db, "test:one", MailDevServer.NewRecipient()) };
            await db.SaveChangesAsync();
            return results;
        });
        Assert.Equal([true, true], other);
        var messages = await OutboxOf(host, t);
        Assert.Equal(3, messages.Count);
        Assert.All(messages, m => m.Channel.ShouldBe("email"));
        // Each with the one job that sends it.
        var sends = (await host.JobsOfAsync(t.TenantId)).Where(j => j.Kind == OutboxDelivery.JobKind).Select(j => j.Payload).Order();
        Assert.Equal(messages.Select(m => m.Id).Order(), sends);
    }

    private static Task<List<OutboxMessage>> OutboxOf(PaydeskHost host, TenantClient t) =>
        host.InTenantAsync(t.TenantId, db => db.OutboxMessages.AsNoTracking().OrderBy(m => m.Id).ToListAsync());

    /// <summary>The link with one character of its token changed.</summary>
    internal static Uri WithTokenChanged(Uri link)
    {
        var query = link.Query;
        var start = query.IndexOf("t=", StringComparison.Ordinal) + 2;
        var at = start + (query.Length - start) / 2;
        var changed = query[at] == 'A' ? 'B' : 'A';
        return new UriBuilder(link) { Query = query[1..at] + changed + query[(at + 1)..] }.Uri;
    }

    private static async Task<T> Eventually<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        for (var attempt = 0; ; attempt++)
        {
            var value = await read();
            if (done(value)) return value;
            if (attempt == 200) throw new Xunit.Sdk.XunitException($"never became what was expected: {value}");
            await Task.Delay(50);
        }
    }

    [GeneratedRegex(@"https?://\S+/invoices/\S+")]
    private static partial Regex InvoiceLink();
}
