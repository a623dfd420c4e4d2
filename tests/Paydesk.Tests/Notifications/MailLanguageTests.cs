using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Paydesk.Tests.Notifications;

/// <summary>
/// A customer's email is in one language, theirs (Russian or Romanian by their locale, else
/// English): its words, and its money and dates, as a real SMTP server (maildev) received it.
/// </summary>
public sealed class MailLanguageTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset June10 = new(2026, 6, 10, 10, 0, 0, TimeSpan.Zero);

    /// <summary>Words of the English templates; none is in a message written in another language.</summary>
    private static readonly string[] English =
    [
        "Hello", "Thank you", "received", "What you bought", "Invoice", "each)", "included", "Active now", "until ", "use by",
        "(badge)", "will be shipped", "ready to print", "View and print", "month", "Your payment", "declined", "Nothing was charged",
        "stays open", "Pay ", "Refund of", "refunded", "No longer active", "of 10", "Credit note", "The money", "Shipped",
        "Carrier", "tracking number", "Follow", "It is going to",
    ];

    private static string Money(decimal amount, string locale) => $"{amount.ToString("N2", CultureInfo.GetCultureInfo(locale))} RON";

    /// <summary>The day in the culture's long form, as the culture spaces it ("10 июня 2026 г." has a narrow no-break space).</summary>
    private static string Date(int year, int month, int day, string locale) => new DateTime(year, month, day).ToString("D", CultureInfo.GetCultureInfo(locale));

    /// <summary>A host of its own on June 10, 2026, mailing through maildev; its shop; one customer with an email and a locale.</summary>
    private sealed class Scene(MailDevServer maildev, PaydeskHost host, Shop shop, string customer, string to) : IAsyncDisposable
    {
        public Shop Shop => shop;
        public TenantClient T => shop.Tenant;
        public string Customer => customer;

        public static async Task<Scene> OpenAsync(Engine engine, string name, string locale, object? address = null)
        {
            var maildev = await MailDevServer.Shared;
            var host = await PaydeskHost.StartAsync(engine, new HostOptions { Clock = new FakeTimeProvider(June10), SmtpPort = maildev.SmtpPort });
            var shop = await Shop.OpenAsync(host);
            var to = MailDevServer.NewRecipient(locale);
            var customer = (await shop.Tenant.PostOk("/api/v1/customers", new { name, email = to, locale, address })).Id();
            return new Scene(maildev, host, shop, customer, to);
        }

        /// <summary>The one message to the customer whose subject starts so, once it has arrived.</summary>
        public async Task<JsonElement> MailAsync(string subject, ITestOutputHelper output)
        {
            bool Wanted(JsonElement m) => m.Str("subject").StartsWith(subject, StringComparison.Ordinal);
            var mail = Assert.Single(await Eventually.ReadsAsync(() => maildev.MessagesTo(to), ms => ms.Any(Wanted), $"the email \"{subject}…\""), Wanted);
            output.WriteLine($"{mail.Str("subject")}\n\n{mail.Str("text")}\n{mail.Str("html")}");
            return mail;
        }

        public ValueTask DisposeAsync() => host.DisposeAsync();
    }

    /// <summary>A customer in <paramref name="locale"/> pays for sessions valid six months, a badge for six months and a program that ships two bands.</summary>
    private async Task<(JsonElement Mail, string Invoice)> ConfirmationTo(Engine engine, string name, string locale, string subject)
    {
        await using var scene = await Scene.OpenAsync(engine, name, locale);
        var (shop, t) = (scene.Shop, scene.T);
        var order = await t.PostOk("/api/v1/orders", new
        {
            customerId = scene.Customer,
            lines = new object[] { new { planId = shop.Package }, new { planId = shop.Badge, termMonths = 6 }, new { planId = shop.Hybrid } },
        });
        await t.PayAsync(order.Id());
        var mail = await scene.MailAsync(subject, output);
        return (mail, Assert.Single(await t.ListAll($"/api/v1/invoices?orderId={order.Id()}")).Str("number"));
    }

    private static void NoEnglishIn(JsonElement mail)
    {
        foreach (var part in new[] { "subject", "text", "html" })
            foreach (var word in English)
                Assert.False(mail.Str(part).Contains(word, StringComparison.Ordinal), $"the {part} says \"{word}\":\n{mail.Str(part)}");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_Romanian_customer_gets_the_payment_confirmation_all_in_Romanian(Engine engine)
    {
        var (mail, number) = await ConfirmationTo(engine, "Maria Pop", "ro-RO", "Plata a fost primită — ");

        mail.Str("subject").ShouldBe($"Plata a fost primită — {number}");
        var text = mail.Str("text");
        Assert.StartsWith("Bună ziua, Maria Pop,\n", text);
        Assert.Contains($"a primit plata dvs. de {Money(3_228, "ro-RO")}.", text);
        Assert.Contains($"Factura {number}, miercuri, 10 iunie 2026:", text);
        Assert.Contains($"  - Verified clinic — 6 luni: {Money(528, "ro-RO")}", text);
        Assert.Contains("  - 2 × Resistance band (inclus în Recovery): inclus", text);
        Assert.Contains($"  Total: {Money(3_228, "ro-RO")}", text);
        Assert.Contains("\nActiv acum:\n", text);
        Assert.Contains("Physiotherapy session: 10 ședințe, de folosit până la joi, 10 decembrie 2026", text);
        Assert.Contains("Verified clinic (insignă) până la joi, 10 decembrie 2026", text);
        Assert.Matches(@"Physiotherapy session: 6 ședințe\r?\n", text);
        Assert.Contains("2 × Resistance band (inclus în Recovery): urmează expedierea", text);
        Assert.Contains("Factura dvs., gata de tipărit:", text);
        var html = mail.Str("html");
        Assert.Contains("<html lang=\"ro-RO\">", html);
        Assert.Contains("<strong>Activ acum</strong>", html);
        Assert.Contains(">Vedeți și tipăriți factura</a>", html);
        NoEnglishIn(mail);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_Russian_customer_gets_the_payment_confirmation_all_in_Russian(Engine engine)
    {
        var (mail, number) = await ConfirmationTo(engine, "Ирина Петрова", "ru-RU", "Оплата получена — ");

        mail.Str("subject").ShouldBe($"Оплата получена — {number}");
        var text = mail.Str("text");
        Assert.StartsWith("Здравствуйте, Ирина Петрова!\n", text);
        Assert.Contains($"Ваш платёж на сумму {Money(3_228, "ru-RU")}", text);
        Assert.Contains($"Счёт {number}, {Date(2026, 6, 10, "ru-RU")}:", text);
        Assert.Contains($"  - Verified clinic — 6 месяцев: {Money(528, "ru-RU")}", text);
        Assert.Contains($"  Итого: {Money(3_228, "ru-RU")}", text);
        Assert.Contains("\nУже активно:\n", text);
        Assert.Contains($"Physiotherapy session: 10 сеансов, использовать до {Date(2026, 12, 10, "ru-RU")}", text);
        Assert.Contains($"Verified clinic (значок) до {Date(2026, 12, 10, "ru-RU")}", text);
        Assert.Matches(@"Physiotherapy session: 6 сеансов\r?\n", text);
        Assert.Contains("2 × Resistance band (входит в Recovery): ожидает отправки", text);
        var html = mail.Str("html");
        Assert.Contains("<html lang=\"ru-RU\">", html);
        Assert.Contains("<strong>Итого</strong>", html);
        Assert.Contains(">Открыть и распечатать счёт</a>", html);
        NoEnglishIn(mail);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_Russian_customer_whose_payment_is_declined_is_told_in_Russian(Engine engine)
    {
        await using var scene = await Scene.OpenAsync(engine, "Ирина Петрова", "ru-RU");
        var (shop, t) = (scene.Shop, scene.T);
        var order = (await t.PostOk("/api/v1/orders", new { customerId = scene.Customer, lines = new[] { new { planId = shop.Termed, termMonths = 3 } } })).Id();

        var (declined, _) = await t.CheckoutAsync(order);
        await t.PressOnMockPageAsync(declined, "decline");

        var mail = await scene.MailAsync("Платёж отклонён", output);
        mail.Str("subject").ShouldBe("Платёж отклонён — Telerehab — 3 месяца");
        var text = mail.Str("text");
        Assert.StartsWith("Здравствуйте, Ирина Петрова!\n", text);
        Assert.Contains($"Ваш платёж на сумму {Money(540, "ru-RU")}", text);
        Assert.Contains("за «Telerehab — 3 месяца» отклонён.", text);
        Assert.Contains("Деньги не списаны.", text);
        Assert.Contains($"Заказ остаётся открытым (срок — {Date(2026, 6, 11, "ru-RU")});", text);
        Assert.Contains($"/orders/{order}/pay?t=", text);
        var html = mail.Str("html");
        Assert.Contains("<html lang=\"ru-RU\">", html);
        Assert.Contains($">Оплатить {Money(540, "ru-RU")} ещё раз</a>", html);
        NoEnglishIn(mail);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_Romanian_customer_refunded_in_full_is_told_in_Romanian_what_ended_with_the_credit_note(Engine engine)
    {
        await using var scene = await Scene.OpenAsync(engine, "Ana Pop", "ro-RO");
        var (shop, t) = (scene.Shop, scene.T);
        var (orderId, paymentId) = await t.BuyAsync(scene.Customer, new { planId = shop.Package });
        var invoice = Assert.Single(await t.ListAll($"/api/v1/invoices?orderId={orderId}"));

        await t.PostOk($"/api/v1/payments/{paymentId}/refunds", new { });

        var mail = await scene.MailAsync("Rambursare de ", output);
        mail.Str("subject").ShouldBe($"Rambursare de {Money(1_500, "ro-RO")} — {invoice.Str("number")}");
        var text = mail.Str("text");
        Assert.StartsWith("Bună ziua, Ana Pop,\n", text);
        Assert.Contains($"v-a rambursat {Money(1_500, "ro-RO")} din plata dvs. pentru {invoice.Str("number")}.", text);
        Assert.Contains("Banii se întorc pe aceeași cale pe care ați plătit", text);
        Assert.Contains("\nNu mai este activ:\n  - Physiotherapy session: 10 din 10 ședințe\n", text);
        var note = Assert.Single(await t.ListAll($"/api/v1/credit-notes?invoiceId={invoice.Id()}")).Str("number");
        Assert.Contains($"Nota de credit {note}, gata de tipărit:", text);
        var html = mail.Str("html");
        Assert.Contains("<html lang=\"ro-RO\">", html);
        Assert.Contains($">Vedeți și tipăriți nota de credit {note}</a>", html);
        NoEnglishIn(mail);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_Romanian_customer_is_told_in_Romanian_that_their_parcel_is_on_its_way(Engine engine)
    {
        var address = new { line1 = "Str. Lalelelor 5", city = "Cluj-Napoca", postalCode = "400000", country = "RO" };
        await using var scene = await Scene.OpenAsync(engine, "Maria Pop", "ro-RO", address);
        var (shop, t) = (scene.Shop, scene.T);
        var (orderId, _) = await t.BuyAsync(scene.Customer, new { productId = shop.Band, quantity = 2 });
        var shipment = Assert.Single(await t.ListAll($"/api/v1/shipments?orderId={orderId}"));

        await t.PostOk($"/api/v1/shipments/{shipment.Id()}/ship", new { carrier = "Fan Courier", trackingNumber = "FC123456", trackingUrl = "https://track.example/FC123456" });

        var mail = await scene.MailAsync("Expediere: ", output);
        Assert.StartsWith("Expediere: 2 × Resistance band — INV-", mail.Str("subject"));
        var text = mail.Str("text");
        Assert.StartsWith("Bună ziua, Maria Pop,\n", text);
        Assert.Contains("v-a expediat 2 × Resistance band din INV-", text);
        Assert.Contains("Curier: Fan Courier, număr de urmărire FC123456", text);
        Assert.Contains("Urmăriți coletul aici: https://track.example/FC123456", text);
        Assert.Contains("\nAdresa de livrare:\n", text);
        Assert.Contains("  Str. Lalelelor 5\n  400000 Cluj-Napoca\n", text);
        Assert.Contains(">Urmăriți coletul</a>", mail.Str("html"));
        NoEnglishIn(mail);
    }
}
